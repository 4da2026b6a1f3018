"""What applying a document did: one `EventResult` per event and a `RecordsUpdate` per document.

Plain frozen values with `to_dict()` for JSON output; the store returns them, callers print them.
Statuses: applied · needs_review · pending_transfer (waits for the parent unit) · refused ·
superseded · unchanged (already known: the same decision was applied before).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class EventResult:
    index: int  # position in the outcome's events
    type: str
    person_name: str
    status: str
    reason: str | None = None
    message: str | None = None
    person_id: int | None = None
    event_id: int | None = None
    review_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RecordsUpdate:
    sha256: str | None
    document_status: str  # applied | in_review | refused | superseded | duplicate | no_events | skipped | failed
    events: tuple[EventResult, ...] = ()
    due_date: dt.date | None = None
    due_policy: str | None = None
    not_applicable: int = 0  # social insurance / asset declaration events left out (R1.4)
    superseded: tuple[int, ...] = field(default_factory=tuple)  # earlier events this one superseded
    changed: bool = False
    error: str | None = None  # apply_many only: why this document failed (status "failed")

    def count(self, status: str) -> int:
        return sum(1 for e in self.events if e.status == status)

    @property
    def applied(self) -> int:
        return self.count("applied")

    @property
    def needs_review(self) -> int:
        return self.count("needs_review")

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "document_status": self.document_status,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_policy": self.due_policy,
            "not_applicable": self.not_applicable,
            "superseded": list(self.superseded),
            "changed": self.changed,
            "error": self.error,
            "events": [e.to_dict() for e in self.events],
        }
