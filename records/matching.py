"""Finding the person an event is about: personal ID, else name + birth date, else name + unit.

Names are compared folded (no diacritics, đ = d), so OCR's tone-mark errors ("Nguyễn Văn Ân"
for "Nguyễn Văn An") still find the file; where a folded name is shared, the exact spelling
breaks the tie. Anything short of one clear candidate is not guessed: it goes to review with the
candidates listed. Only a recruitment (or a store configured to build itself from a backlog)
creates a new person.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from pipeline.model import Event
from pipeline.vietnamese import canonical
from records.codec import name_key
from records.orgtree import OrgTree
from records.schema import Person

MatchStatus = Literal["matched", "new", "ambiguous", "unmatched", "conflict"]
PERSONAL_ID = re.compile(r"^\d{12}$")
_MAX_CANDIDATES = 50


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    person_id: int | None = None
    how: str | None = None  # personal_id | name_birth | name_unit
    candidates: tuple[int, ...] = field(default_factory=tuple)
    # The matched file itself (the session's identity map holds objects weakly: keep it alive).
    person: Person | None = field(default=None, compare=False)


def _query(with_birth: bool, with_pid: bool) -> Select[tuple[Person]]:
    by_name = Person.name_folded == bindparam("key")
    if with_birth:  # only these can match (ix_person_name_birth)
        by_name = by_name & or_(Person.birth_date == bindparam("birth"), Person.birth_date.is_(None))
    where = or_(by_name, Person.personal_id == bindparam("pid")) if with_pid else by_name
    return select(Person).where(where).limit(_MAX_CANDIDATES)


_QUERIES = {(b, p): _query(b, p) for b in (False, True) for p in (False, True)}


def valid_personal_id(value: str | None) -> str | None:
    """The 12-digit số định danh cá nhân, spaces removed; None when it is not one."""
    if not value:
        return None
    digits = re.sub(r"\s+", "", value)
    return digits if PERSONAL_ID.match(digits) else None


def _same_spelling(rows: list[Person], name: str) -> list[Person]:
    want = canonical(name).lower()
    return [r for r in rows if canonical(r.name).lower() == want]


def _one(rows: list[Person], name: str, how: str) -> Match:
    if len(rows) == 1:
        return Match("matched", rows[0].id, how, person=rows[0])
    exact = _same_spelling(rows, name)
    if len(exact) == 1:
        return Match("matched", exact[0].id, how, person=exact[0])
    return Match("ambiguous", candidates=tuple(r.id for r in rows))


def _by_unit(rows: list[Person], name: str, hints: list[str | None], tree: OrgTree,
             today: dt.date) -> Match | None:
    for hint in hints:
        if hint is None:
            continue
        inside = [r for r in rows if tree.contains(hint, tree.live(r.unit_code, today))]
        if inside:
            return _one(inside, name, "name_unit")
    return None


def match_person(session: Session, tree: OrgTree, event: Event, hints: list[str | None],
                 may_create: bool, today: dt.date) -> Match:
    """`hints`: live units the person is likely in (the decision's "from" unit, the issuer)."""
    person = event.person
    pid = valid_personal_id(person.personal_id)
    key = name_key(person.name)
    # One query for both ways in (prepared once: building statements costs more than running
    # them); whole entities, so the matched one is then in the identity map for the write.
    query = _QUERIES[(person.birth_date is not None, pid is not None)]
    rows = list(session.scalars(query, {"key": key, "birth": person.birth_date, "pid": pid}))
    found = next((r for r in rows if pid and r.personal_id == pid), None)
    if found is not None:
        if found.name_folded != key:
            return Match("conflict", candidates=(found.id,))
        return Match("matched", found.id, "personal_id", person=found)
    if pid:  # someone else's ID on file means another person
        rows = [r for r in rows if r.personal_id in (None, pid)]
    if person.birth_date is not None:
        dated = [r for r in rows if r.birth_date == person.birth_date]
        if dated:
            return _one(dated, person.name, "name_birth")
        rows = [r for r in rows if r.birth_date is None]  # files without a birth date may still fit
    found_by_unit = _by_unit(rows, person.name, hints, tree, today)
    if found_by_unit is not None:
        return found_by_unit
    if may_create:
        return Match("new")
    return Match("unmatched", candidates=tuple(r.id for r in rows))
