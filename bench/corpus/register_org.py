"""Organisation decisions of the register corpus (R2): found, merge, split, rename, dissolve,
reclassify a unit, or issue its regulations — about units of the records' seeded tree.

Rows (data/registers.toml, [organisation]) name tree units by code; `bench.corpus.register_tree`
turns a code into the printed name, the parent and the days the unit existed, and the decision is
dated inside them. Rows are taken in turn (`Pick.nth`, from a seeded offset), so a corpus of a few
dozen decisions never ends or renames one unit twice. On its unknown turns a decision takes a row
of [organisation.unknown] instead, naming units the tree lacks, and its truth expects review.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.corpus import register_tree as tree
from bench.corpus.decisions import fmt
from bench.corpus.people import Ctx
from bench.corpus.register_events import (Draft, Pick, context, data, effective, listed, take, truth,
                                          unit_truth, wording)

_LAST_EFFECT = dt.timedelta(days=31)  # a decision takes effect up to 30 days after it is signed


@dataclass
class Units:
    """The units one organisation row names, as printed, and the tree codes behind them."""

    name: str
    parent: str
    related: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def window(self) -> tuple[dt.date, dt.date]:
        """The signing days on which every named tree unit exists when the decision takes effect."""
        if not self.codes:
            return dt.date.min, dt.date.max
        lo, hi = tree.window(*self.codes)
        return lo, hi - _LAST_EFFECT


def _known(etype: str, row: dict) -> Units:
    """A row of tree codes: `unit` (or `into`) the unit, `parent` a new unit's parent, `related` those
    merged; `as` overrides how the unit is printed."""
    code = row.get("unit") or row.get("into")
    if code is None:  # a new unit: founded, or the result of a merger
        related = [tree.printed(c) for c in row.get("related", [])]
        return Units(row["name"], tree.unit(row["parent"]).name, related, [row["parent"], *row.get("related", [])])
    name = row.get("as") or tree.printed(code)
    related = [tree.printed(c) for c in row.get("related", [])]
    return Units(name, tree.parent_printed(code), related, [code, *row.get("related", [])])


def _unknown(row: dict) -> Units:
    """A row of printed names the tree does not have."""
    return Units(row.get("unit") or row["name"], row.get("parent", ""), list(row.get("related", [])))


def _row(etype: str, rng: random.Random, pick: Pick) -> tuple[dict, Units, list[dict]]:
    key = etype.removeprefix("unit_")
    org = data()["organisation"]
    if pick.unknown:
        row = rng.choice(org["unknown"][key])
        why = "unknown_parent" if etype == "unit_founding" else "unknown_unit"
        return row, _unknown(row), [tree.expect_review(why)]
    row = take(org[key], pick, etype)
    return row, _known(etype, row), [{}]


def _draft(ctx: Ctx, etype: str, template: str, fields: dict, unit: dict, eff: dt.date, notes: list[dict],
           detail: str | None = None) -> Draft:
    w = wording(etype)
    if "{eff_clause}" not in template:  # no date printed: it takes effect on signing
        eff = ctx.issued
    texts = [fmt(template, fields), fmt(ctx.pick(w["second"]), fields)]
    event = truth(etype, ctx, eff, unit=unit, detail=detail)
    tags = {"org"} | ({"ubnd"} if ctx.issuer.is_committee else set())
    return Draft(ctx, "Quyết định", fmt(ctx.pick(w["subject"]), fields), texts, [event],
                 f"Thủ trưởng {fields['name']}", tags, notes=notes)


def build_organisation(etype: str) -> Callable[[random.Random, Pick], Draft]:
    def build(rng: random.Random, pick: Pick) -> Draft:
        row, u, notes = _row(etype, rng, pick)
        ctx = context(rng, row["issuer"], *u.window())
        eff, clause = effective(ctx, 0.5)
        fields = {"name": u.name, "parent": u.parent, "eff_clause": clause,
                  "parent_clause": f" thuộc {u.parent}" if u.parent else "", "place": "tỉnh Đồng Nai"}
        return _WRITERS[etype](ctx, row, u, fields, eff, notes)
    return build


def _founding(ctx: Ctx, row: dict, u: Units, fields: dict, eff: dt.date, notes: list[dict]) -> Draft:
    fields["kind"] = row["kind"]
    template = ctx.pick(wording("unit_founding")["single"])
    return _draft(ctx, "unit_founding", template, fields, unit_truth(u.name, u.parent, row["kind"]), eff, notes)


def _merger(ctx: Ctx, row: dict, u: Units, fields: dict, eff: dt.date, notes: list[dict]) -> Draft:
    mode = row["mode"]
    fields["related_text"] = listed(u.related)
    shown = u.parent if mode == "merge" or u.parent else None
    template = ctx.pick(wording("unit_merger")[mode])
    return _draft(ctx, "unit_merger", template, fields, unit_truth(u.name, shown, related=u.related), eff, notes)


def _split(ctx: Ctx, row: dict, u: Units, fields: dict, eff: dt.date, notes: list[dict]) -> Draft:
    template = ctx.pick(wording("unit_split")["single"])
    fields.update(related_text=listed(row["parts"]), count=f"{len(row['parts']):02d}")
    shown = u.parent if "{parent" in template else None
    return _draft(ctx, "unit_split", template, fields, unit_truth(u.name, shown, related=row["parts"]), eff, notes)


def _rename(ctx: Ctx, row: dict, u: Units, fields: dict, eff: dt.date, notes: list[dict]) -> Draft:
    template = ctx.pick(wording("unit_rename")["single"])
    fields["new_name"] = row["new_name"]
    shown = u.parent if "{parent" in template else None
    return _draft(ctx, "unit_rename", template, fields, unit_truth(u.name, shown, new_name=row["new_name"]),
                  eff, notes)


def _dissolution(ctx: Ctx, row: dict, u: Units, fields: dict, eff: dt.date, notes: list[dict]) -> Draft:
    fields["reason"] = ctx.pick(data()["organisation"]["reasons"])
    template = ctx.pick(wording("unit_dissolution")["single"])
    return _draft(ctx, "unit_dissolution", template, fields, unit_truth(u.name, u.parent), eff, notes)


def _reclassification(ctx: Ctx, row: dict, u: Units, fields: dict, eff: dt.date, notes: list[dict]) -> Draft:
    fields["kind"] = row["kind"]
    w = wording("unit_reclassification")
    template = ctx.pick(w["rank"] if row["kind"].startswith("hạng") else w["autonomy"])
    return _draft(ctx, "unit_reclassification", template, fields, unit_truth(u.name, u.parent, row["kind"]),
                  eff, notes)


def _regulation(ctx: Ctx, row: dict, u: Units, fields: dict, eff: dt.date, notes: list[dict]) -> Draft:
    fields["reg"] = row["reg"]
    fields["parent_clause"] = f" trực thuộc {u.parent}" if u.parent else ""
    template = ctx.pick(wording("unit_regulation")["single"])
    return _draft(ctx, "unit_regulation", template, fields, unit_truth(u.name, u.parent), eff, notes,
                  detail=row["reg"])


_WRITERS = {"unit_founding": _founding, "unit_merger": _merger, "unit_split": _split, "unit_rename": _rename,
            "unit_dissolution": _dissolution, "unit_reclassification": _reclassification,
            "unit_regulation": _regulation}
