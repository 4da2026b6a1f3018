"""A person's career rows and how an event changes them.

Posts form one chain ordered by effective date (ties: the order decisions were applied); each
post ends the day before the next starts unless its decision stated a shorter term. The current
state is read off the chain for today, never stored as a field to overwrite, so a decision read
late lands in its place in the history and cannot undo a newer one. Secondments (biệt phái) run
beside the chain: the home post and the file holder stay.

The other registers hang off the same writes: seats on councils and committees (records.mandates),
a unit's head, a commune official's staff group and a trainee's class (records.unitlinks).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from pipeline.model import Event
from records import mandates
from records.codec import name_key
from records.config import StoreConfig
from records.orgtree import OrgTree
from records.policy import ASSIGNING, LOCAL, PARALLEL
from records.schema import (CAREER_TABLES, Allowance, Assignment, Award, Discipline, Person,
                            SalaryStep, Training)
from records.schema import Event as EventRow
from records.unitlinks import class_for, note_heads, note_staff_group

_LEAVING = frozenset({"dismissal", "retirement", "resignation"})
_STATUS_AFTER = {"retirement": "retired", "resignation": "resigned"}


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(y, m + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


_LINKS = frozenset({"id", "person_id", "event_id", "document_sha256", "page"})  # the audit entry has them


def row_dict(row: Any) -> dict[str, Any]:
    """A career row's content as JSON-ready data (for audit entries)."""
    out: dict[str, Any] = {"table": row.__tablename__}
    for column in row.__table__.columns:
        if column.key in _LINKS:
            continue
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


# Prepared once (statement building is a large share of a small query's cost).
_POSTS = (select(Assignment).where(Assignment.person_id == bindparam("person"), Assignment.track == "main")
          .order_by(Assignment.start_date, Assignment.id))
_STEPS = (select(SalaryStep).where(SalaryStep.person_id == bindparam("person"))
          .order_by(SalaryStep.valid_from, SalaryStep.id))


def _order(row: Any) -> tuple[dt.date, float]:
    """By date; same-day rows in the order they were written (unflushed ones are the newest)."""
    day = row.start_date if isinstance(row, Assignment) else row.valid_from
    return day, row.id if row.id is not None else float("inf")


class Timeline:
    """One person's posts and salary steps, each loaded on first use and edited in memory
    (an award needs neither; a raise only the salary steps)."""

    def __init__(self, session: Session, person: Person):
        self.session, self.person = session, person
        self._main: list[Assignment] | None = None
        self._salary: list[SalaryStep] | None = None

    @property
    def main(self) -> list[Assignment]:
        if self._main is None:
            self._main = [] if self.person.id is None else \
                list(self.session.scalars(_POSTS, {"person": self.person.id}))
        return self._main

    @main.setter
    def main(self, rows: list[Assignment]) -> None:
        self._main = rows

    @property
    def salary(self) -> list[SalaryStep]:
        if self._salary is None:
            self._salary = [] if self.person.id is None else \
                list(self.session.scalars(_STEPS, {"person": self.person.id}))
        return self._salary

    @salary.setter
    def salary(self, rows: list[SalaryStep]) -> None:
        self._salary = rows

    @staticmethod
    def _in_force(rows: list[Any], day: dt.date, attr: str) -> Any:
        past = [r for r in rows if getattr(r, attr) <= day]
        return past[-1] if past else (rows[-1] if rows else None)

    def post_on(self, day: dt.date) -> Assignment | None:
        return self._in_force(self.main, day, "start_date")

    def salary_on(self, day: dt.date) -> SalaryStep | None:
        return self._in_force(self.salary, day, "valid_from")

    def unit_on(self, day: dt.date) -> str | None:
        post = self.post_on(day)
        return post.unit_code if post else None

    def snapshot(self, today: dt.date, posts: bool = True, pay: bool = True) -> dict[str, Any]:
        """The current state for an audit entry: status, and the post and/or salary in force."""
        out: dict[str, Any] = {"status": self.person.status, "unit": self.person.unit_code}
        if posts:
            post = self.post_on(today)
            out["position"] = post.position if post else None
        if pay:
            step = self.salary_on(today)
            out["salary"] = None if step is None else \
                {"scale_code": step.scale_code, "step": step.step, "coefficient": step.coefficient}
        if self.person.staff_group is not None:
            out["staff_group"] = self.person.staff_group
        return out

    def restitch(self) -> None:
        """Order the chain and end each post where the next begins (or its stated term ends)."""
        if self._main is not None:
            self._main.sort(key=_order)
            for i, post in enumerate(self._main):
                nxt = self._main[i + 1].start_date - dt.timedelta(days=1) if i + 1 < len(self._main) else None
                term_end = None
                if post.end_explicit and post.term_months:
                    term_end = add_months(post.start_date, post.term_months) - dt.timedelta(days=1)
                ends = [d for d in (nxt, term_end) if d is not None]
                # A successor on the same day (recruited and appointed at once) ends it that day.
                post.end_date = max(min(ends), post.start_date) if ends else None
        if self._salary is not None:
            self._salary.sort(key=_order)

    def refresh_person(self, tree: OrgTree, today: dt.date) -> None:
        """The file holder (today's unit) and status follow the post in force today."""
        if self._main is None:
            return  # the chain was not touched
        post = self.post_on(today)
        if post is None:
            return
        self.person.status = _STATUS_AFTER.get(post.kind, "active")
        self.person.unit_code = tree.live(post.unit_code, today)


