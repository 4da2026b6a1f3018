"""Rules over the events of the other registers (docs/registers.md): restructurings that name their
units, council posts confirmed by the level above and terms of five years, awards of a known form
and a plausible year, pledges for the current or next year, classes that end after they begin.

Pure functions of `pipeline.model.Event` values and the decision's `Structure` (its issuer and issue
date). Personnel events are left to `validators.personnel`; unit-level events skip those rules.
Rule data: validators/data/registers.toml; codes in findings.toml (group "registers").
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pipeline.model import Event, Finding, Structure
from pipeline.vietnamese import fold
from validators import catalogue, rules


def _data() -> dict[str, Any]:
    return rules.load("registers")


def _who(event: Event) -> str:
    if event.person is not None:
        return event.person.name
    return event.unit.name if event.unit is not None else "?"


# ── Organisation ───────────────────────────────────────────────────────────────────────────────────

def check_merger(event: Event, structure: Structure) -> list[Finding]:
    """UNIT-MERGER-TOO-FEW: a merger names the unit it makes and at least one unit merged into it."""
    if event.unit is None:
        return []
    units = {fold(event.unit.name)} | {fold(u) for u in event.unit.related}
    if len(units) >= 2:
        return []
    return [catalogue.make("UNIT-MERGER-TOO-FEW", page=event.page, unit=event.unit.name, count=len(units))]


def check_split(event: Event, structure: Structure) -> list[Finding]:
    if event.unit is None or [u for u in event.unit.related if fold(u) != fold(event.unit.name)]:
        return []
    return [catalogue.make("UNIT-SPLIT-NO-RESULT", page=event.page, unit=event.unit.name)]


def check_rename(event: Event, structure: Structure) -> list[Finding]:
    unit = event.unit
    if unit is None or (unit.new_name and fold(unit.new_name) != fold(unit.name)):
        return []
    return [catalogue.make("UNIT-RENAME-UNCHANGED", page=event.page, unit=unit.name)]


# ── Local government ───────────────────────────────────────────────────────────────────────────────

def level_of(name: str | None) -> str | None:
    """The level of government a body's name places it at ("Ủy ban nhân dân xã Bình An" → commune),
    from the first locality word it holds (", huyện Long Thành" after it is the address of the
    level above); None when it holds none."""
    if not name:
        return None
    levels = _data()["levels"]
    folded = fold(name)
    best: tuple[int, str] | None = None
    for level in levels["rank"]:
        for word in levels[level]:
            for m in re.finditer(rf"\b{re.escape(fold(word))}\b", folded):
                found = level
                if word == "thành phố" and any(folded[m.end():].strip().startswith(fold(c))
                                               for c in levels["province_cities"]):
                    found = "province"
                if best is None or m.start() < best[0]:
                    best = (m.start(), found)
    return best[1] if best else None


def check_confirmation_level(event: Event, structure: Structure) -> list[Finding]:
    """LOCAL-CONFIRMATION-LEVEL: an election result is confirmed by the level above the body."""
    post = event.to_post
    if post is None or post.position not in _data()["local"]["confirmed_by_upper"]:
        return []
    rank = _data()["levels"]["rank"]
    body, issuer = level_of(post.unit), level_of(structure.issuer)
    if body is None or issuer is None or rank[issuer] < rank[body]:
        return []
    return [catalogue.make("LOCAL-CONFIRMATION-LEVEL", page=event.page, who=_who(event),
                           position=post.position, body=post.unit, issuer=structure.issuer)]


def check_term(event: Event, structure: Structure) -> list[Finding]:
    """COUNCIL-TERM-INVALID: "nhiệm kỳ Y1 - Y2" spans the term's years and holds the issue year."""
    term = re.search(r"(\d{4})\s*[-–]\s*(\d{4})", event.detail or "")
    if term is None or structure.issued_date is None:
        return []
    start, end = int(term.group(1)), int(term.group(2))
    year = structure.issued_date.year
    if end - start == _data()["local"]["term_years"] and start <= year <= end:
        return []
    return [catalogue.make("COUNCIL-TERM-INVALID", page=event.page, who=_who(event),
                           term=event.detail, year=year)]


# ── Awards and emulation ───────────────────────────────────────────────────────────────────────────

def check_award_form(event: Event, structure: Structure) -> list[Finding]:
    """AWARD-FORM-UNKNOWN: the detail opens with a form or a title of the law's catalogue."""
    if not event.detail:
        return []
    known = _data()["awards"]["forms"] + _data()["awards"]["titles"]
    detail = fold(event.detail).strip(" \"“”")
    if any(detail.startswith(fold(k)) for k in known):
        return []
    return [catalogue.make("AWARD-FORM-UNKNOWN", page=event.page, who=_who(event), form=event.detail)]


def check_award_year(event: Event, structure: Structure) -> list[Finding]:
    issued = structure.issued_date
    if event.year is None or issued is None or event.year <= issued.year:
        return []
    return [catalogue.make("AWARD-YEAR-FUTURE", page=event.page, who=_who(event), year=event.year,
                           issued_year=issued.year)]


def check_emulation_year(event: Event, structure: Structure) -> list[Finding]:
    """EMULATION-YEAR-PAST: a unit pledges for the year of the decision or a later one."""
    issued = structure.issued_date
    if event.year is None or issued is None or event.year >= issued.year:
        return []
    return [catalogue.make("EMULATION-YEAR-PAST", page=event.page, unit=_who(event), year=event.year,
                           issued_year=issued.year)]


# ── Training ───────────────────────────────────────────────────────────────────────────────────────

def check_course_dates(event: Event, structure: Structure) -> list[Finding]:
    course = event.course
    if course is None or course.start_date is None or course.end_date is None \
            or course.end_date >= course.start_date:
        return []
    return [catalogue.make("TRAINING-DATES-REVERSED", page=event.page, who=_who(event), course=course.name,
                           start=course.start_date, end=course.end_date)]


# ── All together ───────────────────────────────────────────────────────────────────────────────────

Check = Callable[[Event, Structure], list[Finding]]
CHECKS: dict[str, tuple[Check, ...]] = {
    "unit_merger": (check_merger,),
    "unit_split": (check_split,),
    "unit_rename": (check_rename,),
    "local_confirmation": (check_confirmation_level, check_term),
    "local_election": (check_term,),
    "local_relief": (check_term,),
    "local_removal": (check_term,),
    "award": (check_award_form, check_award_year),
    "collective_award": (check_award_form, check_award_year),
    "emulation_registration": (check_award_form, check_emulation_year),
    "training_class": (check_course_dates,),
    "training_assignment": (check_course_dates,),
}


def check_event(event: Event, structure: Structure) -> list[Finding]:
    """Every register rule for one event (none for personnel types)."""
    return [f for check in CHECKS.get(event.type, ()) for f in check(event, structure)]


def check_events(events: Iterable[Event], structure: Structure) -> tuple[Finding, ...]:
    """Every register rule for a decision's events, each distinct finding once."""
    seen: dict[tuple[str, str], Finding] = {}
    for event in events:
        for finding in check_event(event, structure):
            seen.setdefault((finding.rule, finding.message), finding)
    return tuple(seen.values())
