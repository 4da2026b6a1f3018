"""Register decisions about awards and emulation (R4) and training (R5): the builders.

Awards go to people (`award`: the form or title, the achievement year) or to units
(`collective_award`); units pledge a title for a year (`emulation_registration`); a class is
opened (`training_class`) and people are sent to one (`training_assignment`). Each builder is
called like those of `bench.corpus.register_events` and returns a `Draft`. The units are the
issuer's (issuers.toml), which the records' tree knows; on an unknown turn the first unit of a
collective award or registration is one the tree lacks ([awards] unknown_units) and waits for review.
"""
from __future__ import annotations

import datetime as dt
import random

from bench.corpus import register_tree as tree
from bench.corpus.decisions import fmt
from bench.corpus.people import Ctx, any_post, draw_person
from bench.corpus.register_events import (ROMAN, Draft, Pick, context, data, person_fields, truth, unit_truth,
                                          valid_window, wording)
from bench.corpus.spec import AttachedTable, date_table, date_words


def _caption(ctx: Ctx) -> str:
    return (f"(Kèm theo Quyết định số {ctx.number} ngày {date_words(ctx.issued)} "
            f"của {ctx.issuer.head_of})")


def _tags(ctx: Ctx, *tags: str) -> set[str]:
    return set(tags) | ({"ubnd"} if ctx.issuer.is_committee else set())


def _unit(ctx: Ctx, table: bool) -> tuple[str, dict]:
    """A unit of the issuer as printed, and its truth: "Phòng Tổ chức cán bộ, Sở Y tế" is the unit
    "Phòng Tổ chức cán bộ" of "Sở Y tế"; a table cell drops the ", Sở Y tế"."""
    unit = ctx.pick(list(ctx.issuer.units))
    if table:
        printed = unit.name + unit.local(False)
        return printed, unit_truth(printed)
    if unit.suffix.startswith(","):
        return unit.truth, unit_truth(unit.name, unit.suffix.lstrip(", "))
    return unit.truth, unit_truth(unit.truth)


def _distinct_units(ctx: Ctx, count: int, table: bool,
                    unknown: bool = False) -> tuple[list[tuple[str, dict]], list[dict]]:
    """`count` units of the issuer (the first one unknown to the tree on an unknown turn), and the
    note each event gets."""
    seen: dict[str, tuple[str, dict]] = {}
    for _ in range(count * 4):
        printed, unit = _unit(ctx, table)
        seen.setdefault(printed, (printed, unit))
        if len(seen) == count:
            break
    units = list(seen.values())
    if not unknown:
        return units, [{}] * len(units)
    name = ctx.pick(data()["awards"]["unknown_units"])
    return [(name, unit_truth(name))] + units[1:], [tree.expect_review("unknown_unit")] + [{}] * (len(units) - 1)


# ── Awards and emulation (R4) ──────────────────────────────────────────────────────────────────────

def _award_context(rng: random.Random) -> tuple[Ctx, str, int]:
    key = rng.choice(data()["awards"]["issuers"])
    ctx = context(rng, key)
    year = ctx.issued.year - 1 if ctx.issued.month <= 10 else ctx.issued.year
    return ctx, data()["awards"]["forms"][key], year


def _titles(ctx: Ctx, kind: str) -> list[str]:
    aw = data()["awards"]
    extra = aw[f"province_{kind}_titles"] if ctx.issuer.key == "ubnd_tinh" else []
    return aw[f"{kind}_titles"] + extra


def build_award(rng: random.Random, pick: Pick) -> Draft:
    form = pick.form
    ctx, award_form, year = _award_context(rng)
    w = wording("award")
    base = {"form": award_form, "form_short": " ".join(award_form.split()[:2]), "year": year,
            "short": ctx.issuer.short, "title": ctx.pick(_titles(ctx, "person"))}
    base["TITLE"] = base["title"].upper()
    people = [draw_person(ctx) for _ in range({"single": 1, "list": ctx.rng.randint(2, 4)}.get(
        form, ctx.rng.randint(6, 20)))]
    posts = [any_post(ctx) for _ in people]
    detail = base["title"] if form == "table" else award_form
    if form == "single" and ctx.chance(0.5):
        detail, template = base["title"], ctx.pick(w["title"])
    else:
        template = ctx.pick(w["form"])
    table = form == "table"
    events = [truth("award", ctx, ctx.issued, p, post.truth(with_suffix=not table), with_birth=False,
                    year=year, detail=detail) for p, post in zip(people, posts)]
    attachment = None
    if form == "single":
        texts = [fmt(template, {**base, **person_fields(ctx, people[0], posts[0].phrase())})]
        subject = w["subject"][2 if detail == base["title"] else 0]
    elif form == "list":
        lines = [fmt(w["list_intro"][0], base)] + [
            fmt(w["list_item"][0], {**person_fields(ctx, p, post.phrase()), "i": i})
            for i, (p, post) in enumerate(zip(people, posts), 1)]
        texts, subject = ["\n".join(lines)], w["subject"][1]
    else:
        base["count"] = f"{len(people):02d}"
        texts, subject = [fmt(w["table_intro"][0], base)], w["subject"][2]
        attachment = AttachedTable(fmt(w["table_title"][0], base), _caption(ctx),
                                   ("STT", "Họ và tên", "Chức vụ, đơn vị công tác"), (12, 55, 100),
                                   tuple((str(i), p.name, post.phrase(False))
                                         for i, (p, post) in enumerate(zip(people, posts), 1)))
    texts.append(fmt(w["second"][0], base))
    who = f"{people[0].hon} {people[0].name}" if form == "single" else "các cá nhân có tên tại Điều 1"
    return Draft(ctx, "Quyết định", fmt(subject, base), texts, events, who, _tags(ctx, "award"), attachment)


