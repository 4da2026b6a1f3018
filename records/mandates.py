"""Local government (R3): seats on People's Councils (HĐND) and posts on Councils and Committees
(UBND), opened by an election or a confirmation and closed by a relief or a removal.

A body is found through the organisation tree: the tree holds each locality's People's Committee
and reads a Council's name as its locality's (records.rules), so "Hội đồng nhân dân xã Long
Thành" and "UBND xã Long Thành" are the same node, with body "council" or "committee"; the level
(province, district, commune) is the kind of that node or of its nearest such ancestor.

Decisions may arrive in any order: a confirmation of a seat already opened by the election only
dates the confirmation; a relief read before the election closes a seat whose start is filled in
when the election arrives. Revoking the closing decision reopens the seat (`reopen`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.model import Event
from records.orgtree import OrgTree
from records.policy import OPENING
from records.rules import rules
from records.schema import Event as EventRow, Mandate, Person

_CLOSING_STATUS = {"local_relief": "relieved", "local_removal": "removed"}


@dataclass(frozen=True)
class Body:
    code: str  # the locality's node
    body: str  # council | committee
    level: str | None
    text: str  # as the decision wrote it


def body_text(event: Event) -> str | None:
    """The body a mandate event names: `to` for openings, `from` for closings (else the other)."""
    posts = (event.to_post, event.from_post) if event.type in OPENING else (event.from_post, event.to_post)
    return next((p.unit for p in posts if p is not None and p.unit), None)


def position_of(event: Event) -> str | None:
    posts = (event.to_post, event.from_post) if event.type in OPENING else (event.from_post, event.to_post)
    return next((p.position for p in posts if p is not None and p.position), None)


def find_body(tree: OrgTree, event: Event, day: dt.date | None, context: str | None) -> Body | None:
    text = body_text(event)
    if not text:
        return None
    code = tree.resolve(text, day, context)
    if code is None:
        return None
    r = rules()
    body = r.body_of(text) or ("council" if r.is_delegate(position_of(event)) else "committee")
    level = next((r.levels[u.kind] for u in map(tree.get, tree.ancestors(code)) if u and u.kind in r.levels), None)
    return Body(code, body, level, text)


def write(session: Session, tree: OrgTree, person: Person, event: Event, source: EventRow, sha256: str,
          day: dt.date, context: str | None) -> list[Mandate]:
    """Open or close the seat `event` decides; returns the rows written or changed."""
    body = find_body(tree, event, day, context)
    if body is None:  # records.registers held such events back; a reviewer vouched for it anyway
        return []
    if person.unit_code is None:  # a delegate new to the records: the file belongs to the body's unit
        person.unit_code = tree.live(body.code, day)
    position = position_of(event)
    seats = _seats(session, person, body, position)
    if event.type in OPENING:
        return [_open(seats, person, event, source, sha256, body, position, day)]
    return [_close(seats, person, event, source, sha256, body, position, day)]


def _role(body: Body, position: str | None) -> str:
    """delegate (a council seat) or post (chair, vice-chair, member)."""
    return "delegate" if rules().is_delegate(position) or (body.body == "council" and not position) else "post"


def _key(text: str | None) -> str:
    return rules().key(text)


def _seats(session: Session, person: Person, body: Body, position: str | None) -> list[Mandate]:
    """This person's seats on this body with this position (any position when none is printed)."""
    if person.id is None:
        rows = [o for o in session.new if isinstance(o, Mandate) and o.person is person]
    else:
        session.flush()  # this decision may have opened one already
        rows = list(session.scalars(select(Mandate).where(Mandate.person_id == person.id)))
    return [m for m in rows if m.unit_code == body.code and m.body == body.body
            and (position is None or m.position is None or _key(m.position) == _key(position))]


def _open(seats: list[Mandate], person: Person, event: Event, source: EventRow, sha256: str, body: Body,
          position: str | None, day: dt.date) -> Mandate:
    held = next((m for m in seats if m.status == "active" and m.start_date and m.start_date <= day), None)
    if held is not None:  # elected, then confirmed (or the other way round): one seat
        if event.type == "local_confirmation":
            held.confirmed_on = day
        else:
            held.start_date = min(held.start_date or day, day)
        return held
    ended = next((m for m in seats if m.start_date is None and m.end_date and m.end_date >= day), None)
    if ended is not None:  # its relief was read first
        ended.start_date, ended.event, ended.document_sha256, ended.page = day, source, sha256, event.page
        return ended
    return Mandate(person=person, event=source, document_sha256=sha256, page=event.page, unit_code=body.code,
                   body=body.body, body_text=body.text, level=body.level, position=position,
                   role=_role(body, position), term=event.detail, start_date=day,
                   confirmed_on=day if event.type == "local_confirmation" else None, status="active")


def _close(seats: list[Mandate], person: Person, event: Event, source: EventRow, sha256: str, body: Body,
           position: str | None, day: dt.date) -> Mandate:
    status = _CLOSING_STATUS[event.type]
    open_seats = [m for m in seats if m.status == "active" and (m.start_date is None or m.start_date < day)]
    seat = max(open_seats, key=lambda m: m.start_date or dt.date.min, default=None)
    if seat is None:  # the election is not (yet) in the records: keep the end, start unknown
        seat = Mandate(person=person, unit_code=body.code, body=body.body, body_text=body.text, level=body.level,
                       position=position, role=_role(body, position),
                       term=event.detail, start_date=None)
    seat.end_date, seat.status = day - dt.timedelta(days=1), status
    seat.closed_event, seat.closed_sha256, seat.closed_page = source, sha256, event.page
    return seat


def reopen(session: Session, event_id: int) -> list[dict[str, Any]]:
    """The seats `event_id` closed are open again (its decision was revoked); returns them."""
    out = []
    for seat in session.scalars(select(Mandate).where(Mandate.closed_event_id == event_id)):
        if seat.start_date is None:  # only the closing was known: nothing is left of it
            session.delete(seat)
        else:
            seat.end_date, seat.status, seat.closed_event_id = None, "active", None
            seat.closed_sha256 = seat.closed_page = None
        out.append({"mandate": seat.id, "reopened": seat.start_date is not None})
    return out
