"""Completing and correcting a person's identity by hand (records.person_edit), on SQLite and
PostgreSQL: a personal ID no decision printed fills the file and its completeness finding goes;
bad values, fields that only decisions change and an ID another file holds are refused with what
to type; every edit is audited with old and new values; only officers of the file's unit (or
above) may edit. Then the same through `sohoa person-edit`, the person page's form and the API."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient

from records import Actor, InvalidRequest, NotFound, NotPermitted, StoreConfig, department_admin, open_store
from tests.web_support import form_token, login, make_app

D = dt.date
ADMIN = department_admin("so-noi-vu")
SYT = Actor("syt", "DN.SYT", "admin")
STC = Actor("stc", "DN.STC", "admin")
TCCB = "Phòng Tổ chức cán bộ, Sở Y tế"
PID = "001093001234"


@pytest.fixture
def store(store_url):
    s = open_store(store_url, StoreConfig(clock=lambda: dt.datetime(2025, 6, 2, 9, 0)))
    yield s
    s.close()


def _recruit(build, name="Phan Thị Lan", number="31/QĐ-SYT", pid=None, sha=None):
    """A recruitment into the Department of Health that prints no personal ID (unless `pid`)."""
    event = build.event("recruitment", name, D(2025, 3, 1), birth=D(1993, 8, 1), pid=pid,
                        to=(TCCB, "Chuyên viên"), salary=("01.003", 1, 2.34))
    return build.decision(number, D(2025, 2, 24), [event], sha=sha)


def _new_file(store, build, actor=SYT, **more) -> int:
    update = store.apply(_recruit(build, **more), actor)
    assert update.events[0].status == "applied", update
    return update.events[0].person_id


def _codes(store, person_id, actor=SYT) -> set[str]:
    return {p.code for p in store.completeness(person_id, actor).problems}


def test_filling_a_missing_personal_id_clears_the_finding_and_is_audited(store, build):
    person_id = _new_file(store, build)
    assert "NO-PERSONAL-ID" in _codes(store, person_id)
    edit = store.update_person(person_id, SYT, {"personal_id": "0010 9300 1234"}, note="đối chiếu CCCD bản gốc")
    assert (edit.before, edit.after) == ({"personal_id": None}, {"personal_id": PID})
    assert "NO-PERSONAL-ID" not in _codes(store, person_id)
    assert store.person_file(person_id, SYT)["personal_id"] == PID
    assert [p.id for p in store.find_people(PID, SYT)] == [person_id]
    assert all(c.person_id != person_id for _, c in store.incomplete_files(SYT)
               if "NO-PERSONAL-ID" in {p.code for p in c.problems})
    [entry] = [a for a in store.audit_trail(ADMIN, person_id=person_id) if a["action"] == "edit_person"]
    assert entry["user"] == "syt" and entry["unit"] == "DN.SYT" and entry["at"].startswith("2025-06-02")
    assert entry["before"] == {"fields": {"personal_id": None}}
    assert entry["after"] == {"fields": {"personal_id": PID}, "note": "đối chiếu CCCD bản gốc"}
    # A decision that later prints the number finds the file by it.
    again = store.apply(_recruit(build, number="40/QĐ-SYT", pid=PID), SYT)
    assert again.events[0].person_id == person_id


def test_identity_fields_are_typed_and_a_new_name_is_found(store, build):
    person_id = _new_file(store, build)
    edit = store.update_person(person_id, SYT, {"name": "Phan  Thị Hà", "birth_date": "18/03/1993", "sex": "Nữ",
                                                "hometown": "Biên Hoà, Đồng Nai", "ethnicity": "Kinh"})
    assert edit.after == {"name": "Phan Thị Hà", "birth_date": "1993-03-18", "sex": "female",
                          "hometown": "Biên Hoà, Đồng Nai", "ethnicity": "Kinh"}
    assert edit.before["birth_date"] == "1993-08-01" and edit.before["name"] == "Phan Thị Lan"
    file = store.person_file(person_id, SYT)
    assert (file["name"], file["birth_date"], file["sex"]) == ("Phan Thị Hà", "1993-03-18", "female")
    # The folded name key follows the name: found by the new name, tone marks or not; not by the old.
    assert [p.id for p in store.find_people("phan thi ha", SYT)] == [person_id]
    assert store.find_people("Phan Thị Lan", SYT) == []
    # ISO dates too; an empty optional field is cleared.
    edit = store.update_person(person_id, SYT, {"birth_date": "1993-03-19", "ethnicity": ""})
    assert edit.after == {"birth_date": "1993-03-19", "ethnicity": None}


def test_bad_edits_are_refused_with_what_to_type(store, build):
    person_id = _new_file(store, build)
    other = _new_file(store, build, name="Lê Văn Hùng", number="32/QĐ-SYT", pid=PID)
    for fields, words in (({"personal_id": "12345"}, "12 chữ số"), ({"personal_id": "00109300123A"}, "12 chữ số"),
                          ({"birth_date": "31/02/1993"}, "Ngày '31/02/1993' không hợp lệ"),
                          ({"birth_date": "01/01/2030"}, "Ngày sinh"), ({"sex": "khác"}, "Giới tính"),
                          ({"name": "  "}, "họ và tên"), ({"name": "Phan Lan 2"}, "chữ số"),
                          ({"place_of_birth": "Huế"}, "Không sửa được trường 'place_of_birth'"),
                          ({"salary.step": "3"}, "theo quyết định"), ({"unit_code": "DN.STC"}, "Không sửa được"),
                          ({"social_insurance_number": "7912345678"}, "bảo hiểm xã hội"),
                          ({"birth_date": "01/08/1993"}, "Không có trường nào thay đổi"),
                          ({"personal_id": PID}, f"đã thuộc hồ sơ số {other} (Lê Văn Hùng)")):
        with pytest.raises(InvalidRequest, match=re.escape(words)):
            store.update_person(person_id, SYT, fields)
    # A refusal changes nothing, not even the fields before the bad one.
    with pytest.raises(InvalidRequest):
        store.update_person(person_id, SYT, {"hometown": "Huế", "personal_id": "1"})
    file = store.person_file(person_id, SYT)
    assert (file["personal_id"], file["hometown"]) == (None, None)
    assert not [a for a in store.audit_trail(ADMIN) if a["action"] == "edit_person"]


def test_only_officers_of_the_files_unit_may_edit(store, build):
    person_id = _new_file(store, build)
    with pytest.raises(NotFound):
        store.update_person(person_id, STC, {"personal_id": PID})  # another department's file
    with pytest.raises(NotFound):
        store.update_person(999999, SYT, {"personal_id": PID})
    for role in ("clerk", "viewer"):
        with pytest.raises(NotPermitted):
            store.update_person(person_id, Actor("vt", "DN.SYT", role), {"personal_id": PID})
    assert store.update_person(person_id, ADMIN, {"personal_id": PID}).after == {"personal_id": PID}  # the Department
    assert store.person_file(person_id, SYT)["personal_id"] == PID


# ------------------------------------------------------------------ the CLI
def test_cli_person_edit(tmp_path, build):
    from click.testing import CliRunner

    from app.cli import cli
    from flows.stores import open_records

    store = open_records(tmp_path, None)
    try:
        person_id = _new_file(store, build, actor=department_admin())
    finally:
        store.close()
    run = lambda *args: CliRunner().invoke(cli, list(args), env={"SOHOA_HOME": str(tmp_path)})  # noqa: E731
    bad = run("person-edit", str(person_id), "--set", "personal_id=12345")
    assert bad.exit_code == 2 and "12 chữ số" in bad.output
    assert run("person-edit", str(person_id), "--set", "salary.step=3").exit_code == 2
    assert run("person-edit", str(person_id), "--set", "personal_id").exit_code == 2  # not FIELD=VALUE
    assert run("person-edit", "999999", "--set", f"personal_id={PID}").exit_code == 1  # RECORDS-NOT-FOUND
    done = run("person-edit", str(person_id), "--set", f"personal_id={PID}", "--set", "birth_date=18/03/1993",
               "--note", "CCCD bản gốc", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"person_id": person_id, "before": {"personal_id": None, "birth_date": "1993-08-01"},
                                       "after": {"personal_id": PID, "birth_date": "1993-03-18"}, "note": "CCCD bản gốc"}
    text = run("person-edit", str(person_id), "--set", "sex=Nữ")
    assert text.exit_code == 0 and f"Hồ sơ #{person_id}: sex — → female" in text.stdout
    # `sohoa person QUERY` still looks files up, now by the number filled in by hand.
    shown = run("person", PID, "--json")
    assert shown.exit_code == 0, shown.output
    file = json.loads(shown.stdout)
    assert (file["id"], file["birth_date"], file["sex"]) == (person_id, "1993-03-18", "female")
    assert "NO-PERSONAL-ID" not in {p["code"] for p in file["completeness"]["problems"]}
    audit = run("audit", "--person", str(person_id), "--json")
    actions = [json.loads(line) for line in audit.stdout.splitlines()]
    assert [a["user"] for a in actions if a["action"] == "edit_person"] == ["sohoa-cli", "sohoa-cli"]


# ------------------------------------------------------------------ the web app
@pytest.fixture(scope="module")
def web(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("web-person-edit"),
                   {"syt": ("DN.SYT", "officer"), "vt": ("DN.SYT", "clerk"), "stc": ("DN.STC", "officer")})
    yield app
    app.state.web.close()


def test_person_page_form_fills_the_id_and_shows_errors_beside_it(web, build):
    person_id = _new_file(web.state.web.records, build, actor=department_admin(), number="50/QĐ-SYT", sha="a" * 64)
    syt, vt, stc = login(web, "syt"), login(web, "vt"), login(web, "stc")
    page = syt.get(f"/people/{person_id}").text
    assert f'action="/people/{person_id}/edit"' in page and 'name="f.personal_id"' in page
    assert "Thiếu số định danh cá nhân" in page
    assert f'action="/people/{person_id}/edit"' not in vt.get(f"/people/{person_id}").text  # clerks: no form
    token = form_token(page)
    form = {"f.personal_id": "", "f.name": "Phan Thị Lan", "f.birth_date": "1993-08-01", "f.sex": "",
            "f.hometown": "", "f.ethnicity": "", "csrf_token": token}
    wrong = syt.post(f"/people/{person_id}/edit", data={**form, "f.personal_id": "0010930012", "note": "CCCD"})
    assert wrong.status_code == 400 and "12 chữ số" in wrong.text and 'value="0010930012"' in wrong.text
    assert 'value="CCCD"' in wrong.text
    same = syt.post(f"/people/{person_id}/edit", data=form)
    assert same.status_code == 400 and "Không có trường nào thay đổi" in same.text
    # Another unit's file is the generic 404, a clerk is refused, a post without the token too.
    outside = stc.post(f"/people/{person_id}/edit", data={**form, "f.personal_id": PID, "csrf_token": form_token(
        stc.get("/").text)})
    absent = stc.post("/people/999999/edit", data={**form, "f.personal_id": PID, "csrf_token": form_token(
        stc.get("/").text)})
    assert outside.status_code == absent.status_code == 404 and outside.text == absent.text
    clerk = vt.post(f"/people/{person_id}/edit", data={**form, "f.personal_id": PID,
                                                       "csrf_token": form_token(vt.get("/").text)})
    assert clerk.status_code == 403
    assert TestClient(web, cookies=syt.cookies).post(f"/people/{person_id}/edit",
                                                     data={k: v for k, v in form.items() if k != "csrf_token"}
                                                     ).status_code == 403
    ok = syt.post(f"/people/{person_id}/edit", data={**form, "f.personal_id": PID, "f.sex": "female"},
                  follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/people/{person_id}?done=edit"
    shown = syt.get(ok.headers["location"]).text
    assert "Đã cập nhật thông tin nhân thân" in shown and PID in shown and "Thiếu số định danh cá nhân" not in shown
    [entry] = [a for a in web.state.web.records.audit_trail(department_admin(), person_id=person_id)
               if a["action"] == "edit_person"]
    assert entry["user"] == "syt" and entry["after"]["fields"] == {"personal_id": PID, "sex": "female"}


def test_api_edit_person_is_scoped_and_audited(web, build):
    person_id = _new_file(web.state.web.records, build, actor=department_admin(), name="Trần Văn Bình",
                          number="51/QĐ-SYT", sha="b" * 64)
    syt, vt, stc = login(web, "syt"), login(web, "vt"), login(web, "stc")
    body = {"fields": {"personal_id": "079093004321"}, "note": "theo CCCD"}
    outside = stc.post(f"/api/people/{person_id}", json=body)
    absent = stc.post("/api/people/999999", json=body)
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    assert vt.post(f"/api/people/{person_id}", json=body).status_code == 403
    bad = syt.post(f"/api/people/{person_id}", json={"fields": {"salary.coefficient": "4,98"}})
    assert bad.status_code == 400 and bad.json()["code"] == "RECORDS-INVALID" and "theo quyết định" in bad.json()["detail"]
    done = syt.post(f"/api/people/{person_id}", json=body)
    assert done.status_code == 200, done.text
    assert done.json() == {"person_id": person_id, "before": {"personal_id": None},
                           "after": {"personal_id": "079093004321"}, "note": "theo CCCD"}
    assert syt.get(f"/api/people/{person_id}").json()["personal_id"] == "079093004321"
    trail = syt.get("/api/audit", params={"person_id": person_id}).json()["entries"]
    assert any(a["action"] == "edit_person" and a["after"]["note"] == "theo CCCD" for a in trail)
