"""What the records store is given: a small frozen config, the acting user, the deadline policies.

The store never reads the environment; `app/` builds a `StoreConfig` and an `Actor` and passes
them in. Deadline policies are rule data (records/data/deadlines.toml); the config only says which
are enabled. Times are the province's wall clock (Vietnam, UTC+7), stored without a zone.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipeline.workdays import WorkCalendar, default_calendar

VN_TZ = dt.timezone(dt.timedelta(hours=7))

# What each role may do; scope (which units) is checked separately, per unit (R6.1).
ROLES: Mapping[str, frozenset[str]] = {
    "admin": frozenset({"read", "apply", "approve"}),
    "clerk": frozenset({"read", "apply"}),
    "viewer": frozenset({"read"}),
}


def vietnam_now() -> dt.datetime:
    """The current wall-clock time in Vietnam, naive (every stored time is in this zone)."""
    return dt.datetime.now(VN_TZ).replace(tzinfo=None)


def unknown(scale_code: str | None) -> int | None:
    """Default salary-grid fact: unknown. The store holds no grids; `flows`/`app` inject the
    validators' (`raise_months`, `top_step`)."""
    return None


@dataclass(frozen=True)
class Actor:
    """Who acts: a named user of a unit (org-tree code) with a role (see ROLES)."""

    user: str
    unit: str
    role: str = "admin"

    def can(self, action: str) -> bool:
        return action in ROLES.get(self.role, frozenset())


@dataclass(frozen=True)
class DeadlinePolicy:
    """One rule for how soon a decision's changes must reach the records."""

    key: str
    name: str
    source: str
    start: dt.date | None  # documents issued on or after this date fall under the policy
    days: int
    unit: str  # "workdays" | "days"
    by_type: Mapping[str, tuple[int, str]] = field(default_factory=dict)

    def applies_to(self, issued: dt.date) -> bool:
        return self.start is None or issued >= self.start

    def due(self, issued: dt.date, event_types: frozenset[str], calendar: WorkCalendar) -> dt.date:
        """The due date for a document issued on `issued` carrying events of `event_types`."""
        rules = [self.by_type[t] for t in event_types if t in self.by_type] or [(self.days, self.unit)]
        return min(_add(issued, days, unit, calendar) for days, unit in rules)


def _add(issued: dt.date, days: int, unit: str, calendar: WorkCalendar) -> dt.date:
    if unit == "workdays":
        return calendar.add_workdays(issued, days)
    if unit == "days":
        return issued + dt.timedelta(days=days)
    raise ValueError(f"unknown deadline unit {unit!r}")


@lru_cache(maxsize=1)
def deadline_policies() -> Mapping[str, DeadlinePolicy]:
    """Every policy in records/data/deadlines.toml, by key."""
    text = resources.files("records.data").joinpath("deadlines.toml").read_text("utf-8")
    out: dict[str, DeadlinePolicy] = {}
    for raw in tomllib.loads(text)["policy"]:
        by_type = {k: (int(v["days"]), str(v["unit"])) for k, v in raw.get("by_type", {}).items()}
        out[raw["key"]] = DeadlinePolicy(
            key=raw["key"], name=raw["name"], source=raw["source"], start=raw.get("from"),
            days=int(raw["days"]), unit=raw["unit"], by_type=by_type)
    return out


@dataclass(frozen=True)
class StoreConfig:
    """Everything the store needs besides its URL. All fields have working defaults."""

    # Events below this confidence wait for review (the extractor's calibration: ≥ 0.9 is right).
    min_confidence: float = 0.9
    deadline_policies: tuple[str, ...] = ("provincial", "national")
    calendar: WorkCalendar = field(default_factory=default_calendar)
    clock: Callable[[], dt.datetime] = vietnam_now
    # Months in a salary step before the next regular raise, by ngạch code (None: unknown).
    raise_months: Callable[[str | None], int | None] = unknown
    # The last step of the ngạch's grid (at the top a raise becomes the seniority allowance).
    top_step: Callable[[str | None], int | None] = unknown
    # Unmatched people in non-recruitment events: review (False) or create them (True: building a
    # new store from a backlog of decisions).
    create_unknown_people: bool = False
    home_root: str = "DN"  # the province whose tree wins when a bare unit name is ambiguous
    echo_sql: bool = False

    def policies(self) -> tuple[DeadlinePolicy, ...]:
        known = deadline_policies()
        return tuple(known[k] for k in self.deadline_policies)


def department_admin(user: str = "cli") -> Actor:
    """The Department of Home Affairs' administrator: the CLI's default actor (whole province)."""
    return Actor(user=user, unit="DN.SNV", role="admin")
