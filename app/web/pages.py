"""The HTML pages (Jinja2, Vietnamese): login, upload, document, review queue (approve, correct,
reject), search, person (with the officers' form completing identity fields). The accounts pages are in `app.web.admin`, the dashboard in
`app.web.dashboard`; both render through `render` here.

Pages use the same scope rules and the same records calls as the API; forms carry the CSRF field
and the upload page's script sends the header. Live parts poll the JSON API with plain fetch.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from app.labels import EVENT_LABELS, RECORD_STATUS
from app.web.accounts import User
from app.web.api import SEARCH_FILTERS, do_login, do_logout, records_now, run_search
from app.web.security import check_csrf, current_user, optional_user, page_context, state
from pipeline.families import families
from records import InvalidRequest, NotPermitted

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["event_label"] = lambda t: EVENT_LABELS.get(t, t)
templates.env.globals["event_labels"] = EVENT_LABELS
templates.env.globals["record_status"] = lambda s: RECORD_STATUS.get(s, s)
templates.env.globals["family_label"] = lambda key: families()[key].label if key in families() else key


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
                "event_types": "Loại sự kiện", "units": "Đơn vị",
                "family": "Sổ theo dõi"}
# The review page's correction form: (field, label, input type), in reading order.
CORRECTION_FIELDS = (
    ("type", "Loại sự kiện", "select"), ("person.name", "Họ và tên", "text"),
    ("person.birth_date", "Ngày sinh", "date"), ("effective_date", "Ngày hiệu lực", "date"),
    ("from.unit", "Từ đơn vị", "text"), ("from.position", "Từ chức vụ", "text"),
    ("to.unit", "Đến đơn vị", "text"), ("to.position", "Đến chức vụ", "text"),
    ("salary.scale_code", "Mã ngạch", "text"), ("salary.step", "Bậc lương", "number"),
    ("salary.coefficient", "Hệ số lương", "text"),
)
# What each printed value shown beside a review item was read as (CORRECTION_FIELDS and the rest).
EVIDENCE_LABELS = {**{name: label for name, label, _ in CORRECTION_FIELDS},
                   "previous_salary.scale_code": "Mã ngạch cũ", "previous_salary.step": "Bậc lương cũ",
                   "previous_salary.coefficient": "Hệ số lương cũ", "allowance_percent": "Phụ cấp thâm niên (%)",
                   "term_months": "Thời hạn (tháng)", "next_raise_from": "Mốc nâng lương lần sau"}
templates.env.globals["evidence_label"] = lambda f: EVIDENCE_LABELS.get(f, "Nội dung")
# The person page's identity form (records.person_edit.EDITABLE): (field, label, input type).
PERSON_FIELDS = (
    ("personal_id", "Số định danh cá nhân (CCCD)", "text"), ("name", "Họ và tên", "text"),
    ("birth_date", "Ngày sinh", "date"), ("sex", "Giới tính", "select"),
    ("hometown", "Quê quán", "text"), ("ethnicity", "Dân tộc", "text"),
)
SEX_OPTIONS = (("", "—"), ("male", "Nam"), ("female", "Nữ"))
AUDIT_LABELS = {"login": "Đăng nhập", "login_failed": "Đăng nhập sai", "login_throttled": "Đăng nhập bị chặn tạm thời",
                "logout": "Đăng xuất", "account_issue": "Cấp tài khoản", "account_revoke": "Thu hồi tài khoản",
                "account_reset_password": "Đặt lại mật khẩu", "password_change": "Đổi mật khẩu",
                "password_change_failed": "Đổi mật khẩu không thành công"}
templates.env.globals["audit_label"] = lambda a: AUDIT_LABELS.get(a, a)
DONE = {"approve": "Đã duyệt.", "reject": "Đã từ chối.", "correct": "Đã sửa và cập nhật vào hồ sơ."}


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
    do_logout(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def home(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    web = state(request)
    docs = [d for d in web.uploads.recent(50) if web.document_visible(user, d)][:20]
    return render(request, "upload.html", user, docs=docs, limit_mb=web.settings.limits.max_bytes >> 20,
                  limits=web.settings.web)


@router.get("/documents/{sha256}")
def document(sha256: str, request: Request, page: int = 1, user: User = Depends(current_user)) -> HTMLResponse:
    """An uploaded file's page, or the records' view of one read by the CLI or the nightly batch
    (security.WebState.visible_document): search hits and person files link to both. `page` is
    the page shown (a person's file links to the page an event was read on); each event links to
    the first page its values were boxed on."""
    web = state(request)
    shown = web.visible_document(user, sha256)
    web.audit(user, "read_document", request, sha256=sha256)
    outcome = shown.outcome
    now = records_now(web, user, sha256)
    read_then = (outcome.get("records") or {}).get("events") or []
    statuses = {e.index: e.to_dict() for e in now} if now is not None else dict(enumerate(read_then))
    pages = max(1, int(outcome.get("pages") or 1))
    event_pages: dict[int, int] = {}
    for box in sorted((outcome.get("web") or {}).get("boxes") or (), key=lambda b: b.get("page", 1)):
        event_pages.setdefault(box["event"], box.get("page", 1))
    return render(request, "document.html", user, row=shown, o=outcome, statuses=statuses,
                  has_image=shown.media_type.startswith(("image/", "application/pdf")),
                  page_no=min(max(page, 1), pages), pages=pages, event_pages=event_pages)


def review_page(request: Request, user: User, status: int = 200, **more) -> HTMLResponse:
    items = state(request).records.review_items(user.actor)
    done = DONE.get(request.query_params.get("done") or "")
    return render(request, "review.html", user, status=status, items=items, done=done,
                  fields=CORRECTION_FIELDS, event_types=sorted(EVENT_LABELS.items(), key=lambda kv: kv[1]), **more)


@router.get("/review")
def review(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    return review_page(request, user)


@router.post("/review/{item_id}/correct", dependencies=[Depends(check_csrf)])
async def review_correct(item_id: int, request: Request, user: User = Depends(current_user)) -> Response:
    """The per-event form: every field is sent; the records keep only those that changed."""
    form = await request.form()
    changes = {name: str(form.get(f"f.{name}", "")) for name, _, _ in CORRECTION_FIELDS}
    note = str(form.get("note", "")).strip() or None
    return await run_in_threadpool(_correct, request, user, item_id, changes, note)  # database work: off the loop


def _correct(request: Request, user: User, item_id: int, changes: dict[str, str], note: str | None) -> Response:
    try:
        state(request).records.correct(item_id, user.actor, changes, note=note)
    except (InvalidRequest, NotPermitted) as exc:  # shown beside the form, the typed values kept
        return review_page(request, user, status=400, error=exc.message, error_item=item_id, draft=changes)
    return RedirectResponse("/review?done=correct", status_code=303)


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
    params = {k: request.query_params.get(k) for k in SEARCH_FILTERS}
    result = run_search(web, user, q, params)
    people = web.records.find_people(q, user.actor) if q.strip() else []
    web.audit(user, "search", request, q=q, **{k: v for k, v in params.items() if v})
    return render(request, "search.html", user, q=q, result=result, people=people, params=params,
                  facet_labels=FACET_LABELS)


def person_page(request: Request, user: User, person_id: int, status: int = 200, **more) -> HTMLResponse:
    data = state(request).records.person_file(person_id, user.actor)
    done = "Đã cập nhật thông tin nhân thân của hồ sơ." if request.query_params.get("done") == "edit" else None
    return render(request, "person.html", user, status=status, p=data, done=done, fields=PERSON_FIELDS,
                  sex_options=SEX_OPTIONS, can_edit=user.actor.can("approve"), **more)


@router.get("/people/{person_id}")
def person(person_id: int, request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    page = person_page(request, user, person_id)  # raises the 404 first: only files in scope are read
    state(request).audit(user, "read_person", request, person_id=person_id)
    return page


@router.post("/people/{person_id}/edit", dependencies=[Depends(check_csrf)])
async def person_edit(person_id: int, request: Request, user: User = Depends(current_user)) -> Response:
    """The identity form: every field is sent; the records keep only those that changed."""
    form = await request.form()
    changes = {name: str(form.get(f"f.{name}", "")) for name, _, _ in PERSON_FIELDS}
    note = str(form.get("note", "")).strip() or None
    return await run_in_threadpool(_edit_person, request, user, person_id, changes, note)


def _edit_person(request: Request, user: User, person_id: int, changes: dict[str, str], note: str | None) -> Response:
    # A clerk (NotPermitted, 403) and another unit's file (NotFound, 404) go to the app's handlers.
    try:
        state(request).records.update_person(person_id, user.actor, changes, note)
    except InvalidRequest as exc:  # shown beside the form, the typed values kept
        return person_page(request, user, person_id, status=400, error=exc.message, draft=changes, draft_note=note)
    return RedirectResponse(f"/people/{person_id}?done=edit", status_code=303)