def build_collective_award(rng: random.Random, pick: Pick) -> Draft:
    form = pick.form
    ctx, award_form, year = _award_context(rng)
    w = wording("collective_award")
    title = ctx.pick(_titles(ctx, "unit"))
    base = {"form": award_form, "form_short": " ".join(award_form.split()[:2]), "year": year,
            "short": ctx.issuer.short, "title": title, "TITLE": title.upper()}
    count = {"single": 1, "list": ctx.rng.randint(2, 4)}.get(form, ctx.rng.randint(3, 12))
    units, notes = _distinct_units(ctx, count, form == "table", pick.unknown)
    use_title = form == "table" or (form == "single" and ctx.chance(0.5))
    detail = title if use_title else award_form
    events = [truth("collective_award", ctx, ctx.issued, unit=u, year=year, detail=detail) for _, u in units]
    attachment = None
    if form == "single":
        texts = [fmt(ctx.pick(w["title" if use_title else "form"]), {**base, "unit": units[0][0]})]
    elif form == "list":
        texts = ["\n".join([fmt(w["list_intro"][0], base)] + [
            fmt(w["list_item"][0], {"i": i, "unit": printed}) for i, (printed, _) in enumerate(units, 1)])]
    else:
        base["count"] = f"{len(units):02d}"
        texts = [fmt(w["table_intro"][0], base)]
        # Half the lists have two columns: three units make a table shaped like the header's.
        rows = tuple((str(i), printed) for i, (printed, _) in enumerate(units, 1))
        columns, widths = ("STT", "Tên tập thể"), (15, 155)
        if ctx.chance(0.5):
            columns, widths, rows = columns + ("Ghi chú",), (15, 120, 35), tuple(r + ("",) for r in rows)
        attachment = AttachedTable(fmt(w["table_title"][0], base), _caption(ctx), columns, widths, rows)
    texts.append(fmt(w["second"][0], base))
    subject = fmt(w["subject"][1 if use_title else 0], base)
    return Draft(ctx, "Quyết định", subject, texts, events, "Thủ trưởng các tập thể có tên tại Điều 1",
                 _tags(ctx, "award"), attachment, notes)


def build_emulation_registration(rng: random.Random, pick: Pick) -> Draft:
    form = pick.form
    key = rng.choice([k for k in data()["awards"]["issuers"] if k != "ubnd_tinh"])
    # Pledges are approved in December for the next year or in the first quarter of the year.
    lo, hi = valid_window(key)
    days = [d for y in range(lo.year, hi.year + 1) for m in (12, 1, 2, 3)
            if lo <= (d := dt.date(y, m, 10)) <= hi - dt.timedelta(days=20)]
    day = rng.choice(days) + dt.timedelta(days=rng.randint(0, 16))
    ctx = context(rng, key, day, day)
    year = ctx.issued.year + 1 if ctx.issued.month == 12 else ctx.issued.year
    w = wording("emulation_registration")
    base = {"year": year, "short": ctx.issuer.short}
    count = {"single": 1, "list": ctx.rng.randint(2, 4)}.get(form, ctx.rng.randint(5, 10))
    units, notes = _distinct_units(ctx, count, form != "single", pick.unknown)
    titles = [ctx.pick(data()["awards"]["unit_titles"]) for _ in units]
    events = [truth("emulation_registration", ctx, ctx.issued, unit=u, year=year, detail=t)
              for (_, u), t in zip(units, titles)]
    attachment = None
    if form == "single":
        texts = [fmt(ctx.pick(w["single"]), {**base, "unit": units[0][0], "title": titles[0]})]
    elif form == "list":
        texts = ["\n".join([fmt(w["list_intro"][0], base)] + [
            fmt(w["list_item"][0], {"i": i, "unit": printed, "title": t})
            for i, ((printed, _), t) in enumerate(zip(units, titles), 1)])]
    else:
        base["count"] = f"{len(units):02d}"
        texts = [fmt(w["table_intro"][0], base)]
        attachment = AttachedTable(fmt(w["table_title"][0], base), _caption(ctx),
                                   ("STT", "Tên tập thể", "Danh hiệu thi đua đăng ký"), (15, 95, 60),
                                   tuple((str(i), printed, t) for i, ((printed, _), t) in
                                         enumerate(zip(units, titles), 1)))
    texts.append(fmt(w["second"][0], base))
    return Draft(ctx, "Quyết định", fmt(w["subject"][0], base), texts, events,
                 "Thủ trưởng các tập thể có tên tại Điều 1", _tags(ctx, "award"), attachment, notes)


