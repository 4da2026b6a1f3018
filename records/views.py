"""Reading a person's file: search by personal ID, id or name, and the file itself — identity,
current unit/position/salary, and the career timeline with each entry's source document (sha256,
number, page), for `sohoa person` and the web app (R1.2). Only files in the actor's scope.

The timeline also holds what the other registers know of the person: awards with their year,
training with the course as announced, seats on councils and committees, headships of units.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from records import completeness
from records.codec import name_key
from records.context import Ctx
from records.errors import NotFound
from records.matching import valid_personal_id
from records.schema import (Allowance, Assignment, Award, Discipline, Document, Event, Mandate, Person,
                            SalaryStep, Training, UnitHead)
from records.timeline import Timeline

_ID = re.compile(r"^#(\d+)$")


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str
    birth_date: dt.date | None
    personal_id: str | None
    unit: str | None
    status: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return out


def find_people(ctx: Ctx, query: str, limit: int = 20) -> list[PersonSummary]:
    """'#12' (file id), a 12-digit personal ID, or a name (tone marks optional; then a part of one)."""
    query = query.strip()
    base = select(Person)
    m, pid = _ID.match(query), valid_personal_id(query)
    if m:
        rows = list(ctx.session.scalars(base.where(Person.id == int(m.group(1)))))
    elif pid:
        rows = list(ctx.session.scalars(base.where(Person.personal_id == pid)))
    else:
        key = name_key(query)
        rows = list(ctx.session.scalars(base.where(Person.name_folded == key).order_by(Person.id).limit(limit * 5)))
        if not rows and key:
            like = "%" + key.replace("%", "").replace("_", "") + "%"
            rows = list(ctx.session.scalars(base.where(Person.name_folded.like(like))
                                            .order_by(Person.id).limit(limit * 5)))
    visible = [p for p in rows if ctx.in_scope(p.unit_code)]
    return [PersonSummary(p.id, p.name, p.birth_date, p.personal_id, ctx.tree.live(p.unit_code, ctx.today), p.status)
            for p in visible[:limit]]


def visible_person(ctx: Ctx, person_id: int) -> Person:
    person = ctx.session.get(Person, person_id)
    if person is None or not ctx.in_scope(person.unit_code):
        raise NotFound(f"Không có hồ sơ số {person_id} trong phạm vi của đơn vị {ctx.actor.unit}.")
    return person


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _salary(row: SalaryStep | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"scale_code": row.scale_code, "step": row.step, "coefficient": row.coefficient,
            "since": _iso(row.valid_from), "next_raise_due": _iso(row.next_raise_due)}


def _entry(ctx: Ctx, row: Any, numbers: dict[str, str | None],
           evidence: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    source = {"sha256": row.document_sha256, "page": row.page, "number": numbers.get(row.document_sha256 or ""),
              "event_id": row.event_id, "evidence": evidence.get(row.event_id or -1, [])}
    if isinstance(row, Assignment):
        return {"date": _iso(row.start_date), "end_date": _iso(row.end_date),
                "kind": "post" if row.track == "main" else "secondment", "type": row.kind,
                "unit": ctx.tree.full_name(row.unit_code) or row.unit_text, "unit_code": row.unit_code,
                "unit_as_written": row.unit_text, "position": row.position, **source}
    if isinstance(row, SalaryStep):
        return {"date": _iso(row.valid_from), "kind": "salary", "type": row.kind, "salary": _salary(row), **source}
    if isinstance(row, Allowance):
        return {"date": _iso(row.valid_from), "kind": "allowance", "type": row.kind, "percent": row.percent, **source}
    if isinstance(row, Award):
        return {"date": _iso(row.awarded_on), "kind": "award", "type": "award", "detail": row.title,
                "year": row.year, **source}
    if isinstance(row, Discipline):
        return {"date": _iso(row.decided_on), "kind": "discipline", "type": "discipline", "detail": row.form, **source}
    if isinstance(row, Mandate):
        closed = {"sha256": row.closed_sha256, "page": row.closed_page,
                  "number": numbers.get(row.closed_sha256 or ""), "event_id": row.closed_event_id,
                  "evidence": evidence.get(row.closed_event_id or -1, [])}
        if row.document_sha256 is None:  # only the decision that ended it is in the records
            source = closed
        return {"date": _iso(row.start_date), "end_date": _iso(row.end_date), "kind": "mandate",
                "type": "mandate", "body": row.body, "unit": ctx.tree.full_name(row.unit_code) or row.body_text,
                "unit_code": row.unit_code, "unit_as_written": row.body_text, "position": row.position,
                "detail": row.term, "status": row.status,
                "closed_by": closed if row.closed_sha256 else None, **source}
    if isinstance(row, UnitHead):
        return {"date": _iso(row.start_date), "end_date": _iso(row.end_date), "kind": "head", "type": "head",
                "unit": ctx.tree.full_name(row.unit_code), "unit_code": row.unit_code, "position": row.position,
                **source}
    assert isinstance(row, Training)
    return {"date": _iso(row.start_date), "end_date": _iso(row.end_date), "kind": "training",
            "type": "training", "detail": row.course, "organiser": row.organiser, "place": row.place,
            "class_id": row.class_id, **source}


def _evidence(ctx: Ctx, event_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The words each entry came from (R1.2: traceable to the page *and* the text), by event:
    field, text as read, page — the event's evidence as the extractor recorded it."""
    if not event_ids:
        return {}
    rows = ctx.session.execute(select(Event.id, Event.payload).where(Event.id.in_(event_ids)))
    return {event_id: [{"field": e.get("field"), "text": e.get("text"), "page": e.get("page")}
                       for e in (payload or {}).get("evidence", []) if e.get("text")]
            for event_id, payload in rows}


def person_file(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """The whole file as JSON-ready data."""
    person = visible_person(ctx, person_id)
    rows: list[Any] = []
    for table in (Assignment, SalaryStep, Allowance, Award, Discipline, Training, Mandate, UnitHead):
        rows += ctx.session.scalars(select(table).where(table.person_id == person.id))
    shas = {r.document_sha256 for r in rows if r.document_sha256}
    shas |= {r.closed_sha256 for r in rows if isinstance(r, Mandate) and r.closed_sha256}
    numbers = {sha: number for sha, number in ctx.session.execute(
        select(Document.sha256, Document.number).where(Document.sha256.in_(shas)))}
    evidence = _evidence(ctx, {r.event_id for r in rows if r.event_id} |
                         {r.closed_event_id for r in rows if isinstance(r, Mandate) and r.closed_event_id})
    entries = sorted((_entry(ctx, r, numbers, evidence) for r in rows),
                     key=lambda e: (e["date"] or "", e["event_id"] or 0))
    timeline = Timeline(ctx.session, person)
    post = timeline.post_on(ctx.today)
    holder = ctx.tree.live(person.unit_code, ctx.today)
    return {
        "id": person.id, "name": person.name, "birth_date": _iso(person.birth_date),
        "personal_id": person.personal_id, "sex": person.sex, "hometown": person.hometown,
        "ethnicity": person.ethnicity, "status": person.status, "staff_group": person.staff_group,
        "current": {
            "unit": ctx.tree.full_name(holder), "unit_code": holder,
            "position": post.position if post else None, "since": _iso(post.start_date) if post else None,
            "salary": _salary(timeline.salary_on(ctx.today)),
        },
        "timeline": entries,
        "completeness": completeness.check(ctx, person).to_dict(),
    }
