"""Deadlines: whether each decision reached the records in time, and timeliness per unit (R8, R9.2).

A document with events is *handled* when none of its events waits any more (applied, refused or
superseded); the day it was handled is the last of those. Against its due date (the strictest
enabled policy in force on its issue date) it is then on time or late; not yet handled it is
overdue once the due date has passed, else pending. Days late are working days on the CBCCVC
calendar. The per-unit table groups documents by the unit answerable for them (the issuer as it
exists today), rolled up to the children of the unit asked about.

`due_items` answers the daily deadline monitor from the same store: documents whose events still
wait and whose due date is past or within a working day; regular raises falling due (each
person's latest salary step and its next-raise date); appointment terms ending; retirements —
each for the list of the unit that must act (`managing_unit`), within the actor's scope.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from records.context import Ctx
from records.errors import NotFound, NotPermitted
from records.schema import Assignment, Document, Event, Person, ReviewItem, SalaryStep
from records.timeline import add_months

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


# ── What falls due: the daily notice lists (deadline_monitor) ─────────────────────────────────────

def _no_rule(*_: Any) -> None:
    return None


@dataclass(frozen=True)
class DueRules:
    """How far ahead each kind of notice looks, and the two rules the store does not hold (the
    caller passes the validators': records may not import them)."""

    update_workdays: int = 1  # records updates overdue, or due within this many working days
    raise_days: int = 30  # regular raises falling due within
    term_days: int = 90  # appointment terms ending within
    retirement_months: int = 6  # retirements within
    # The last day of an appointment term with no stated length (5 years: NĐ 138/2020, NĐ 115/2020).
    term_end: Callable[[dt.date], dt.date | None] = _no_rule
    # (the day the retirement age is reached, whether the sex was known) from birth date and sex.
    retirement_due: Callable[[dt.date, str | None], tuple[dt.date, bool] | None] = _no_rule


@dataclass(frozen=True)
class DueItem:
    """One thing falling due, for the list of the unit that must act on it."""

    kind: str  # records_update | salary_raise | term_end | retirement
    due: dt.date
    manager: str | None  # the unit whose list it goes on (see `managing_unit`); None: outside the tree
    unit: str | None  # the live unit of the person's file (or answerable for the document)
    person: str | None = None
    person_id: int | None = None
    sha256: str | None = None  # the decision the date comes from
    number: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # kind-specific (people, ngạch/bậc, position …)


_WAITING = ("needs_review", "pending_transfer")
_TERM_KINDS = ("appointment", "reappointment")


def due_items(ctx: Ctx, unit: str | None, rules: DueRules) -> list[DueItem]:
    """Everything under `unit` (default: the actor's scope) falling due by each kind's horizon,
    overdue items included, soonest first within each list."""
    root = unit or ctx.scope_root
    allowed = set(ctx.subtree_codes(unit))
    outside = ctx.tree.is_root(root)  # files and documents outside the known tree: the province's
    people = Person.unit_code.in_(allowed)
    if outside:
        people = or_(people, Person.unit_code.is_(None))
    today = ctx.today
    items = pending_updates(ctx, ctx.config.calendar.add_workdays(today, rules.update_workdays))
    items += raises_due(ctx, today + dt.timedelta(days=rules.raise_days), people)
    items += terms_ending(ctx, today + dt.timedelta(days=rules.term_days), rules.term_end, people)
    items += retirements(ctx, add_months(today, rules.retirement_months), rules.retirement_due, people)
    kept = [i for i in items if i.unit in allowed or (i.unit is None and outside)]
    return sorted(kept, key=lambda i: (i.manager or "", i.due, i.kind, i.person or "", i.sha256 or ""))


def managing_unit(ctx: Ctx, code: str | None) -> str | None:
    """The unit whose list a notice goes on: the nearest one that is not a section (a Phòng's
    people are the Sở's to act on; a hospital and a commune act for themselves)."""
    for anchor in ctx.tree.ancestors(code):
        unit = ctx.tree.get(anchor)
        if unit is not None and unit.kind != "section":
            return anchor
    return code


def _item(ctx: Ctx, kind: str, due: dt.date, unit_code: str | None, **more: Any) -> DueItem:
    unit = ctx.tree.live(unit_code, ctx.today)
    return DueItem(kind, due, managing_unit(ctx, unit), unit, **more)


def pending_updates(ctx: Ctx, by: dt.date) -> list[DueItem]:
    """Documents with events still waiting (review, transfer approval) whose due date is `by` or
    earlier: one item per document and unit whose reviewers hold its events."""
    rows = ctx.session.execute(
        select(Document.sha256, Document.number, Document.due_date, Document.owner_unit_code,
               Event.person_name, ReviewItem.unit_code)
        .join(Event, Event.document_sha256 == Document.sha256)
        .outerjoin(ReviewItem, (ReviewItem.event_id == Event.id) & (ReviewItem.status == "open"))
        .where(Document.status == "in_review", Document.due_date <= by, Event.status.in_(_WAITING))
        .order_by(Document.due_date, Document.sha256, Event.seq))
    people: dict[tuple[str, str | None], list[str]] = {}
    docs: dict[str, tuple[str | None, dt.date]] = {}
    for sha, number, due, owner, name, review_unit in rows:
        docs[sha] = (number, due)
        people.setdefault((sha, review_unit or owner), []).append(name)
    return [_item(ctx, "records_update", docs[sha][1], code, sha256=sha, number=docs[sha][0],
                  facts={"people": sorted(set(names))})
            for (sha, code), names in people.items()]


def _latest(table: Any, day: Any, *extra: Any) -> Any:
    """No later row of the same person (by date, then by the order rows were written)."""
    later = aliased(table)
    return ~exists().where(later.person_id == table.person_id,
                           or_(getattr(later, day) > getattr(table, day),
                               and_(getattr(later, day) == getattr(table, day), later.id > table.id)),
                           *[condition(later) for condition in extra])


def raises_due(ctx: Ctx, by: dt.date, people: Any = true()) -> list[DueItem]:
    """Active people (among `people`: a condition on Person) whose latest salary step's next
    regular raise falls due by `by` (the store computed it from the ngạch's interval, 36 or 24
    months, when the step was written)."""
    rows = ctx.session.execute(
        select(SalaryStep, Person.name, Person.unit_code, Document.number)
        .join(Person, Person.id == SalaryStep.person_id)
        .outerjoin(Document, Document.sha256 == SalaryStep.document_sha256)
        .where(Person.status == "active", people, SalaryStep.next_raise_due <= by, _latest(SalaryStep, "valid_from")))
    return [_item(ctx, "salary_raise", step.next_raise_due, unit, person=name, person_id=step.person_id,
                  sha256=step.document_sha256, number=number,
                  facts={"scale_code": step.scale_code, "step": step.step, "since": step.valid_from.isoformat()})
            for step, name, unit, number in rows]


def terms_ending(ctx: Ctx, by: dt.date, default_end: Callable[[dt.date], dt.date | None],
                 people: Any = true()) -> list[DueItem]:
    """Active people whose current post is an appointment whose term ends by `by`: the stated
    term, else the default one (`default_end`); a later post (say, the reappointment) ends it."""
    rows = ctx.session.execute(
        select(Assignment, Person.name, Person.unit_code, Document.number)
        .join(Person, Person.id == Assignment.person_id)
        .outerjoin(Document, Document.sha256 == Assignment.document_sha256)
        .where(Person.status == "active", people, Assignment.track == "main", Assignment.kind.in_(_TERM_KINDS),
               _latest(Assignment, "start_date", lambda later: later.track == "main")))
    out = []
    for post, name, unit, number in rows:
        end = (add_months(post.start_date, post.term_months) - dt.timedelta(days=1)
               if post.term_months else default_end(post.start_date))
        if end is not None and end <= by:
            out.append(_item(ctx, "term_end", end, unit, person=name, person_id=post.person_id,
                             sha256=post.document_sha256, number=number,
                             facts={"position": post.position, "since": post.start_date.isoformat()}))
    return out


def retirements(ctx: Ctx, by: dt.date, due_of: Callable[[dt.date, str | None], tuple[dt.date, bool] | None],
                people: Any = true()) -> list[DueItem]:
    """Active people who reach retirement age by `by` (already past it included)."""
    rows = ctx.session.execute(select(Person.id, Person.name, Person.birth_date, Person.sex, Person.unit_code)
                               .where(Person.status == "active", people, Person.birth_date.is_not(None)))
    out = []
    for pid, name, birth, sex, unit in rows:
        found = due_of(birth, sex)
        if found is not None and found[0] <= by:
            out.append(_item(ctx, "retirement", found[0], unit, person=name, person_id=pid,
                             facts={"birth_date": birth.isoformat(), "sex": sex, "sex_known": found[1]}))
    return out
