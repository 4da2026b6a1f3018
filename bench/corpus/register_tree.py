"""The organisation tree the records are seeded with (records/data/org_tree.toml), as register
decisions print its units: so that what the corpus reads is what the records can apply.

Organisation decisions, councils and communes of the register corpus name tree units by code
(data/registers.toml); here a code becomes the name a decision prints ("Phòng Nội vụ huyện Long
Thành": a district's or commune's section carries its locality), the parent it names and the days
the unit existed. A known share of decisions names units the tree lacks, on purpose, and says so
in the truth (`UNKNOWN_EVERY`, `expect_review`): those must wait for review, never apply.
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path

# Of each family's decisions after its PLAN (bench.corpus.registers), every UNKNOWN_EVERY-th one
# (counting from UNKNOWN_AT) names a unit, council or commune the tree does not have.
UNKNOWN_EVERY, UNKNOWN_AT = 10, 7
_NEVER, _FOREVER = dt.date.min, dt.date.max


@dataclass(frozen=True)
class TreeUnit:
    code: str
    name: str
    kind: str
    parent: str | None
    locality: str | None
    valid_from: dt.date
    valid_to: dt.date


def _day(text: str, default: dt.date) -> dt.date:
    return dt.date.fromisoformat(text) if text else default


@functools.cache
def seed() -> dict:
    """records/data/org_tree.toml, found without importing `records` (and its database layer)."""
    spec = importlib.util.find_spec("records")
    assert spec is not None and spec.submodule_search_locations, "the records package is not installed"
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "org_tree.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@functools.cache
def units() -> dict[str, TreeUnit]:
    out = {}
    for raw in seed()["unit"]:
        start, end = raw.get("valid", ["", ""])
        out[raw["code"]] = TreeUnit(raw["code"], raw["name"], raw["kind"], raw.get("parent") or None,
                                    raw.get("locality") or None, _day(start, _NEVER), _day(end, _FOREVER))
    return out


def unit(code: str) -> TreeUnit:
    try:
        return units()[code]
    except KeyError:
        raise KeyError(f"bench/corpus/data/registers.toml names {code!r}, which org_tree.toml lacks") from None


def printed(code: str) -> str:
    """The unit's name as a decision prints it: a section of a district or commune carries its
    locality ("Phòng Nội vụ huyện Long Thành"); every other unit its own name."""
    u = unit(code)
    parent = units().get(u.parent or "")
    if parent is not None and parent.kind in ("district", "commune") and parent.locality:
        return f"{u.name} {parent.locality}"
    return u.name


def parent_printed(code: str) -> str:
    """The body a decision says the unit belongs to ("Sở Y tế"); "" when it is the province."""
    u = unit(code)
    parent = units().get(u.parent or "")
    return "" if parent is None or parent.kind == "province" else parent.name


def window(*codes: str) -> tuple[dt.date, dt.date]:
    """The days every one of `codes` existed."""
    spans = [unit(c) for c in codes]
    return max(u.valid_from for u in spans), min(u.valid_to for u in spans)


def communes(on: dt.date) -> list[TreeUnit]:
    """The communes and wards of the tree on `on`, in file order."""
    return [u for u in units().values() if u.kind == "commune" and u.valid_from <= on <= u.valid_to]


def is_unknown_turn(family_index: int, plan_length: int) -> bool:
    """Whether a family's `family_index`-th decision is one that names a unit the tree lacks."""
    return family_index >= plan_length and family_index % UNKNOWN_EVERY == UNKNOWN_AT


def expect_review(reason: str) -> dict:
    """The truth's note on an event the records must hold for review (event_notes)."""
    return {"expect": "review", "reason": reason}
