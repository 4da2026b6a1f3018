"""The rule data of the other registers (records/data/registers.toml), read once and folded for
comparison: a new unit's kind, the titles that make someone a unit's head, the words that name a
People's Council or Committee, the levels of government, the commune staff groups.

Words compare as the organisation tree compares names (`records.orgtree.unit_key`: folded,
punctuation removed, abbreviations such as "UBND" expanded), so "Hội đồng nhân dân", "HĐND" and
"hoi dong nhan dan" are one.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from records.orgtree import folded_abbreviations, seed, unit_key

RULES_FILE = "registers.toml"


def _keys(words: list[str], abbreviations: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(unit_key(w, abbreviations) for w in words)


@dataclass(frozen=True)
class RegisterRules:
    abbreviations: Mapping[str, str]
    kind_written: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, folded words), in file order
    kind_starts: tuple[tuple[str, tuple[str, ...]], ...]
    default_kind: str
    head_titles: frozenset[str]
    code_letters: int
    bodies: tuple[tuple[str, str], ...]  # (body, folded words): council, committee
    levels: Mapping[str, str]  # node kind → level
    delegate_words: tuple[str, ...]
    staff_groups: frozenset[str]

    def key(self, text: str | None) -> str:
        return unit_key(text or "", self.abbreviations)

    def written_kind(self, written: str | None) -> str | None:
        """The kind a decision's words for a unit's type name ("đơn vị sự nghiệp công lập")."""
        said = f" {self.key(written)} "
        return next((kind for kind, words in self.kind_written if written and any(f" {w} " in said for w in words)),
                    None)

    def unit_kind(self, written: str | None, name: str) -> tuple[str, bool]:
        """(kind, sure): a new unit's kind from what the decision calls it, else its name's first
        words, else the default (not sure)."""
        kind = self.written_kind(written)
        if kind is not None:
            return kind, True
        named = f"{self.key(name)} "
        for kind, words in self.kind_starts:
            if any(named.startswith(f"{w} ") for w in words):
                return kind, True
        return self.default_kind, False

    def is_head_title(self, position: str | None) -> bool:
        return bool(position) and _head_key(position) in self.head_titles

    def body_of(self, text: str | None) -> str | None:
        """council | committee: whose words open the name ("Hội đồng nhân dân xã …")."""
        key = f"{self.key(text)} "
        return next((body for body, words in self.bodies if key.startswith(f"{words} ")), None)

    def as_committee(self, key: str) -> str | None:
        """A council's name key read with the committee's words: the tree holds each locality's
        People's Committee, and its Council belongs to the same node (OrgTree's `aka`)."""
        bodies = dict(self.bodies)
        council = bodies["council"]
        if not key.startswith(council + " "):
            return None
        return bodies["committee"] + key[len(council):]

    def is_delegate(self, position: str | None) -> bool:
        key = f" {self.key(position)} "
        return any(f" {w} " in key for w in self.delegate_words)


def _pairs(table: Mapping[str, list[str]], abbreviations: Mapping[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((kind, _keys(words, abbreviations)) for kind, words in table.items())


@lru_cache(maxsize=4096)
def _head_key(position: str) -> str:
    """A position's key, cached: every post written is checked, and titles recur."""
    return rules().key(position)


@lru_cache(maxsize=1)
def rules() -> RegisterRules:
    raw: dict[str, Any] = tomllib.loads(resources.files("records.data").joinpath(RULES_FILE).read_text("utf-8"))
    org, local = raw["organisation"], raw["local_government"]
    abbreviations = folded_abbreviations(seed())
    return RegisterRules(
        abbreviations=abbreviations,
        kind_written=_pairs(org["kind_written"], abbreviations),
        kind_starts=_pairs(org["kind_starts"], abbreviations),
        default_kind=org["default_kind"],
        head_titles=frozenset(_keys(org["head_titles"], abbreviations)),
        code_letters=int(org["code_letters"]),
        bodies=tuple((body, unit_key(words, abbreviations)) for body, words in local["body"].items()),
        levels=dict(local["level"]),
        delegate_words=_keys(local["delegate_words"], abbreviations),
        staff_groups=frozenset(local["staff_groups"]),
    )
