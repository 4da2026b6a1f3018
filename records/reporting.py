"""Read-only queries the periodic reports need and the other views do not offer: which files
each unit holds, and how each unit used the system in a period — its accounts' logins, the
documents it handed in, the changes it made to files, its look-ups — read from the audit log
(R8.1: "each unit's updating and use of the system"). Only units in the actor's scope; nothing
here writes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from records.context import Ctx
from records.schema import AuditEntry, Person

# Audit actions by what they say about a unit's use of the system.
LOGINS = frozenset({"login"})
RECEIVED = frozenset({"receive_document"})  # a document read into the records: upload, inbox, batch
CHANGES = frozenset({"apply", "create_person", "correct_review", "edit_person", "supersede"})
LOOKUPS = frozenset({"search", "read_person", "read_document", "download_original"})


@dataclass(frozen=True)
class HeldFile:
    person_id: int
    unit: str | None  # the live org-tree code holding the file today
    status: str  # active | retired | resigned


def held_files(ctx: Ctx, unit: str | None) -> list[HeldFile]:
    """Every file held in `unit`'s subtree (default: the actor's scope), by person id."""
    codes = ctx.subtree_codes(unit)
    rows = ctx.session.execute(select(Person.id, Person.unit_code, Person.status)
                               .where(Person.unit_code.in_(codes)).order_by(Person.id))
    return [HeldFile(pid, ctx.tree.live(code, ctx.today), status) for pid, code, status in rows]


@dataclass(frozen=True)
class UnitUse:
    """What one account of a unit did in a period (the report sums accounts per unit)."""

    unit: str | None  # the live org-tree code of the account's unit
    user: str
    logins: int = 0
    received: int = 0
    changes: int = 0
    lookups: int = 0


def unit_use(ctx: Ctx, unit: str | None, start: dt.date, end: dt.date) -> list[UnitUse]:
    """Per account of every unit in `unit`'s subtree (default: the actor's scope), the audit log's
    counts for [start, end] (times are the province's wall clock, as stored)."""
    codes = ctx.subtree_codes(unit)
    since, until = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    rows = ctx.session.execute(
        select(AuditEntry.unit_code, AuditEntry.user_name, AuditEntry.action, func.count())
        .where(AuditEntry.unit_code.in_(codes), AuditEntry.at >= since, AuditEntry.at < until)
        .group_by(AuditEntry.unit_code, AuditEntry.user_name, AuditEntry.action))
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for code, user, action, n in rows:
        c = counts.setdefault((code, user), {"logins": 0, "received": 0, "changes": 0, "lookups": 0})
        for key, actions in (("logins", LOGINS), ("received", RECEIVED), ("changes", CHANGES), ("lookups", LOOKUPS)):
            if action in actions:
                c[key] += n
    return [UnitUse(ctx.tree.live(code, ctx.today), user, **c)
            for (code, user), c in sorted(counts.items()) if any(c.values())]
