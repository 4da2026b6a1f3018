"""A person's earlier events as the personnel rules read them (validators.personnel: raise
intervals, appointment terms), looked up in the records before a new decision is applied.

Only a clear match counts: the same rules that decide whether an event may be applied to a file
(records.matching) decide whose history this is, and an unclear person has no history rather than
someone else's. Events come back as `pipeline.model.Event` values decoded from what was applied.
"""
from __future__ import annotations

from sqlalchemy import select

from pipeline.model import Event as ReadEvent
from pipeline.model import Person as ReadPerson
from records.codec import event_from_json
from records.context import Ctx
from records.matching import match_person
from records.schema import Event



def person_history(ctx: Ctx, person: ReadPerson) -> list[ReadEvent]:
    """The applied events of the one file `person` matches (empty when none or several do)."""
    match = match_person(ctx.session, ctx.tree, ReadEvent("history", person), [], False, ctx.today)
    if match.status != "matched" or match.person_id is None:
        return []
    rows = ctx.session.scalars(select(Event).where(Event.person_id == match.person_id, Event.status == "applied")
                               .order_by(Event.effective_date, Event.id))
    return [event_from_json(row.payload) for row in rows]
