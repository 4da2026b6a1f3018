"""Organisation events applied to the tree with history (R2): founding, merger, split, rename,
dissolution, reclassification, and the operating regulations listed per unit.

Nothing is ever deleted: a unit that ends keeps its node with `valid_to` (the day before the
decision takes effect) and a `successor` — its sections end with it — so old decisions and the
people they name keep resolving, and `OrgTree.live` leads to the unit that carries them today. A
rename keeps the code; the old name stays an alias until the day before, the new one is an alias
from that day. A new unit's parent is found by name as any unit is; a name the tree does not
know, or a unit already ended, is a doubt for the review queue.

Each event is first planned (every unit resolved, nothing written), then checked against the
actor's scope (every unit it touches must be theirs), then written, with one `org_change` row
holding each touched unit before and after. The store's tree is reloaded afterwards and a
revision mark in `meta` tells other processes to reload theirs. `undo` turns a change back when
its decision is revoked and no later change touched the same units.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from pipeline.model import Event
from pipeline.vietnamese import fold
from records.apply import Settled, refuse
from records.context import Ctx
from records.orgtree import TREE_REVISION, OrgTree
from records.policy import ORGANISATION, Hold, hold
from records.registers import applied, doubt
from records.rules import rules
from records.schema import Document, Event as EventRow, Meta, OrgAlias, OrgChange, OrgUnit

__all__ = ["ORGANISATION", "settle", "undo"]

_DAY = dt.timedelta(days=1)
_NOT_CODE = re.compile(r"[^A-Z0-9]")
_NAME_MAX = 300


class _Doubt(Exception):
    def __init__(self, why: Hold, unit: str | None = None):
        super().__init__(why.message)
        self.why, self.unit = why, unit


@dataclass
class Plan:
    scope: list[str | None]  # every unit the actor must manage for the change to go ahead
    write: Callable[[], str]  # makes the change; returns the code of the unit it is about


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def snapshot(row: OrgUnit) -> dict[str, Any]:
    """A unit's fields that decisions change, as JSON (org_change before/after)."""
    return {"name": row.name, "kind": row.kind, "kind_text": row.kind_text, "parent": row.parent_code,
            "valid_from": _iso(row.valid_from), "valid_to": _iso(row.valid_to), "successor": row.successor_code}


