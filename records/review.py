"""The review queue: doubtful events (kind review) and moves out of a unit's scope (kind
transfer), listed for the unit that must act, approved, corrected or rejected with an audit entry.

A reviewer sees the items of units in their scope. Approving a review replays the stored event
without the review policy (the reviewer vouches for it), with the person they pick when the name
was ambiguous; it may still turn into a transfer when the file leaves the reviewer's scope.
Approving a transfer needs a scope that covers both ends: the parent unit, or the Department for
moves between departments and communes (R6.2).

Correcting a review first changes the stored event's fields (`EDITABLE`; old and new values go to
the audit log), then applies it exactly as an approval does. Nothing applies twice: the event row
takes the corrected event's fingerprint and a superseded row keeps the fingerprint of what was
read, so reading the same file again, or a cleaner scan that reads the corrected values, is
recognised as known; a correction that turns out to equal an event already in the records applies
nothing.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from pipeline.contract import evidence_boxes
from pipeline.families import is_unit_type
from pipeline.model import nfc
from records.apply import refresh_status, settle
from records.codec import event_from_json, fingerprint, subject_name
from records.context import Ctx
from records.errors import InvalidRequest, NotFound, NotPermitted
from records.policy import WRITABLE
from records.results import EventResult
from records.schema import Document, Event, ReviewItem

# What a reviewer may correct: dotted paths into the stored event (records.codec's JSON).
EDITABLE = ("type", "person.name", "person.birth_date", "effective_date", "from.unit", "from.position",
            "to.unit", "to.position", "salary.scale_code", "salary.step", "salary.coefficient")
_DATES = ("person.birth_date", "effective_date")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


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
    fields: dict[str, Any] = field(default_factory=dict)  # the EDITABLE values as stored now
    # Where each value was printed, as read (pipeline.contract.evidence_boxes: field, text, page,
    # box in page units), for showing the printed words beside the form.
    evidence: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["candidates"] = list(self.candidates)
        out["evidence"] = list(self.evidence)
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
            item.from_unit_code, item.to_unit_code, item.created_at, editable_fields(event.payload),
            tuple(evidence_boxes([(event.seq, event_from_json(event.payload))]))))
    return out


def editable_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """The EDITABLE values of a stored event, flat by dotted path."""
    out: dict[str, Any] = {}
    for path in EDITABLE:
        head, _, leaf = path.partition(".")
        value = payload.get(head)
        out[path] = (value or {}).get(leaf) if leaf else value
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


def _check_choice(item: ReviewItem, chosen: int | None) -> None:
    if chosen is not None and item.candidates and chosen not in item.candidates \
            and item.reason == "ambiguous_person":
        raise InvalidRequest(f"Hồ sơ {chosen} không nằm trong các hồ sơ có thể chọn {item.candidates}.")


def approve(ctx: Ctx, item_id: int, person_id: int | None = None) -> EventResult:
    item, row, doc = _open_item(ctx, item_id)
    if item.kind == "transfer":
        for end in (item.from_unit_code, item.to_unit_code):
            if (end is not None or item.person_id is not None) and not ctx.in_scope(end):
                raise NotPermitted(f"Chuyển hồ sơ cần cấp quản lý cả hai đơn vị phê duyệt ({item.unit_code}).")
        chosen = item.person_id
    else:
        chosen = person_id
        _check_choice(item, chosen)
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
    return EventResult(row.seq, event.type, subject_name(event), "refused", row.reason, note,
                       row.person_id, row.id, item.id)


def correct(ctx: Ctx, item_id: int, changes: dict[str, Any], person_id: int | None = None,
            note: str | None = None) -> EventResult:
    """Correct a queued event's fields, audit old and new values, then apply it as an approval does."""
    item, row, doc = _open_item(ctx, item_id)
    if item.kind != "review":
        raise InvalidRequest("Chỉ sửa được sự kiện chờ duyệt; yêu cầu chuyển hồ sơ chỉ được duyệt hoặc từ chối.")
    _check_choice(item, person_id)
    if is_unit_type(row.payload.get("type", "")) and any(path.startswith("person.") for path in changes):
        raise InvalidRequest("Sự kiện này về một đơn vị, không về một người: không sửa họ tên, ngày sinh.")
    payload, before, after = _patched(row.payload, changes)
    if not after:
        raise InvalidRequest("Không có trường nào thay đổi; nếu sự kiện đã đúng, hãy chọn Duyệt.")
    event = event_from_json(payload)
    day = event.effective_date or doc.issued_date
    if day is None:
        raise InvalidRequest("Cần ngày hiệu lực (văn bản không có ngày ban hành để thay thế).")
    item.status, item.resolved_at, item.resolved_by, item.note = "corrected", ctx.now, ctx.actor.user, note
    ctx.audit("correct_review", person=row.person, event=row, sha256=doc.sha256,
              before={"review_id": item.id, "reason": item.reason, "fields": before},
              after={"fields": after, "note": note})
    new_print = fingerprint(doc.identity, event)
    known = ctx.session.scalar(select(Event).where(Event.fingerprint == new_print, Event.id != row.id))
    if known is not None:  # the corrected event is in the records already (e.g. from a cleaner scan)
        row.status, row.reason, row.resolved_at, row.superseded_by_id = "superseded", "corrected_known", ctx.now, known.id
        refresh_status(ctx, doc.sha256)
        return EventResult(row.seq, event.type, subject_name(event), "unchanged", "corrected_known",
                           "Sự kiện đã sửa trùng với một sự kiện đã có trong hồ sơ; không cập nhật lại.",
                           known.person_id, known.id, item.id)
    if new_print != row.fingerprint:
        _keep_reading(ctx, row, new_print)
    row.payload, row.type, row.person_name, row.effective_date = payload, event.type, subject_name(event), day
    row.status = "approving"
    settled = settle(ctx, doc, row, event, chosen=person_id, create=True, reviewing=True)
    refresh_status(ctx, doc.sha256)
    return settled.result(row.seq, event)


