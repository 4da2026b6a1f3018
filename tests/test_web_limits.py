"""The web app's server-side caps and persistent upload jobs: the whole request's size (declared
or streamed, checked before the multipart parser), files per upload request, each user's upload
quota, the session cookie's Secure flag, and jobs kept in the database — a reload lists them, a
restarted server takes up the ones it left. Refusals carry a stable code and a Vietnamese message."""
from __future__ import annotations

import http.client
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from app.web import create_app
from tests.web_support import PASSWORD, login, make_app, served, settled

ROOT = Path(__file__).resolve().parents[1]
DOCX = ROOT / "app" / "samples" / "qd-bo-nhiem.docx"
VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
ENV = {"SOHOA_WORKERS": "1", "SOHOA_MAX_REQUEST_BYTES": "300000",
       "SOHOA_MAX_FILES_PER_REQUEST": "3", "SOHOA_UPLOADS_PER_WINDOW": "6"}


def _app(home: Path, **env: str):
    return make_app(home, {"vt1": ("DN.SYT", "clerk"), "vt2": ("DN.SYT", "clerk")}, **{**ENV, **env})


def _close(app) -> None:
    app.state.web.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = _app(tmp_path_factory.mktemp("web-limits"))
    yield app
    _close(app)


def _vietnamese(text: str) -> bool:
    return bool(VIETNAMESE & set(text.lower()))


def test_session_cookie_is_secure_unless_http_is_allowed(tmp_path):
    secure = create_app(Settings.from_env({"SOHOA_HOME": str(tmp_path)}))
    try:
        cookie = TestClient(secure).get("/login").headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    finally:
        _close(secure)
    plain = make_app(tmp_path)
    try:
        assert "secure" not in TestClient(plain).get("/login").headers["set-cookie"].lower()
    finally:
        _close(plain)


def test_a_request_over_the_total_cap_is_refused_before_parsing(app):
    c = login(app, "vt1")
    folder = app.state.web.uploads.folder
    before = set(folder.iterdir())
    body = [("files", (f"a{i}.pdf", b"%PDF-1.4\n" + b"0" * 120_000)) for i in range(3)]  # 360 KB > 300 KB
    r = c.post("/api/uploads", files=body)
    assert r.status_code == 413 and r.json()["code"] == "WEB-REQUEST-TOO-LARGE"
    assert "0 MB" in r.json()["detail"] and _vietnamese(r.json()["detail"])
    assert set(folder.iterdir()) == before and c.get("/api/uploads").json()["jobs"] == []
    # A body streamed without Content-Length is counted as it arrives.
    streamed = c.post("/api/uploads", content=iter([b"x" * 100_000] * 4),
                      headers={"content-type": "multipart/form-data; boundary=zz"})
    assert streamed.status_code == 413 and streamed.json()["code"] == "WEB-REQUEST-TOO-LARGE"
    # Anything else (a form, JSON) has a much smaller cap.
    huge = c.post("/api/review/1/reject", json={"note": "x" * 2_000_000})
    assert huge.status_code == 413 and "KB" in huge.json()["detail"]


def test_too_many_files_in_one_request(app):
    c = login(app, "vt1")
    r = c.post("/api/uploads", files=[("files", (f"t{i}.docx", b"PK\x03\x04")) for i in range(4)])
    assert r.status_code == 413 and r.json()["code"] == "WEB-TOO-MANY-FILES"
    assert "tối đa 3 tệp" in r.json()["detail"]


def test_uploads_are_throttled_per_user_and_jobs_survive_a_reload(app):
    c, other = login(app, "vt1"), login(app, "vt2")
    first = c.post("/api/uploads", files=[("files", ("qd.docx", DOCX.read_bytes())),
                                          ("files", ("hong.docx", b"PK\x03\x04 hong"))]).json()["jobs"]
    refused = c.post("/api/uploads", files=[("files", ("x.exe", b"MZ"))]).json()["jobs"]  # not counted
    assert refused[0]["status"] == "refused"
    c.post("/api/uploads", files=[("files", (f"h{i}.docx", b"PK\x03\x04")) for i in range(3)])
    over = c.post("/api/uploads", files=[("files", ("h9.docx", b"PK\x03\x04")), ("files", ("h8.docx", b"PK"))])
    assert over.status_code == 429 and over.json()["code"] == "WEB-UPLOAD-THROTTLED" and "6 tệp" in over.json()["detail"]
    assert other.post("/api/uploads", files=[("files", ("o.docx", b"PK\x03\x04"))]).status_code == 200
    done = settled(c, first[0]["id"])
    assert done["status"] == "done" and settled(c, first[1]["id"])["status"] == "failed"
    again = login(app, "vt1").get("/api/uploads").json()["jobs"]  # a new session: the page after a reload
    assert {j["id"]: j["status"] for j in again}[first[0]["id"]] == "done"
    assert {j["name"] for j in again} >= {"qd.docx", "hong.docx", "x.exe", "h0.docx"}
    assert all(j["user"] == "vt1" for j in again)


