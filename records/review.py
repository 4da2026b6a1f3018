"""The review queue: doubtful events (kind review) and moves out of a unit's scope (kind
transfer), listed for the unit that must act, approved or rejected with an audit entry.

A reviewer sees the items of units in their scope. Approving a review replays the stored event
without the review policy (the reviewer vouches for it), with the person they pick when the name
was ambiguous; it may still turn into a transfer when the file leaves the reviewer's scope.
Approving a transfer needs a scope that covers both ends: the parent unit, or the Department for
moves between departments and communes (R6.2).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from records.apply import refresh_status, settle
from records.codec import event_from_json
from records.context import Ctx
from records.errors import InvalidRequest, NotFound, NotPermitted
from records.results import EventResult
from records.schema import Document, Event, ReviewItem


@dataclass(frozen=True)
class ReviewEntry:
    id: int
    kind: str  # review | transfer
    status: str
    reason: str
    message: str
    unit: str | None  # the unit that must act
    event_id: int
    event_type: str
    person_name: str
    person_id: int | None
    candidates: tuple[int, ...]
    effective_date: dt.date | None
    confidence: float
    sha256: str
    page: int | None
    number: str | None
    from_unit: str | None
    to_unit: str | None
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["candidates"] = list(self.candidates)
        out["effective_date"] = self.effective_date.isoformat() if self.effective_date else None
        out["created_at"] = self.created_at.isoformat(timespec="seconds")
        return out


def _visible(ctx: Ctx, item: ReviewItem) -> bool:
    return ctx.in_scope(item.unit_code)


def list_items(ctx: Ctx, status: str = "open", kind: str | None = None) -> list[ReviewEntry]:
    query = (select(ReviewItem, Event, Document.number)
             .join(Event, Event.id == ReviewItem.event_id)
             .join(Document, Document.sha256 == Event.document_sha256)
             .where(ReviewItem.status == status).order_by(ReviewItem.id))
    if kind:
        query = query.where(ReviewItem.kind == kind)
    out = []
    for item, event, number in ctx.session.execute(query):
        if not _visible(ctx, item):
            continue
        out.append(ReviewEntry(
            item.id, item.kind, item.status, item.reason, item.message, item.unit_code, event.id,
            event.type, event.person_name, item.person_id, tuple(item.candidates or ()),
            event.effective_date, event.confidence, event.document_sha256, event.page, number,
            item.from_unit_code, item.to_unit_code, item.created_at))
    return out


def _open_item(ctx: Ctx, item_id: int) -> tuple[ReviewItem, Event, Document]:
    item = ctx.session.get(ReviewItem, item_id)
    if item is None or not _visible(ctx, item):
        raise NotFound(f"Không có mục chờ duyệt số {item_id} trong phạm vi của đơn vị {ctx.actor.unit}.")
    if item.status != "open":
        raise InvalidRequest(f"Mục {item_id} đã được xử lý ({item.status}).")
    if not ctx.actor.can("approve"):
        raise NotPermitted(f"Vai trò '{ctx.actor.role}' không được duyệt.")
    event = ctx.session.get(Event, item.event_id)
    assert event is not None
    doc = ctx.session.get(Document, event.document_sha256)
    assert doc is not None
    return item, event, doc


def approve(ctx: Ctx, item_id: int, person_id: int | None = None) -> EventResult:
    item, row, doc = _open_item(ctx, item_id)
    if item.kind == "transfer":
        for end in (item.from_unit_code, item.to_unit_code):
            if (end is not None or item.person_id is not None) and not ctx.in_scope(end):
                raise NotPermitted(f"Chuyển hồ sơ cần cấp quản lý cả hai đơn vị phê duyệt ({item.unit_code}).")
        chosen = item.person_id
    else:
        chosen = person_id
        if chosen is not None and item.candidates and chosen not in item.candidates \
                and item.reason == "ambiguous_person":
            raise InvalidRequest(f"Hồ sơ {chosen} không nằm trong các hồ sơ có thể chọn {item.candidates}.")
    item.status, item.resolved_at, item.resolved_by = "approved", ctx.now, ctx.actor.user
    row.status = "approving"
    event = event_from_json(row.payload)
    settled = settle(ctx, doc, row, event, chosen=chosen, create=True,
                     skip_scope=item.kind == "transfer", reviewing=True)
    ctx.audit(f"approve_{item.kind}", person=row.person, event=row, sha256=doc.sha256,
              before={"review_id": item.id, "reason": item.reason}, after={"status": row.status})
    refresh_status(ctx, doc.sha256)  # flushes: ids below are real
    return settled.result(row.seq, event)


def reject(ctx: Ctx, item_id: int, note: str | None = None) -> EventResult:
    item, row, doc = _open_item(ctx, item_id)
    item.status, item.resolved_at, item.resolved_by, item.note = "rejected", ctx.now, ctx.actor.user, note
    row.status, row.reason, row.resolved_at = "refused", f"rejected_{item.kind}", ctx.now
    ctx.audit(f"reject_{item.kind}", person=row.person, event=row, sha256=doc.sha256,
              before={"review_id": item.id, "reason": item.reason}, after={"status": "refused", "note": note})
    refresh_status(ctx, doc.sha256)
    event = event_from_json(row.payload)
    return EventResult(row.seq, event.type, event.person.name, "refused", row.reason, note,
                       row.person_id, row.id, item.id)
