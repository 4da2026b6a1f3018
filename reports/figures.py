"""The figures of a report, per unit and in total, for any period [start, end]:

records held, completeness (share of files with no problem, the commonest gaps), decisions
received (issued in the period and carrying events), decisions applied on time / late / still
overdue / pending, the median delay from issue to the records in working days, the open review
queue (size, oldest item's age in working days), the unit's use of the system in the period (its
accounts that logged in, logins, documents handed in, changes made to files, look-ups: from the
audit log) and a ranking of the units.

Units are the children of the report's root (the Department: the province's departments and
communes; a unit head: the units under them); everything is read through the store's public API
and the actor's scope, so a unit head sees their own subtree only. The root's own use (the
Department's batch runs, its staff) counts in the total, and in a row of the root only where the
root has files or decisions of its own: the report evaluates the units below it.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pipeline.workdays import WorkCalendar
from records import Actor, RecordsStore


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    name: str
    files: int = 0  # files held (every status)
    complete: int = 0
    gaps: tuple[tuple[str, int], ...] = ()  # (problem code, files with it), commonest first
    decisions: int = 0  # received: issued in the period, carrying events
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    median_delay: float | None = None  # working days, issue → records, over handled decisions
    review_open: int = 0
    review_oldest: int | None = None  # working days since the oldest open item was queued
    accounts: int = 0  # the unit's accounts that logged in during the period
    logins: int = 0
    received: int = 0  # documents handed in (uploads, inbox, batch) and read into the records
    changes: int = 0  # changes made to files: events applied, files created, corrections, edits
    lookups: int = 0  # searches, files and documents opened, originals downloaded
    rank: int | None = None

    @property
    def complete_share(self) -> float | None:
        return round(self.complete / self.files, 4) if self.files else None

    @property
    def on_time_rate(self) -> float | None:
        decided = self.on_time + self.late + self.overdue
        return round(self.on_time / decided, 4) if decided else None

    @property
    def score(self) -> float | None:
        """The ranking score: the mean of the on-time rate and the complete share (those known)."""
        known = [x for x in (self.on_time_rate, self.complete_share) if x is not None]
        return round(sum(known) / len(known), 4) if known else None


@dataclass(frozen=True)
class ReportFigures:
    root: str
    root_name: str
    start: dt.date
    end: dt.date
    today: dt.date
    units: tuple[UnitFigures, ...]  # ranked: best first; unranked (no figure) last
    total: UnitFigures
    gap_names: dict[str, str] = field(default_factory=dict)  # problem code → a Vietnamese message


def half_year(year: int, half: int) -> tuple[dt.date, dt.date]:
    """The reporting period per NĐ 09/2019/NĐ-CP Điều 12 (as flows.reports.closed_period): the
    first half of `year` runs 15/12 of the year before to 14/06, the second 15/06 to 14/12 — so
    the report due before 15 June / 15 December covers a closed period."""
    if half not in (1, 2):
        raise ValueError("half must be 1 or 2")
    if half == 1:
        return dt.date(year - 1, 12, 15), dt.date(year, 6, 14)
    return dt.date(year, 6, 15), dt.date(year, 12, 14)


class _Grouper:
    """Maps a unit code to the child of the root on its way up (the root itself for its own files)."""

    def __init__(self, store: RecordsStore, root: str, today: dt.date):
        self.tree, self.root, self.today = store.tree, root, today

    def __call__(self, code: str | None) -> str | None:
        chain = self.tree.ancestors(self.tree.live(code, self.today))
        if self.root not in chain:
            return None
        i = chain.index(self.root)
        return chain[i - 1] if i > 0 else self.root


def figures_to_dict(f: ReportFigures) -> dict[str, Any]:
    """JSON-ready figures (for the scheduled flow's summary and the web dashboard)."""
    def unit(u: UnitFigures) -> dict[str, Any]:
        return {**asdict(u), "gaps": dict(u.gaps), "complete_share": u.complete_share,
                "on_time_rate": u.on_time_rate, "score": u.score}
    return {"root": f.root, "root_name": f.root_name, "from": f.start.isoformat(), "to": f.end.isoformat(),
            "today": f.today.isoformat(), "total": unit(f.total), "units": [unit(u) for u in f.units]}


def _bucket() -> dict:
    return {"files": 0, "complete": 0, "gaps": Counter(), "decisions": 0, "on_time": 0, "late": 0,
            "overdue": 0, "pending": 0, "delays": [], "review": [], "accounts": set(), "logins": 0,
            "received": 0, "changes": 0, "lookups": 0}


def compute_figures(store: RecordsStore, actor: Actor, start: dt.date, end: dt.date,
                    unit: str | None = None) -> ReportFigures:
    """The figures for decisions issued in [start, end]; files and the queue as of today."""
    today = store.config.clock().date()
    cal = store.config.calendar
    root = unit or store.tree.scope_root(actor.unit)
    group = _Grouper(store, root, today)
    buckets: dict[str, dict] = {}
    gap_names: dict[str, str] = {}

    def at(code: str | None) -> dict | None:
        key = group(code)
        return None if key is None else buckets.setdefault(key, _bucket())

    problems = {check.person_id: check for _, check in store.incomplete_files(actor, root)}
    for held in store.held_files(actor, root):
        b = at(held.unit)
        if b is None:
            continue
        b["files"] += 1
        check = problems.get(held.person_id)
        if check is None:
            b["complete"] += 1
            continue
        for code in {p.code for p in check.problems}:
            b["gaps"][code] += 1
        for p in check.problems:
            gap_names.setdefault(p.code, p.message)
    for doc in store.timeliness(actor, root, start, end).documents:
        b = at(doc.unit)
        if b is None:
            continue
        b["decisions"] += 1
        if doc.status in ("on_time", "late", "overdue", "pending"):
            b[doc.status] += 1
        if doc.handled_on is not None and doc.issued_date is not None:
            b["delays"].append(max(0, cal.workdays_between(doc.issued_date, doc.handled_on)))
    for item in store.review_items(actor):
        b = at(item.unit)
        if b is not None:
            b["review"].append(item.created_at.date())
    root_use = _bucket()  # the root's own use, where it has no row: the total's only
    for use in store.unit_use(actor, root, start, end):
        key = group(use.unit)
        b = root_use if key == root and root not in buckets else at(use.unit)
        if b is None:
            continue
        if use.logins:
            b["accounts"].add(use.user)
        for name in ("logins", "received", "changes", "lookups"):
            b[name] += getattr(use, name)
    rows = [_figures(store, code, b, cal, today) for code, b in buckets.items()]
    total = _figures(store, root, _merge([*buckets.values(), root_use]), cal, today)
    return ReportFigures(root, store.tree.full_name(root) or root, start, end, today, _ranked(rows), total,
                         gap_names)


def _merge(parts) -> dict:
    out = _bucket()
    for b in parts:
        for key, value in b.items():
            out[key] = out[key] | value if isinstance(value, set) else out[key] + value
    return out


def _figures(store: RecordsStore, code: str, b: dict, cal: WorkCalendar, today: dt.date) -> UnitFigures:
    oldest = min(b["review"]) if b["review"] else None
    return UnitFigures(
        code, store.tree.full_name(code) or code, b["files"], b["complete"],
        tuple(sorted(b["gaps"].items(), key=lambda kv: (-kv[1], kv[0]))), b["decisions"],
        b["on_time"], b["late"], b["overdue"], b["pending"],
        statistics.median(b["delays"]) if b["delays"] else None,
        len(b["review"]), cal.workdays_between(oldest, today) if oldest else None,
        len(b["accounts"]), b["logins"], b["received"], b["changes"], b["lookups"])


def _ranked(rows: list[UnitFigures]) -> tuple[UnitFigures, ...]:
    """Best score first (ties: fewer overdue, then the code); units with no figure are unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, r.overdue, r.unit))
    unscored = sorted((r for r in rows if r.score is None), key=lambda r: r.unit)
    return tuple(replace(r, rank=i + 1) for i, r in enumerate(scored)) + tuple(unscored)
