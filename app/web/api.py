"""The REST API (/api/…), published in the OpenAPI document at /api/openapi.json.

Every endpoint acts as the session's user; anything outside the user's scope is a 404 with the
same body as something that does not exist. State-changing endpoints need the CSRF header.
Errors answer {"code": STABLE-CODE, "detail": Vietnamese message}. Accounts administration is in
`app.web.admin`, the report figures in `app.web.dashboard`.
"""
from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.web import originals, pageimage
from app.web.accounts import User
from app.web.errors import TooManyFiles
from app.web.jobs import ALLOWED_SUFFIXES, display_name
from app.web.limits import check_quota
from app.web.security import (NOT_FOUND, WebState, check_csrf, client_ip, csrf_token, current_user, optional_user,
                              session_user, start_session, state)
from index.model import FACETS, SearchQuery
from pipeline.errors import SohoaError
from pipeline.model import nfc
from pipeline.store import open_original
from records import EventResult, NotFound

router = APIRouter(prefix="/api", tags=["api"])
_CHUNK = 1 << 16


@router.post("/login")
def login(request: Request, username: str = Body(...), password: str = Body(...)) -> dict[str, Any]:
    """Log in (JSON body); returns the CSRF token for later state-changing calls."""
    web = state(request)
    return do_login(web, request, username, password)


def do_login(web: WebState, request: Request, username: str, password: str) -> dict[str, Any]:
    """Check the password (throttled per name and address); every attempt goes to the audit log."""
    ip, username = client_ip(request), nfc(username.strip())  # "an " and "an" are one name to the throttle
    if web.throttle.blocked(username, ip):
        web.audit(web.actor_for_name(username), "login_throttled", request)
        raise HTTPException(429, "Đăng nhập sai quá nhiều lần; hãy thử lại sau ít phút.")
    user = web.accounts.verify(username, password)
    if user is None:
        web.throttle.failed(username, ip)
        web.audit(web.actor_for_name(username), "login_failed", request)
        raise HTTPException(401, "Sai tên đăng nhập hoặc mật khẩu.")
    web.throttle.succeeded(username, ip)
    web.accounts.mark_login(user.name)
    web.audit(user, "login", request, must_change_password=user.must_change)
    start_session(request, user)
    return _me(request, user)


def _me(request: Request, user: User) -> dict[str, Any]:
    return {"user": user.name, "unit": user.unit, "role": user.role, "must_change_password": user.must_change,
            "csrf": csrf_token(request)}


def do_logout(request: Request) -> None:
    user = optional_user(request)
    if user is not None:
        state(request).audit(user, "logout", request)
    request.session.clear()


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> dict[str, bool]:
    do_logout(request)
    return {"ok": True}


@router.get("/me")
def me(request: Request, user: User = Depends(session_user)) -> dict[str, Any]:
    return _me(request, user)


_UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


@router.post("/uploads", dependencies=[Depends(check_csrf)], openapi_extra=_UPLOAD_BODY)
async def upload(request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    """Accept several files (multipart field `files`); each becomes a background job or a refusal.

    Capped server-side: the whole request's size (WEB-REQUEST-TOO-LARGE, before parsing), the
    files per request (WEB-TOO-MANY-FILES), each file's size and type, and the user's quota
    (WEB-UPLOAD-THROTTLED)."""
    web = state(request)
    if not user.actor.can("apply"):
        raise HTTPException(403, "Vai trò của bạn không được tải văn bản lên.")
    form = await _upload_form(request, web.settings.web.max_files)
    try:
        items = [v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile)]
        if not items:
            raise HTTPException(422, "Chưa chọn tệp nào để tải lên.")
        limits = web.settings.web
        sent, pending = web.uploads.counts(user, time.time() - limits.upload_window_s)
        check_quota(limits, sent, pending, len(items))
        return {"jobs": [await _accept(web, user, item) for item in items]}
    finally:
        await form.close()


async def _upload_form(request: Request, max_files: int) -> FormData:
    """The multipart body, parsed with the file count capped (the size is capped before, in limits)."""
    too_many = TooManyFiles(f"Mỗi lần tải lên tối đa {max_files} tệp; hãy chia thành nhiều lần.")
    try:
        form = await request.form(max_files=max_files, max_fields=max_files + 10, max_part_size=64 * 1024)
    except StarletteHTTPException as exc:
        if str(exc.detail).startswith("Too many files"):
            raise too_many from None
        raise HTTPException(400, "Dữ liệu tải lên không hợp lệ (multipart).") from None
    if sum(1 for k, v in form.multi_items() if isinstance(v, UploadFile)) > max_files:
        await form.close()
        raise too_many
    return form


