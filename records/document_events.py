"""Where each event read from one document stands now, for the document's page.

What `apply` answered at upload time goes stale: a reviewer approves, corrects or rejects, a parent
unit approves a transfer. This reads the records as they are. An event corrected in review is shown
as its correction (the row that keeps the fingerprint of what was read points to it); one whose
correction was already in the records points to that event.
"""
from __future__ import annotations

from sqlalchemy import select

from records.context import Ctx
from records.results import EventResult
from records.schema import Event, ReviewItem

_HOPS = 8  # a correction of a correction …; a loop in bad data must not hang a page


def rows_by_position(ctx: Ctx, sha256: str) -> dict[int, list[Event]]:
    """The document's event rows by their position in it (oldest first): the event as read, and
    where a reviewer corrected it, the row that kept the reading beside the corrected one."""
    rows = ctx.session.scalars(select(Event).where(Event.document_sha256 == sha256)
                               .order_by(Event.seq, Event.id)).all()
    positions: dict[int, list[Event]] = {}
    for row in rows:
        positions.setdefault(row.seq, []).append(row)
    return positions


def document_events(ctx: Ctx, sha256: str) -> list[EventResult]:
    """One result per event read (by its position in the document), in reading order."""
    results = []
    for seq, rows in sorted(rows_by_position(ctx, sha256).items()):
        standing = next((r for r in rows if r.superseded_by_id is None), rows[-1])  # one not superseded, if any
        row = _current(ctx, standing)
        item = ctx.session.scalar(select(ReviewItem).where(ReviewItem.event_id == row.id)
                                  .order_by(ReviewItem.id.desc()).limit(1))
        message = item.message if item is not None and item.status == "open" else \
            (item.note if item is not None and row.status == "refused" else None)
        results.append(EventResult(seq, row.type, row.person_name, row.status, row.reason, message,
                                   row.person_id, row.id, item.id if item is not None else None))
    return results


def _current(ctx: Ctx, row: Event) -> Event:
    for _ in range(_HOPS):
        if row.superseded_by_id is None:
            break
        following = ctx.session.get(Event, row.superseded_by_id)
        if following is None:
            break
        row = following
    return row