def _unit_for(event: Event, tree: OrgTree, timeline: Timeline, day: dt.date,
              context: str | None) -> tuple[str | None, str | None]:
    """(node code, text) of the unit an event puts the person in."""
    if event.type in _LEAVING:
        text = event.from_post.unit if event.from_post else None
        code = tree.resolve(text, day, context) if text else None
        code = code or timeline.unit_on(day)
        return code, text or tree.full_name(code)
    text = event.to_post.unit if event.to_post else None
    if text:
        return tree.resolve(text, day, context), text
    code = timeline.unit_on(day) or context
    return code, tree.full_name(code)


def write_effects(session: Session, tree: OrgTree, config: StoreConfig, timeline: Timeline,
                  event: Event, source: EventRow, sha256: str, day: dt.date,
                  context: str | None) -> list[Any]:
    """Add the rows `event` means to the person's file; returns them (for the audit entry)."""
    base = {"person": timeline.person, "event": source, "document_sha256": sha256, "page": event.page}
    rows: list[Any] = []
    if event.type in ASSIGNING or event.type in PARALLEL:
        code, text = _unit_for(event, tree, timeline, day, context)
        leaving = event.type in _LEAVING
        explicit = event.type in ("rotation", "secondment") and bool(event.term_months)
        post = Assignment(kind=event.type, track="secondment" if event.type in PARALLEL else "main",
                          unit_code=code, unit_text=text,
                          position=None if leaving else (event.to_post.position if event.to_post else None),
                          start_date=day, end_explicit=explicit, term_months=event.term_months,
                          from_unit_text=event.from_post.unit if event.from_post else None, **base)
        if explicit:
            post.end_date = add_months(day, event.term_months or 0) - dt.timedelta(days=1)
        rows.append(post)
    salary = event.salary
    if salary is not None and (salary.scale_code or salary.step or salary.coefficient):
        rows.append(_salary_step(config, event, day, base))
    if event.type == "seniority_allowance":
        rows.append(Allowance(kind="seniority_beyond_top", percent=event.allowance_percent,
                              valid_from=day, **base))
    elif event.type == "award":
        rows.append(Award(title=event.detail, awarded_on=day, year=event.year, **base))
    elif event.type == "discipline":
        rows.append(Discipline(form=event.detail, decided_on=day, **base))
    elif event.type in ("training", "training_assignment"):
        rows.append(_training(session, event, day, base))
    elif event.type in LOCAL:
        rows += mandates.write(session, tree, timeline.person, event, source, sha256, day, context)
    note_staff_group(timeline.person, event, day)
    session.add_all(rows)
    posts = [r for r in rows if isinstance(r, Assignment) and r.track == "main"]
    if event.type in ASSIGNING:  # only posts can name or end a unit's head
        rows += note_heads(session, timeline.person, event, posts[0] if posts else None, timeline.main, source,
                           sha256, day)
    steps = [r for r in rows if isinstance(r, SalaryStep)]
    if posts:
        timeline.main.extend(p for p in posts if p not in timeline.main)
    if steps:
        timeline.salary.extend(s for s in steps if s not in timeline.salary)
    timeline.restitch()
    return rows


def _training(session: Session, event: Event, day: dt.date, base: dict[str, Any]) -> Training:
    """A trainee's entry: the course as announced (dates, organiser, place), linked to its class."""
    course = event.course
    name = course.name if course is not None else event.detail
    start = course.start_date if course is not None and course.start_date else day
    end = course.end_date if course is not None and course.end_date else None
    if end is None and event.term_months:
        end = add_months(day, event.term_months)
    cls = class_for(session, course, day)
    if cls is not None and cls.id is None:
        session.flush()  # the class was announced in this same decision
    return Training(course=name, course_key=name_key(name) if name else None, start_date=start, end_date=end,
                    organiser=course.organiser if course is not None else None,
                    place=course.place if course is not None else None,
                    class_id=cls.id if cls is not None else None, **base)


def _salary_step(config: StoreConfig, event: Event, day: dt.date, base: dict[str, Any]) -> SalaryStep:
    salary = event.salary
    assert salary is not None
    months = config.raise_months(salary.scale_code)
    top = config.top_step(salary.scale_code)
    at_top = top is not None and salary.step is not None and salary.step >= top
    due = None
    if months and not at_top:
        due = add_months(event.next_raise_from or day, months)
    return SalaryStep(kind=event.type, scale_code=salary.scale_code, step=salary.step,
                      coefficient=salary.coefficient, valid_from=day, next_raise_due=due, **base)


def remove_effects(session: Session, timeline: Timeline, event_id: int) -> list[dict[str, Any]]:
    """Take an event's rows out of the file (its decision was revoked); returns what was removed."""
    removed: list[dict[str, Any]] = []
    for table in CAREER_TABLES:
        for row in session.scalars(select(table).where(table.event_id == event_id)):
            removed.append(row_dict(row))
            session.delete(row)
    timeline.main = [a for a in timeline.main if a.event_id != event_id]
    timeline.salary = [s for s in timeline.salary if s.event_id != event_id]
    timeline.restitch()  # both loaded: the person's state is re-read below
    return removed
