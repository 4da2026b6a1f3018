"""`create_app(settings)`: open the stores, the accounts and the upload pool; mount the API and pages.

The web database (accounts, kept outcomes) is SQLite in the data folder (`web.db`, `app.web.db`); the records
and the search index are the same stores the CLI uses. Records errors map to HTTP statuses here,
once: NotFound → 404 with a generic body (no echo of what was asked), NotPermitted → 403,
InvalidRequest → 400, RecordsUnavailable → 503.
"""
from __future__ import annotations

import datetime as dt
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from app.settings import Settings
from app.web import api, pages
from app.web.accounts import Accounts, Throttle
from app.web.db import open_db
from app.web.jobs import Uploads
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
    return WebState(settings, accounts, uploads, records, search, Throttle())


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
        web.uploads.close()
        web.records.close()
        web.search.close()
        web.accounts.db.close()

    app = FastAPI(title="sohoa — số hoá hồ sơ CBCCVC", lifespan=lifespan, openapi_url="/api/openapi.json",
                  docs_url="/api/docs", redoc_url=None)
    app.state.web = web
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings.home), session_cookie="sohoa_session",
                       same_site="strict", https_only=False, max_age=8 * 3600)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _handlers(app)
    return app


def _handlers(app: FastAPI) -> None:
    def body(request: Request, status: int, message: str) -> Response:
        if status == 401 and not request.url.path.startswith("/api/"):
            return RedirectResponse("/login", status_code=303)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return pages.error_page(request, status, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return body(request, exc.status_code, str(exc.detail))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return body(request, 404, NOT_FOUND)

    @app.exception_handler(NotPermitted)
    async def not_permitted(request: Request, exc: NotPermitted) -> Response:
        return body(request, 403, exc.message)

    @app.exception_handler(InvalidRequest)
    async def invalid(request: Request, exc: InvalidRequest) -> Response:
        return body(request, 400, exc.message)

    @app.exception_handler(RecordsUnavailable)
    async def unavailable(request: Request, exc: RecordsUnavailable) -> Response:
        return body(request, 503, "Cơ sở dữ liệu hồ sơ tạm thời không sẵn sàng; hãy thử lại.")
