"""The HTML pages (Jinja2, Vietnamese): login, upload, document, review queue, search, person.

Pages use the same scope rules and the same records calls as the API; forms carry the CSRF field
and the upload page's script sends the header. Live parts poll the JSON API with plain fetch.
"""
from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from app.labels import EVENT_LABELS
from app.web.accounts import User
from app.web.api import do_login, run_search
from app.web.security import check_csrf, current_user, optional_user, page_context, state

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["event_label"] = lambda t: EVENT_LABELS.get(t, t)


def highlight(fragment: str | None) -> Markup:
    """The search engine's fragment, escaped, with only its own <em> marks kept as markup."""
    escaped = str(escape(fragment or ""))
    return Markup(escaped.replace("&lt;em&gt;", "<em>").replace("&lt;/em&gt;", "</em>"))


def vn_date(value: object) -> str:
    """ISO date (string or date) → dd/mm/yyyy, as Vietnamese readers write it."""
    if not value:
        return "—"
    text = str(value)[:10]
    parts = text.split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else text


templates.env.filters["highlight"] = highlight
templates.env.filters["vn_date"] = vn_date

FACET_LABELS = {"doc_type": "Loại văn bản", "issuer": "Cơ quan ban hành", "year": "Năm",
                "event_types": "Loại sự kiện", "units": "Đơn vị"}


def render(request: Request, name: str, user: User | None, status: int = 200, **more) -> HTMLResponse:
    return templates.TemplateResponse(request, name, page_context(request, user, **more), status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", optional_user(request), status=status, status_code=status, message=message)


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", None)


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(request: Request, username: str = Form(...), password: str = Form(...)) -> Response:
    try:
        do_login(state(request), request, username, password)
    except HTTPException as exc:
        return render(request, "login.html", None, status=exc.status_code, error=exc.detail)
    return RedirectResponse("/", status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def home(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    web = state(request)
    docs = [d for d in web.uploads.recent(50) if web.document_visible(user, d)][:20]
    return render(request, "upload.html", user, docs=docs, limit_mb=web.settings.limits.max_bytes >> 20)


@router.get("/documents/{sha256}")
def document(sha256: str, request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    row = state(request).visible_document(user, sha256)
    outcome = json.loads(row.outcome)
    return render(request, "document.html", user, row=row, o=outcome,
                  has_image=(outcome.get("web") or {}).get("media_type", "").startswith(("image/", "application/pdf")))


@router.get("/review")
def review(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    items = state(request).records.review_items(user.actor)
    return render(request, "review.html", user, items=items, done=request.query_params.get("done"))


@router.post("/review/{item_id}/{action}", dependencies=[Depends(check_csrf)])
def review_action(item_id: int, action: str, request: Request, note: str = Form(""),
                  user: User = Depends(current_user)) -> Response:
    records = state(request).records
    if action == "approve":
        records.approve(item_id, user.actor)
    elif action == "reject":
        records.reject(item_id, user.actor, note or None)
    else:
        raise HTTPException(404, "Không tìm thấy.")
    return RedirectResponse(f"/review?done={action}", status_code=303)


@router.get("/search")
def search(request: Request, q: str = "", user: User = Depends(current_user)) -> HTMLResponse:
    web = state(request)
    params = {k: request.query_params.get(k) for k in ("doc_type", "issuer", "year", "event_type",
                                                         "date_from", "date_to")}
    result = run_search(web, user, q, params)
    people = web.records.find_people(q, user.actor) if q.strip() else []
    return render(request, "search.html", user, q=q, result=result, people=people, params=params,
                  facet_labels=FACET_LABELS)


@router.get("/dashboard")
def dashboard(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    """Timeliness per unit of the user's scope, the overdue list, the incomplete files."""
    records = state(request).records
    report = records.timeliness(user.actor)
    overdue = [d for d in report.documents if d.status == "overdue"]
    incomplete = records.incomplete_files(user.actor)[:100]
    return render(request, "dashboard.html", user, report=report, overdue=overdue, incomplete=incomplete)


@router.get("/people/{person_id}")
def person(person_id: int, request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    data = state(request).records.person_file(person_id, user.actor)
    return render(request, "person.html", user, p=data)
