"""Deadlines: whether each decision reached the records in time, and timeliness per unit (R8, R9.2).

A document with events is *handled* when none of its events waits any more (applied, refused or
superseded); the day it was handled is the last of those. Against its due date (the strictest
enabled policy in force on its issue date) it is then on time or late; not yet handled it is
overdue once the due date has passed, else pending. Days late are working days on the CBCCVC
calendar. The per-unit table groups documents by the unit answerable for them (the issuer as it
exists today), rolled up to the children of the unit asked about.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from records.context import Ctx
from records.errors import NotFound, NotPermitted
from records.schema import Document, Event

_COUNTED = ("applied", "in_review", "refused", "superseded")  # documents that carried events


@dataclass(frozen=True)
class DocumentDeadline:
    sha256: str
    number: str | None
    unit: str | None
    issued_date: dt.date | None
    due_date: dt.date | None
    due_policy: str | None
    dues: dict[str, str]
    status: str  # on_time | late | overdue | pending | no_deadline
    handled_on: dt.date | None
    workdays_late: int

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("issued_date", "due_date", "handled_on"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass(frozen=True)
class UnitTimeliness:
    unit: str
    name: str | None
    documents: int
    on_time: int
    late: int
    overdue: int
    pending: int
    workdays_late: int  # summed over late and overdue documents

    @property
    def on_time_rate(self) -> float | None:
        decided = self.on_time + self.late + self.overdue
        return round(self.on_time / decided, 4) if decided else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "on_time_rate": self.on_time_rate}


@dataclass(frozen=True)
class TimelinessReport:
    unit: str
    start: dt.date | None
    end: dt.date | None
    today: dt.date
    rows: tuple[UnitTimeliness, ...]
    total: UnitTimeliness
    documents: tuple[DocumentDeadline, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "from": self.start and self.start.isoformat(),
                "to": self.end and self.end.isoformat(), "today": self.today.isoformat(),
                "total": self.total.to_dict(), "units": [r.to_dict() for r in self.rows],
                "documents": [d.to_dict() for d in self.documents]}


def document_deadline(ctx: Ctx, doc: Document, handled_on: dt.date | None) -> DocumentDeadline:
    cal = ctx.config.calendar
    due = doc.due_date
    if due is None:
        status, late = "no_deadline", 0
    elif handled_on is not None:
        late = max(0, cal.workdays_between(due, handled_on))
        status = "on_time" if handled_on <= due else "late"
    else:
        late = max(0, cal.workdays_between(due, ctx.today))
        status = "overdue" if ctx.today > due else "pending"
    return DocumentDeadline(doc.sha256, doc.number, ctx.tree.live(doc.owner_unit_code, ctx.today), doc.issued_date, due,
                            doc.due_policy, dict(doc.dues or {}), status, handled_on, late)


def _group(ctx: Ctx, unit: str, owner: str | None) -> str:
    """The child of `unit` on the way down to `owner` (or `unit` itself)."""
    chain = ctx.tree.ancestors(ctx.tree.live(owner, ctx.today))
    if unit in chain:
        i = chain.index(unit)
        return chain[i - 1] if i > 0 else unit
    return unit


def timeliness(ctx: Ctx, unit: str | None, start: dt.date | None, end: dt.date | None) -> TimelinessReport:
    unit = unit or ctx.scope_root
    if ctx.tree.get(unit) is None:
        raise NotFound(f"Không có đơn vị mã {unit} trong cây tổ chức.")
    if not ctx.in_scope(unit):
        raise NotPermitted(f"Đơn vị {unit} ngoài phạm vi quản lý của {ctx.actor.unit}.")
    allowed = ctx.tree.live_subtree(unit, ctx.today) & ctx.tree.live_subtree(ctx.scope_root, ctx.today)
    # Grouping by the primary key lets every document column be selected (SQLite and PostgreSQL).
    query = (select(Document, func.max(Event.resolved_at))
             .join(Event, Event.document_sha256 == Document.sha256)
             .where(Document.status.in_(_COUNTED), Document.owner_unit_code.in_(allowed))
             .group_by(Document.sha256))
    if start:
        query = query.where(Document.issued_date >= start)
    if end:
        query = query.where(Document.issued_date <= end)
    rows = ctx.session.execute(query.order_by(Document.issued_date, Document.sha256))
    deadlines = tuple(
        document_deadline(ctx, doc, None if doc.status == "in_review" or last is None else last.date())
        for doc, last in rows)
    groups: dict[str, list[DocumentDeadline]] = {}
    for d in deadlines:
        groups.setdefault(_group(ctx, unit, d.unit), []).append(d)
    summary = tuple(_summarise(ctx, code, items) for code, items in sorted(groups.items()))
    return TimelinessReport(unit, start, end, ctx.today, summary, _summarise(ctx, unit, list(deadlines)),
                            deadlines)


def _summarise(ctx: Ctx, code: str, items: list[DocumentDeadline]) -> UnitTimeliness:
    count = {s: sum(1 for d in items if d.status == s) for s in ("on_time", "late", "overdue", "pending")}
    late = sum(d.workdays_late for d in items if d.status in ("late", "overdue"))
    return UnitTimeliness(code, ctx.tree.full_name(code), len([d for d in items if d.due_date]),
                          count["on_time"], count["late"], count["overdue"], count["pending"], late)
