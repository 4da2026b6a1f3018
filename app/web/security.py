"""Who is asking and what they may see: the session user, CSRF tokens, the scope rule, and the
audit log every login and account action goes to.

The session is Starlette's signed cookie (itsdangerous, `Secure` unless the settings allow plain
http); it holds only the user name, the account's password epoch (a changed or reset password
ends older sessions) and the CSRF token. Scope (R6): a user sees the subtree of their unit's scope
root; anything outside is answered exactly like something that does not exist (404), so counts,
errors and URLs leak nothing. A user whose password was reset reaches nothing but the password
change until they have changed it.

Documents: the page of a file uploaded through the web app shows the outcome kept at upload
(`app.web.jobs`); every other document the records hold (read by `sohoa ingest` or the nightly
batch) is shown as the records hold it (`RecordsStore.document_outcome`), under the records' own
scope rule (the document's owner unit in the user's subtree) — search hits, person files and
registers link to both alike.

Audit: accounts live in the web database, but their entries go to the records' audit log
(`RecordsStore.log_action`), so one log holds logins, account actions and records changes alike.
"""
from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request

from app.web import originals
from app.web.accounts import ROLES, Accounts, Throttle, User
from app.web.errors import PasswordChangeRequired
from app.web.jobs import DocumentRow, Uploads, display_name
from app.settings import Settings
from index.backend import SearchBackend
from records import Actor, NotFound, RecordsStore

NOT_FOUND = "Không tìm thấy."
# What a user with a reset password may still reach.
PASSWORD_PATHS = frozenset({"/api/me", "/api/logout", "/logout", "/api/account/password", "/account/password"})


@dataclass(frozen=True)
class ShownDocument:
    """What the document page and API show: an upload (with its uploader and the outcome read
    then) or, for a file that never passed through the web app, the records' view of it."""

    sha256: str
    name: str
    uploader: str | None
    outcome: dict[str, Any]
    archived: bool  # from the records, not from an upload

    @property
    def media_type(self) -> str:
        return (self.outcome.get("web") or {}).get("media_type") or ""


@dataclass
class WebState:
    settings: Settings
    accounts: Accounts
    uploads: Uploads
    records: RecordsStore
    search: SearchBackend
    throttle: Throttle

    def close(self) -> None:
        """Stop the upload pool (waiting for running jobs), then close the stores."""
        self.uploads.close()
        self.records.close()
        self.search.close()
        self.accounts.db.close()

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

    def audit(self, actor: Actor | User, action: str, request: Request | None = None, *,
              person_id: int | None = None, sha256: str | None = None, **details: Any) -> None:
        """One entry in the records' audit log (never a password); `person_id`/`sha256`: the file
        or document the action was on, so the file's own trail shows who read it."""
        if isinstance(actor, User):
            actor = actor.actor
        if request is not None:
            details["ip"] = client_ip(request)
        self.records.log_action(actor, action, details, person_id=person_id, sha256=sha256)

    def actor_for_name(self, name: str) -> Actor:
        """Who a login attempt claims to be: the account when it exists, else the province root
        (so only the Department reads attempts on names that do not exist)."""
        account = self.accounts.account(name)
        if account is not None:
            return Actor(account.name, account.unit, ROLES[account.role][0])
        return Actor(name.strip()[:120] or "?", self.records.config.home_root, "viewer")

    def visible_document(self, user: User, sha256: str) -> ShownDocument:
        """The upload when the user may see it, else the records' document when it is in the
        user's scope; otherwise the one 404 of things that do not exist."""
        row = self.uploads.document(sha256)
        if row is not None and self.document_visible(user, row):
            return ShownDocument(row.sha256, row.name, row.uploader, json.loads(row.outcome), archived=False)
        try:
            outcome = self.records.document_outcome(sha256, user.actor)
        except NotFound:
            raise HTTPException(404, NOT_FOUND) from None
        source = (outcome.get("source") or "").strip()
        # The page images need the type (the kept bytes say it), the pages' sizes and the boxes;
        # a DOCX has no page image, and its text is read from the original instead.
        config = self.settings.pipeline_config()
        media_type = originals.stored_media_type(sha256, config.paths)
        outcome["web"] = {"media_type": media_type, **outcome.pop("page_geometry")}
        outcome["text"] = originals.docx_text(sha256, media_type, config)
        # A CLI source is a path on the server: only its last part is shown.
        return ShownDocument(sha256, display_name(source) if source else sha256[:16], None, outcome, archived=True)


def state(request: Request) -> WebState:
    return request.app.state.web


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token (header for fetch and uploads,
    field for the pages' urlencoded forms; a multipart body is never parsed just to look)."""
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        sent = (await request.form()).get("csrf_token")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "Phiên làm việc không hợp lệ (CSRF); hãy tải lại trang.")


def start_session(request: Request, user: User) -> None:
    request.session.clear()
    request.session["user"], request.session["epoch"] = user.name, user.epoch


def optional_user(request: Request) -> User | None:
    """The session's user while the account is active and its password unchanged since login."""
    name = request.session.get("user")
    user = state(request).accounts.get(name) if name else None
    if user is None or request.session.get("epoch") != user.epoch:
        return None
    return user


def session_user(request: Request) -> User:
    """The logged-in user, even one who still has to change a reset password."""
    user = optional_user(request)
    if user is None:
        raise HTTPException(401, "Cần đăng nhập.")
    return user


def current_user(request: Request) -> User:
    user = session_user(request)
    if user.must_change and request.url.path not in PASSWORD_PATHS:
        raise PasswordChangeRequired()
    return user


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def page_context(request: Request, user: User | None, **more: Any) -> dict[str, Any]:
    return {"request": request, "user": user, "csrf": csrf_token(request), **more}
