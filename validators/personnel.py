"""Personnel rules over extracted events: salary grid, raise intervals, appointment terms, retirement
ages, plausible effective dates (STANDARDS.md §3).

Pure functions of `pipeline.model.Event` values. Rules that depend on the past take the person's
`history` — earlier events of the same person, in any order, e.g. from the records store — as an
argument; with no history they check only what the event itself shows. Rule data:
validators/data/salary_grids.toml and validators/data/personnel.toml.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pipeline.model import Event, Finding, Person
from validators import catalogue, rules, salary_grid

History = Sequence[Event]


def _data() -> dict[str, Any]:
    return rules.load("personnel")


def add_months(date: dt.date, months: int) -> dt.date:
    """Same day `months` later (the month's last day when it is shorter: 29/02 + 12 → 28/02)."""
    total = date.year * 12 + date.month - 1 + months
    year, month = divmod(total, 12)
    for day in (date.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(date.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (negative when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


# ── Raise intervals ────────────────────────────────────────────────────────────────────────────────

def _is_same_event(a: Event, b: Event) -> bool:
    return a.type == b.type and a.effective_date == b.effective_date and a.salary == b.salary


def last_salary_change(event: Event, history: History) -> Event | None:
    """The latest earlier event that set the person's salary (the start of the current step)."""
    if event.effective_date is None:
        return None
    earlier = [h for h in history
               if h.salary is not None and h.effective_date is not None
               and h.effective_date < event.effective_date and not _is_same_event(h, event)]
    return max(earlier, key=lambda h: h.effective_date, default=None)  # type: ignore[arg-type, return-value]


def check_raise_interval(event: Event, history: History) -> list[Finding]:
    """RAISE-INTERVAL-SHORT (regular raise) and EARLY-RAISE-TOO-EARLY, measured against history."""
    if event.type not in salary_grid.RAISE_TYPES or event.effective_date is None:
        return []
    last = last_salary_change(event, history)
    if last is None:
        return []
    scale = (event.previous_salary or last.salary or event.salary)
    group = salary_grid.group_of(scale.scale_code if scale else None) \
        or salary_grid.group_of(event.salary.scale_code if event.salary else None)
    if group is None:
        return []
    months = months_between(last.effective_date, event.effective_date)  # type: ignore[arg-type]
    who = event.person.name
    if event.type == "salary_raise" and months < group.months:
        return [catalogue.make("RAISE-INTERVAL-SHORT", page=event.page, who=who, months=months,
                               since=last.effective_date, required=group.months)]
    max_early = _data()["early_raise"]["max_months_early"]
    if event.type == "early_salary_raise" and group.months - months > max_early:
        return [catalogue.make("EARLY-RAISE-TOO-EARLY", page=event.page, who=who, months=months,
                               early=group.months - months, required=group.months, max_early=max_early)]
    return []


# ── Appointment terms ──────────────────────────────────────────────────────────────────────────────

def term_end(start: dt.date) -> dt.date:
    """Last day of a term starting on `start`: start + term years − 1 day."""
    return add_months(start, 12 * _data()["appointment"]["term_years"]) - dt.timedelta(days=1)


def _same_post(a: Event, b: Event) -> bool:
    if a.to_post is None or b.to_post is None or not a.to_post.position or not b.to_post.position:
        return False
    same_position = a.to_post.position.casefold() == b.to_post.position.casefold()
    units = (a.to_post.unit, b.to_post.unit)
    return same_position and (None in units or units[0].casefold() == units[1].casefold())  # type: ignore[union-attr]


def check_appointment_term(event: Event, history: History) -> list[Finding]:
    """APPOINTMENT-TERM-EARLY / -LAPSED: a reappointment should start when the 5-year term ends."""
    settings = _data()["appointment"]
    if event.type not in settings["renews"] or event.effective_date is None:
        return []
    previous = [h for h in history if h.type in settings["starts"] and h.effective_date is not None
                and h.effective_date < event.effective_date and _same_post(h, event)]
    if not previous:
        return []
    start = max(h.effective_date for h in previous)  # type: ignore[type-var]
    end = term_end(start)  # type: ignore[arg-type]
    gap = (event.effective_date - (end + dt.timedelta(days=1))).days
    tolerance = settings["tolerance_days"]
    if abs(gap) <= tolerance:
        return []
    code = "APPOINTMENT-TERM-EARLY" if gap < 0 else "APPOINTMENT-TERM-LAPSED"
    return [catalogue.make(code, page=event.page, who=event.person.name, effective=event.effective_date,
                           previous=start, term_end=end)]


# ── Retirement ─────────────────────────────────────────────────────────────────────────────────────

def retirement_age(year: int, sex: str) -> tuple[int, int]:
    """(years, months) of the normal retirement age reached in `year` (NĐ 135/2020)."""
    table = _data()["retirement"]
    rows = {row["year"]: row for row in table["by_year"]}
    if year < min(rows):
        return tuple(table["before_2021"][sex])  # type: ignore[return-value]
    return tuple(rows[min(year, max(rows))][sex])  # type: ignore[return-value]


def retirement_due(birth: dt.date, sex: str) -> dt.date:
    """The day the person reaches the retirement age in force in the year they reach it."""
    for year in range(birth.year + 50, birth.year + 70):
        years, months = retirement_age(year, sex)
        due = add_months(birth, 12 * years + months)
        if due.year <= year:
            return due
    raise AssertionError("retirement table does not converge")


def _due_range(person: Person) -> tuple[dt.date, dt.date] | None:
    """(earliest, latest) retirement due date; both sexes' when the sex is not stated."""
    if person.birth_date is None:
        return None
    sexes = [person.sex] if person.sex in ("male", "female") else ["female", "male"]
    dates = [retirement_due(person.birth_date, s) for s in sexes]  # type: ignore[arg-type]
    return min(dates), max(dates)


def check_retirement_age(event: Event) -> list[Finding]:
    """RETIREMENT-AGE-EARLY for a retirement before the age; EVENT-AFTER-RETIREMENT-AGE for others."""
    due = _due_range(event.person)
    if due is None or event.effective_date is None:
        return []
    effective, who = event.effective_date, event.person.name
    # Retirement runs from the month the age is reached: compare months, not days.
    if event.type == "retirement" and (effective.year, effective.month) < (due[0].year, due[0].month):
        return [catalogue.make("RETIREMENT-AGE-EARLY", page=event.page, who=who, effective=effective,
                               due=due[0])]
    if event.type in _data()["retirement"]["active_events"] and effective > due[1]:
        return [catalogue.make("EVENT-AFTER-RETIREMENT-AGE", page=event.page, who=who,
                               effective=effective, due=due[1])]
    return []


# ── Effective date against issue date ──────────────────────────────────────────────────────────────

def check_effective_date(event: Event, issued: dt.date | None) -> list[Finding]:
    """EFFECTIVE-DATE-IMPLAUSIBLE when the effective date sits too far from the issue date."""
    if issued is None or event.effective_date is None:
        return []
    windows = _data()["effective_date"]
    window = windows.get(event.type, windows["default"])
    days = (event.effective_date - issued).days
    if -window["before_days"] <= days <= window["after_days"]:
        return []
    direction = "trước ngày ban hành" if days < 0 else "sau ngày ban hành"
    return [catalogue.make("EFFECTIVE-DATE-IMPLAUSIBLE", page=event.page, who=event.person.name,
                           effective=event.effective_date, issued=issued, days=abs(days),
                           direction=direction)]


# ── All together ───────────────────────────────────────────────────────────────────────────────────

def check_event(event: Event, issued: dt.date | None = None, history: History = ()) -> list[Finding]:
    """Every personnel rule for one event; `history` = the same person's earlier events."""
    findings: list[Finding] = []
    findings += salary_grid.check_salary_change(event)
    findings += check_raise_interval(event, history)
    findings += check_appointment_term(event, history)
    findings += check_retirement_age(event)
    findings += check_effective_date(event, issued)
    return findings


def check_events(events: Iterable[Event], issued: dt.date | None = None,
                 history_of: Callable[[Person], History] | None = None) -> tuple[Finding, ...]:
    """Every personnel rule for a decision's events; `history_of(person)` looks up earlier events."""
    findings: list[Finding] = []
    for event in events:
        if event.person is None:  # a unit's event (restructuring, collective award): no personnel rule
            continue
        history = history_of(event.person) if history_of is not None else ()
        findings += check_event(event, issued, history)
    return tuple(findings)
