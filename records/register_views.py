"""Reading the other registers (letter §1.2–1.5) for `sohoa registers` and the web page: the
organisation tree with its history, heads, contacts and regulations; local government seats and
commune officials; individual and collective awards and emulation registrations; classes and
trainees. Rows are JSON-ready dicts (records/data/registers.schema.json), each linked to its source
decision (sha256, number, page) like a person's timeline.

Only rows in the actor's scope are listed (R6): a unit's rows by the unit they concern, a
person's rows by the unit holding the person's file. `unit` narrows to one subtree, `year` to one
year (a unit that existed then, a seat held then, an award or registration for that year, a class
or course running then).
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import select

from records.context import Ctx
from records.errors import InvalidRequest, NotFound, NotPermitted
from records.schema import (Award, Document, Mandate, OrgAlias, OrgChange, OrgUnit, Person, Training,
                            TrainingClass, UnitAward, UnitHead)

REGISTERS = ("units", "local", "awards", "training")
CONTACT_FIELDS = ("address", "phone", "email")
SCHEMA_FILE = "registers.schema.json"


@lru_cache(maxsize=1)
def row_schema() -> dict[str, Any]:
    """The JSON Schema every register row follows (the `--json` contract of `sohoa registers`)."""
    return json.loads(resources.files("records.data").joinpath(SCHEMA_FILE).read_text("utf-8"))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _overlaps(start: dt.date | None, end: dt.date | None, year: int | None) -> bool:
    if year is None:
        return True
    return (start is None or start.year <= year) and (end is None or end.year >= year)


class Listing:
    """The scope filter and source links shared by the four registers."""

    def __init__(self, ctx: Ctx, unit: str | None, year: int | None):
        self.ctx, self.year = ctx, year
        self.codes = set(ctx.subtree_codes(unit)) if unit else None  # checks scope and existence
        self._numbers: dict[str, str | None] = {}

    def inside(self, code: str | None) -> bool:
        if self.codes is not None:
            return code in self.codes
        return self.ctx.in_scope(code)

    def unit(self, code: str | None) -> dict[str, Any]:
        """Today's node of the unit and its full name (a dissolved district's section: the commune
        that took over its files); the row keeps the name as written where it has one."""
        today = self.ctx.tree.live(code, self.ctx.today) if code else None
        return {"unit_code": today, "unit": self.ctx.tree.full_name(today)}

    def numbers(self, rows: Iterable[Any], attr: str = "document_sha256") -> None:
        """Look up the decision numbers of these rows' documents in one query."""
        shas = {getattr(r, attr) for r in rows if getattr(r, attr)} - set(self._numbers)
        if shas:
            found = self.ctx.session.execute(select(Document.sha256, Document.number).where(Document.sha256.in_(shas)))
            self._numbers.update({sha: number for sha, number in found})

    def source(self, sha256: str | None, page: int | None, event_id: int | None) -> dict[str, Any] | None:
        if sha256 is None:
            return None
        return {"sha256": sha256, "number": self._numbers.get(sha256), "page": page, "event_id": event_id}


