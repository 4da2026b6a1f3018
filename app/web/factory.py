"""`create_app(settings)`: open the stores, the accounts and the upload pool; mount the API and pages.

The web database (accounts, jobs, kept outcomes) is SQLite in the data folder (`web.db`,
`app.web.db`); the records and the search index are the same stores the CLI uses. Errors map to
HTTP statuses here, once, as {"code", "detail"} for the API and an error page otherwise: every
404 (a records NotFound, an object out of scope, an unknown route) has the one generic body (no
echo of what was asked); NotPermitted → 403, InvalidRequest → 400, RecordsUnavailable → 503, the
web app's own refusals (`app.web.errors`) → their status. The request-size cap wraps everything
(`app.web.limits.BodyLimit`); the session cookie is `Secure` unless the settings allow http.
"""
from __future__ import annotations

import datetime as dt
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from app.settings import Settings
from app.web import admin, api, dashboard, pages, registers
from app.web.accounts import Accounts, Throttle
from app.web.db import open_db
from app.web.errors import PasswordChangeRequired, WebError
from app.web.jobs import Uploads
from app.web.limits import BodyLimit
from app.web.security import NOT_FOUND, WebState
from flows.compose import Context, default_stages
from flows.stores import open_records, open_search
from records import InvalidRequest, NotFound, NotPermitted, RecordsUnavailable

HERE = Path(__file__).parent


def open_state(settings: Settings) -> WebState:
    records = open_records(settings.home, settings.database_url)
    search = open_search(settings.home, settings.search_url)
    db = open_db(settings.home)
    ctx = Context(config=settings.pipeline_config(), stages=default_stages(dt.date.today()),
                  records=records, search=search)
    uploads = Uploads(db, settings.home / "web-uploads", ctx, records, settings.workers)
    accounts = Accounts(db, lambda code: records.unit(code) is not None)
    uploads.recover(accounts.get)
    return WebState(settings, accounts, uploads, records, search, Throttle(db))


def session_secret(home: Path) -> str:
    """A random signing key kept in the data folder (0600), so sessions survive a restart."""
    path = home / "web-secret"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(settings: Settings) -> FastAPI:
    web = open_state(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        web.close()

    app = FastAPI(title="sohoa — số hoá hồ sơ CBCCVC", lifespan=lifespan, openapi_url="/api/openapi.json",
                  docs_url="/api/docs", redoc_url=None)
    app.state.web = web
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings.home), session_cookie="sohoa_session",
                       same_site="strict", https_only=settings.web.cookie_secure, max_age=8 * 3600)
    app.add_middleware(BodyLimit, limits=settings.web)  # added last: the outermost, before any parsing
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (api.router, admin.api, dashboard.api, registers.api, pages.router, admin.pages, dashboard.pages,
                   registers.pages):
        app.include_router(router)
    _handlers(app)
    return app


# HTTP status → the stable code of a refusal that carries no code of its own.
STATUS_CODES = {400: "WEB-BAD-REQUEST", 401: "WEB-LOGIN-REQUIRED", 403: "WEB-FORBIDDEN", 404: "WEB-NOT-FOUND",
                405: "WEB-METHOD-NOT-ALLOWED", 422: "WEB-INVALID-INPUT", 429: "WEB-LOGIN-THROTTLED"}


def _handlers(app: FastAPI) -> None:
    def body(request: Request, status: int, message: str, code: str | None = None) -> Response:
        if status == 404:  # one body for every 404: nothing tells "elsewhere" from "nowhere"
            message, code = NOT_FOUND, None
        code = code or STATUS_CODES.get(status, "WEB-ERROR")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"code": code, "detail": message}, status_code=status)
        if status == 401:
            return RedirectResponse("/login", status_code=303)
        if code == PasswordChangeRequired.code:
            return RedirectResponse("/account/password", status_code=303)
        return pages.error_page(request, status, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return body(request, exc.status_code, str(exc.detail))

    @app.exception_handler(WebError)
    async def refused(request: Request, exc: WebError) -> Response:
        return body(request, exc.status, exc.message, exc.code)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return body(request, 404, NOT_FOUND)

    @app.exception_handler(NotPermitted)
    async def not_permitted(request: Request, exc: NotPermitted) -> Response:
        return body(request, 403, exc.message, exc.code)

    @app.exception_handler(InvalidRequest)
    async def invalid(request: Request, exc: InvalidRequest) -> Response:
        return body(request, 400, exc.message, exc.code)

    @app.exception_handler(RecordsUnavailable)
    async def unavailable(request: Request, exc: RecordsUnavailable) -> Response:
        return body(request, 503, "Cơ sở dữ liệu hồ sơ tạm thời không sẵn sàng; hãy thử lại.", exc.code)
