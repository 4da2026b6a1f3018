"""The organisation tree with history: seeding it from data, resolving printed unit names to
nodes, following successor links to today's unit, and management scopes (R2.1, R6).

An abolished unit keeps its node (with `valid_to` and a `successor`), so a 2024 decision of
"UBND huyện Long Thành" resolves to that node for the timeline and to "UBND xã Long Thành" for
today's scope. Names compare diacritic-folded with punctuation removed and abbreviations
expanded ("UBND" → "ủy ban nhân dân"); a bare name shared by several units ("Phòng Tổ chức cán
bộ") is settled by the issuing unit's subtree, then by the home province.

Decisions change the tree too (records.orgchanges: foundings, mergers, renames, …). What they
change is marked `origin = "records"` and the seed no longer overwrites it; a name a unit bore
for a time is an alias with dates, so a decision printed under the old name still finds it.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipeline.vietnamese import fold
from records.schema import AuditEntry, Meta, OrgAlias, OrgUnit

_CODE = re.compile(r"^[A-Z0-9.\-]+$")  # no LIKE wildcards, no path separator
_NON_WORD = re.compile(r"[^a-z0-9]+")
SEED_META_KEY = "org_tree_version"
TREE_REVISION = "org_tree_revision"  # meta key: changes whenever the tree does (seed or decision)
_LOCAL_KINDS = ("district", "commune")  # kinds of org_tree.toml that are localities below the province


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    parent: str | None
    path: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: str | None = None
    scope: str | None = None
    approves_transfers: bool = False
    admin_code: str | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_to is None or day <= self.valid_to)


def unit_key(text: str, abbreviations: Mapping[str, str]) -> str:
    """"Phòng Tổ chức cán bộ, Sở Y tế" → "phong to chuc can bo so y te"; UBND expanded."""
    words = _NON_WORD.sub(" ", fold(text)).split()
    return " ".join(abbreviations.get(w, w) for w in words)


@lru_cache(maxsize=1)
def seed() -> dict[str, Any]:
    text = resources.files("records.data").joinpath("org_tree.toml").read_text("utf-8")
    return tomllib.loads(text)


def folded_abbreviations(data: Mapping[str, Any]) -> dict[str, str]:
    return {fold(k): " ".join(fold(v).split()) for k, v in data.get("abbreviations", {}).items()}


def _iso(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _seed_units(data: Mapping[str, Any]) -> tuple[list[Unit], dict[str, list[str]]]:
    """Units in file order with their paths, and every spelling of each (explicit + generated)."""
    units: dict[str, Unit] = {}
    names: dict[str, list[str]] = {}
    raw_by_code = {raw["code"]: raw for raw in data["unit"]}
    for raw in data["unit"]:
        code, parent = raw["code"], raw.get("parent") or None
        if not _CODE.match(code):
            raise ValueError(f"org_tree.toml: bad unit code {code!r}")
        if parent is not None and parent not in units:
            raise ValueError(f"org_tree.toml: {code} listed before its parent {parent}")
        path = (units[parent].path if parent else "/") + code + "/"
        valid = raw.get("valid", ["", ""])
        units[code] = Unit(code, raw["name"], raw["kind"], parent, path, _iso(valid[0]), _iso(valid[1]),
                           raw.get("successor") or None, raw.get("scope") or None,
                           bool(raw.get("approves_transfers", False)), raw.get("admin_code") or None)
        own = [raw["name"], *raw.get("aliases", [])]
        if parent:
            p = raw_by_code[parent]
            suffixes = [p.get("short"), p.get("locality"), *names[parent]]
            own += [f"{raw['name']} {s}" for s in suffixes if s]
        names[code] = list(dict.fromkeys(own))
    return list(units.values()), names


def sync_seed(session: Session, now: dt.datetime) -> bool:
    """Upsert the seeded tree when the data file's version changed; True when it did. Units and
    aliases that decisions changed since (`origin = "records"`) are left as the decisions made them."""
    data = seed()
    version = str(data["version"])
    current = session.get(Meta, SEED_META_KEY)
    if current is not None and current.value == version:
        return False
    units, names = _seed_units(data)
    existing = {u.code: u for u in session.scalars(select(OrgUnit))}
    changed = {code for code, row in existing.items() if row.origin == "records"}
    units = [u for u in units if u.code not in changed]
    for unit in units:  # links to other units are set in a second pass (they may come later)
        row = existing.get(unit.code) or OrgUnit(code=unit.code, origin="seed")
        row.name, row.kind, row.parent_code, row.path = unit.name, unit.kind, unit.parent, unit.path
        row.admin_code, row.valid_from, row.valid_to = unit.admin_code, unit.valid_from, unit.valid_to
        row.approves_transfers = unit.approves_transfers
        session.add(row)
    session.flush()
    for unit in units:
        row = session.get(OrgUnit, unit.code)
        assert row is not None
        row.successor_code, row.scope_code = unit.successor, unit.scope
    session.execute(delete(OrgAlias).where(OrgAlias.origin == "seed"))
    abbreviations = folded_abbreviations(data)
    for code, spellings in names.items():
        keys = {}
        for name in spellings:
            keys.setdefault(unit_key(name, abbreviations), name)
        session.add_all(OrgAlias(unit_code=code, name=name, key=key) for key, name in keys.items())
    session.merge(Meta(key=SEED_META_KEY, value=version))
    session.merge(Meta(key=TREE_REVISION, value=f"seed-{version}-{now.isoformat()}"))
    session.add(AuditEntry(at=now, user_name="system", unit_code="-", role="system", action="seed_org_tree",
                           before={"version": current.value if current else None},
                           after={"version": version, "units": len(units)}))
    session.flush()
    return True


class OrgTree:
    """The tree in memory (a province has a few hundred units): lookups cost no query."""

    def __init__(self, units: Iterable[Unit], aliases: Iterable[tuple[Any, ...]], home_root: str,
                 aka: Callable[[str], str | None] | None = None):
        """`aliases`: (key, code) or (key, code, valid_from, valid_to) for a name borne for a time.
        `aka(key)`: another key to try for a name the tree does not hold (a People's Council's
        name read as its locality's Committee, records.rules)."""
        self.aka = aka
        self.units = {u.code: u for u in units}
        self.by_key: dict[str, list[str]] = {}
        # (key, code) → the periods that spelling named the unit; absent: always (the seed's).
        self.alias_periods: dict[tuple[str, str], list[tuple[dt.date | None, dt.date | None]]] = {}
        for key, code, *period in aliases:
            self.by_key.setdefault(key, [])
            if code not in self.by_key[key]:
                self.by_key[key].append(code)
            if period and any(period):
                self.alias_periods.setdefault((key, code), []).append((period[0], period[1]))
        self.abbreviations = folded_abbreviations(seed())
        self.home_root = home_root
        self._resolved: dict[tuple[str, dt.date | None, str | None], str | None] = {}

    @classmethod
    def load(cls, session: Session, home_root: str, aka: Callable[[str], str | None] | None = None) -> "OrgTree":
        units = [Unit(r.code, r.name, r.kind, r.parent_code, r.path, r.valid_from, r.valid_to,
                      r.successor_code, r.scope_code, r.approves_transfers, r.admin_code)
                 for r in session.scalars(select(OrgUnit))]
        aliases = session.execute(select(OrgAlias.key, OrgAlias.unit_code, OrgAlias.valid_from, OrgAlias.valid_to))
        return cls(units, aliases, home_root, aka)

    def key(self, text: str) -> str:
        """The comparison key of a printed unit name (see `unit_key`)."""
        return unit_key(text, self.abbreviations)

    def children(self, code: str) -> list[str]:
        return [c for c, u in self.units.items() if u.parent == code]

    def get(self, code: str | None) -> Unit | None:
        return self.units.get(code) if code else None

    def name(self, code: str | None) -> str | None:
        unit = self.get(code)
        return unit.name if unit else None

    def full_name(self, code: str | None) -> str | None:
        """"Phòng Tổ chức cán bộ, Sở Y tế": a section is named with its parent."""
        unit = self.get(code)
        if unit is None:
            return None
        parent = self.get(unit.parent)
        if unit.kind == "section" and parent is not None and parent.kind != "province":
            return f"{unit.name}, {parent.name}"
        return unit.name

    def live(self, code: str | None, on: dt.date) -> str | None:
        """The unit that carries `code` on `on`: successors followed past every `valid_to`."""
        seen: set[str] = set()
        unit = self.get(code)
        while unit is not None and unit.valid_to is not None and unit.valid_to < on \
                and unit.successor and unit.code not in seen:
            seen.add(unit.code)
            unit = self.get(unit.successor)
        return unit.code if unit else None

    def contains(self, root: str | None, code: str | None) -> bool:
        a, b = self.get(root), self.get(code)
        return a is not None and b is not None and b.path.startswith(a.path)

    def subtree(self, root: str) -> set[str]:
        unit = self.get(root)
        if unit is None:
            return set()
        return {c for c, u in self.units.items() if u.path.startswith(unit.path)}

    def live_subtree(self, root: str, on: dt.date) -> set[str]:
        """Every code whose unit today (`live`) lies under `root`, abolished predecessors included."""
        inside = self.subtree(root)
        return {c for c in self.units if self.live(c, on) in inside}

    def ancestors(self, code: str | None) -> list[str]:
        """`code` and its parents up to the root, nearest first."""
        out: list[str] = []
        unit = self.get(code)
        while unit is not None and unit.code not in out:
            out.append(unit.code)
            unit = self.get(unit.parent)
        return out

    def scope_root(self, unit_code: str) -> str:
        unit = self.get(unit_code)
        return (unit.scope or unit.code) if unit else unit_code

    def is_root(self, code: str | None) -> bool:
        unit = self.get(code)
        return unit is not None and unit.parent is None

    def department(self) -> str | None:
        """The unit that approves moves between departments and communes (R6.2)."""
        return next((c for c, u in self.units.items()
                     if u.approves_transfers and self.contains(self.home_root, c)), None)

    def approver(self, a: str | None, b: str | None) -> str | None:
        """Who approves a move from `a` to `b`: the nearest common unit below the province,
        else the Department (also for moves out of the known tree)."""
        if a is None or b is None:
            return self.department()
        common = [c for c in self.ancestors(a) if c in set(self.ancestors(b))]
        if not common or self.get(common[0]).kind == "province":  # type: ignore[union-attr]
            return self.department()
        return common[0]

    def resolve(self, text: str | None, on: dt.date | None, context: str | None = None) -> str | None:
        """The node a printed unit name means on `on`, or None when unknown or ambiguous."""
        if not text or not text.strip():
            return None
        memo = (text, on, context)
        if memo not in self._resolved:
            if len(self._resolved) > 50_000:  # the same few hundred names recur: keep it bounded
                self._resolved.clear()
            self._resolved[memo] = self._resolve(text, on, context)
        return self._resolved[memo]

    def _resolve(self, text: str, on: dt.date | None, context: str | None) -> str | None:
        key = unit_key(text, self.abbreviations)
        codes = self._codes(key)
        if not codes and self.aka is not None:
            other = self.aka(key)
            if other:
                key, codes = other, self._codes(other)
        if not codes:
            return None
        return self._settle(codes, on, context, key)

    def _codes(self, key: str) -> list[str] | None:
        """The nodes a key names, also read without the home province's name at its end."""
        codes = self.by_key.get(key)
        if not codes:
            home = self.get(self.home_root)
            tail = unit_key(home.name, self.abbreviations).split()[-2:] if home else []
            words = key.split()
            for cut in (len(tail) + 1, len(tail)):  # "… tỉnh Đồng Nai", "… Đồng Nai"
                if tail and words[-len(tail):] == tail and len(words) > cut:
                    # A unit "of the province" is none of a district's or commune's namesakes
                    # ("Trung tâm Phục vụ hành chính công" of a ward).
                    codes = [c for c in self.by_key.get(" ".join(words[:-cut]), []) if not self._in_locality(c)]
                    if codes:
                        break
        return codes

    def _in_locality(self, code: str) -> bool:
        """Whether a unit lies below a district or a commune (not the locality itself)."""
        return any(self.units[a].kind in _LOCAL_KINDS for a in self.ancestors(code)[1:])

    def _named_on(self, key: str, code: str, on: dt.date) -> bool:
        """Whether the unit bore this spelling on `on` (a renamed unit's old name ends)."""
        periods = self.alias_periods.get((key, code))
        return periods is None or any((a is None or a <= on) and (b is None or on <= b) for a, b in periods)

    def _settle(self, codes: list[str], on: dt.date | None, context: str | None, key: str = "") -> str | None:
        if len(codes) > 1 and on is not None:
            valid = [c for c in codes if self.units[c].valid_on(on) and self._named_on(key, c, on)]
            codes = valid or codes
        if len(codes) > 1 and context:
            for anchor in self.ancestors(context):
                inside = [c for c in codes if self.contains(anchor, c)]
                if inside:  # the nearest ones: the issuer's own section, not its hospital's
                    depth = min(self.units[c].path.count("/") for c in inside)
                    codes = [c for c in inside if self.units[c].path.count("/") == depth]
                    break
        if len(codes) > 1:
            home = [c for c in codes if self.contains(self.home_root, c)]
            codes = home or codes
        return codes[0] if len(codes) == 1 else None
