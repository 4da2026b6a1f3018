"""The REST API (/api/…), published in the OpenAPI document at /api/openapi.json.

Every endpoint acts as the session's user; anything outside the user's scope is a 404 with the
same body as something that does not exist. State-changing endpoints need the CSRF header.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from app.web import pageimage
from app.web.accounts import User
from app.web.jobs import ALLOWED_SUFFIXES, display_name
from app.web.security import NOT_FOUND, WebState, check_csrf, client_ip, csrf_token, current_user, state
from index.model import FACETS, SearchQuery
from pipeline.errors import SohoaError
from pipeline.store import open_original

router = APIRouter(prefix="/api", tags=["api"])
_CHUNK = 1 << 16


@router.post("/login")
def login(request: Request, username: str = Body(...), password: str = Body(...)) -> dict[str, Any]:
    """Log in (JSON body); returns the CSRF token for later state-changing calls."""
    web = state(request)
    return do_login(web, request, username, password)


def do_login(web: WebState, request: Request, username: str, password: str) -> dict[str, Any]:
    ip = client_ip(request)
    if web.throttle.blocked(username, ip):
        raise HTTPException(429, "Đăng nhập sai quá nhiều lần; hãy thử lại sau ít phút.")
    user = web.accounts.verify(username, password)
    if user is None:
        web.throttle.failed(username, ip)
        raise HTTPException(401, "Sai tên đăng nhập hoặc mật khẩu.")
    web.throttle.succeeded(username, ip)
    request.session.clear()
    request.session["user"] = user.name
    return {"user": user.name, "unit": user.unit, "role": user.role, "csrf": csrf_token(request)}


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> dict[str, bool]:
    request.session.clear()
    return {"ok": True}


@router.get("/me")
def me(request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    return {"user": user.name, "unit": user.unit, "role": user.role, "csrf": csrf_token(request)}


@router.post("/uploads", dependencies=[Depends(check_csrf)])
async def upload(request: Request, files: list[UploadFile] = File(...),
                 user: User = Depends(current_user)) -> dict[str, Any]:
    """Accept several files; each becomes a background job or an immediate refusal."""
    web = state(request)
    if not user.actor.can("apply"):
        raise HTTPException(403, "Vai trò của bạn không được tải văn bản lên.")
    out = []
    for item in files:
        out.append(await _accept(web, user, item))
    return {"jobs": out}


async def _accept(web: WebState, user: User, item: UploadFile) -> dict[str, Any]:
    name = display_name(item.filename)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        return {"name": name, "status": "refused", "error_code": "INPUT-UNSUPPORTED",
                "message": "Loại tệp không được hỗ trợ (chỉ nhận PDF, DOCX, PNG, JPEG, TIFF)."}
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
        return {"name": name, "status": "refused", "error_code": "INPUT-TOO-LARGE",
                "message": f"Tệp quá lớn (giới hạn {limit // (1 << 20)} MB)."}
    return web.uploads.submit(user, name, path).to_dict()


@router.get("/uploads/{job_id}")
def upload_status(job_id: str, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    job = state(request).uploads.job(job_id, user)
    if job is None:
        raise HTTPException(404, NOT_FOUND)
    return job.to_dict()


@router.get("/documents/{sha256}")
def document(sha256: str, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    row = state(request).visible_document(user, sha256)
    return {"name": row.name, "uploader": row.uploader, "outcome": json.loads(row.outcome)}


@router.get("/documents/{sha256}/original")
def original(sha256: str, request: Request, user: User = Depends(current_user)) -> Response:
    """The original bytes, unchanged."""
    web = state(request)
    row = web.visible_document(user, sha256)
    try:
        handle = open_original(row.sha256, web.settings.pipeline_config().paths)
    except SohoaError:
        raise HTTPException(404, NOT_FOUND) from None
    kind = json.loads(row.outcome).get("kind") or "application/octet-stream"
    media = kind if "/" in kind else "application/octet-stream"
    return StreamingResponse(handle, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{row.sha256[:16]}\"; filename*=UTF-8''{_quote(row.name)}"})


def _quote(name: str) -> str:
    return quote(name, safe="")


@router.get("/documents/{sha256}/page1.png")
def page_image(sha256: str, request: Request, user: User = Depends(current_user)) -> Response:
    web = state(request)
    row = web.visible_document(user, sha256)
    png = pageimage.render(row.sha256, json.loads(row.outcome), web.settings.pipeline_config().paths)
    if png is None:
        raise HTTPException(404, "Không có ảnh trang cho loại tệp này.")
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


def _as_dict(result: Any) -> dict[str, Any]:
    return result.to_dict() if hasattr(result, "to_dict") else dict(result.__dict__)


def run_search(web: WebState, user: User, q: str, params: dict[str, str | None]) -> Any:
    year = params.get("year")
    query = SearchQuery(text=q, doc_type=params.get("doc_type") or None, issuer=params.get("issuer") or None,
                        event_type=params.get("event_type") or None,
                        year=int(year) if year and year.isdigit() else None,
                        date_from=_date(params.get("date_from")), date_to=_date(params.get("date_to")),
                        scope=web.search_scope(user), facets=FACETS, limit=50)
    return web.search.search(query)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/search")
def search(request: Request, q: str = "", doc_type: str | None = None, issuer: str | None = None,
           year: str | None = None, event_type: str | None = None, date_from: str | None = None,
           date_to: str | None = None, user: User = Depends(current_user)) -> dict[str, Any]:
    result = run_search(state(request), user, q, {"doc_type": doc_type, "issuer": issuer, "year": year,
                                                  "event_type": event_type, "date_from": date_from,
                                                  "date_to": date_to})
    return {"total": result.total, "hits": [h.to_json() for h in result.hits],
            "facets": {k: {f.value: f.count for f in v} for k, v in result.facets.items()}}


@router.get("/people")
def people(request: Request, q: str, user: User = Depends(current_user)) -> dict[str, Any]:
    return {"people": [p.to_dict() for p in state(request).records.find_people(q, user.actor)]}


@router.get("/people/{person_id}")
def person(person_id: int, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    return state(request).records.person_file(person_id, user.actor)


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