@dataclass
class Work:
    """One organisation event being applied: resolving names, then changing rows."""

    ctx: Ctx
    doc: Document
    event: Event
    day: dt.date
    before: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # None: founded here
    aliases: list[OrgAlias] = field(default_factory=list)

    @property
    def tree(self) -> OrgTree:
        return self.ctx.tree

    def resolve(self, name: str | None, reason: str = "unknown_unit", within: str | None = None) -> str:
        """The live unit a printed name means on the effective date, or a doubt. `within`, the
        parent the decision prints ("Phòng Kế hoạch - Tài chính thuộc Sở Y tế"), settles a name
        that several units bear, as the issuer does otherwise."""
        code = self.tree.resolve(name, self.day, self.near(within)) if name else None
        if code is None:
            raise _Doubt(hold(reason, name or "—"))
        unit = self.tree.get(code)
        if unit is not None and unit.valid_to is not None and unit.valid_to < self.day:
            raise _Doubt(hold("unit_closed", name), code)
        return code

    def near(self, parent: str | None) -> str | None:
        """Where to look for a unit first: the printed parent when the tree knows it, else the issuer."""
        found = self.tree.resolve(parent, self.day, self.doc.issuer_unit_code) if parent else None
        return found or self.doc.issuer_unit_code

    def _row(self, code: str) -> OrgUnit:
        row = self.ctx.session.get(OrgUnit, code)
        assert row is not None
        if code not in self.before:
            self.before[code] = snapshot(row)
        row.origin = "records"  # the seed no longer overwrites it
        return row

    def create(self, name: str, parent: str, written_kind: str | None, like: str | None = None) -> str:
        kind, sure = rules().unit_kind(written_kind, name)
        model = self.tree.get(like)
        if not sure and model is not None:
            kind = model.kind
        code = self._new_code(parent, name)
        parent_unit = self.tree.get(parent)
        assert parent_unit is not None
        self.ctx.session.add(OrgUnit(code=code, name=name[:_NAME_MAX], kind=kind, parent_code=parent,
                                     path=parent_unit.path + code + "/", valid_from=self.day, origin="records",
                                     kind_text=written_kind, approves_transfers=False))
        self.ctx.session.flush()  # the node exists before aliases and successors point at it
        self.before[code] = None
        self._names(code, name, parent, valid_from=self.day)
        return code

    def _new_code(self, parent: str, name: str) -> str:
        """<parent>.<initials of the name>, made unique ("-2", "-3", …)."""
        letters = "".join(w[0] for w in fold(name).upper().split() if _NOT_CODE.sub("", w[:1]))
        base = f"{parent}.{_NOT_CODE.sub('', letters)[:rules().code_letters] or 'DV'}"
        code, n = base, 1
        while code in self.tree.units or self.ctx.session.get(OrgUnit, code) is not None:
            n += 1
            code = f"{base}-{n}"
        return code

    def _names(self, code: str, name: str, parent: str | None, **dates: dt.date) -> None:
        """The unit's name, alone and followed by each spelling of its parent (as the seed does)."""
        spellings = [name]
        if parent:
            held = self.ctx.session.scalars(select(OrgAlias.name).where(OrgAlias.unit_code == parent))
            spellings += [f"{name} {s}" for s in dict.fromkeys([self.tree.name(parent) or "", *held]) if s]
        for spelling in dict.fromkeys(spellings):
            self.alias(code, spelling, **dates)

    def alias(self, code: str, name: str, valid_from: dt.date | None = None, valid_to: dt.date | None = None) -> None:
        row = OrgAlias(unit_code=code, name=name[:_NAME_MAX], key=self.tree.key(name)[:_NAME_MAX], origin="records",
                       valid_from=valid_from, valid_to=valid_to)
        self.ctx.session.add(row)
        self.aliases.append(row)

    def close(self, code: str, successor: str | None) -> None:
        """The unit ends the day before; its sections still open end with it."""
        row = self._row(code)
        row.valid_to, row.successor_code = self.day - _DAY, successor
        for child in self.tree.children(code):
            unit = self.tree.get(child)
            if unit is not None and (unit.valid_to is None or unit.valid_to >= self.day) and child not in self.before:
                self.close(child, successor)

    def rename(self, code: str, new_name: str) -> None:
        row = self._row(code)
        self.alias(code, row.name, valid_to=self.day - _DAY)
        self._names(code, new_name, row.parent_code, valid_from=self.day)
        for child in self.tree.children(code):
            self.alias(child, f"{self.tree.name(child)} {new_name}", valid_from=self.day)
        newer = self.ctx.session.scalar(select(OrgChange.id).where(
            OrgChange.unit_code == code, OrgChange.kind == "unit_rename", OrgChange.effective_date > self.day))
        if newer is None:  # an older rename read late leaves today's name alone
            row.name = new_name[:_NAME_MAX]

    def reclassify(self, code: str, written: str) -> None:
        row = self._row(code)
        row.kind_text = written
        row.kind = rules().written_kind(written) or row.kind


# ------------------------------------------------------------------ plans, one per event type
def _founding(w: Work) -> Plan:
    ref = w.event.unit
    assert ref is not None
    if not ref.parent:
        raise _Doubt(hold("incomplete_unit_event", "đơn vị cấp trên"))
    parent = w.resolve(ref.parent, "unknown_parent")
    there = w.tree.resolve(ref.name, w.day, parent)
    unit = w.tree.get(there)
    if unit is not None and unit.valid_on(w.day) and w.tree.contains(parent, there):
        raise _Doubt(hold("unit_exists", ref.name), there)
    return Plan([parent], lambda: w.create(ref.name, parent, ref.kind))


