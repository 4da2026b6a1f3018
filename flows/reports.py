"""`semiannual_report`: on 15 June and 15 December, the report of the half-year just closed.

Reporting periods follow Decree 09/2019/NĐ-CP Art. 12: the first half-year runs from 15 December
of the previous year to 14 June, the second from 15 June to 14 December — so a run on 15 June or
15 December reports the period that closed the day before (`closed_period`).

The report itself is built by the `builder` parameter (`module:function(home, start, end,
database_url=None) -> dict`): by default `full_report`, the semi-annual report of `reports` (DOCX
laid out per Decree 30/2020 and the XLSX tables) over the records store — embedded in the data
folder, or production's PostgreSQL given as `database_url` (prefect.yaml passes it); and
`summarize_period`, a lighter summary from the processed ledger (documents read by type, issuing
unit, kind, and their events).
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow

from flows.ledger import Ledger
from flows.runtime import configured

TIMEZONE = "Asia/Ho_Chi_Minh"  # the day a document was read is the province's calendar day
FIRST_HALF_END = (6, 14)
SECOND_HALF_END = (12, 14)


def closed_period(day: dt.date) -> tuple[dt.date, dt.date]:
    """The last semi-annual period that ended before `day` (inclusive bounds)."""
    june_end = dt.date(day.year, *FIRST_HALF_END)
    december_end = dt.date(day.year, *SECOND_HALF_END)
    if day > december_end:
        return june_end + dt.timedelta(days=1), december_end
    if day > june_end:
        return dt.date(day.year - 1, *SECOND_HALF_END) + dt.timedelta(days=1), june_end
    previous_december = dt.date(day.year - 1, *SECOND_HALF_END)
    return dt.date(day.year - 1, *FIRST_HALF_END) + dt.timedelta(days=1), previous_december


def read_on(record: dict[str, Any], tz: ZoneInfo = ZoneInfo(TIMEZONE)) -> dt.date:
    """The local calendar day a ledger record was committed."""
    return dt.datetime.fromisoformat(record["committed_at"]).astimezone(tz).date()


def full_report(home: str, start: dt.date, end: dt.date, database_url: str | None = None) -> dict[str, Any]:
    """The semi-annual report of the records (embedded in `home` unless `database_url`) for the
    period ending `end`: DOCX and XLSX written to `<home>/reports/`, the figures returned as data."""
    from flows.stores import open_records
    from records import department_admin
    from reports import figures_to_dict, half_year, semiannual

    year, half = end.year, (1 if end.month <= 6 else 2)
    if half_year(year, half) != (start, end):
        raise ValueError(f"{start}–{end} is not a reporting half-year")
    folder = Path(home) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    store = open_records(Path(home), configured("database_url", database_url))
    try:
        files = [folder / f"bao-cao-6-thang-{year}-{half}{suffix}" for suffix in (".docx", ".xlsx")]
        for out in files:
            figures = semiannual(store, department_admin("sohoa-flow"), year, half, out)
    finally:
        store.close()
    return dict(figures_to_dict(figures), files=[str(f) for f in files])


def summarize_period(home: str, start: dt.date, end: dt.date, database_url: str | None = None) -> dict[str, Any]:
    """Counts of the documents read in [start, end] from the ledger; writes JSON and text to reports/."""
    results = [r["result"] for r in Ledger.of_home(Path(home)).records() if start <= read_on(r) <= end]
    meta = [r.get("metadata") or {} for r in results]
    summary = {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "documents": len(results),
        "by_type": _count(m.get("doc_type") for m in meta),
        "by_unit": _count(m.get("issuer") for m in meta),
        "by_kind": _count(r.get("kind") for r in results),
        "events": _count(e.get("type") for r in results for e in r.get("events") or ()),
        "note": "Tóm tắt tạm thời từ sổ xử lý; báo cáo 6 tháng đầy đủ thuộc issue 9.",
    }
    folder = Path(home) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"semiannual-{start.isoformat()}_{end.isoformat()}"
    _write(folder / f"{stem}.json", json.dumps(summary, ensure_ascii=False, indent=2))
    _write(folder / f"{stem}.txt", summary_text(summary))
    return dict(summary, files=[str(folder / f"{stem}.json"), str(folder / f"{stem}.txt")])


def summary_text(summary: dict[str, Any]) -> str:
    period = summary["period"]
    start, end = (dt.date.fromisoformat(period[k]).strftime("%d/%m/%Y") for k in ("start", "end"))
    lines = [f"TÓM TẮT VĂN BẢN ĐÃ SỐ HÓA TỪ NGÀY {start} ĐẾN NGÀY {end}",
             f"Tổng số văn bản đã đọc: {summary['documents']}", ""]
    for title, key in (("Theo loại văn bản", "by_type"), ("Theo cơ quan ban hành", "by_unit"),
                       ("Theo dạng tệp", "by_kind"), ("Sự kiện nhân sự", "events")):
        lines.append(f"{title}:")
        lines += [f"  - {name}: {count}" for name, count in summary[key].items()] or ["  (không có)"]
    lines += ["", summary["note"], ""]
    return "\n".join(lines)


def _count(values) -> dict[str, int]:
    counts = Counter(v if v else "(không rõ)" for v in values)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _write(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def load_builder(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


@flow(name="semiannual-report", validate_parameters=False)
def semiannual_report(home: str, today: str | None = None, builder: str = "flows.reports:full_report",
                      database_url: str | None = None) -> dict[str, Any]:
    """Report the half-year closed before `today` (default: the run's local date) from the records
    store (embedded in `home` unless `database_url`: production's PostgreSQL)."""
    day = dt.date.fromisoformat(today) if today else dt.datetime.now(ZoneInfo(TIMEZONE)).date()
    start, end = closed_period(day)
    return load_builder(builder)(home, start, end, database_url=database_url)
