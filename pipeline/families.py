"""The registers of the letter (personnel, organisation, local government, awards, training):
which family each event type belongs to and whether it names a person or a unit.

One data file (data/event_families.toml) answers it for the extractors, the contract, the records
and the search facets alike, so a new event type is added in one place.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

FAMILIES_FILE = "event_families.toml"


@dataclass(frozen=True)
class Family:
    key: str  # "personnel", "organisation", …
    label: str  # Vietnamese, for pages and reports
    person_types: tuple[str, ...]
    unit_types: tuple[str, ...]

    @property
    def types(self) -> tuple[str, ...]:
        return self.person_types + self.unit_types


@lru_cache(maxsize=1)
def families() -> dict[str, Family]:
    """Every family by key, in the order of the data file."""
    raw = tomllib.loads(resources.files("pipeline.data").joinpath(FAMILIES_FILE).read_text("utf-8"))
    out: dict[str, Family] = {}
    for key, spec in raw["family"].items():
        listed = tuple(spec.get("types", ()))
        extra = tuple(spec.get("unit_types", ()))
        if spec.get("subject") == "unit":
            person_types, unit_types = (), listed + extra
        else:
            person_types, unit_types = listed, extra
        out[key] = Family(key, spec["label"], person_types, unit_types)
    return out


@lru_cache(maxsize=None)
def family_of(event_type: str) -> str:
    """The family key of an event type; KeyError for a type no family lists."""
    for family in families().values():
        if event_type in family.types:
            return family.key
    raise KeyError(event_type)


def is_unit_type(event_type: str) -> bool:
    """True for types about a unit (person is None): restructurings, collective awards, classes."""
    return any(event_type in f.unit_types for f in families().values())


def all_types() -> tuple[str, ...]:
    return tuple(t for f in families().values() for t in f.types)
