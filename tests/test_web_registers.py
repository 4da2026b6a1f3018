"""The "Sổ theo dõi" page and its API (issue 10): one tab per register, every row within the
user's subtree — a unit's clerk never sees another unit's rows, and a unit outside their scope is
answered like one that does not exist; the API rows follow records/data/registers.schema.json."""
from __future__ import annotations

import datetime as dt
import hashlib

import jsonschema
import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from app.web import create_app
from pipeline.model import Course, Event, Outcome, Person, Post, Structure, UnitRef
from records import department_admin
from records.register_views import row_schema

D = dt.date
PASSWORD = "mat-khau-dai-1"
USERS = {"syt_clerk": ("DN.SYT", "clerk"), "stc_clerk": ("DN.STC", "clerk"), "snv": ("DN.SNV", "dept_admin")}
VALIDATOR = jsonschema.Draft202012Validator(row_schema())


def decision(number: str, issuer: str, events: list[Event]) -> Outcome:
    st = Structure(issuer=issuer, number=number, doc_type="Quyết định", issued_date=D(2025, 8, 1), subject="x")
    return Outcome(source=f"{number}.pdf", sha256=hashlib.sha256(number.encode()).hexdigest(), structure=st,
                   events=tuple(events))


def unit_event(type_: str, name: str, **more) -> Event:
    return Event(type_, None, unit=UnitRef(name), effective_date=D(2025, 8, 1), confidence=0.97, page=1, **more)


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    home = tmp_path_factory.mktemp("web")
    # http test client: the session cookie may not be Secure-only
    app = create_app(Settings.from_env({"SOHOA_HOME": str(home), "SOHOA_WORKERS": "1", "SOHOA_COOKIE_SECURE": "0"}))
    records, admin = app.state.web.records, department_admin("tester")
    course = Course("Bồi dưỡng kiến thức quốc phòng và an ninh", "Sở Nội vụ", None, D(2025, 9, 1), D(2025, 9, 5))
    hired = [Event("recruitment", Person(name, D(1990, 1, 1)), to_post=Post(unit, "Chuyên viên"),
                   effective_date=D(2025, 1, 2), confidence=0.97, page=1)
             for name, unit in (("Nguyễn Văn An", "Phòng Tổ chức cán bộ, Sở Y tế"), ("Trần Văn Tài", "Phòng Quản lý ngân sách, Sở Tài chính"))]
    for outcome in (
        decision("1/QĐ-UBND", "Ủy ban nhân dân tỉnh Đồng Nai", hired),
        decision("2/QĐ-UBND", "Ủy ban nhân dân tỉnh Đồng Nai", [
            unit_event("collective_award", "Phòng Tổ chức cán bộ, Sở Y tế", detail="Tập thể lao động xuất sắc", year=2024),
            unit_event("collective_award", "Phòng Quản lý ngân sách, Sở Tài chính", detail="Giấy khen", year=2024),
            unit_event("unit_regulation", "Sở Tài chính", detail="Quy chế làm việc của Sở Tài chính")]),
        decision("3/QĐ-SNV", "Sở Nội vụ tỉnh Đồng Nai", [
            Event("training_assignment", Person("Trần Văn Tài", D(1990, 1, 1)), course=course,
                  effective_date=D(2025, 9, 1), confidence=0.97, page=1)]),
    ):
        update = records.apply(outcome, admin)
        assert update.applied == len(outcome.events), update
    for name, (unit, role) in USERS.items():
        app.state.web.accounts.add(name, unit, role, PASSWORD)
    clients = {}
    for name in USERS:
        client = TestClient(app)
        r = client.post("/api/login", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        clients[name] = client
    yield clients
    app.state.web.close()


def rows(client: TestClient, name: str, **params) -> list[dict]:
    r = client.get(f"/api/registers/{name}", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    for row in body["rows"]:
        VALIDATOR.validate(row)
    return body["rows"]


def test_a_unit_clerk_sees_only_its_own_register_rows(web):
    syt, stc, snv = web["syt_clerk"], web["stc_clerk"], web["snv"]
    assert [r["unit_code"] for r in rows(syt, "awards")] == ["DN.SYT.TCCB"]
    assert [r["unit_code"] for r in rows(stc, "awards")] == ["DN.STC.QLNS"]
    assert sorted(r["unit_code"] for r in rows(snv, "awards")) == ["DN.STC.QLNS", "DN.SYT.TCCB"]
    assert not any(r["code"].startswith("DN.STC") for r in rows(syt, "units"))
    [stc_unit] = [r for r in rows(stc, "units") if r["code"] == "DN.STC"]
    assert stc_unit["regulations"][0]["detail"] == "Quy chế làm việc của Sở Tài chính"
    assert rows(syt, "training") == [] and [r["name"] for r in rows(stc, "training")] == ["Trần Văn Tài"]
    # Another unit's subtree is answered like a unit that does not exist.
    elsewhere, nowhere = syt.get("/api/registers/units", params={"unit": "DN.STC"}), \
        syt.get("/api/registers/units", params={"unit": "DN.KHONGCO"})
    assert elsewhere.status_code == nowhere.status_code == 404 and elsewhere.json() == nowhere.json()
    assert syt.get("/api/registers/unknown").status_code == 404
    assert TestClient(syt.app).get("/api/registers/units").status_code == 401


def test_the_page_has_a_tab_per_register_scoped_to_the_user(web):
    page = web["syt_clerk"].get("/registers", params={"tab": "awards"})
    assert page.status_code == 200
    html = page.text
    for title in ("Tổ chức bộ máy", "Chính quyền địa phương", "Thi đua, khen thưởng", "Đào tạo, bồi dưỡng"):
        assert title in html
    assert "Tập thể lao động xuất sắc" in html and "Giấy khen" not in html
    assert 'href="/registers"' in web["syt_clerk"].get("/registers").text  # the nav link
    units = web["stc_clerk"].get("/registers", params={"tab": "units", "unit": "DN.STC"}).text
    assert "Quy chế làm việc của Sở Tài chính" in units and "Sở Y tế" not in units.split('id="register"')[1]
    assert web["stc_clerk"].get("/registers", params={"tab": "units", "unit": "DN.SYT"}).status_code == 404
