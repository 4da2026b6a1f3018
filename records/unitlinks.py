"""What a person's event also tells the other registers: an appointment to a unit's head title
names the unit's head (R2), a commune official's decision states their staff group (R3), and a
trainee's course is linked to the class announced for it (R5).

Heads form one chain per unit ordered by start date, like a person's posts: each head ends the
day before the next begins, so a decision read late lands in its place. A head who leaves (a
transfer, retirement, another post) ends there. Classes and trainees meet on the folded course
name (and start date when both state one), whichever decision is read first.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.model import Course, Event
from records.codec import name_key
from records.policy import ASSIGNING, MOVES
from records.rules import rules
from records.schema import Assignment, Event as EventRow, Person, Training, TrainingClass, UnitHead

_DAY = dt.timedelta(days=1)


def note_staff_group(person: Person, event: Event, day: dt.date) -> None:
    """A commune official's group as the newest decision states it (decisions come in any order)."""
    if event.staff_group not in rules().staff_groups:
        return
    if person.staff_group_since is None or day >= person.staff_group_since:
        person.staff_group, person.staff_group_since = event.staff_group, day


def note_heads(session: Session, person: Person, event: Event, post: Assignment | None, earlier: list[Assignment],
               source: EventRow, sha256: str, day: dt.date) -> list[UnitHead]:
    """Name the unit's head when `post` is its head title; end what this person headed before.
    `earlier`: the person's posts (only one with a head title can have made them a head)."""
    names_head = (post is not None and post.unit_code is not None and event.type in MOVES
                  and rules().is_head_title(post.position))
    if event.type in ASSIGNING and any(p is not post and p.start_date < day and rules().is_head_title(p.position)
                                       for p in earlier):
        _end_headships(session, person, day, keep=post.unit_code if names_head and post else None)
    if not names_head or post is None or post.unit_code is None:
        return []
    chain = _chain(session, post.unit_code)
    current = next((h for h in reversed(chain) if h.start_date <= day and (h.end_date is None or day <= h.end_date)), None)
    if current is not None and (current.person is person or current.person_id == person.id and person.id):
        return []  # reappointed: the same headship goes on
    head = UnitHead(unit_code=post.unit_code, person=person, position=post.position, start_date=day,
                    event=source, document_sha256=sha256, page=event.page)
    session.add(head)
    _restitch(chain + [head])
    return [head]


def _chain(session: Session, unit_code: str) -> list[UnitHead]:
    session.flush()  # heads named earlier in this decision (rare: appointing heads is)
    return list(session.scalars(select(UnitHead).where(UnitHead.unit_code == unit_code)))


def _restitch(chain: list[UnitHead]) -> None:
    """Each head ends the day before the next begins (an earlier stated end is kept)."""
    chain.sort(key=lambda h: (h.start_date, h.id if h.id is not None else float("inf")))
    for head, nxt in zip(chain, chain[1:]):
        cap = max(nxt.start_date - _DAY, head.start_date)
        if head.end_date is None or head.end_date > cap:
            head.end_date = cap


def _end_headships(session: Session, person: Person, day: dt.date, keep: str | None) -> None:
    if person.id is None:
        return
    held = session.scalars(select(UnitHead).where(UnitHead.person_id == person.id, UnitHead.start_date < day))
    for head in held:
        if head.unit_code != keep and (head.end_date is None or head.end_date >= day):
            head.end_date = day - _DAY


def forget_heads(session: Session, event_id: int) -> list[dict[str, Any]]:
    """Remove the heads `event_id` named (its decision was revoked); the head before takes the gap."""
    out = []
    for head in list(session.scalars(select(UnitHead).where(UnitHead.event_id == event_id))):
        chain = _chain(session, head.unit_code)
        before = [h for h in chain if h is not head and h.start_date <= head.start_date]
        after = [h for h in chain if h is not head and h.start_date > head.start_date]
        previous = max(before, key=lambda h: h.start_date, default=None)
        if previous is not None and previous.end_date == max(head.start_date - _DAY, previous.start_date):
            previous.end_date = min(after, key=lambda h: h.start_date).start_date - _DAY if after else None
        out.append({"table": "unit_head", "unit_code": head.unit_code, "start_date": head.start_date.isoformat()})
        session.delete(head)
    return out


def class_for(session: Session, course: Course | None, day: dt.date) -> TrainingClass | None:
    """The announced class a trainee's course names: same folded name, same start when both
    state one, else the newest that started by `day`."""
    if course is None or not course.name:
        return None
    key = name_key(course.name)
    found = [c for c in session.new if isinstance(c, TrainingClass) and c.name_key == key]
    found += session.scalars(select(TrainingClass).where(TrainingClass.name_key == key))
    if course.start_date is not None:
        same = [c for c in found if c.start_date == course.start_date]
        if same or any(c.start_date for c in found):
            found = same
    started = [c for c in found if c.start_date is None or c.start_date <= (course.start_date or day)]
    return max(started or found, key=lambda c: c.start_date or dt.date.min, default=None)


def link_trainees(session: Session, cls: TrainingClass) -> int:
    """Trainees read before their class was announced now point at it; returns how many."""
    rows = session.scalars(select(Training).where(Training.course_key == cls.name_key, Training.class_id.is_(None)))
    linked = 0
    for row in rows:
        if cls.start_date is None or row.start_date == cls.start_date:
            row.class_id = cls.id
            linked += 1
    return linked
