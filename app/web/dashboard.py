"""The dashboard (R8, issue 9): the report's figures for a chosen period, scoped to the user's
subtree — the same `reports.compute_figures` the semi-annual report and `sohoa report` use,
rendered as tables, bars and the report's own charts — plus the overdue list and incomplete files.

Period: `from`/`to` (ISO dates), or `year` + `half` (NĐ 09/2019 halves, `reports.half_year`);
by default the half year running today. `unit` narrows to a unit inside the user's scope; a unit
outside it is answered like one that does not exist. The semi-annual report itself (DOCX, XLSX)
downloads from here too, for the user's subtree only.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.web.accounts import User
from app.web.pages import render
from app.web.security import NOT_FOUND, WebState, current_user, state
from reports import ReportFigures, compute_figures, figures_to_dict, half_year, semiannual

api = APIRouter(prefix="/api", tags=["reports"])
pages = APIRouter(include_in_schema=False)
CHARTS = ("rates", "timeliness")
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _half_of(day: dt.date) -> tuple[int, int]:
    for year, half in ((day.year, 1), (day.year, 2), (day.year + 1, 1)):
        start, end = half_year(year, half)
        if start <= day <= end:
            return year, half
    raise AssertionError(day)


def _iso(value: str | None, what: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise HTTPException(400, f"{what} '{value}' không hợp lệ; dùng dạng YYYY-MM-DD.") from None


def period(request: Request, today: dt.date) -> tuple[dt.date, dt.date]:
    q = request.query_params
    start, end = _iso(q.get("from"), "Ngày bắt đầu"), _iso(q.get("to"), "Ngày kết thúc")
    if start is None and end is None:
        year, half = _half_of(today)
        if (q.get("year") or "").isdigit() and q.get("half") in ("1", "2"):
            year, half = int(q["year"]), int(q["half"])
        return half_year(year, half)
    start, end = start or dt.date(today.year, 1, 1), end or today
    if start > end:
        raise HTTPException(400, "Ngày bắt đầu phải trước ngày kết thúc.")
    return start, end


def figures(web: WebState, user: User, request: Request) -> ReportFigures:
    """The figures the user may see for the requested period (and unit, inside their scope)."""
    unit = request.query_params.get("unit") or None
    if unit is not None and not web.records.tree.contains(web.scope_root(user), unit):
        raise HTTPException(404, NOT_FOUND)
    start, end = period(request, web.records.config.clock().date())
    return compute_figures(web.records, user.actor, start, end, unit)


@api.get("/reports/figures")
def report_figures(request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    """The report's figures per unit and in total (query: from, to | year, half; unit) — the
    numbers of `sohoa report semiannual` and the dashboard, for the user's subtree only."""
    f = figures(state(request), user, request)
    return {**figures_to_dict(f), "gap_names": f.gap_names}


@api.get("/reports/figures/{chart}.png")
def report_chart(chart: str, request: Request, user: User = Depends(current_user)) -> Response:
    """The report's charts as PNG: `rates` (on-time and complete shares) or `timeliness` (counts)."""
    if chart not in CHARTS:
        raise HTTPException(404, NOT_FOUND)
    from reports import charts  # matplotlib: loaded only when a chart is asked for

    f = figures(state(request), user, request)
    png = charts.rates_chart(f.units) if chart == "rates" else charts.timeliness_chart(f.units)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


@api.get("/reports/semiannual.{fmt}")
def semiannual_report(fmt: str, year: int, half: int, request: Request, unit: str | None = None,
                      user: User = Depends(current_user)) -> Response:
    """The semi-annual report (NĐ 30/2020 DOCX or XLSX workbook) of the user's subtree, or of
    `unit` inside it — what `sohoa report semiannual` writes."""
    web = state(request)
    if fmt not in MEDIA or (unit is not None and not web.records.tree.contains(web.scope_root(user), unit)):
        raise HTTPException(404, NOT_FOUND)
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise HTTPException(400, "Kỳ báo cáo không hợp lệ: half là 1 hoặc 2, year là năm báo cáo.")
    with tempfile.TemporaryDirectory(prefix="sohoa-report-") as folder:
        out = Path(folder) / f"bao-cao-6-thang-{half}-{year}.{fmt}"
        semiannual(web.records, user.actor, year, half, out, unit)
        data = out.read_bytes()
    web.audit(user, "export_report", request, report="semiannual", format=fmt, year=year, half=half,
              unit=unit or web.scope_root(user))
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{out.name}"'})


def _halves(today: dt.date, count: int = 4) -> list[tuple[int, int, str]]:
    year, half = _half_of(today)
    out = []
    for _ in range(count):
        out.append((year, half, f"{'6 tháng đầu' if half == 1 else '6 tháng cuối'} năm {year}"))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out


@pages.get("/dashboard")
def dashboard(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    """Figures per unit, ranked; charts; overdue decisions of the period; incomplete files."""
    web = state(request)
    f = figures(web, user, request)
    query = {"from": f.start.isoformat(), "to": f.end.isoformat()}
    if request.query_params.get("unit"):
        query["unit"] = f.root
    overdue = [d for d in web.records.timeliness(user.actor, f.root, f.start, f.end).documents
               if d.status == "overdue"]
    incomplete = web.records.incomplete_files(user.actor, f.root)[:100]
    charts = [c for c, shown in zip(CHARTS, (any(u.files for u in f.units), any(u.decisions for u in f.units)))
              if shown]  # an empty chart tells nothing
    return render(request, "dashboard.html", user, f=f, data=figures_to_dict(f), qs=urlencode(query),
                  halves=_halves(f.today), overdue=overdue, incomplete=incomplete, charts=charts)
