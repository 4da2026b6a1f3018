"""Accounts administration (R7) and the user's own password: pages and API.

Who manages whom: the Department admin manages every account; a unit head manages the accounts of
their scope's subtree, except Department admin accounts. Nobody else manages accounts, and nobody
sees or touches an account outside their subtree: such a name is answered exactly like a name
that does not exist (404). Issuing an account or resetting a password gives a temporary password,
shown once, that the user must change at the next login. Every action goes to the audit log.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.web.accounts import ROLES, Account, AccountError, User
from app.web.errors import AccountRefused
from app.web.pages import render
from app.web.security import (NOT_FOUND, WebState, check_csrf, current_user, session_user, start_session,
                              state)
from records import NotFound

api = APIRouter(prefix="/api", tags=["accounts"])
pages = APIRouter(include_in_schema=False)
MANAGERS = frozenset({"dept_admin", "head"})
_AUDITED = ("login", "logout", "account_", "password_")  # the actions the accounts page lists


def manager(user: User = Depends(current_user)) -> User:
    if user.role not in MANAGERS:
        raise HTTPException(403, "Chỉ thủ trưởng đơn vị và quản trị Sở Nội vụ được quản lý tài khoản.")
    return user


def _in_scope(web: WebState, user: User, unit: str) -> bool:
    return web.records.tree.contains(web.scope_root(user), unit)


def visible_accounts(web: WebState, user: User, include_revoked: bool = True) -> list[Account]:
    return [a for a in web.accounts.list(include_revoked) if _in_scope(web, user, a.unit)]


def _target(web: WebState, user: User, name: str) -> Account:
    account = web.accounts.account(name)
    if account is None or not _in_scope(web, user, account.unit):
        raise HTTPException(404, NOT_FOUND)
    if account.role == "dept_admin" and user.role != "dept_admin":
        raise HTTPException(403, "Chỉ quản trị Sở Nội vụ quản lý tài khoản quản trị.")
    if account.name == user.name:
        raise AccountRefused("Không tự thu hồi hay đặt lại mật khẩu của chính mình; hãy dùng chức năng Đổi mật khẩu.")
    return account


def issue(web: WebState, request: Request, user: User, name: str, unit: str, role: str,
          holder: str) -> tuple[User, str]:
    if not _in_scope(web, user, unit.strip()):  # unknown and out-of-scope units read alike
        raise AccountRefused(f"Đơn vị '{unit}' không thuộc phạm vi quản lý của bạn.")
    if role == "dept_admin" and user.role != "dept_admin":
        raise AccountRefused("Chỉ quản trị Sở Nội vụ cấp được tài khoản quản trị Sở Nội vụ.")
    try:
        created, password = web.accounts.issue(name, unit.strip(), role, by=user.name, holder=holder)
    except AccountError as exc:
        raise AccountRefused(str(exc)) from None
    web.audit(user, "account_issue", request, target=created.name, unit=created.unit, role=created.role,
              holder=created.holder)
    return created, password


def revoke(web: WebState, request: Request, user: User, name: str) -> Account:
    account = _target(web, user, name)
    try:
        web.accounts.revoke(account.name, by=user.name)
    except AccountError as exc:
        raise AccountRefused(str(exc)) from None
    web.audit(user, "account_revoke", request, target=account.name, unit=account.unit, role=account.role)
    return account


def reset(web: WebState, request: Request, user: User, name: str) -> str:
    account = _target(web, user, name)
    try:
        password = web.accounts.reset_password(account.name, by=user.name)
    except AccountError as exc:
        raise AccountRefused(str(exc)) from None
    web.audit(user, "account_reset_password", request, target=account.name, unit=account.unit)
    return password


def name_holder(web: WebState, request: Request, user: User, name: str, holder: str) -> str:
    account = _target(web, user, name)
    try:
        kept = web.accounts.name_holder(account.name, holder)
    except AccountError as exc:
        raise AccountRefused(str(exc)) from None
    web.audit(user, "account_holder", request, target=account.name, unit=account.unit, holder=kept)
    return kept


def change_own(web: WebState, request: Request, user: User, current: str, new: str) -> User:
    try:
        changed = web.accounts.change_password(user.name, current, new)
    except AccountError as exc:
        web.audit(user, "password_change_failed", request)
        raise AccountRefused(str(exc)) from None
    web.audit(changed, "password_change", request, was_reset=user.must_change)
    start_session(request, changed)  # the epoch moved on: keep this session, end the others
    return changed


def account_audit(web: WebState, user: User, limit: int = 100) -> list[dict[str, Any]]:
    """Logins and account actions in the user's scope, newest first (from the one audit log)."""
    entries = web.records.audit_trail(user.actor, limit=max(limit * 5, 500))
    return [e for e in entries if e["action"].startswith(_AUDITED)][:limit]


# ------------------------------------------------------------------ API
@api.get("/accounts")
def list_accounts(request: Request, include_revoked: bool = True, user: User = Depends(manager)) -> dict[str, Any]:
    """The accounts of the user's subtree (revoked ones too, unless include_revoked=false)."""
    return {"accounts": [a.to_dict() for a in visible_accounts(state(request), user, include_revoked)]}


@api.post("/accounts", dependencies=[Depends(check_csrf)])
def issue_account(request: Request, name: str = Body(...), unit: str = Body(...), role: str = Body(...),
                  holder: str = Body(""), user: User = Depends(manager)) -> dict[str, Any]:
    """Issue an account to the staff member `holder` in the user's subtree; the temporary password
    is returned once."""
    created, password = issue(state(request), request, user, name, unit, role, holder)
    return {"name": created.name, "unit": created.unit, "role": created.role, "temporary_password": password,
            "must_change_password": True, "holder": created.holder}


