"""Correcting an event in the review queue (issue 8 §5), on SQLite and PostgreSQL: the reviewer's
fields are audited (old and new values, who, when), then applied through the normal apply path,
and nothing applies twice — not the same file again, not a cleaner scan that reads the corrected
values, not a correction that equals an event already in the records. Then the same through the
REST API and the review page's form, with the scope rule (another unit's item is a 404)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from records import Actor, InvalidRequest, NotFound, NotPermitted, StoreConfig, department_admin, open_store
from tests.web_support import form_token, login, make_app

D = dt.date
ADMIN = department_admin("so-noi-vu")
SYT = Actor("syt", "DN.SYT", "admin")
STC = Actor("stc", "DN.STC", "admin")
TCCB = "Phòng Tổ chức cán bộ, Sở Y tế"


@pytest.fixture
def store(store_url):
    s = open_store(store_url, StoreConfig(clock=lambda: dt.datetime(2025, 6, 2, 9, 0)))
    yield s
    s.close()


def _misread(build, sha=None, number="31/QĐ-SYT", **more):
    """A decision whose document has an error finding: its event waits, as OCR'd it (wrong step,
    wrong birth date)."""
    event = build.event("recruitment", "Phan Thị Lan", D(2025, 3, 1), birth=D(1993, 8, 1),
                        to=(TCCB, "Chuyên viên"), salary=("01.003", 3, 2.67), **more)
    return build.decision(number, D(2025, 2, 24), [event], errors=("FORMAT-NUMBER",), sha=sha)


FIX = {"person.birth_date": "18/03/1993", "salary.step": "1", "salary.coefficient": "2,34"}


def test_a_correction_is_audited_then_applied_once(store, build):
    held = store.apply(_misread(build), SYT)
    assert held.events[0].status == "needs_review"
    [item] = store.review_items(SYT)
    assert item.fields["salary.step"] == 3 and item.fields["person.birth_date"] == "1993-08-01"
    [waiting] = store.document_events(held.sha256, SYT)
    assert (waiting.status, waiting.review_id, waiting.message) == ("needs_review", item.id, item.message)
    with pytest.raises(NotFound):
        store.document_events(held.sha256, STC)  # another unit's document
    result = store.correct(item.id, SYT, FIX, note="đối chiếu bản giấy")
    assert result.status == "applied"
    # The document's page shows the correction where the misread event was: one event, applied.
    [now] = store.document_events(held.sha256, SYT)
    assert (now.index, now.status, now.event_id, now.person_id) == (0, "applied", result.event_id, result.person_id)
    person = store.person_file(result.person_id, SYT)
    assert person["birth_date"] == "1993-03-18"
    [salary] = [e for e in person["timeline"] if e["kind"] == "salary"]
    assert (salary["salary"]["step"], salary["salary"]["coefficient"]) == (1, 2.34)
    trail = store.audit_trail(ADMIN, sha256=held.sha256)
    [entry] = [a for a in trail if a["action"] == "correct_review"]
    assert entry["user"] == "syt" and entry["at"].startswith("2025-06-02")
    assert entry["before"]["fields"] == {"person.birth_date": "1993-08-01", "salary.step": 3, "salary.coefficient": 2.67}
    assert entry["after"] == {"fields": {"person.birth_date": "1993-03-18", "salary.step": 1, "salary.coefficient": 2.34},
                              "note": "đối chiếu bản giấy"}
    assert [a["action"] for a in trail].count("apply") == 1
    assert store.review_items(SYT) == [] and store.review_items(SYT, "corrected")[0].id == item.id
    with pytest.raises(InvalidRequest):
        store.correct(item.id, SYT, FIX)  # settled already

    # The same file again, and a cleaner scan that reads the corrected values: both known.
    assert store.apply(_misread(build), SYT).events[0].status == "unchanged"
    clean = build.event("recruitment", "Phan Thị Lan", D(2025, 3, 1), birth=D(1993, 3, 18),
                        to=(TCCB, "Chuyên viên"), salary=("01.003", 1, 2.34))
    rescan = store.apply(build.decision("31/QĐ-SYT", D(2025, 2, 24), [clean], sha="e" * 64), SYT)
    assert rescan.events[0].status == "unchanged"
    again = store.person_file(result.person_id, SYT)
    assert len([e for e in again["timeline"] if e["kind"] == "salary"]) == 1
    assert [a["action"] for a in store.audit_trail(ADMIN, person_id=result.person_id)].count("apply") == 1


def test_a_correction_equal_to_a_known_event_applies_nothing(store, build):
    clean = build.event("recruitment", "Phan Thị Lan", D(2025, 3, 1), birth=D(1993, 3, 18),
                        to=(TCCB, "Chuyên viên"), salary=("01.003", 1, 2.34))
    first = store.apply(build.decision("31/QĐ-SYT", D(2025, 2, 24), [clean], sha="e" * 64), SYT)
    assert first.applied == 1
    store.apply(_misread(build, sha="d" * 64), SYT)  # a worse scan of the same decision, held
    [item] = store.review_items(SYT)
    result = store.correct(item.id, SYT, FIX)
    assert (result.status, result.event_id, result.person_id) == ("unchanged", first.events[0].event_id,
                                                                  first.events[0].person_id)
    person = store.person_file(result.person_id, SYT)
    assert len([e for e in person["timeline"] if e["kind"] == "salary"]) == 1


def test_bad_corrections_are_refused_with_what_to_type(store, build):
    store.apply(_misread(build), SYT)
    [item] = store.review_items(SYT)
    for fields, words in (({"salary.step": "bốn"}, "Bậc lương"), ({"person.birth_date": "31/02/1993"}, "Ngày"),
                          ({"type": "promotion"}, "Loại sự kiện"), ({"person.name": "  "}, "họ tên"),
                          ({"person.id": "1"}, "Không sửa được"), ({"salary.step": "3"}, "Không có trường")):
        with pytest.raises(InvalidRequest, match=words):
            store.correct(item.id, SYT, fields)
    with pytest.raises(NotFound):
        store.correct(item.id, STC, FIX)  # another department's item does not exist for it
    with pytest.raises(NotPermitted):
        store.correct(item.id, Actor("vt", "DN.SYT", "clerk"), FIX)
    assert store.review_items(SYT)[0].id == item.id  # nothing changed


def test_correcting_the_destination_can_turn_it_into_a_transfer(store, build):
    store.apply(_misread(build), SYT)
    [item] = store.review_items(SYT)
    moved = store.correct(item.id, SYT, {**FIX, "to.unit": "Phòng Quản lý ngân sách, Sở Tài chính"})
    assert moved.status == "pending_transfer"  # a file landing in another department: the parent decides
    [transfer] = store.review_items(ADMIN)
    assert transfer.kind == "transfer" and transfer.fields["to.unit"].startswith("Phòng Quản lý ngân sách")
    with pytest.raises(InvalidRequest, match="Chỉ sửa được"):
        store.correct(transfer.id, ADMIN, {"to.position": "Chuyên viên chính"})


# ------------------------------------------------------------------ through the web app
@pytest.fixture(scope="module")
def web(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("web-review"),
                   {"syt": ("DN.SYT", "officer"), "vt": ("DN.SYT", "clerk"), "stc": ("DN.STC", "officer")})
    yield app
    app.state.web.close()


def test_api_correct_is_scoped_and_audited(web, build):
    records = web.state.web.records
    records.apply(_misread(build, sha="a" * 64), department_admin())
    syt, stc, vt = login(web, "syt"), login(web, "stc"), login(web, "vt")
    [item] = [i for i in syt.get("/api/review").json()["items"] if i["sha256"] == "a" * 64]
    assert item["fields"]["salary.step"] == 3
    outside = stc.post(f"/api/review/{item['id']}/correct", json={"fields": FIX})
    absent = stc.post("/api/review/999999/correct", json={"fields": FIX})
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    assert vt.post(f"/api/review/{item['id']}/correct", json={"fields": FIX}).status_code == 403
    bad = syt.post(f"/api/review/{item['id']}/correct", json={"fields": {"salary.step": "x"}})
    assert bad.status_code == 400 and bad.json()["code"] == "RECORDS-INVALID" and "Bậc lương" in bad.json()["detail"]
    done = syt.post(f"/api/review/{item['id']}/correct", json={"fields": FIX, "note": "theo bản gốc"})
    assert done.status_code == 200 and done.json()["status"] == "applied"
    file = syt.get(f"/api/people/{done.json()['person_id']}").json()
    assert file["birth_date"] == "1993-03-18"
    trail = records.audit_trail(department_admin(), sha256="a" * 64)
    assert any(a["action"] == "correct_review" and a["user"] == "syt" and a["after"]["note"] == "theo bản gốc"
               for a in trail)
    # The unit's head reads the same trail through the API; another unit gets the generic 404.
    mine = syt.get("/api/audit", params={"sha256": "a" * 64}).json()["entries"]
    assert {"correct_review", "apply"} <= {a["action"] for a in mine}
    person = syt.get("/api/audit", params={"person_id": done.json()["person_id"]}).json()["entries"]
    assert any(a["action"] == "apply" and a["user"] == "syt" for a in person)
    outside = stc.get("/api/audit", params={"sha256": "a" * 64})
    absent = stc.get("/api/audit", params={"sha256": "f" * 64})
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    assert stc.get("/api/audit", params={"person_id": done.json()["person_id"]}).status_code == 404


def test_review_page_form_corrects_and_shows_errors_beside_it(web, build):
    records = web.state.web.records
    records.apply(_misread(build, sha="b" * 64, number="32/QĐ-SYT"), department_admin())
    syt = login(web, "syt")
    page = syt.get("/review").text
    [item] = [i for i in syt.get("/api/review").json()["items"] if i["sha256"] == "b" * 64]
    assert f'action="/review/{item["id"]}/correct"' in page and 'name="f.salary.step"' in page
    token = form_token(page)
    form = {f"f.{k}": ("" if v is None else str(v)) for k, v in item["fields"].items()}
    wrong = syt.post(f"/review/{item['id']}/correct", data={**form, "f.salary.step": "99", "csrf_token": token})
    assert wrong.status_code == 400 and "Bậc lương" in wrong.text and 'value="99"' in wrong.text
    form.update({"f.person.birth_date": "1993-03-18", "f.salary.step": "1", "f.salary.coefficient": "2,34"})
    ok = syt.post(f"/review/{item['id']}/correct", data={**form, "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/review?done=correct"
    assert "Đã sửa và cập nhật" in syt.get(ok.headers["location"]).text
    entry = [a for a in records.audit_trail(department_admin(), sha256="b" * 64) if a["action"] == "correct_review"][0]
    assert entry["before"]["fields"] == {"person.birth_date": "1993-08-01", "salary.step": 3, "salary.coefficient": 2.67}
    assert TestClient(web, cookies=syt.cookies).post(f"/review/{item['id']}/correct", data=form).status_code == 403


def test_cli_review_correct(tmp_path, build):
    from click.testing import CliRunner

    from app.cli import cli
    from flows.stores import open_records

    store = open_records(tmp_path, None)
    try:
        store.apply(_misread(build), department_admin())
        [item] = store.review_items(department_admin())
    finally:
        store.close()
    run = lambda *args: CliRunner().invoke(cli, ["review", "correct", str(item.id), *args],  # noqa: E731
                                           env={"SOHOA_HOME": str(tmp_path)})
    bad = run("--set", "salary.step=mười")
    assert bad.exit_code == 2 and "Bậc lương" in bad.output
    assert run("--set", "salary.step").exit_code == 2  # not FIELD=VALUE
    done = run("--set", "salary.step=1", "--set", "person.birth_date=1993-03-18", "--note", "cli", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["status"] == "applied"
    store = open_records(tmp_path, None)
    try:
        entry = [a for a in store.audit_trail(department_admin()) if a["action"] == "correct_review"][0]
        assert entry["user"] == "sohoa-cli" and entry["after"]["fields"]["salary.step"] == 1
    finally:
        store.close()
    # `sohoa audit`: what the document did, and the person's file, from the one audit log.
    audit = lambda *args: CliRunner().invoke(cli, ["audit", *args], env={"SOHOA_HOME": str(tmp_path)})  # noqa: E731
    by_doc = audit("--document", entry["sha256"], "--json")
    assert by_doc.exit_code == 0, by_doc.output
    actions = [json.loads(line)["action"] for line in by_doc.stdout.splitlines()]
    assert "correct_review" in actions and "apply" in actions and actions == sorted(actions, key=actions.index)
    person = json.loads(done.stdout)["person_id"]
    by_person = audit("--person", str(person))
    assert by_person.exit_code == 0 and "sohoa-cli (DN.SNV, admin)  apply" in by_person.stdout
    assert f"hồ sơ #{person}" in by_person.stdout
    assert audit("--person", "999999").exit_code == 1  # no such file: RECORDS-NOT-FOUND