# ── Training (R5) ──────────────────────────────────────────────────────────────────────────────────

def _course(ctx: Ctx) -> dict:
    name, organiser, place = ctx.pick(data()["training"]["courses"])
    start = ctx.issued + dt.timedelta(days=ctx.rng.randint(5, 30))
    start -= dt.timedelta(days=start.weekday())  # classes open on a Monday
    start = max(start, ctx.issued + dt.timedelta(days=1))
    end = start + dt.timedelta(days=ctx.rng.choice([4, 11, 25, 53, 88]))
    return {"course": name, "organiser": organiser, "place": place, "start_day": start, "end_day": end,
            "start": ctx.d(start), "end": ctx.d(end), "k": ctx.pick(ROMAN[:3]), "y": ctx.issued.year,
            "audience": ctx.pick(data()["training"]["audiences"]), "staff": ctx.issuer.staff,
            "STAFF": ctx.issuer.staff.upper()}


def _course_truth(c: dict, organiser: bool = True, place: bool = True) -> dict:
    return {"name": c["course"], "organiser": c["organiser"] if organiser else None,
            "place": c["place"] if place else None, "start_date": c["start_day"].isoformat(),
            "end_date": c["end_day"].isoformat()}


def build_training_class(rng: random.Random, pick: Pick) -> Draft:
    ctx = context(rng, rng.choice(data()["training"]["class_issuers"]))
    c = _course(ctx)
    w = wording("training_class")
    template = ctx.pick(w["open"])
    seconds = [w["second"][0]] if template == w["open"][0] else [ctx.pick(w["second"])]
    event = truth("training_class", ctx, ctx.issued, unit=unit_truth(c["organiser"]), course=_course_truth(c))
    return Draft(ctx, "Quyết định", fmt(ctx.pick(w["subject"]), c),
                 [fmt(template, c)] + [fmt(s, c) for s in seconds], [event],
                 f"Thủ trưởng {c['organiser']}", _tags(ctx, "training"))


def build_training_assignment(rng: random.Random, pick: Pick) -> Draft:
    form = pick.form
    keys = data()["training"]["trainee_issuers"]
    ctx = context(rng, rng.choice(keys))
    c = _course(ctx)
    w = wording("training_assignment")
    count = {"single": 1, "list": ctx.rng.randint(2, 4)}.get(form, ctx.rng.randint(6, 24))
    people = [draw_person(ctx, age=(25, 50)) for _ in range(count)]
    posts = [any_post(ctx) for _ in people]
    table = form == "table"
    template = ctx.pick(w["single"]) if form == "single" else None
    with_birth = table or (template is not None and "{dob}" in template)
    shows = {"organiser": form != "single" or "{organiser}" in template,
             "place": form != "list" and (template is None or "{place}" in template)}
    events = [truth("training_assignment", ctx, ctx.issued, p, None, post.truth(with_suffix=not table),
                    with_birth=with_birth, course=_course_truth(c, **shows)) for p, post in zip(people, posts)]
    attachment = None
    if form == "single":
        texts = [fmt(template, {**c, **person_fields(ctx, people[0], posts[0].phrase())})]
    elif form == "list":
        texts = ["\n".join([fmt(w["list_intro"][0], c)] + [
            fmt(w["list_item"][0], {**person_fields(ctx, p, post.phrase()), "i": i})
            for i, (p, post) in enumerate(zip(people, posts), 1)])]
    else:
        c["count"] = f"{count:02d}"
        texts = [fmt(ctx.pick(w["table_intro"]), c)]
        attachment = AttachedTable(fmt(w["table_title"][0], c), _caption(ctx),
                                   ("STT", "Họ và tên", "Ngày sinh", "Chức vụ, đơn vị công tác"), (12, 50, 28, 80),
                                   tuple((str(i), p.name, date_table(p.birth), post.phrase(False))
                                         for i, (p, post) in enumerate(zip(people, posts), 1)))
    texts.append(fmt(ctx.pick(w["second"]), c))
    subject = fmt(w["subject"][1 if form == "single" else 0], {**c, **person_fields(ctx, people[0])})
    who = f"{people[0].hon} {people[0].name}" if form == "single" else "các ông, bà có tên tại Điều 1"
    return Draft(ctx, "Quyết định", subject, texts, events, who, _tags(ctx, "training"), attachment)
