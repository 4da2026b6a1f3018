"""Applying the events of the other registers: what a unit-level event does (a restructuring, a
collective award, an emulation registration, a class) and the checks before a mandate is written.

Each is scoped by the unit it concerns (R6): the unit awarded or registering, the class's
organiser, the council or committee of a mandate — a unit changes only its own subtree; an event
about a unit outside it is refused. A unit or body the tree does not know is a doubt: the event
waits in the review queue, like a person who cannot be matched. Every write is audited with its
source document and page. Organisation events are records.orgchanges.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update

from pipeline.model import Event
from records import mandates
from records.apply import Settled, queue, refuse, settle_person
from records.codec import name_key
from records.context import Ctx
from records.errors import InvalidRequest
from records.policy import LOCAL, OPENING, ORGANISATION, Hold, hold
from records.schema import Document, Event as EventRow, Training, TrainingClass, UnitAward
from records.timeline import row_dict
from records.unitlinks import forget_heads, link_trainees

UNIT_AWARDS = ("collective_award", "emulation_registration")


def settle(ctx: Ctx, doc: Document, row: EventRow, event: Event, *, chosen: int | None = None,
           create: bool = False, reviewing: bool = False) -> Settled:
    """Write a register event, or queue or refuse it (called by records.apply.settle)."""
    if event.type in LOCAL:
        return _settle_mandate(ctx, doc, row, event, chosen, create, reviewing)
    if event.type in ORGANISATION:
        from records import orgchanges  # imported here: it builds on `doubt` and `applied` below
        return orgchanges.settle(ctx, doc, row, event, reviewing)
    if event.type in UNIT_AWARDS:
        return _unit_award(ctx, doc, row, event, reviewing)
    if event.type == "training_class":
        return _training_class(ctx, doc, row, event, reviewing)
    raise InvalidRequest(f"Loại sự kiện '{event.type}' không thuộc sổ theo dõi nào.")


def doubt(ctx: Ctx, doc: Document, row: EventRow, why: Hold, reviewing: bool, unit: str | None = None) -> Settled:
    """Queue a doubtful event; a reviewer approving it is told why it still cannot be written."""
    if reviewing:
        raise InvalidRequest(why.message)
    return queue(ctx, doc, row, "review", why, unit=unit or doc.owner_unit_code)


def applied(ctx: Ctx, doc: Document, row: EventRow, rows: list[Any], **more: Any) -> Settled:
    """Mark a unit-level event applied and audit what it wrote."""
    ctx.session.add_all(rows)
    row.status, row.resolved_at = "applied", ctx.now
    ctx.audit("apply", event=row, sha256=doc.sha256, after={**more, "rows": [row_dict(r) for r in rows]})
    return Settled(row)


def _settle_mandate(ctx: Ctx, doc: Document, row: EventRow, event: Event, chosen: int | None,
                    create: bool, reviewing: bool) -> Settled:
    """The body must be known and in scope; the person is matched as for any personnel event
    (an election may open a new file) and the scope of their own file does not matter."""
    day = row.effective_date
    body = mandates.find_body(ctx.tree, event, day, doc.issuer_unit_code)
    if body is None:
        return doubt(ctx, doc, row, hold("no_body", mandates.body_text(event) or "—"), reviewing)
    if not ctx.in_scope(body.code):
        return refuse(ctx, doc, row, hold("out_of_scope", ctx.actor.unit))
    return settle_person(ctx, doc, row, event, chosen=chosen, create=create or event.type in OPENING,
                         skip_scope=True, reviewing=reviewing)


def find_unit(ctx: Ctx, doc: Document, name: str | None, day: dt.date | None) -> str | None:
    return ctx.tree.resolve(name, day, doc.issuer_unit_code) if name else None


def _unit_award(ctx: Ctx, doc: Document, row: EventRow, event: Event, reviewing: bool) -> Settled:
    day = row.effective_date
    assert day is not None
    name = event.unit.name if event.unit is not None else None
    code = find_unit(ctx, doc, name, day)
    if code is None:
        if not reviewing:
            return doubt(ctx, doc, row, hold("unknown_unit", name or "—"), reviewing)
        code = doc.issuer_unit_code  # the reviewer vouched for it: it lands on the issuing unit
    if not ctx.in_scope(code):
        return refuse(ctx, doc, row, hold("out_of_scope", ctx.actor.unit))
    year = event.year if event.year is not None else (day.year if event.type == "emulation_registration" else None)
    award = UnitAward(unit_code=code, unit_text=name, kind=event.type, title=event.detail, year=year,
                      awarded_on=day, event=row, document_sha256=doc.sha256, page=event.page)
    return applied(ctx, doc, row, [award], unit=code)


def _training_class(ctx: Ctx, doc: Document, row: EventRow, event: Event, reviewing: bool) -> Settled:
    course = event.course
    if course is None or not course.name.strip():
        return doubt(ctx, doc, row, hold("no_course"), reviewing)
    organiser = event.unit.name if event.unit is not None else course.organiser
    day = row.effective_date
    code = find_unit(ctx, doc, organiser, day) or doc.issuer_unit_code  # academies lie outside the tree
    if not ctx.in_scope(code):
        return refuse(ctx, doc, row, hold("out_of_scope", ctx.actor.unit))
    cls = TrainingClass(name=course.name, name_key=name_key(course.name), organiser=organiser or course.organiser,
                        unit_code=code, place=course.place, start_date=course.start_date or day,
                        end_date=course.end_date, event=row, document_sha256=doc.sha256, page=event.page)
    ctx.session.add(cls)
    ctx.session.flush()  # its id: trainees read earlier link to it
    linked = link_trainees(ctx.session, cls)
    return applied(ctx, doc, row, [cls], unit=code, trainees_linked=linked)


def forget(ctx: Ctx, victim: EventRow) -> list[dict[str, Any]]:
    """Undo what a superseded event wrote outside the person's career rows: seats it closed are
    open again, heads it named go, a unit's award, registration or class goes, and a restructuring
    is turned back when nothing later changed the same units. Returns what was undone."""
    session = ctx.session
    out = mandates.reopen(session, victim.id) + forget_heads(session, victim.id)
    for award in session.scalars(select(UnitAward).where(UnitAward.event_id == victim.id)):
        out.append(row_dict(award))
        session.delete(award)
    classes = list(session.scalars(select(TrainingClass.id).where(TrainingClass.event_id == victim.id)))
    if classes:
        session.execute(update(Training).where(Training.class_id.in_(classes)).values(class_id=None))
        session.execute(delete(TrainingClass).where(TrainingClass.id.in_(classes)))
        out += [{"table": "training_class", "id": c} for c in classes]
    from records import orgchanges
    return out + orgchanges.undo(ctx, victim)
