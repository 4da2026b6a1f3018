"""Read-only queries the periodic reports need and the other views do not offer: which files
each unit holds (R8, R9.3). Only units in the actor's scope; nothing here writes.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from records.context import Ctx
from records.schema import Person


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
