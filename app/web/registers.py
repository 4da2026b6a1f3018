"""The page "Sổ theo dõi" (issue 10): one tab per register of letter 3647/SNV-VP besides the
personnel files — organisation, local government, awards and emulation, training — and its JSON
API, `GET /api/registers/{units|local|awards|training}?unit=&year=`.

Rows are `RecordsStore.register`'s, the same as `sohoa registers --json`
(records/data/registers.schema.json), so each user sees only their subtree's rows; a `unit`
outside it is answered like one that does not exist (404). Wording is shared with the CLI
(app.cli_registers).
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from app import cli_registers as words
from app.web.accounts import User
from app.web.pages import render
from app.web.security import NOT_FOUND, WebState, current_user, state
from records import NotPermitted

api = APIRouter(prefix="/api", tags=["registers"])
pages = APIRouter(include_in_schema=False)
LABELS = {"titles": words.TITLES, "kinds": words.UNIT_KINDS, "bodies": words.BODIES, "levels": words.LEVELS,
          "seats": words.SEAT_STATUS, "groups": words.STAFF_GROUPS, "awards": words.AWARD_KINDS}


def register_rows(web: WebState, user: User, name: str, unit: str | None, year: int | None) -> list[dict[str, Any]]:
    """One register's rows for this user (404 for an unknown register or a unit out of scope)."""
    if name not in words.FAMILY_OF:
        raise HTTPException(404, NOT_FOUND)
    try:
        return web.records.register(name, user.actor, unit or None, year)
    except NotPermitted:
        raise HTTPException(404, NOT_FOUND) from None


@api.get("/registers/{name}")
def register(name: str, request: Request, unit: str | None = None, year: int | None = None,
             user: User = Depends(current_user)) -> dict[str, Any]:
    rows = register_rows(state(request), user, name, unit, year)
    return {"register": name, "title": words.TITLES[name], "rows": rows}


@pages.get("/registers")
def registers_page(request: Request, tab: str = "units", unit: str | None = None, year: int | None = None,
                   user: User = Depends(current_user)) -> HTMLResponse:
    rows = register_rows(state(request), user, tab, unit, year)
    return render(request, "registers.html", user, tab=tab, rows=rows, unit=unit or "", year=year or "",
                  labels=LABELS)
