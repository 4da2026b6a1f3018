"""One personnel event per person: who, from where to where, which salary, from when.

Each `draw_<type>` returns a `Drawn`: the fields the wording templates (data/wording.toml) need,
the event in the CONTRACT.md shape, extra truth (`note`) and the row of an attached table.
`bench.corpus.decisions` assembles them into articles.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from bench.corpus import vocab
from bench.corpus.people import (Ctx, Ngach, Person, Post, add_months, any_post, draw_ngach,
                                 draw_person, first_of_month, leader_post, staff_post, staff_units)
from bench.corpus.spec import date_table

EVENT_TYPES = ("appointment", "reappointment", "transfer", "rotation", "relocation", "secondment",
               "dismissal", "salary_raise", "early_salary_raise", "seniority_allowance",
               "recruitment", "retirement", "resignation", "discipline", "award")


@dataclass
class Drawn:
    person: Person
    fields: dict
    event: dict
    note: dict = field(default_factory=dict)
    row: tuple[str, ...] = ()
    leader_move: bool = False


def _post_truth(post: Post | None, position: str | None = None, table: bool = False) -> dict:
    if post is None:
        return {"unit": None, "position": None}
    out = post.truth(with_suffix=not table)
    return out if position is None else {**out, "position": position}


def _event(kind: str, person: Person, eff: dt.date, frm: dict | None = None, to: dict | None = None,
           salary: dict | None = None, with_birth: bool = True) -> dict:
    return {"type": kind, "person": person.truth(with_birth),
            "from": frm or {"unit": None, "position": None},
            "to": to or {"unit": None, "position": None},
            "salary": salary, "effective_date": eff.isoformat()}


def _fields(ctx: Ctx, person: Person, post: Post | None, table: bool, **more) -> dict:
    f = {"hon": person.hon, "Hon": person.hon.capitalize(), "name": person.name,
         "dob": ctx.d(person.birth), "dob_table": date_table(person.birth),
         "from_phrase": post.phrase(not table) if post else ""}
    f.update(more)
    return f


def _other_unit(ctx: Ctx, than: vocab.Unit, staff_only: bool = False) -> vocab.Unit:
    pool = [u for u in (staff_units(ctx.issuer) if staff_only else ctx.issuer.units) if u != than]
    return ctx.pick(pool)


def _soon(ctx: Ctx, lo: int = 0, hi: int = 20) -> dt.date:
    return ctx.issued + dt.timedelta(days=ctx.rng.randint(lo, hi))


def draw_appointment(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    target = leader_post(ctx)
    unit = target.unit
    if target.position == unit.head and ctx.chance(0.7):
        source = Post(unit, unit.deputy)
    elif unit.takes_staff and ctx.chance(0.5):
        source = Post(unit, "Chuyên viên chính")
    else:
        other = _other_unit(ctx, unit, staff_only=True)
        source = Post(other, other.head if ctx.chance(0.6) else "Chuyên viên chính")
    person = draw_person(ctx, age=(32, 52))
    f = _fields(ctx, person, source, table, to_phrase=target.phrase(), to_unit=target.unit.truth)
    ev = _event("appointment", person, eff, source.truth(), target.truth())
    return Drawn(person, f, ev, {"term_years": 5})


def draw_reappointment(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    post = leader_post(ctx)
    person = draw_person(ctx, age=(38, 56))
    f = _fields(ctx, person, post, table, to_phrase=post.phrase())
    return Drawn(person, f, _event("reappointment", person, eff, post.truth(), post.truth()),
                 {"term_years": 5})


def draw_transfer(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    person = draw_person(ctx)
    if not ctx.several and ctx.chance(0.35):
        source = leader_post(ctx, unit=ctx.pick(staff_units(ctx.issuer)))
        other = _other_unit(ctx, source.unit, staff_only=True)
        title = other.deputy if source.position == source.unit.deputy else other.head
        target = Post(other, title)
        f = _fields(ctx, person, source, table, to_phrase=target.phrase(), to_unit=other.truth)
        ev = _event("transfer", person, eff, source.truth(), target.truth())
        return Drawn(person, f, ev, leader_move=True)
    source = staff_post(ctx)
    other = _other_unit(ctx, source.unit, staff_only=True)
    f = _fields(ctx, person, source, table, to_unit=other.truth, to_phrase=other.truth)
    ev = _event("transfer", person, eff, source.truth(), {"unit": other.truth, "position": None})
    return Drawn(person, f, ev)


def draw_rotation(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    source = leader_post(ctx)
    other = _other_unit(ctx, source.unit)
    target = Post(other, other.deputy if source.position == source.unit.deputy else other.head)
    person = draw_person(ctx, age=(32, 50))
    f = _fields(ctx, person, source, table, to_phrase=target.phrase())
    return Drawn(person, f, _event("rotation", person, eff, source.truth(), target.truth()),
                 {"term_years": 3})


def draw_relocation(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    source = staff_post(ctx)
    dest = ctx.pick(vocab.outside_units(ctx.issued))
    person = draw_person(ctx)
    f = _fields(ctx, person, source, table, to_unit=dest)
    ev = _event("relocation", person, eff, source.truth(), {"unit": dest, "position": None})
    return Drawn(person, f, ev)


def draw_secondment(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    source = staff_post(ctx)
    dest = ctx.pick(vocab.outside_units(ctx.issued))
    months = ctx.pick([6, 12, 12, 24])
    person = draw_person(ctx)
    f = _fields(ctx, person, source, table, to_unit=dest, months=f"{months:02d}")
    ev = _event("secondment", person, eff, source.truth(), {"unit": dest, "position": None})
    return Drawn(person, f, ev, {"months": months})


def draw_dismissal(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    post = leader_post(ctx)
    person = draw_person(ctx, age=(40, 58))
    reason = ctx.pick(vocab.load("wording")["dismissal"]["reasons"])
    f = _fields(ctx, person, post, table, reason=reason)
    return Drawn(person, f, _event("dismissal", person, eff, post.truth()), {"reason": reason})


def _salary_post(ctx: Ctx) -> tuple[Post, Ngach]:
    """A section leader holds a university-level ngạch; staff are named after their ngạch."""
    if ctx.chance(0.3):
        post = leader_post(ctx, unit=ctx.pick(staff_units(ctx.issuer)))
        return post, draw_ngach(ctx, name=ctx.pick(["Chuyên viên", "Chuyên viên chính"]))
    ngach = draw_ngach(ctx)
    return staff_post(ctx, position=ngach.name), ngach


def _raise(ctx: Ctx, kind: str, table: bool, months: int = 0) -> Drawn:
    post, ngach = _salary_post(ctx)
    steps = len(ngach.grid)
    old = ctx.rng.randint(1, steps - 1)
    eff = first_of_month(ctx.issued - dt.timedelta(days=ctx.rng.randint(0, 80)))
    if ctx.chance(0.2):
        eff = ctx.issued - dt.timedelta(days=ctx.rng.randint(0, 80))
    nxt = add_months(eff, -months) if months else eff
    person = draw_person(ctx)
    f = _fields(ctx, person, post, table, ngach=ngach.name, code=ngach.code, steps=f"{steps:02d}",
                old_step=f"{old:02d}", new_step=f"{old + 1:02d}", old_coef=ngach.coef(old),
                new_coef=ngach.coef(old + 1), eff=ctx.d(eff), next=ctx.d(nxt), months=f"{months:02d}")
    row = (person.name, date_table(person.birth), post.phrase(False), ngach.code, str(old),
           ngach.coef(old), str(old + 1), ngach.coef(old + 1), date_table(eff))
    if months:
        row += (str(months),)
    ev = _event(kind, person, eff, _post_truth(post, table=table), salary=ngach.salary(old + 1))
    note = {"old_salary": ngach.salary(old), "next_review_from": nxt.isoformat(), "early_months": months}
    return Drawn(person, f, ev, note, row)


def draw_salary_raise(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    return _raise(ctx, "salary_raise", table)


def draw_early_salary_raise(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    return _raise(ctx, "early_salary_raise", table, months=ctx.pick([6, 9, 12, 12]))


def draw_seniority_allowance(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    post, ngach = _salary_post(ctx)
    steps = len(ngach.grid)
    percent = ctx.pick([5, 5, 6, 7, 8, 9, 10, 11, 12])
    eff = first_of_month(ctx.issued - dt.timedelta(days=ctx.rng.randint(0, 60)))
    person = draw_person(ctx, age=(45, 58))
    f = _fields(ctx, person, post, table, ngach=ngach.name, code=ngach.code, steps=f"{steps:02d}",
                step=f"{steps:02d}", coef=ngach.coef(steps), percent=percent, eff=ctx.d(eff),
                next=ctx.d(eff))
    row = (person.name, date_table(person.birth), post.phrase(False), ngach.code, str(steps),
           ngach.coef(steps), str(percent), date_table(eff))
    ev = _event("seniority_allowance", person, eff, _post_truth(post, table=table),
                salary=ngach.salary(steps))
    return Drawn(person, f, ev, {"percent": percent}, row)


def draw_recruitment(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    ngach = draw_ngach(ctx)
    while ngach.group in ("A3.1", "A2.1", "A2.2"):
        ngach = draw_ngach(ctx)
    step = 1
    unit = ctx.pick(staff_units(ctx.issuer))
    post, person = Post(unit, ngach.name), draw_person(ctx, age=(23, 34))
    degree = ctx.pick(vocab.load("people")["degrees"])
    f = _fields(ctx, person, None, table, to_unit=unit.truth, degree=degree, ngach=ngach.name,
                code=ngach.code, step=f"{step:02d}", coef=ngach.coef(step))
    row = (person.name, date_table(person.birth), degree, unit.name,
           f"{ngach.name} ({ngach.code})", str(step), ngach.coef(step))
    ev = _event("recruitment", person, eff, None, _post_truth(post, table=table),
                salary=ngach.salary(step))
    return Drawn(person, f, ev, {}, row)


def draw_retirement(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    eff = first_of_month(add_months(ctx.issued, ctx.rng.randint(1, 4)))
    female = ctx.chance(0.5)
    months = ctx.rng.randint(56 * 12, 57 * 12 + 6) if female else ctx.rng.randint(60 * 12 + 3, 62 * 12)
    birth = add_months(eff, -months - 1).replace(day=ctx.rng.randint(1, 28))
    person = draw_person(ctx, female=female)
    person = Person(person.name, female, birth)
    post = any_post(ctx)
    f = _fields(ctx, person, post, table, eff=ctx.d(eff))
    return Drawn(person, f, _event("retirement", person, eff, post.truth()))


def draw_resignation(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    eff = _soon(ctx, 5, 30)
    post, person = staff_post(ctx), draw_person(ctx, age=(25, 45))
    f = _fields(ctx, person, post, table, eff=ctx.d(eff))
    return Drawn(person, f, _event("resignation", person, eff, post.truth()))


def draw_discipline(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    w = vocab.load("wording")["discipline"]
    form, reason = ctx.pick(w["forms"]), ctx.pick(w["reasons"])
    post, person = any_post(ctx), draw_person(ctx)
    f = _fields(ctx, person, post, table, form=form, reason=reason)
    return Drawn(person, f, _event("discipline", person, eff, post.truth()), {"form": form})


def draw_award(ctx: Ctx, eff: dt.date, table: bool = False) -> Drawn:
    post, person = any_post(ctx), draw_person(ctx)
    f = _fields(ctx, person, post, table)
    ev = _event("award", person, ctx.issued, _post_truth(post, table=table), with_birth=False)
    return Drawn(person, f, ev, {}, (person.name, post.phrase(False)))


DRAW: dict[str, Callable[[Ctx, dt.date, bool], Drawn]] = {
    t: globals()[f"draw_{t}"] for t in EVENT_TYPES}

# Types whose date comes from the article's shared "kể từ ngày" clause (or the signing date).
SHARED_DATE = {"appointment", "reappointment", "transfer", "rotation", "relocation", "secondment",
               "dismissal", "recruitment", "discipline"}