def test_a_users_waiting_files_are_capped(tmp_path):
    app = _app(tmp_path, SOHOA_MAX_PENDING_UPLOADS="2", SOHOA_UPLOADS_PER_WINDOW="100")
    try:
        user = app.state.web.accounts.get("vt1")
        for name in ("a.pdf", "b.pdf"):  # two files still waiting (as while OCR is busy)
            app.state.web.uploads._insert(user, name, "queued")
        r = login(app, "vt1").post("/api/uploads", files=[("files", ("c.docx", b"PK\x03\x04"))])
        assert r.status_code == 429 and "2 tệp chờ xử lý" in r.json()["detail"]
    finally:
        _close(app)


def test_a_restarted_server_takes_up_the_jobs_it_left(tmp_path):
    app = _app(tmp_path)
    uploads = app.state.web.uploads
    user = app.state.web.accounts.get("vt1")
    kept = uploads.temp_path()
    shutil.copy(DOCX, kept)
    left = uploads._insert(user, "qd-bo-nhiem.docx", "running", kept)  # the file is still there
    lost = uploads._insert(user, "mat.pdf", "queued", uploads.temp_path())  # its file is gone
    _close(app)
    restarted = _app(tmp_path)
    try:
        c = login(restarted, "vt1")
        assert settled(c, left)["status"] == "done"
        gone = settled(c, lost)
        assert (gone["status"], gone["error_code"]) == ("failed", "UPLOAD-INTERRUPTED") and _vietnamese(gone["message"])
    finally:
        _close(restarted)


def test_unknown_routes_and_errors_carry_stable_codes(app):
    c = login(app, "vt1")
    assert c.get("/api/khong-co").json() == c.get("/api/documents/" + "0" * 64).json() == \
        {"code": "WEB-NOT-FOUND", "detail": "Không tìm thấy."}
    assert TestClient(app).get("/api/me").json()["code"] == "WEB-LOGIN-REQUIRED"


@pytest.fixture
def real_server(tmp_path):
    app = _app(tmp_path)
    with served(app) as port:
        yield app, port
    _close(app)


def test_a_real_server_cuts_a_streamed_body_at_the_cap(real_server):
    """Through uvicorn: a chunked upload with no Content-Length is refused once it passes the cap."""
    app, port = real_server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/login", body=json.dumps({"username": "vt1", "password": PASSWORD}),
                 headers={"content-type": "application/json"})
    answer = conn.getresponse()
    cookie, token = answer.getheader("set-cookie").split(";")[0], json.loads(answer.read())["csrf"]
    conn.putrequest("POST", "/api/uploads")
    for key, value in (("cookie", cookie), ("x-csrf-token", token), ("transfer-encoding", "chunked"),
                       ("content-type", "multipart/form-data; boundary=zz")):
        conn.putheader(key, value)
    conn.endheaders()
    head = b'--zz\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.4\n'
    chunk = b"y" * 65536
    parts = [head] + [chunk] * 6  # 384 KB of one file, over the 300 KB cap
    try:
        for part in parts:
            conn.send(b"%x\r\n%s\r\n" % (len(part), part))
        conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed before the body ended, as it should: read its answer
    response = conn.getresponse()
    assert response.status == 413 and b"WEB-REQUEST-TOO-LARGE" in response.read()
    assert app.state.web.uploads.jobs_of(app.state.web.accounts.get("vt1")) == []


def test_failed_logins_of_one_name_from_many_addresses_are_throttled_too(tmp_path):
    from app.web.accounts import Throttle
    from app.web.db import open_db

    db = open_db(tmp_path)
    throttle = Throttle(db, max_failures=5, per_name=20)
    for i in range(19):
        throttle.failed("an", f"10.0.0.{i}")
    assert not throttle.blocked("an", "10.0.1.1") and not throttle.blocked("binh", "10.0.0.1")
    throttle.failed("an", "10.0.0.99")
    assert throttle.blocked("an", "10.0.1.1")  # a 21st address is refused as well
    throttle.succeeded("an", "10.0.0.99")
    assert not throttle.blocked("an", "10.0.1.1")
    db.close()
