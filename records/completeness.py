"""Is a person's file complete and consistent? (R1.3: checked before a unit decides on someone.)

Each problem has a stable code and a Vietnamese message: no personal ID (the national database's
key), no birth date, no post or no salary history at all, a gap in the post chain after a stated
term ended, a decision whose "from" unit is not where the file says the person was (a decision is
probably missing), a regular raise past due, an appointment term run out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from records.context import Ctx
from records.schema import Assignment, Person
from records.timeline import Timeline, add_months


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Completeness:
    person_id: int
    problems: tuple[Problem, ...]

    @property
    def complete(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "complete": self.complete,
                "problems": [p.to_dict() for p in self.problems]}


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def check(ctx: Ctx, person: Person) -> Completeness:
    timeline = Timeline(ctx.session, person)
    problems: list[Problem] = []
    if not person.personal_id:
        problems.append(Problem("NO-PERSONAL-ID", "Thiếu số định danh cá nhân (khóa hồ sơ điện tử theo NĐ 27/2026/NĐ-CP)."))
    if person.birth_date is None:
        problems.append(Problem("NO-BIRTH-DATE", "Thiếu ngày sinh."))
    if not timeline.main:
        problems.append(Problem("NO-ASSIGNMENT", "Chưa có quá trình công tác (chức vụ, đơn vị)."))
    if not timeline.salary:
        problems.append(Problem("NO-SALARY-HISTORY", "Chưa có diễn biến lương (ngạch, bậc, hệ số)."))
    problems += _gaps(ctx, timeline.main, person.status)
    problems += _from_mismatches(ctx, timeline.main)
    problems += _raise_overdue(ctx, timeline, person.status)
    problems += _term_expired(ctx, timeline)
    return Completeness(person.id, tuple(problems))


def incomplete_files(ctx: Ctx, unit: str | None) -> list[tuple[str, Completeness]]:
    """Every file in `unit`'s subtree (default: the actor's scope) with at least one problem."""
    codes = ctx.subtree_codes(unit)
    out = []
    for person in ctx.session.scalars(select(Person).where(Person.unit_code.in_(codes)).order_by(Person.id)):
        result = check(ctx, person)
        if not result.complete:
            out.append((person.name, result))
    return out


def _gaps(ctx: Ctx, posts: list[Assignment], status: str) -> list[Problem]:
    out = []
    for a, b in zip(posts, posts[1:]):
        if a.end_date and b.start_date > a.end_date + dt.timedelta(days=1):
            out.append(Problem("ASSIGNMENT-GAP", f"Quá trình công tác bị gián đoạn từ {_d(a.end_date + dt.timedelta(days=1))} "
                                                 f"đến {_d(b.start_date - dt.timedelta(days=1))}."))
    last = posts[-1] if posts else None
    if last and last.end_date and last.end_date < ctx.today and status == "active":
        out.append(Problem("ASSIGNMENT-GAP", f"Thời hạn {last.kind} kết thúc ngày {_d(last.end_date)} "
                                             "nhưng chưa có quyết định tiếp theo."))
    return out


def _from_mismatches(ctx: Ctx, posts: list[Assignment]) -> list[Problem]:
    tree, out = ctx.tree, []
    for a, b in zip(posts, posts[1:]):
        if not b.from_unit_text or a.unit_code is None:
            continue
        said = tree.resolve(b.from_unit_text, b.start_date, a.unit_code)
        if said is None:
            continue
        was, says = tree.live(a.unit_code, b.start_date), tree.live(said, b.start_date)
        if was and says and not (tree.contains(was, says) or tree.contains(says, was)):
            out.append(Problem("FROM-MISMATCH",
                               f"Quyết định hiệu lực {_d(b.start_date)} ghi đơn vị cũ là '{b.from_unit_text}' "
                               f"nhưng hồ sơ ghi '{tree.full_name(a.unit_code)}': có thể thiếu một quyết định."))
    return out


def _raise_overdue(ctx: Ctx, timeline: Timeline, status: str) -> list[Problem]:
    pay = timeline.salary[-1] if timeline.salary else None
    if status != "active" or pay is None or pay.next_raise_due is None or pay.next_raise_due >= ctx.today:
        return []
    return [Problem("RAISE-OVERDUE", f"Đến hạn nâng bậc lương từ {_d(pay.next_raise_due)} "
                                     f"(bậc {pay.step}, ngạch {pay.scale_code}) nhưng chưa có quyết định.")]


def _term_expired(ctx: Ctx, timeline: Timeline) -> list[Problem]:
    post = timeline.post_on(ctx.today)
    if post is None or post.kind not in ("appointment", "reappointment") or not post.term_months:
        return []
    ends = add_months(post.start_date, post.term_months) - dt.timedelta(days=1)
    if ends >= ctx.today:
        return []
    return [Problem("TERM-EXPIRED", f"Hết thời hạn bổ nhiệm chức vụ {post.position or ''} từ {_d(ends)}.")]