def _merger(w: Work) -> Plan:
    ref = w.event.unit
    assert ref is not None
    if not ref.related:
        raise _Doubt(hold("incomplete_unit_event", "các đơn vị được hợp nhất"))
    merged = [w.resolve(name, within=ref.parent) for name in ref.related]
    near = w.near(ref.parent)
    result = w.tree.resolve(ref.name, w.day, near)
    # Into an existing unit ("sáp nhập A vào B"), unless that name belongs to a unit outside the
    # printed parent: then the merger makes a new unit of that name under the parent.
    if result is not None and result not in merged and (not ref.parent or w.tree.contains(near, result)):
        merged_into = w.resolve(ref.name, within=ref.parent)

        def into_existing() -> str:
            for code in merged:
                w.close(code, merged_into)
            return merged_into
        return Plan([*merged, merged_into], into_existing)
    parent = w.resolve(ref.parent, "unknown_parent") if ref.parent else _common_parent(w.tree, merged)

    def into_new() -> str:
        new = w.create(ref.name, parent, ref.kind, like=merged[0])
        for code in merged:
            w.close(code, new)
        return new
    return Plan([*merged, parent], into_new)


def _common_parent(tree: OrgTree, codes: list[str]) -> str:
    lines = [tree.ancestors(tree.get(c).parent) for c in codes]  # type: ignore[union-attr]
    common = [c for c in lines[0] if all(c in line for line in lines[1:])]
    if not common:
        raise _Doubt(hold("incomplete_unit_event", "đơn vị cấp trên"))
    return common[0]


def _split(w: Work) -> Plan:
    ref = w.event.unit
    assert ref is not None
    code = w.resolve(ref.name, within=ref.parent)
    if not ref.related:
        raise _Doubt(hold("incomplete_unit_event", "các đơn vị sau khi chia, tách"), code)
    parent = w.tree.get(code).parent  # type: ignore[union-attr]
    own = w.tree.key(ref.name)
    keeps = any(w.tree.key(n) == own for n in ref.related)  # "tách": the unit itself goes on
    # A part is an existing unit only under the same parent: "Phòng Tài chính" of another
    # department is not the one this split makes.
    parts = [(n, _under(w.tree, parent or code, w.tree.resolve(n, w.day, parent)))
             for n in ref.related if w.tree.key(n) != own]

    def write() -> str:
        made = [found or w.create(name, parent or code, None, like=code) for name, found in parts]
        if not keeps and made:
            w.close(code, made[0])  # the first named carries its files, as the seed's reform does
        return code
    return Plan([code, parent, *(found for _, found in parts)], write)


def _under(tree: OrgTree, root: str, code: str | None) -> str | None:
    return code if code is not None and tree.contains(root, code) else None


def _rename(w: Work) -> Plan:
    ref = w.event.unit
    assert ref is not None
    code = w.resolve(ref.name, within=ref.parent)
    if not ref.new_name:
        raise _Doubt(hold("incomplete_unit_event", "tên mới"), code)
    return Plan([code], lambda: (w.rename(code, ref.new_name or ""), code)[1])


def _dissolution(w: Work) -> Plan:
    ref = w.event.unit
    assert ref is not None
    code = w.resolve(ref.name, within=ref.parent)
    heir = w.resolve(ref.related[0]) if ref.related else w.tree.get(code).parent  # type: ignore[union-attr]
    return Plan([code, heir], lambda: (w.close(code, heir), code)[1])


def _reclassification(w: Work) -> Plan:
    ref = w.event.unit
    assert ref is not None
    code = w.resolve(ref.name, within=ref.parent)
    written = ref.kind or w.event.detail
    if not written:
        raise _Doubt(hold("incomplete_unit_event", "loại hình hoặc hạng mới"), code)
    return Plan([code], lambda: (w.reclassify(code, written), code)[1])


def _regulation(w: Work) -> Plan:
    ref = w.event.unit
    assert ref is not None
    code = w.resolve(ref.name, within=ref.parent)
    return Plan([code], lambda: code)  # listed per unit; the tree does not change


