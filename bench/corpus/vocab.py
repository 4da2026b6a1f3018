"""The corpus vocabulary, read once from the TOML files in bench/corpus/data/.

Issuers with their units, person names, ngạch codes and salary grids, the wording of articles,
legal grounds with their periods of validity, and the texts of documents without events.
"""
from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


@functools.cache
def load(name: str) -> dict[str, Any]:
    with (DATA / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Unit:
    """A unit inside (or under) an issuer; see the phrase rule in data/issuers.toml."""

    name: str
    head: str
    deputy: str
    fuse: str
    suffix: str

    @property
    def truth(self) -> str:
        return self.name + self.suffix

    def local(self, with_suffix: bool) -> str:
        """Tables drop a ", Sở Y tế" suffix but keep " huyện Long Thành": "Thanh tra" alone is no unit."""
        keep = with_suffix or not self.suffix.startswith(",")
        return self.suffix if keep else ""

    @property
    def takes_staff(self) -> bool:
        # Sections take staff; a whole department or hospital listed as a unit does not.
        return bool(self.fuse) or self.name.startswith(("Chi cục", "Trung tâm"))

    def leader_phrase(self, title: str, with_suffix: bool = True) -> str:
        rest = self.name[len(self.fuse):] if self.fuse else " " + self.name
        return title + rest + self.local(with_suffix)

    def staff_phrase(self, position: str, with_suffix: bool = True) -> str:
        return f"{position} {self.name}" + self.local(with_suffix)

    def phrase(self, position: str, with_suffix: bool = True) -> str:
        if position in (self.head, self.deputy):
            return self.leader_phrase(position, with_suffix)
        return self.staff_phrase(position, with_suffix)


@dataclass(frozen=True)
class Issuer:
    key: str
    raw: dict[str, Any]
    units: tuple[Unit, ...]

    def __getattr__(self, item: str) -> Any:
        if item == "raw":  # not yet set (copy, pickle): never recurse
            raise AttributeError(item)
        try:
            return self.raw[item]
        except KeyError as e:
            raise AttributeError(item) from e

    @property
    def is_committee(self) -> bool:
        return "collective" in self.raw

    @property
    def staff(self) -> str:
        return self.raw.get("staff", "công chức")

    def valid_on(self, day: dt.date) -> bool:
        lo, hi = (dt.date.fromisoformat(x) for x in self.raw["valid"])
        return lo <= day <= hi


@functools.cache
def issuers() -> tuple[Issuer, ...]:
    out = []
    for raw in load("issuers")["issuer"]:
        units = tuple(Unit(*u) for u in raw["units"])
        out.append(Issuer(raw["key"], raw, units))
    return tuple(out)


def issuer(key: str) -> Issuer:
    return next(i for i in issuers() if i.key == key)


def outside_units(day: dt.date) -> list[str]:
    data = load("issuers")["outside"]
    return data["before_2025_07"] if day < dt.date(2025, 7, 1) else data["after_2025_07"]


def grounds_for(tags: set[str], day: dt.date) -> list[str]:
    """The legal grounds in force on `day` whose `for` list meets `tags`, in citation order."""
    out = []
    for g in load("grounds")["ground"]:
        lo, hi = (dt.date.fromisoformat(x) for x in g["valid"])
        if lo <= day <= hi and tags.intersection(g["for"]):
            out.append(g["text"])
    return out
