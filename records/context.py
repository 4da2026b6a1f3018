"""The working context of one store operation: session, tree, config, actor, clock — and the two
things every change needs: the actor's scope (R6.1) and an audit entry (R7: every action logged).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from records.config import Actor, StoreConfig
from records.errors import NotFound, NotPermitted
from records.orgtree import OrgTree
from records.schema import AuditEntry, Event, Person


_AUDIT = insert(AuditEntry.__table__)  # built once


@dataclass
class Ctx:
    session: Session
    tree: OrgTree
    config: StoreConfig
    actor: Actor
    now: dt.datetime = field(default_factory=dt.datetime.now)
    touched: set[int] = field(default_factory=set)  # ids of Person objects written in this transaction
    _audit: list[tuple[Person | None, Event | None, dict[str, Any]]] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def scope_root(self) -> str:
        return self.tree.scope_root(self.actor.unit)

    def in_scope(self, unit_code: str | None) -> bool:
        """Whether the actor manages `unit_code`. Units outside the known tree (None) belong to
        the province-wide scope only: moves out of the provincial system are the Department's."""
        if unit_code is None:
            return self.tree.is_root(self.scope_root)
        # Stored codes may name a unit abolished since: its successor is what is managed today.
        return self.tree.contains(self.scope_root, self.tree.live(unit_code, self.today))

    def subtree_codes(self, unit: str | None) -> list[str]:
        """Every code (abolished ones included) under `unit` — default the actor's scope — after
        checking that the unit exists and lies within the actor's scope."""
        root = unit or self.scope_root
        if self.tree.get(root) is None:
            raise NotFound(f"Không có đơn vị mã {root} trong cây tổ chức.")
        if not self.in_scope(root):
            raise NotPermitted(f"Đơn vị {root} ngoài phạm vi quản lý của {self.actor.unit}.")
        return sorted(self.tree.live_subtree(root, self.today))

    def audit(self, action: str, *, person: Person | None = None, event: Event | None = None,
              sha256: str | None = None, before: dict[str, Any] | None = None,
              after: dict[str, Any] | None = None) -> None:
        """One audit entry; the event gives the source document's page (R1.2). Entries are
        written in one batch by `write_audit` when the person and event ids are known."""
        self._audit.append((person, event, {
            "at": self.now, "user_name": self.actor.user, "unit_code": self.actor.unit,
            "role": self.actor.role, "action": action,
            "document_sha256": sha256 or (event.document_sha256 if event is not None else None),
            "page": event.page if event is not None else None, "before": before, "after": after}))

    def write_audit(self) -> None:
        """Flush, then insert the pending audit entries (a plain multi-row insert: no ORM objects
        for a write-only log — a large share of the per-event cost otherwise)."""
        if not self._audit:
            return
        self.session.flush()
        rows = [{**values, "person_id": person.id if person is not None else None,
                 "event_id": event.id if event is not None else None}
                for person, event, values in self._audit]
        self._audit.clear()
        self.session.execute(_AUDIT, rows)