def rows(ctx: Ctx, register: str, unit: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """Every row of one register within the actor's scope (and `unit`'s subtree, and `year`)."""
    if register not in REGISTERS:
        raise InvalidRequest(f"Không có sổ '{register}'; các sổ: {', '.join(REGISTERS)}.")
    listing = Listing(ctx, unit, year)
    builders: dict[str, Callable[[Listing], list[dict[str, Any]]]] = {
        "units": _units, "local": _local, "awards": _awards, "training": _training}
    return [{"register": register, **row} for row in builders[register](listing)]


# ------------------------------------------------------------------ organisation
def _units(ls: Listing) -> list[dict[str, Any]]:
    session, tree = ls.ctx.session, ls.ctx.tree
    units = [u for u in session.scalars(select(OrgUnit).order_by(OrgUnit.path))
             if ls.inside(u.code) and _overlaps(u.valid_from, u.valid_to, ls.year)]
    codes = [u.code for u in units]
    heads = _by_unit(session.scalars(select(UnitHead).where(UnitHead.unit_code.in_(codes))
                                     .order_by(UnitHead.start_date, UnitHead.id)))
    changes = _by_touched(session.scalars(select(OrgChange).order_by(OrgChange.effective_date, OrgChange.id)),
                          set(codes))
    former = _by_unit(session.scalars(select(OrgAlias).where(OrgAlias.unit_code.in_(codes),
                                                             OrgAlias.valid_to.is_not(None))))
    people = {h.person_id for hs in heads.values() for h in hs}
    names = {pid: name for pid, name in session.execute(select(Person.id, Person.name).where(Person.id.in_(people)))}
    ls.numbers([*(h for hs in heads.values() for h in hs), *(c for cs in changes.values() for c in cs)])
    out = []
    for u in units:
        mine = heads.get(u.code, [])
        head_rows = [_head(ls, h, names) for h in mine]
        today = ls.ctx.today
        current = next((h for h in reversed(mine)
                        if h.start_date <= today and (h.end_date is None or today <= h.end_date)), None)
        out.append({
            "code": u.code, "name": u.name, "kind": u.kind, "kind_text": u.kind_text,
            "parent_code": u.parent_code, "parent": tree.full_name(u.parent_code),
            "valid_from": _iso(u.valid_from), "valid_to": _iso(u.valid_to),
            "successor_code": u.successor_code, "successor": tree.full_name(u.successor_code),
            "origin": u.origin, "contact": {f: getattr(u, f) for f in CONTACT_FIELDS},
            "former_names": [{"name": a.name, "until": _iso(a.valid_to)} for a in former.get(u.code, [])],
            "head": _head(ls, current, names) if current else None, "heads": head_rows,
            "regulations": [_change(ls, c) for c in changes.get(u.code, []) if c.kind == "unit_regulation"],
            "changes": [_change(ls, c) for c in changes.get(u.code, []) if c.kind != "unit_regulation"],
        })
    return out


def _by_unit(rows: Iterable[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for row in rows:
        out.setdefault(row.unit_code, []).append(row)
    return out


def _by_touched(changes: Iterable[OrgChange], codes: set[str]) -> dict[str, list[OrgChange]]:
    """Each change under the unit it is about and under every other unit it touched: the units
    merged into it, split from it, its sections closed with it (org_change `before`)."""
    out: dict[str, list[OrgChange]] = {}
    for change in changes:
        touched = {change.unit_code, *((change.before or {}).get("units") or {})}
        for code in sorted(touched & codes):
            out.setdefault(code, []).append(change)
    return out


def _head(ls: Listing, h: UnitHead, names: dict[int, str]) -> dict[str, Any]:
    return {"person_id": h.person_id, "name": names.get(h.person_id), "position": h.position,
            "start_date": _iso(h.start_date), "end_date": _iso(h.end_date),
            "source": ls.source(h.document_sha256, h.page, h.event_id)}


def _change(ls: Listing, c: OrgChange) -> dict[str, Any]:
    return {"type": c.kind, "date": _iso(c.effective_date), "detail": c.detail, "as_written": c.unit_text,
            "source": ls.source(c.document_sha256, c.page, c.event_id)}


# ------------------------------------------------------------------ local government
def _local(ls: Listing) -> list[dict[str, Any]]:
    session = ls.ctx.session
    seats = [m for m in session.scalars(select(Mandate).order_by(Mandate.unit_code, Mandate.body, Mandate.start_date))
             if ls.inside(m.unit_code) and _overlaps(m.start_date, m.end_date, ls.year)]
    people = {p.id: p for p in session.scalars(select(Person).where(
        (Person.id.in_({m.person_id for m in seats})) | Person.staff_group.is_not(None)))}
    ls.numbers(seats)
    ls.numbers(seats, "closed_sha256")
    out = [{"kind": "mandate", "id": m.id, "person_id": m.person_id, "name": people[m.person_id].name,
            "body": m.body, "body_as_written": m.body_text, **ls.unit(m.unit_code), "level": m.level,
            "position": m.position, "role": m.role, "term": m.term, "start_date": _iso(m.start_date),
            "end_date": _iso(m.end_date), "confirmed_on": _iso(m.confirmed_on), "status": m.status,
            "source": ls.source(m.document_sha256, m.page, m.event_id),
            "closed_by": ls.source(m.closed_sha256, m.closed_page, m.closed_event_id)} for m in seats]
    officials = sorted((p for p in people.values() if p.staff_group and ls.inside(p.unit_code)
                        and _overlaps(p.staff_group_since, None, ls.year)), key=lambda p: (p.unit_code or "", p.name))
    out += [{"kind": "official", "person_id": p.id, "name": p.name, **ls.unit(p.unit_code),
             "staff_group": p.staff_group, "since": _iso(p.staff_group_since), "status": p.status}
            for p in officials]
    return out


# ------------------------------------------------------------------ awards and emulation
def _awards(ls: Listing) -> list[dict[str, Any]]:
    session = ls.ctx.session
    found = session.execute(select(Award, Person).join(Person, Person.id == Award.person_id)
                            .order_by(Award.awarded_on, Award.id))
    personal = [(a, p) for a, p in found if ls.inside(p.unit_code) and _in_year(a.year, a.awarded_on, ls.year)]
    units = [u for u in session.scalars(select(UnitAward).order_by(UnitAward.awarded_on, UnitAward.id))
             if ls.inside(u.unit_code) and _in_year(u.year, u.awarded_on, ls.year)]
    ls.numbers([a for a, _ in personal] + units)
    out = [{"kind": "award", "person_id": p.id, "name": p.name, **ls.unit(p.unit_code), "title": a.title,
            "year": a.year, "date": _iso(a.awarded_on), "source": ls.source(a.document_sha256, a.page, a.event_id)}
           for a, p in personal]
    out += [{"kind": u.kind, **ls.unit(u.unit_code), "unit_as_written": u.unit_text, "title": u.title,
             "year": u.year, "date": _iso(u.awarded_on), "source": ls.source(u.document_sha256, u.page, u.event_id)}
            for u in units]
    return out


def _in_year(year: int | None, day: dt.date, wanted: int | None) -> bool:
    return wanted is None or (year if year is not None else day.year) == wanted


# ------------------------------------------------------------------ training
def _training(ls: Listing) -> list[dict[str, Any]]:
    session = ls.ctx.session
    found = session.execute(select(Training, Person).join(Person, Person.id == Training.person_id)
                            .order_by(Training.start_date, Training.id))
    trainees = [(t, p) for t, p in found
                if ls.inside(p.unit_code) and _overlaps(t.start_date, t.end_date or t.start_date, ls.year)]
    classes = [c for c in session.scalars(select(TrainingClass).order_by(TrainingClass.start_date, TrainingClass.id))
               if ls.inside(c.unit_code) and _overlaps(c.start_date, c.end_date or c.start_date, ls.year)]
    totals: dict[int, int] = {}
    for class_id in session.scalars(select(Training.class_id).where(Training.class_id.in_([c.id for c in classes]))):
        totals[class_id] = totals.get(class_id, 0) + 1
    ls.numbers([t for t, _ in trainees] + classes)
    out = [{"kind": "class", "id": c.id, "name": c.name, "organiser": c.organiser, **ls.unit(c.unit_code),
            "place": c.place, "start_date": _iso(c.start_date), "end_date": _iso(c.end_date),
            "trainees": [{"person_id": p.id, "name": p.name} for t, p in trainees if t.class_id == c.id],
            "trainees_total": totals.get(c.id, 0), "source": ls.source(c.document_sha256, c.page, c.event_id)}
           for c in classes]
    out += [{"kind": "trainee", "person_id": p.id, "name": p.name, **ls.unit(p.unit_code), "course": t.course,
             "class_id": t.class_id, "organiser": t.organiser, "place": t.place, "start_date": _iso(t.start_date),
             "end_date": _iso(t.end_date), "source": ls.source(t.document_sha256, t.page, t.event_id)}
            for t, p in trainees]
    return out


# ------------------------------------------------------------------ contact details
def set_contact(ctx: Ctx, code: str, values: dict[str, str | None]) -> dict[str, Any]:
    """Change a unit's address, phone or e-mail (audited); only a unit in the actor's scope."""
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise InvalidRequest(f"Không sửa được {', '.join(sorted(unknown))}; chỉ {', '.join(CONTACT_FIELDS)}.")
    row = ctx.session.get(OrgUnit, code)
    if row is None:
        raise NotFound(f"Không có đơn vị mã {code} trong cây tổ chức.")
    if not ctx.in_scope(code):
        raise NotPermitted(f"Đơn vị {code} ngoài phạm vi quản lý của {ctx.actor.unit}.")
    before = {f: getattr(row, f) for f in CONTACT_FIELDS}
    for name, value in values.items():
        setattr(row, name, (" ".join(value.split()) or None) if value is not None else None)
    after = {f: getattr(row, f) for f in CONTACT_FIELDS}
    ctx.audit("unit_contact", before={"unit": code, **before}, after={"unit": code, **after})
    return {"code": code, "contact": after}