_PLANS: dict[str, Callable[[Work], Plan]] = {
    "unit_founding": _founding, "unit_merger": _merger, "unit_split": _split, "unit_rename": _rename,
    "unit_dissolution": _dissolution, "unit_reclassification": _reclassification, "unit_regulation": _regulation,
}


def settle(ctx: Ctx, doc: Document, row: EventRow, event: Event, reviewing: bool) -> Settled:
    """Apply one organisation event, or queue or refuse it."""
    ref, day = event.unit, row.effective_date
    assert day is not None
    if ref is None or not ref.name.strip():
        return doubt(ctx, doc, row, hold("incomplete_unit_event", "tên đơn vị"), reviewing)
    work = Work(ctx, doc, event, day)
    try:
        plan = _PLANS[event.type](work)
    except _Doubt as d:
        return doubt(ctx, doc, row, d.why, reviewing, ctx.tree.live(d.unit, ctx.today) if d.unit else None)
    if not all(ctx.in_scope(code) for code in plan.scope if code is not None):
        return refuse(ctx, doc, row, hold("out_of_scope", ctx.actor.unit))
    main = plan.write()
    ctx.session.flush()
    after = {code: snapshot(ctx.session.get(OrgUnit, code)) for code in work.before}  # type: ignore[arg-type]
    change = OrgChange(unit_code=main, unit_text=ref.name, kind=event.type, effective_date=day,
                       detail=event.detail or ref.new_name or ref.kind, before={"units": work.before},
                       after={"units": after, "aliases": [a.id for a in work.aliases]},
                       event=row, document_sha256=doc.sha256, page=event.page)
    if work.before or work.aliases:
        reload_tree(ctx)
    return applied(ctx, doc, row, [change], unit=main)


def reload_tree(ctx: Ctx) -> None:
    """This transaction sees the changed tree at once; other processes see the revision change."""
    ctx.session.merge(Meta(key=TREE_REVISION, value=uuid.uuid4().hex))
    ctx.session.flush()
    ctx.tree = OrgTree.load(ctx.session, ctx.tree.home_root, ctx.tree.aka)


def undo(ctx: Ctx, victim: EventRow) -> list[dict[str, Any]]:
    """Turn back what `victim` (a superseded organisation event) did to the tree, where no later
    change touched the same units; otherwise keep it and say so (a person decides)."""
    out: list[dict[str, Any]] = []
    changes = list(ctx.session.scalars(select(OrgChange).where(OrgChange.event_id == victim.id)))
    for change in changes:
        touched = set((change.before or {}).get("units", {}))
        later = [c for c in ctx.session.scalars(select(OrgChange).where(OrgChange.id > change.id))
                 if touched & set((c.before or {}).get("units", {}))]
        if later:
            out.append({"table": "org_change", "id": change.id, "kept": "later changes touch the same units"})
            continue
        for code, before in (change.before or {}).get("units", {}).items():
            _restore(ctx.session.get(OrgUnit, code), before)
        for alias_id in (change.after or {}).get("aliases", []):
            alias = ctx.session.get(OrgAlias, alias_id)
            if alias is not None:
                ctx.session.delete(alias)
        out.append({"table": "org_change", "id": change.id, "kind": change.kind, "undone": True})
        ctx.session.delete(change)
    if any(o.get("undone") and o["kind"] != "unit_regulation" for o in out):
        reload_tree(ctx)
    return out


def _restore(row: OrgUnit | None, before: dict[str, Any] | None) -> None:
    if row is None:
        return
    if before is None:  # founded by the revoked decision: it never existed
        row.valid_to = max(row.valid_from - _DAY, dt.date.min) if row.valid_from else None
        row.successor_code = None
        return
    row.name, row.kind, row.kind_text = before["name"], before["kind"], before["kind_text"]
    row.valid_to = dt.date.fromisoformat(before["valid_to"]) if before["valid_to"] else None
    row.successor_code = before["successor"]
