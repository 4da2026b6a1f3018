"""The people of the corpus: names, birth dates, posts in units, ngạch and salary steps.

Also the drawing context `Ctx` every builder receives: one seeded `random.Random`, the issuer,
the issue date and the way body dates are written.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from bench.corpus import vocab
from bench.corpus.spec import coef_text, date_numeric, date_words

LEADER_TITLES_OF_STAFF = ("Chuyên viên", "Chuyên viên chính", "Kế toán viên", "Cán sự", "Văn thư viên")


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    day = min(d.day, 28 if m + 1 == 2 else 30 if m + 1 in (4, 6, 9, 11) else 31)
    return dt.date(y, m + 1, day)


def first_of_month(d: dt.date) -> dt.date:
    return d.replace(day=1)


@dataclass
class Ctx:
    """What every builder draws from: the document's own random stream and its fixed facts."""

    rng: random.Random
    issuer: vocab.Issuer
    issued: dt.date
    style: str  # "words" | "numeric"
    number: str = ""
    several: bool = False  # drawing one of several people in one article or table

    def d(self, day: dt.date) -> str:
        """A date in the body, after the word 'ngày'."""
        return date_words(day) if self.style == "words" else date_numeric(day)

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


@dataclass(frozen=True)
class Person:
    name: str
    female: bool
    birth: dt.date

    @property
    def hon(self) -> str:
        return "bà" if self.female else "ông"

    def truth(self, with_birth: bool = True) -> dict:
        return {"name": self.name, "birth_date": self.birth.isoformat() if with_birth else None}


def draw_name(ctx: Ctx, female: bool) -> str:
    p = vocab.load("people")
    middle = ctx.pick(p["middle_female"] if female else p["middle_male"])
    given = ctx.pick(p["given_female"] if female else p["given_male"])
    return f"{ctx.pick(p['family'])} {middle} {given}"


def draw_person(ctx: Ctx, on: dt.date | None = None, age: tuple[int, int] = (26, 56),
                female: bool | None = None) -> Person:
    on = on or ctx.issued
    female = ctx.chance(0.5) if female is None else female
    years = ctx.rng.randint(*age)
    birth = dt.date(on.year - years, ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))
    return Person(draw_name(ctx, female), female, birth)


@dataclass(frozen=True)
class Post:
    """A position in a unit, phrased as the document writes it."""

    unit: vocab.Unit
    position: str

    def phrase(self, with_suffix: bool = True) -> str:
        return self.unit.phrase(self.position, with_suffix)

    def truth(self, with_suffix: bool = True) -> dict:
        unit = self.unit.name + self.unit.local(with_suffix)
        return {"unit": unit, "position": self.position}


def staff_units(issuer: vocab.Issuer) -> list[vocab.Unit]:
    return [u for u in issuer.units if u.takes_staff]


def staff_post(ctx: Ctx, position: str | None = None, unit: vocab.Unit | None = None) -> Post:
    unit = unit or ctx.pick(staff_units(ctx.issuer))
    return Post(unit, position or ctx.pick(LEADER_TITLES_OF_STAFF[:3]))


def leader_post(ctx: Ctx, deputy: bool | None = None, unit: vocab.Unit | None = None) -> Post:
    unit = unit or ctx.pick(list(ctx.issuer.units))
    deputy = ctx.chance(0.6) if deputy is None else deputy
    return Post(unit, unit.deputy if deputy else unit.head)


def any_post(ctx: Ctx, position: str | None = None) -> Post:
    """Someone who may be a section leader or staff (awards, retirement …)."""
    if ctx.chance(0.3):
        return leader_post(ctx, unit=ctx.pick(staff_units(ctx.issuer)))
    return staff_post(ctx, position)


@dataclass(frozen=True)
class Ngach:
    code: str
    name: str
    group: str

    @property
    def grid(self) -> list[float]:
        return vocab.load("people")["grids"][self.group]

    @property
    def raise_months(self) -> int:
        return vocab.load("people")["raise_months"][self.group]

    def salary(self, step: int) -> dict:
        return {"scale_code": self.code, "step": step, "coefficient": self.grid[step - 1]}

    def coef(self, step: int) -> str:
        return coef_text(self.grid[step - 1])


def draw_ngach(ctx: Ctx, on: dt.date | None = None, name: str | None = None) -> Ngach:
    p = vocab.load("people")
    on = on or ctx.issued
    since = p["ngach_since"]
    pool = [Ngach(*row) for row in p["ngach"]
            if on >= dt.date.fromisoformat(since.get(row[0], "1900-01-01"))]
    named = [n for n in pool if n.name == name]
    return ctx.pick(named or pool)
