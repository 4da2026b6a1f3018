"""Accounts administration (R7) through the REST API, the pages and the CLI: the Department admin
manages every account, a unit head their subtree's; issue, review, revoke, reset a password (the
user must change it at the next login; older sessions end); nobody reaches an account outside
their subtree (the same 404 as a name that does not exist); every login, failed login, logout and
account action is in the records' audit log."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from records import department_admin
from tests.web_support import PASSWORD, form_token, login, make_app
USERS = {"snv": ("DN.SNV", "dept_admin"), "head_syt": ("DN.SYT", "head"), "off_syt": ("DN.SYT", "officer"),
         "head_bv": ("DN.SYT.BVDK", "head"), "clerk_bv": ("DN.SYT.BVDK", "clerk"), "head_stc": ("DN.STC", "head")}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("web-accounts"), USERS)
    yield app
    app.state.web.close()


def trail(app) -> list[dict]:
    return app.state.web.records.audit_trail(department_admin(), limit=500)


def test_who_reviews_which_accounts(app):
    names = lambda c: {a["name"] for a in c.get("/api/accounts").json()["accounts"]}  # noqa: E731
    assert names(login(app, "head_syt")) == {"head_syt", "off_syt", "head_bv", "clerk_bv"}
    assert names(login(app, "head_bv")) == {"head_bv", "clerk_bv"}
    assert names(login(app, "snv")) >= set(USERS)
    for user in ("off_syt", "clerk_bv"):
        r = login(app, user).get("/api/accounts")
        assert r.status_code == 403 and r.json()["code"] == "WEB-FORBIDDEN"
    page = login(app, "head_syt").get("/accounts")
    assert page.status_code == 200 and "clerk_bv" in page.text and "head_stc" not in page.text
    assert login(app, "off_syt").get("/accounts").status_code == 403


def test_issue_then_first_login_must_change_the_password(app):
    head = login(app, "head_syt")
    r = head.post("/api/accounts", json={"name": "vt.bv", "unit": "DN.SYT.BVDK", "role": "clerk",
                                          "holder": "  Nguyễn  Thị Thư "})
    assert r.status_code == 200, r.text
    assert r.json()["holder"] == "Nguyễn Thị Thư"  # the named staff member (R7.1), spaces tidied
    listed = {a["name"]: a for a in head.get("/api/accounts").json()["accounts"]}
    assert listed["vt.bv"]["holder"] == "Nguyễn Thị Thư" and listed["head_syt"]["holder"] is None
    nobody = head.post("/api/accounts", json={"name": "chung.bv", "unit": "DN.SYT.BVDK", "role": "clerk"})
    numbered = head.post("/api/accounts", json={"name": "chung.bv", "unit": "DN.SYT.BVDK", "role": "clerk",
                                                "holder": "Văn thư 2"})
    assert nobody.status_code == numbered.status_code == 400 and "họ và tên" in nobody.json()["detail"]
    assert head.get("/api/audit").json()["entries"][0]["after"]["holder"] == "Nguyễn Thị Thư"
    temporary = r.json()["temporary_password"]
    assert len(temporary) >= 12 and r.json()["must_change_password"] is True
    outside = head.post("/api/accounts", json={"name": "x.stc", "unit": "DN.STC", "role": "clerk", "holder": "Lê Văn Khác"})
    unknown = head.post("/api/accounts", json={"name": "x.stc", "unit": "KHONG.CO", "role": "clerk", "holder": "Lê Văn Khác"})
    assert outside.status_code == unknown.status_code == 400
    assert outside.json()["detail"].replace("DN.STC", "?") == unknown.json()["detail"].replace("KHONG.CO", "?")
    assert outside.json()["code"] == "WEB-ACCOUNT-INVALID"
    escalate = head.post("/api/accounts", json={"name": "x.adm", "unit": "DN.SYT", "role": "dept_admin", "holder": "Lê Văn Khác"})
    assert escalate.status_code == 400 and "quản trị" in escalate.json()["detail"]
    assert head.post("/api/accounts", json={"name": "vt.bv", "unit": "DN.SYT", "role": "clerk", "holder": "Lê Văn Khác"}).status_code == 400

    new = login(app, "vt.bv", temporary)
    assert new.get("/api/me").json()["must_change_password"] is True
    blocked = new.get("/api/review")
    assert blocked.status_code == 403 and blocked.json()["code"] == "WEB-PASSWORD-CHANGE-REQUIRED"
    page = new.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/account/password"
    wrong = new.post("/api/account/password", json={"current_password": "sai", "new_password": "mat-khau-moi-1"})
    assert wrong.status_code == 400 and "không đúng" in wrong.json()["detail"]
    short = new.post("/api/account/password", json={"current_password": temporary, "new_password": "ngan"})
    assert short.status_code == 400
    ok = new.post("/api/account/password", json={"current_password": temporary, "new_password": "mat-khau-moi-1"})
    assert ok.status_code == 200 and ok.json()["must_change_password"] is False
    assert new.get("/api/review").status_code == 200  # this session goes on
    assert TestClient(app).post("/api/login", json={"username": "vt.bv", "password": temporary}).status_code == 401
    login(app, "vt.bv", "mat-khau-moi-1")


def test_reset_ends_sessions_and_forces_a_change(app):
    victim = login(app, "clerk_bv")
    head = login(app, "head_bv")
    r = head.post("/api/accounts/clerk_bv/reset-password")
    assert r.status_code == 200
    assert victim.get("/api/me").status_code == 401  # the old session ended with the old password
    assert TestClient(app).post("/api/login", json={"username": "clerk_bv", "password": PASSWORD}).status_code == 401
    again = login(app, "clerk_bv", r.json()["temporary_password"])
    assert again.get("/api/me").json()["must_change_password"] is True
    again.post("/api/account/password", json={"current_password": r.json()["temporary_password"],
                                              "new_password": PASSWORD + "x"})
    assert again.get("/api/search").status_code == 200


def test_nobody_reaches_an_account_outside_their_subtree(app):
    head = login(app, "head_syt")
    for action in ("reset-password", "revoke"):
        outside = head.post(f"/api/accounts/head_stc/{action}")
        absent = head.post(f"/api/accounts/khong.co/{action}")
        assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
        up = login(app, "head_bv").post(f"/api/accounts/head_syt/{action}")  # the parent unit's head
        assert up.status_code == 404
    assert head.post("/api/accounts/snv/revoke").status_code == 404
    me = head.post("/api/accounts/head_syt/revoke")
    assert me.status_code == 400 and "chính mình" in me.json()["detail"]
    assert login(app, "off_syt").post("/api/accounts/clerk_bv/revoke").status_code == 403
    assert login(app, "head_stc").get("/api/accounts").json()["accounts"][0]["name"] == "head_stc"


def test_revoke_and_the_audit_log_holds_every_action(app):
    doomed = login(app, "off_syt")
    head = login(app, "head_syt")
    assert head.post("/api/accounts/off_syt/revoke").json() == {"name": "off_syt", "active": False}
    assert doomed.get("/api/me").status_code == 401
    assert TestClient(app).post("/api/login", json={"username": "off_syt", "password": PASSWORD}).status_code == 401
    listed = {a["name"]: a for a in head.get("/api/accounts").json()["accounts"]}
    assert listed["off_syt"]["active"] is False and listed["off_syt"]["revoked_by"] == "head_syt"
    assert "off_syt" not in {a["name"] for a in head.get("/api/accounts?include_revoked=false").json()["accounts"]}
    TestClient(app).post("/api/login", json={"username": "head_stc", "password": "sai"})
    assert head.post("/api/logout").status_code == 200

    entries = trail(app)
    def has(action, user, **after):  # noqa: E306
        return any(e["action"] == action and e["user"] == user and
                   all((e["after"] or {}).get(k) == v for k, v in after.items()) for e in entries)
    assert has("login", "head_syt") and has("logout", "head_syt")
    assert has("login_failed", "head_stc") and has("login_failed", "off_syt")
    assert has("account_issue", "head_syt", target="vt.bv", unit="DN.SYT.BVDK", role="clerk")
    assert has("account_reset_password", "head_bv", target="clerk_bv")
    assert has("account_revoke", "head_syt", target="off_syt")
    assert has("password_change", "vt.bv", was_reset=True)
    assert all("password" not in str(e["after"]).replace("must_change_password", "").replace("_password", "")
               for e in entries)
    # A unit head reads the account log of their own subtree only.
    seen = login(app, "head_bv").get("/api/audit").json()["entries"]
    assert seen and {e["unit"] for e in seen} <= {"DN.SYT.BVDK"}
    assert "head_stc" not in {e["user"] for e in login(app, "head_syt").get("/api/audit").json()["entries"]}
    assert login(app, "clerk_bv", PASSWORD + "x").get("/api/audit").status_code == 403


def test_accounts_pages_issue_reset_and_change_password(app):
    head = login(app, "head_stc")
    page = head.get("/accounts").text
    token = form_token(page)
    assert 'value="DN.SYT"' not in page  # no unit outside the subtree is offered
    assert 'name="holder" required' in page
    issued = head.post("/accounts", data={"name": "cb.stc", "unit": "DN.STC", "role": "officer",
                                          "holder": "Phạm Văn Cán", "csrf_token": token})
    assert issued.status_code == 200 and "Mật khẩu tạm thời" in issued.text
    row = issued.text.split('<tr data-name="cb.stc">')[1].split("</tr>")[0]
    assert "Phạm Văn Cán" in row
    assert "chưa ghi người sử dụng" in issued.text.split('<tr data-name="head_stc">')[1].split("</tr>")[0]
    temporary = issued.text.split('id="temporary-password">')[1].split("<")[0]
    bad = head.post("/accounts", data={"name": "cb stc", "unit": "DN.STC", "role": "officer",
                                       "holder": "Phạm Văn Cán", "csrf_token": token})
    assert bad.status_code == 400 and "Tên đăng nhập" in bad.text
    user = TestClient(app)
    form = form_token(user.get("/login").text)
    r = user.post("/login", data={"username": "cb.stc", "password": temporary, "csrf_token": form}, follow_redirects=True)
    assert r.url.path == "/account/password" and "mật khẩu tạm thời" in r.text
    token2 = form_token(r.text)
    mismatch = user.post("/account/password", data={"current_password": temporary, "new_password": "mat-khau-cbstc",
                                                   "confirm_password": "khac-nhau-1", "csrf_token": token2})
    assert mismatch.status_code == 400 and "không khớp" in mismatch.text
    done = user.post("/account/password", data={"current_password": temporary, "new_password": "mat-khau-cbstc",
                                               "confirm_password": "mat-khau-cbstc", "csrf_token": token2},
                     follow_redirects=False)
    assert done.status_code == 303 and user.get("/").status_code == 200
    reset = head.post("/accounts/cb.stc/reset", data={"csrf_token": token})
    assert reset.status_code == 200 and "Đã đặt lại mật khẩu" in reset.text
    revoked = head.post("/accounts/cb.stc/revoke", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã thu hồi" in revoked.text and "Đăng nhập sai" in head.get("/accounts").text


def test_cli_lists_and_resets(tmp_path, monkeypatch):
    from app import cli_web

    group = click.Group()
    cli_web.register(group)
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(group, ["user", "add", "hoa", "--unit", "DN.SYT", "--role", "clerk",
                                 "--password", PASSWORD]).exit_code == 0
    listed = runner.invoke(group, ["user", "list", "--json"])
    assert listed.exit_code == 0 and '"name": "hoa"' in listed.output
    reset = runner.invoke(group, ["user", "reset-password", "hoa"])
    assert reset.exit_code == 0 and "Mật khẩu tạm thời" in reset.output
    temporary = reset.output.split("Mật khẩu tạm thời: ")[1].split()[0]
    app = make_app(tmp_path)
    try:
        r = TestClient(app).post("/api/login", json={"username": "hoa", "password": temporary})
        assert r.status_code == 200 and r.json()["must_change_password"] is True
        assert any(e["action"] == "account_reset_password" and e["after"]["target"] == "hoa" for e in trail(app))
    finally:
        app.state.web.close()
    assert runner.invoke(group, ["user", "reset-password", "khong.co"]).exit_code == 1


def test_an_unnamed_account_gets_its_holder_once_and_never_another(app):
    head = login(app, "head_syt")
    r = head.post("/api/accounts/clerk_bv/holder", json={"holder": "Đỗ Thị Hoà"})
    assert r.status_code == 200 and r.json() == {"name": "clerk_bv", "holder": "Đỗ Thị Hoà"}
    again = head.post("/api/accounts/clerk_bv/holder", json={"holder": "Người Khác"})
    assert again.status_code == 400 and "thu hồi tài khoản này và cấp tài khoản mới" in again.json()["detail"]
    assert head.post("/api/accounts/head_bv/holder", json={"holder": "Số 2"}).status_code == 400  # digits
    assert head.post("/api/accounts/head_stc/holder", json={"holder": "Ai Đó"}).status_code == 404  # not in scope
    assert head.post("/api/accounts/head_syt/holder", json={"holder": "Tự Mình"}).status_code == 400  # not oneself
    listed = {a["name"]: a["holder"] for a in head.get("/api/accounts").json()["accounts"]}
    assert listed["clerk_bv"] == "Đỗ Thị Hoà" and listed["head_bv"] is None
    entry = head.get("/api/audit").json()["entries"][0]
    assert entry["action"] == "account_holder" and entry["after"]["holder"] == "Đỗ Thị Hoà"
    page = head.get("/accounts").text
    row = page.split('<tr data-name="head_bv">')[1].split("</tr>")[0]
    assert 'action="/accounts/head_bv/holder"' in row
    named = head.post("/accounts/head_bv/holder", data={"holder": "Vũ Văn Sỹ", "csrf_token": form_token(page)},
                      follow_redirects=True)
    assert named.status_code == 200 and "Đã ghi người sử dụng" in named.text
    assert "Vũ Văn Sỹ" in named.text.split('<tr data-name="head_bv">')[1].split("</tr>")[0]
