"""API tests of the web app: every endpoint, each with its scope violation (a unit-A user asking
for unit B's document, person, search results, review items or report gets the same 404 as for
something that does not exist), plus login, throttling, CSRF and upload limits.

One app for the module (the DOCX sample is read once, through the real pipeline).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from records import department_admin
from tests.web_support import PASSWORD, login, make_app, settled

ROOT = Path(__file__).resolve().parents[1]
DOCX = ROOT / "app" / "samples" / "qd-bo-nhiem.docx"
USERS = {"syt": ("DN.SYT", "officer"), "syt_clerk": ("DN.SYT", "clerk"), "stc": ("DN.STC", "officer"),
         "snv": ("DN.SNV", "dept_admin")}


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("web"), USERS, SOHOA_WORKERS="2", SOHOA_MAX_BYTES="200000")
    clients = {name: login(app, name) for name in USERS}
    r = clients["syt_clerk"].post("/api/uploads", files=[("files", ("qd-bo-nhiem.docx", DOCX.read_bytes()))])
    job = settled(clients["syt_clerk"], r.json()["jobs"][0]["id"])
    assert job["status"] == "done", job
    yield app, clients, job
    app.state.web.close()


def test_login_required_everywhere(web):
    app, _, job = web
    anon = TestClient(app)
    for path in ("/api/me", "/api/review", "/api/search?q=a", f"/api/documents/{job['sha256']}",
                 "/api/people/1", "/api/reports/timeliness", f"/api/uploads/{job['id']}"):
        assert anon.get(path).status_code == 401, path
    page = anon.get("/review", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"


def test_wrong_password_then_throttled(web):
    app, _, _ = web
    client = TestClient(app)
    for _ in range(5):
        assert client.post("/api/login", json={"username": "stc", "password": "sai"}).status_code == 401
    blocked = client.post("/api/login", json={"username": "stc", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "thử lại" in blocked.json()["detail"]
    assert client.post("/api/login", json={"username": " stc ", "password": PASSWORD}).status_code == 429
    # another user from the same address is not blocked
    assert client.post("/api/login", json={"username": "syt", "password": PASSWORD}).status_code == 200


def test_csrf_required_on_posts(web):
    app, clients, _ = web
    bare = TestClient(app, cookies=clients["syt"].cookies)
    assert bare.post("/api/uploads", files=[("files", ("a.docx", b"x"))]).status_code == 403
    assert bare.post("/api/review/1/approve").status_code == 403
    assert bare.post("/api/logout").status_code == 403
    form = TestClient(app).post("/login", data={"username": "syt", "password": PASSWORD})
    assert form.status_code == 403


def test_form_login_with_token(web):
    app, _, _ = web
    client = TestClient(app)
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": "syt", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "DN.SYT" in client.get("/").text


def test_upload_refuses_type_size_and_reports_bad_files(web):
    app, clients, _ = web
    c = clients["syt_clerk"]
    r = c.post("/api/uploads", files=[
        ("files", ("virus.exe", b"MZ")),
        ("files", ("big.pdf", b"%PDF-1.4\n" + b"0" * 300_000)),
        ("files", ("../../../etc/hong.pdf", b"%PDF-1.4 not really a pdf")),
    ])
    jobs = r.json()["jobs"]
    assert [j["status"] for j in jobs[:2]] == ["refused", "refused"]
    assert jobs[0]["error_code"] == "INPUT-UNSUPPORTED" and jobs[1]["error_code"] == "INPUT-TOO-LARGE"
    assert jobs[2]["name"] == "hong.pdf"  # the path part is dropped: never used as a path
    bad = settled(c, jobs[2]["id"])
    assert bad["status"] == "failed" and bad["error_code"] == "FILE-CORRUPT"
    assert any(ch in bad["message"] for ch in "ăâđêôơư")  # a Vietnamese message
    assert not (Path("/etc") / "hong.pdf").exists()
    assert c.post("/api/uploads", files=[]).status_code == 422


def test_upload_role_and_job_ownership(web):
    app, clients, job = web
    assert clients["stc"].get(f"/api/uploads/{job['id']}").status_code == 404
    assert clients["syt"].get(f"/api/uploads/{job['id']}").status_code == 404  # another user's job
    assert clients["syt_clerk"].get(f"/api/uploads/{job['id']}").json()["status"] == "done"


def test_document_scope(web):
    _, clients, job = web
    sha = job["sha256"]
    doc = clients["syt"].get(f"/api/documents/{sha}")
    assert doc.status_code == 200
    assert doc.json()["outcome"]["metadata"]["number"] == "1194/QĐ-BVĐK"
    original = clients["syt"].get(f"/api/documents/{sha}/original")
    assert hashlib.sha256(original.content).hexdigest() == sha == hashlib.sha256(DOCX.read_bytes()).hexdigest()
    assert clients["snv"].get(f"/api/documents/{sha}").status_code == 200  # the Department sees all
    missing = "0" * 64
    for suffix in ("", "/original", "/page1.png"):
        outside = clients["stc"].get(f"/api/documents/{sha}{suffix}")
        absent = clients["stc"].get(f"/api/documents/{missing}{suffix}")
        assert outside.status_code == absent.status_code == 404
        assert outside.json() == absent.json()
    page = clients["stc"].get(f"/documents/{sha}")
    assert page.status_code == 404 and "1194" not in page.text
    assert "Trương Quốc Huy" in clients["syt"].get(f"/documents/{sha}").text


def test_search_scope_and_unaccented_names(web):
    _, clients, job = web
    mine = clients["syt"].get("/api/search", params={"q": "truong quoc huy"}).json()
    assert [h["sha256"] for h in mine["hits"]] == [job["sha256"]]
    assert mine["facets"]["doc_type"]
    # The register facet and filter: a personnel decision is in "personnel", not in "training".
    assert mine["facets"]["family"] == {"personnel": 1}
    personnel = clients["syt"].get("/api/search", params={"q": "truong quoc huy", "family": "personnel"}).json()
    assert personnel["total"] == 1
    assert clients["syt"].get("/api/search", params={"q": "truong quoc huy", "family": "training"}).json()["total"] == 0
    assert "Hồ sơ cán bộ, công chức, viên chức" in clients["syt"].get("/search", params={"q": "truong quoc huy"}).text
    theirs = clients["stc"].get("/api/search", params={"q": "truong quoc huy"}).json()
    assert theirs["total"] == 0 and theirs["hits"] == []
    assert all(not v for v in theirs["facets"].values())
    assert clients["stc"].get("/api/search").json()["total"] == 0  # no count leaks either
    assert job["sha256"] not in clients["stc"].get("/search", params={"q": "truong quoc huy"}).text


def _review_ids(client) -> list[int]:
    return [i["id"] for i in client.get("/api/review").json()["items"]]


def test_review_approve_scope_and_person(web):
    app, clients, job = web
    ids = _review_ids(clients["syt"])
    assert ids and _review_ids(clients["stc"]) == []
    item = ids[0]
    sha = job["sha256"]
    before = clients["syt"].get(f"/api/documents/{sha}").json()
    assert [e["status"] for e in before["records_now"]] == ["needs_review"]
    assert 'data-status="needs_review">chờ duyệt' in clients["syt"].get(f"/documents/{sha}").text
    assert clients["stc"].post(f"/api/review/{item}/approve").status_code == 404
    assert clients["syt_clerk"].post(f"/api/review/{item}/approve").status_code == 403
    done = clients["syt"].post(f"/api/review/{item}/approve")
    assert done.status_code == 200, done.text
    # The document shows where its event stands now, not what it was at upload.
    after = clients["syt"].get(f"/api/documents/{sha}").json()
    assert [e["status"] for e in after["records_now"]] == ["applied"]
    assert after["outcome"]["records"]["events"][0]["status"] == "needs_review"  # as read, kept
    page = clients["syt"].get(f"/documents/{sha}").text
    assert 'data-status="applied">đã cập nhật' in page and f'/people/{done.json()["person_id"]}' in page
    assert clients["syt"].post(f"/api/review/{item}/approve").status_code == 400  # already settled
    trail = app.state.web.records.audit_trail(department_admin(), sha256=job["sha256"])
    assert any(a["action"] == "approve_review" and a["user"] == "syt" for a in trail)
    people = clients["syt"].get("/api/people", params={"q": "truong quoc huy"}).json()["people"]
    assert [p["name"] for p in people] == ["Trương Quốc Huy"]
    pid = people[0]["id"]
    file = clients["syt"].get(f"/api/people/{pid}").json()
    assert any(e["sha256"] == job["sha256"] for e in file["timeline"])
    # Each entry carries the words it was read from (R1.2), shown under the source on the page.
    quoted = [ev for e in file["timeline"] for ev in e["evidence"]]
    assert any("Trương Quốc Huy" in ev["text"] for ev in quoted), quoted
    # Reading the file is in its audit trail (R7.1), besides the changes.
    trail = app.state.web.records.audit_trail(department_admin(), person_id=pid)
    assert any(a["action"] == "read_person" and a["user"] == "syt" for a in trail)
    assert clients["stc"].get("/api/people", params={"q": "truong quoc huy"}).json()["people"] == []
    outside, absent = clients["stc"].get(f"/api/people/{pid}"), clients["stc"].get("/api/people/999999")
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    page = clients["syt"].get(f"/people/{pid}").text
    assert f'/documents/{job["sha256"]}' in page and "nguyên văn" in page and "<q>" in page
    assert clients["stc"].get(f"/people/{pid}").status_code == 404


def test_review_reject_is_audited(web, build):
    app, clients, _ = web
    records = app.state.web.records
    decision = build.decision("77/QĐ-SYT", build.date(2024, 3, 1), [
        build.event("appointment", "Lê Thị Hoa", build.date(2024, 3, 5), to=("Trưởng phòng", "Sở Y tế tỉnh Đồng Nai"))],
        errors=("FORMAT-NUMBER",))
    records.apply(decision, department_admin())
    item = [i for i in clients["syt"].get("/api/review").json()["items"] if i["person_name"] == "Lê Thị Hoa"][0]
    assert clients["stc"].post(f"/api/review/{item['id']}/reject", json={"note": "x"}).status_code == 404
    r = clients["syt"].post(f"/api/review/{item['id']}/reject", json={"note": "Sai số hiệu"})
    assert r.status_code == 200 and r.json()["status"] == "refused"
    trail = records.audit_trail(department_admin(), sha256=decision.sha256)
    assert any(a["action"] == "reject_review" and a["after"]["note"] == "Sai số hiệu" for a in trail)


def test_report_scope(web):
    _, clients, _ = web
    assert clients["syt"].get("/api/reports/timeliness", params={"unit": "DN.SYT"}).status_code == 200
    assert clients["snv"].get("/api/reports/timeliness").json()["unit"] == "DN"
    outside = clients["stc"].get("/api/reports/timeliness", params={"unit": "DN.SYT"})
    absent = clients["stc"].get("/api/reports/timeliness", params={"unit": "KHONG.CO"})
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()


def test_pages_render_in_vietnamese(web):
    _, clients, _ = web
    c = clients["syt"]
    assert "Tải văn bản lên" in c.get("/").text
    assert "Hàng chờ duyệt" in c.get("/review").text
    assert "kết quả" in c.get("/search", params={"q": "quyết định"}).text
    assert c.get("/api/me").json() == {**c.get("/api/me").json(), "unit": "DN.SYT", "role": "officer"}


def test_openapi_published(web):
    app, _, _ = web
    spec = TestClient(app).get("/api/openapi.json").json()
    for path in ("/api/uploads", "/api/uploads/{job_id}", "/api/documents/{sha256}", "/api/review/{item_id}/approve",
                 "/api/review/{item_id}/correct", "/api/search", "/api/people/{person_id}", "/api/reports/timeliness",
                 "/api/reports/figures", "/api/accounts", "/api/accounts/{name}/reset-password",
                 "/api/accounts/{name}/revoke", "/api/account/password", "/api/audit"):
        assert path in spec["paths"], path
    upload = spec["paths"]["/api/uploads"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["files"]["type"] == "array"


def test_logout_ends_session(web):
    app, _, _ = web
    c = login(app, "syt")
    assert c.post("/api/logout").status_code == 200
    assert c.get("/api/me").status_code == 401


def test_cli_user_add(tmp_path, monkeypatch):
    from app import cli_web
    import click

    group = click.Group()
    cli_web.register(group)
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path))
    runner = CliRunner()
    ok = runner.invoke(group, ["user", "add", "hoa", "--unit", "DN.SYT", "--role", "clerk", "--password", PASSWORD])
    assert ok.exit_code == 0 and "Đã tạo" in ok.output
    again = runner.invoke(group, ["user", "add", "hoa", "--unit", "DN.SYT", "--role", "clerk", "--password", PASSWORD])
    assert again.exit_code == 1 and "đã tồn tại" in again.output
    bad = runner.invoke(group, ["user", "add", "x", "--unit", "NOPE", "--role", "clerk", "--password", PASSWORD])
    assert bad.exit_code == 1 and "cây tổ chức" in bad.output
    named = runner.invoke(group, ["user", "add", "lan", "--unit", "DN.SYT", "--role", "clerk", "--password", PASSWORD,
                                  "--holder", "Trần Thị Lan"])
    numbered = runner.invoke(group, ["user", "add", "vt2", "--unit", "DN.SYT", "--role", "clerk", "--password",
                                     PASSWORD, "--holder", "Văn thư 2"])
    assert named.exit_code == 0 and numbered.exit_code == 1 and "họ và tên" in numbered.output
    app = make_app(tmp_path)
    try:
        assert TestClient(app).post("/api/login", json={"username": "hoa", "password": PASSWORD}).status_code == 200
        assert app.state.web.accounts.account("lan").holder == "Trần Thị Lan"
        assert app.state.web.accounts.account("hoa").holder is None  # the first accounts, made at installation
    finally:
        app.state.web.close()


def test_page_image_of_a_pdf_with_evidence_boxes(web):
    import io
    import json as _json

    from PIL import Image

    from app.web import pageimage

    app, clients, job = web
    snv = clients["snv"]
    pdf = ROOT / "app" / "samples" / "cv-3647-snv-vp.pdf"
    up = snv.post("/api/uploads", files=[("files", (pdf.name, pdf.read_bytes()))]).json()["jobs"][0]
    done = settled(snv, up["id"])
    assert done["status"] == "done", done
    png = snv.get(f"/api/documents/{done['sha256']}/page1.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.width > 800 and image.height > image.width  # an A4 portrait page
    assert clients["syt"].get(f"/api/documents/{done['sha256']}/page1.png").status_code == 404  # SNV's letter
    assert snv.get(f"/api/documents/{job['sha256']}/page1.png").status_code == 404  # DOCX: no page image
    # The text layer gives no word boxes to the extractor yet; draw one as OCR'd pages give them.
    outcome = _json.loads(app.state.web.uploads.document(done["sha256"]).outcome)
    outcome["web"]["boxes"] = [{"field": "person.name", "text": "x", "page": 1, "event": 0, "box": [100, 100, 300, 130]}]
    paths = app.state.web.settings.pipeline_config().paths
    boxed = Image.open(io.BytesIO(pageimage.render(done["sha256"], outcome, paths)))
    scale = boxed.width / outcome["web"]["page_sizes"][0][0]
    r, g, b = boxed.convert("RGB").getpixel((round(200 * scale), round(100 * scale) - 1))
    assert r > 180 and g < 80 and b < 80  # the red evidence frame
    # An upload kept before pages were numbered: page 1's size and boxes without a page.
    old = {**outcome, "web": {"media_type": "application/pdf", "page1": outcome["web"]["page_sizes"][0],
                              "boxes": [{"field": "person.name", "text": "x", "event": 0, "box": [100, 100, 300, 130]}]}}
    assert pageimage.render(done["sha256"], old, paths) == pageimage.render(done["sha256"], outcome, paths)


def test_a_second_unit_uploading_the_same_file_may_see_it(web):
    """Runs last: after it unit B has uploaded unit A's decision, so B may open that document."""
    _, clients, job = web
    stc = clients["stc"]
    assert stc.get(f"/api/documents/{job['sha256']}").status_code == 404
    up = stc.post("/api/uploads", files=[("files", ("ban-sao.docx", DOCX.read_bytes()))]).json()["jobs"][0]
    assert settled(stc, up["id"])["sha256"] == job["sha256"]
    assert stc.get(f"/api/documents/{job['sha256']}").status_code == 200
    assert clients["syt"].get(f"/api/documents/{job['sha256']}").json()["name"] == "qd-bo-nhiem.docx"


def test_dashboard_is_scoped(web):
    _, clients, _ = web
    pending = clients["syt"].get("/api/review").json()["items"]
    for item in (i for i in pending if i["person_name"] == "Trương Quốc Huy"):  # run alone: not yet approved
        assert clients["syt"].post(f"/api/review/{item['id']}/approve").status_code == 200
    mine = clients["syt"].get("/dashboard")
    assert mine.status_code == 200 and "Trương Quốc Huy" in mine.text  # incomplete file (no salary yet)
    assert "Bệnh viện Đa khoa" in mine.text or "Sở Y tế" in mine.text
    theirs = clients["stc"].get("/dashboard")
    assert theirs.status_code == 200 and "Trương Quốc Huy" not in theirs.text and "Sở Y tế" not in theirs.text