def _keep_reading(ctx: Ctx, row: Event, new_print: str) -> None:
    """A superseded row under the fingerprint of what was read, so that reading comes back known."""
    old_print, row.fingerprint = row.fingerprint, new_print
    ctx.session.flush()  # the unique fingerprint moves first
    ctx.session.add(Event(
        fingerprint=old_print, document_sha256=row.document_sha256, seq=row.seq, type=row.type,
        person_name=row.person_name, effective_date=row.effective_date, confidence=row.confidence,
        page=row.page, payload=copy.deepcopy(row.payload), status="superseded", reason="corrected",
        created_at=row.created_at, resolved_at=ctx.now, superseded_by_id=row.id))


def _patched(payload: dict[str, Any], changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The stored event with `changes` applied, and the changed fields' old and new values."""
    new, before, after = copy.deepcopy(payload), {}, {}
    for path, raw in changes.items():
        if path not in EDITABLE:
            raise InvalidRequest(f"Không sửa được trường '{path}'; các trường sửa được: {', '.join(EDITABLE)}.")
        value = _clean(path, raw)
        head, _, leaf = path.partition(".")
        old = (new.get(head) or {}).get(leaf) if leaf else new.get(head)
        if value == old:
            continue
        before[path], after[path] = old, value
        if not leaf:
            new[head] = value
            continue
        part = dict(new.get(head) or {})
        part[leaf] = value
        # An empty post or salary is no post or salary at all (null, as the contract writes it).
        new[head] = part if head == "person" or any(v is not None for v in part.values()) else None
    return new, before, after


def _clean(path: str, raw: Any) -> Any:
    """A typed value for one field, or InvalidRequest with what to type instead."""
    text = nfc(" ".join(str(raw).split())) if raw is not None else ""
    if path == "person.name" and not text:
        raise InvalidRequest("Cần họ tên người được nêu trong quyết định.")
    if not text:
        return None
    if path == "type":
        if text not in WRITABLE:
            raise InvalidRequest(f"Loại sự kiện '{text}' không cập nhật được vào hồ sơ.")
        return text
    if path in _DATES:
        return parse_date(text).isoformat()
    if path == "salary.step":
        if not text.isdigit() or not 1 <= int(text) <= 20:
            raise InvalidRequest(f"Bậc lương '{text}' không hợp lệ (số nguyên từ 1 đến 20).")
        return int(text)
    if path == "salary.coefficient":
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            value = -1.0
        if not 0 < value <= 15:
            raise InvalidRequest(f"Hệ số lương '{text}' không hợp lệ (ví dụ 3,33).")
        return round(value, 2)
    return text


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD or dd/mm/yyyy, as Vietnamese readers type it."""
    m = _VN_DATE.match(text)
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1])) if m else dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"Ngày '{text}' không hợp lệ; nhập dạng dd/mm/yyyy hoặc YYYY-MM-DD.") from None
