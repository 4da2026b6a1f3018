"""The extractors' rule data, read once from the TOML files in `extractors/data/`.

Code holds mechanisms; which words mean what lives in the data files, each with a version.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from extractors.text import fold

OUT_OF_SCOPE = "out"


def _load(name: str) -> dict[str, Any]:
    text = resources.files("extractors.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class EventType:
    key: str
    triggers: tuple[str, ...]
    applicable: bool  # False: recognised but never applied to records (BHXH, asset declarations)
    context: tuple[str, ...] = ()  # folded words one of which must be in the trigger's paragraph


@dataclass(frozen=True)
class Refine:
    """A type that becomes another by what the decision is about (event_types.toml [[refine]])."""

    type: str
    when: str  # "council_post" | "names_units" | "names_people"
    becomes: str


@dataclass(frozen=True)
class Position:
    title: str
    fused: str  # the unit head word the title swallows ("Trưởng phòng" → "Phòng")
    leader: bool


@dataclass(frozen=True)
class Ngach:
    code: str
    name: str
    group: str


@dataclass(frozen=True)
class Role:
    key: str
    keywords: tuple[str, ...]  # folded
    exact: bool


@dataclass(frozen=True)
class Rules:
    event_types: tuple[EventType, ...]
    precedence: dict[frozenset[str], str]
    positions: tuple[Position, ...]
    unit_heads: tuple[str, ...]
    ngach: tuple[Ngach, ...]
    grids: dict[str, tuple[float, ...]]
    patterns: dict[str, Any]
    roles: tuple[Role, ...]
    old_markers: tuple[str, ...]
    new_markers: tuple[str, ...]
    personnel_doc_types: tuple[str, ...]
    post_is_new_for: tuple[str, ...]
    family_names: frozenset[str]  # folded
    family_spellings: tuple[str, ...]  # as written, most common first
    versions: dict[str, int]
    refines: tuple[Refine, ...] = ()
    registers: dict[str, Any] = field(default_factory=dict)  # registers.toml as read

    def event_type(self, key: str) -> EventType:
        return next(t for t in self.event_types if t.key == key)

    def position(self, title: str) -> Position | None:
        folded = fold(title)
        return next((p for p in self.positions if fold(p.title) == folded), None)

    def ngach_by_name(self, name: str) -> Ngach | None:
        folded = fold(name).strip()
        return next((n for n in self.ngach if fold(n.name) == folded), None)

    def ngach_by_code(self, code: str) -> Ngach | None:
        return next((n for n in self.ngach if n.code == code), None)

    def refined(self, event_type: str, when: str) -> str | None:
        """The type `event_type` becomes when `when` holds, or None."""
        return next((r.becomes for r in self.refines if r.type == event_type and r.when == when), None)

    def phrase(self, label: str, key: str) -> str:
        """The phrase of a patterns.toml label as written there, from its folded key."""
        return next((p for p in self.patterns["phrases"].get(label, ()) if fold(p) == key), key)


def _event_types(data: dict[str, Any]) -> tuple[EventType, ...]:
    return tuple(
        EventType(t["key"], tuple(t["triggers"]), t.get("scope") != OUT_OF_SCOPE,
                  tuple(fold(c) for c in t.get("context", ())))
        for t in data["type"]
    )


def _roles(data: dict[str, Any]) -> tuple[Role, ...]:
    return tuple(
        Role(r["key"], tuple(fold(k) for k in r["keywords"]), bool(r.get("exact", False)))
        for r in data["role"]
    )


@lru_cache(maxsize=1)
def rules() -> Rules:
    events = _load("event_types.toml")
    positions = _load("positions.toml")
    ngach = _load("ngach.toml")
    patterns = _load("patterns.toml")
    tables = _load("tables.toml")
    scope = _load("scope.toml")
    names = _load("names.toml")
    registers = _load("registers.toml")
    return Rules(
        event_types=_event_types(events),
        precedence={frozenset(k.split("+")): v for k, v in events.get("precedence", {}).items()},
        positions=tuple(Position(t, f, bool(lead)) for t, f, lead in positions["positions"]),
        unit_heads=tuple(positions["unit_heads"]),
        ngach=tuple(Ngach(c, n, g) for c, n, g in ngach["ngach"]),
        grids={k: tuple(v) for k, v in ngach["grids"].items()},
        patterns=patterns,
        roles=_roles(tables),
        old_markers=tuple(fold(m) for m in tables["old_markers"]),
        new_markers=tuple(fold(m) for m in tables["new_markers"]),
        personnel_doc_types=tuple(fold(t) for t in scope["personnel_doc_types"]),
        post_is_new_for=tuple(tables["post_is_new_for"]),
        family_names=frozenset(fold(n) for n in names["family"]),
        family_spellings=tuple(names["family"]),
        versions={
            "event_types": events["version"], "positions": positions["version"],
            "ngach": ngach["version"], "patterns": patterns["version"],
            "tables": tables["version"], "scope": scope["version"], "names": names["version"],
            "registers": registers["version"],
        },
        refines=tuple(Refine(r["type"], r["when"], r["becomes"]) for r in events.get("refine", ())),
        registers=registers,
    )