@router.get("/uploads")
def my_uploads(request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    """The user's latest uploads with their status, newest first (the upload page after a reload)."""
    return {"jobs": state(request).uploads.jobs_of(user)}


async def _accept(web: WebState, user: User, item: UploadFile) -> dict[str, Any]:
    name = display_name(item.filename)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        return web.uploads.refuse(user, name, "INPUT-UNSUPPORTED",
                                  "Loại tệp không được hỗ trợ (chỉ nhận PDF, DOCX, PNG, JPEG, TIFF).")
    limit = web.settings.limits.max_bytes
    path, size = web.uploads.temp_path(), 0
    with open(path, "wb") as target:
        while chunk := await item.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                break
            target.write(chunk)
    if size > limit:
        path.unlink(missing_ok=True)
        return web.uploads.refuse(user, name, "INPUT-TOO-LARGE", f"Tệp quá lớn (giới hạn {limit // (1 << 20)} MB).")
    return web.uploads.submit(user, name, path)


@router.get("/uploads/{job_id}")
def upload_status(job_id: str, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    """One upload's status: queued | running | done | failed | refused (only the uploader's own)."""
    job = state(request).uploads.job(job_id, user)
    if job is None:
        raise HTTPException(404, NOT_FOUND)
    return job


@router.get("/documents/{sha256}")
def document(sha256: str, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    """The outcome as read at upload (for a file read by the CLI or the nightly batch: the
    records' document in the same shape, uploader null), and `records_now`: where each event
    stands in the records now (after review, approval, correction); null when the records hold
    no such document."""
    web = state(request)
    shown = web.visible_document(user, sha256)
    web.audit(user, "read_document", request, sha256=sha256)
    now = records_now(web, user, sha256)
    return {"name": shown.name, "uploader": shown.uploader, "outcome": shown.outcome,
            "records_now": [e.to_dict() for e in now] if now is not None else None}


def records_now(web: WebState, user: User, sha256: str) -> list[EventResult] | None:
    """The document's events as the records hold them now; None when the records do not hold the
    document (a refused file, one read without applying) or hold it outside the user's scope."""
    try:
        return web.records.document_events(sha256, user.actor)
    except NotFound:
        return None


@router.get("/documents/{sha256}/original")
def original(sha256: str, request: Request, user: User = Depends(current_user)) -> Response:
    """The original bytes, unchanged."""
    web = state(request)
    shown = web.visible_document(user, sha256)
    try:
        handle = open_original(shown.sha256, web.settings.pipeline_config().paths)
    except SohoaError:
        raise HTTPException(404, NOT_FOUND) from None
    web.audit(user, "download_original", request, sha256=sha256)
    # The type the upload's bytes were identified as, else the kept bytes' own (never a name).
    media = (shown.media_type or originals.stored_media_type(shown.sha256, web.settings.pipeline_config().paths)
             or "application/octet-stream")
    return StreamingResponse(handle, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{shown.sha256[:16]}\"; filename*=UTF-8''{_quote(shown.name)}"})


def _part(box: str) -> tuple[float, float, float, float]:
    """ "x0,y0,x1,y1" as four finite numbers, left above right below; else 422."""
    try:
        x0, y0, x1, y1 = (float(v) for v in box.split(","))
    except ValueError:
        raise HTTPException(422, "Vùng ảnh phải là bốn số x0,y0,x1,y1.") from None
    if not all(math.isfinite(v) and v >= 0 for v in (x0, y0, x1, y1)) or x0 >= x1 or y0 >= y1:
        raise HTTPException(422, "Vùng ảnh phải là bốn số x0,y0,x1,y1 không âm, x0 < x1 và y0 < y1.")
    return x0, y0, x1, y1


def _quote(name: str) -> str:
    return quote(name, safe="")


@router.get("/documents/{sha256}/page1.png")
def page_image(sha256: str, request: Request, user: User = Depends(current_user)) -> Response:
    """Page 1 (kept for links made before pages were numbered)."""
    return numbered_page_image(sha256, 1, request, user, box=None)


@router.get("/documents/{sha256}/pages/{number}.png")
def numbered_page_image(sha256: str, number: int, request: Request, user: User = Depends(current_user),
                        box: str | None = Query(None, description="x0,y0,x1,y1 in the page's own unit: "
                                                "only that part of the page, with a margin")) -> Response:
    """Page `number` (1-based) as a PNG with the values read on it boxed (for a document from
    the records, not uploaded here, as the records keep its geometry), or only the part `box`
    names (the review queue shows the printed words beside each value); a DOCX, a page the file
    does not have, a part off the page or a missing original has no image (404)."""
    web = state(request)
    shown = web.visible_document(user, sha256)
    part = _part(box) if box is not None else None
    png = pageimage.render(shown.sha256, shown.outcome, web.settings.pipeline_config().paths, number, part)
    if png is None:
        raise HTTPException(404, "Không có ảnh trang này cho tệp này.")
    return Response(png, media_type="image/png")


@router.get("/review")
def review(request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    items = state(request).records.review_items(user.actor)
    return {"items": [i.to_dict() for i in items]}


@router.post("/review/{item_id}/approve", dependencies=[Depends(check_csrf)])
def approve(item_id: int, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    return _as_dict(state(request).records.approve(item_id, user.actor))


@router.post("/review/{item_id}/reject", dependencies=[Depends(check_csrf)])
def reject(item_id: int, request: Request, user: User = Depends(current_user),
           note: str | None = Body(None, embed=True)) -> dict[str, Any]:
    return _as_dict(state(request).records.reject(item_id, user.actor, note))


@router.post("/review/{item_id}/correct", dependencies=[Depends(check_csrf)])
def correct(item_id: int, request: Request, user: User = Depends(current_user),
            fields: dict[str, Any] = Body(..., embed=True, description="dotted field → new value, e.g. "
                                          '{"person.birth_date": "1980-05-12", "to.position": "Phó Giám đốc"}'),
            person_id: int | None = Body(None, embed=True), note: str | None = Body(None, embed=True)) -> dict[str, Any]:
    """Correct a queued event's fields, then apply it (old and new values in the audit log).
    Editable: type, person.name, person.birth_date, effective_date, from.unit, from.position,
    to.unit, to.position, salary.scale_code, salary.step, salary.coefficient."""
    return _as_dict(state(request).records.correct(item_id, user.actor, fields, person_id, note))


def _as_dict(result: Any) -> dict[str, Any]:
    return result.to_dict() if hasattr(result, "to_dict") else dict(result.__dict__)


def run_search(web: WebState, user: User, q: str, params: dict[str, str | None]) -> Any:
    """The search as the user may see it: hits, total and facets all restricted to their scope."""
    year = params.get("year")
    query = SearchQuery(text=q, doc_type=params.get("doc_type") or None, issuer=params.get("issuer") or None,
                        event_type=params.get("event_type") or None, unit=params.get("unit") or None,
                        family=params.get("family") or None,
                        year=int(year) if year and year.isdigit() else None,
                        date_from=_date(params.get("date_from")), date_to=_date(params.get("date_to")),
                        scope=web.search_scope(user), facets=FACETS, limit=50)
    return web.search.search(query)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


SEARCH_FILTERS = ("doc_type", "issuer", "year", "event_type", "family", "unit", "date_from", "date_to")


@router.get("/search")
def search(request: Request, q: str = "", doc_type: str | None = None, issuer: str | None = None,
           year: str | None = None, event_type: str | None = None, unit: str | None = None,
           family: str | None = None, date_from: str | None = None, date_to: str | None = None,
           user: User = Depends(current_user)) -> dict[str, Any]:
    filters = {"doc_type": doc_type, "issuer": issuer, "year": year, "event_type": event_type, "unit": unit,
               "family": family, "date_from": date_from, "date_to": date_to}
    result = run_search(state(request), user, q, filters)
    state(request).audit(user, "search", request, q=q, **{k: v for k, v in filters.items() if v})
    return {"total": result.total, "hits": [h.to_json() for h in result.hits],
            "facets": {k: {f.value: f.count for f in v} for k, v in result.facets.items()}}


@router.get("/people")
def people(request: Request, q: str, user: User = Depends(current_user)) -> dict[str, Any]:
    return {"people": [p.to_dict() for p in state(request).records.find_people(q, user.actor)]}


@router.get("/people/{person_id}")
def person(person_id: int, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    web = state(request)
    file = web.records.person_file(person_id, user.actor)  # NotFound outside the scope: not logged as read
    web.audit(user, "read_person", request, person_id=person_id)
    return file


@router.post("/people/{person_id}", dependencies=[Depends(check_csrf)])
def edit_person(person_id: int, request: Request, user: User = Depends(current_user),
                fields: dict[str, Any] = Body(..., embed=True, description="field → new value (empty clears), e.g. "
                                              '{"personal_id": "001093001234", "birth_date": "18/03/1993"}'),
                note: str | None = Body(None, embed=True)) -> dict[str, Any]:
    """Complete or correct a file's identity fields (officers; old and new values in the audit log).
    Editable: personal_id, name, birth_date, sex, hometown, ethnicity — salary, posts and events
    change only by decisions. Answers the changed fields' old and new values."""
    return state(request).records.update_person(person_id, user.actor, fields, note).to_dict()


@router.get("/reports/timeliness")
def timeliness(request: Request, unit: str | None = None, user: User = Depends(current_user)) -> dict[str, Any]:
    web = state(request)
    if unit is not None and not web.records.tree.contains(web.scope_root(user), unit):
        raise HTTPException(404, NOT_FOUND)
    return web.records.timeliness(user.actor, unit).to_dict()


@router.get("/openapi-info")
def openapi_info() -> dict[str, str]:
    """Where the OpenAPI document is published."""
    return {"openapi": "/api/openapi.json", "docs": "/api/docs"}