@api.post("/accounts/{name}/revoke", dependencies=[Depends(check_csrf)])
def revoke_account(name: str, request: Request, user: User = Depends(manager)) -> dict[str, Any]:
    account = revoke(state(request), request, user, name)
    return {"name": account.name, "active": False}


@api.post("/accounts/{name}/holder", dependencies=[Depends(check_csrf)])
def set_holder(name: str, request: Request, holder: str = Body(..., embed=True),
               user: User = Depends(manager)) -> dict[str, Any]:
    """Name the staff member holding an account made without one; never changes a named holder."""
    return {"name": name, "holder": name_holder(state(request), request, user, name, holder)}


@api.post("/accounts/{name}/reset-password", dependencies=[Depends(check_csrf)])
def reset_password(name: str, request: Request, user: User = Depends(manager)) -> dict[str, Any]:
    """A new temporary password (returned once); the user must change it at the next login."""
    return {"name": name, "temporary_password": reset(state(request), request, user, name),
            "must_change_password": True}


@api.post("/account/password", dependencies=[Depends(check_csrf)])
def change_password(request: Request, current_password: str = Body(...), new_password: str = Body(...),
                    user: User = Depends(session_user)) -> dict[str, Any]:
    """The user's own password change (required after an issue or a reset)."""
    changed = change_own(state(request), request, user, current_password, new_password)
    return {"user": changed.name, "must_change_password": False}


@api.get("/audit")
def audit(request: Request, limit: int = 100, person_id: int | None = None, sha256: str | None = None,
          user: User = Depends(current_user)) -> dict[str, Any]:
    """Logins, failed logins, logouts and account actions in the user's scope, newest first (unit
    heads and the Department); with `person_id` or `sha256`, every change to that person's file or
    made from that document — who, when, before and after, the page it came from (also personnel
    officers, who make those changes). A file or document outside the user's scope is the generic 404."""
    web, limit = state(request), min(max(limit, 1), 500)
    if person_id is None and sha256 is None:
        return {"entries": account_audit(web, manager(user), limit)}
    if not user.actor.can("approve"):
        raise HTTPException(403, "Văn thư không xem nhật ký thay đổi hồ sơ; hãy nhờ cán bộ tổ chức.")
    try:
        return {"entries": web.records.audit_trail(user.actor, person_id=person_id, sha256=sha256, limit=limit)}
    except NotFound:
        raise HTTPException(404, NOT_FOUND) from None


# ------------------------------------------------------------------ pages
def accounts_page(request: Request, user: User, status: int = 200, **more: Any) -> HTMLResponse:
    web = state(request)
    tree, today = web.records.tree, dt.date.today()
    units = sorted((c for c in tree.subtree(web.scope_root(user)) if tree.units[c].valid_on(today)),
                   key=lambda c: tree.units[c].path)
    roles = [(k, v[1]) for k, v in ROLES.items() if k != "dept_admin" or user.role == "dept_admin"]
    return render(request, "accounts.html", user, status=status, accounts=visible_accounts(web, user),
                  units=[(c, tree.full_name(c)) for c in units], roles=roles, audit=account_audit(web, user, 30),
                  done=request.query_params.get("done"), **more)


@pages.get("/accounts")
def accounts(request: Request, user: User = Depends(manager)) -> HTMLResponse:
    return accounts_page(request, user)


@pages.post("/accounts", dependencies=[Depends(check_csrf)])
def accounts_issue(request: Request, name: str = Form(...), unit: str = Form(...), role: str = Form(...),
                   holder: str = Form(""), user: User = Depends(manager)) -> Response:
    try:
        created, password = issue(state(request), request, user, name, unit, role, holder)
    except AccountRefused as exc:
        return accounts_page(request, user, status=400, error=exc.message)
    return accounts_page(request, user, secret={"name": created.name, "password": password, "new": True})


@pages.post("/accounts/{name}/{action}", dependencies=[Depends(check_csrf)])
def accounts_action(name: str, action: str, request: Request, holder: str = Form(""),
                    user: User = Depends(manager)) -> Response:
    web = state(request)
    try:
        if action == "holder":
            name_holder(web, request, user, name, holder)
            return RedirectResponse("/accounts?done=holder", status_code=303)
        if action == "revoke":
            revoke(web, request, user, name)
            return RedirectResponse("/accounts?done=revoke", status_code=303)
        if action == "reset":
            password = reset(web, request, user, name)
            return accounts_page(request, user, secret={"name": name, "password": password, "new": False})
    except AccountRefused as exc:
        return accounts_page(request, user, status=400, error=exc.message)
    raise HTTPException(404, NOT_FOUND)


@pages.get("/account/password")
def password_form(request: Request, user: User = Depends(session_user)) -> HTMLResponse:
    return render(request, "password.html", user)


@pages.post("/account/password", dependencies=[Depends(check_csrf)])
def password_change(request: Request, current_password: str = Form(...), new_password: str = Form(...),
                    confirm_password: str = Form(...), user: User = Depends(session_user)) -> Response:
    if new_password != confirm_password:
        return render(request, "password.html", user, status=400, error="Hai lần nhập mật khẩu mới không khớp.")
    try:
        change_own(state(request), request, user, current_password, new_password)
    except AccountRefused as exc:
        return render(request, "password.html", user, status=400, error=exc.message)
    return RedirectResponse("/?password=changed", status_code=303)
