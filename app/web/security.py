"""Who is asking and what they may see: the session user, CSRF tokens, and the scope rule.

The session is Starlette's signed cookie (itsdangerous); it holds only the user name and the CSRF
token. Scope (R6): a user sees the subtree of their unit's scope root; anything outside is
answered exactly like something that does not exist (404), so counts, errors and URLs leak nothing.
"""
from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request

from app.web.accounts import Accounts, Throttle, User
from app.web.jobs import DocumentRow, Uploads
from app.settings import Settings
from index.backend import SearchBackend
from records import RecordsStore

NOT_FOUND = "Không tìm thấy."


@dataclass
class WebState:
    settings: Settings
    accounts: Accounts
    uploads: Uploads
    records: RecordsStore
    search: SearchBackend
    throttle: Throttle

    def scope_root(self, user: User) -> str:
        return self.records.tree.scope_root(user.unit)

    def search_scope(self, user: User) -> str | None:
        """None (everything) for the province's root scope, else the scope root's code."""
        root = self.scope_root(user)
        return None if self.records.tree.is_root(root) else root

    def document_visible(self, user: User, row: DocumentRow | None) -> bool:
        if row is None:
            return False
        root = self.scope_root(user)
        if self.records.tree.is_root(root):
            return True
        if root in json.loads(row.unit_path or "[]"):
            return True
        return any(self.records.tree.contains(root, unit) for unit in self.uploads.uploading_units(row.sha256))

    def visible_document(self, user: User, sha256: str) -> DocumentRow:
        row = self.uploads.document(sha256)
        if not self.document_visible(user, row):
            raise HTTPException(404, NOT_FOUND)
        assert row is not None
        return row


def state(request: Request) -> WebState:
    return request.app.state.web


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token (header for fetch, field for forms)."""
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = (await request.form()).get("csrf_token")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "Phiên làm việc không hợp lệ (CSRF); hãy tải lại trang.")


def optional_user(request: Request) -> User | None:
    name = request.session.get("user")
    return state(request).accounts.get(name) if name else None


def current_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        raise HTTPException(401, "Cần đăng nhập.")
    return user


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def page_context(request: Request, user: User | None, **more: Any) -> dict[str, Any]:
    return {"request": request, "user": user, "csrf": csrf_token(request), **more}
