"""The content of register decisions (issue 10): one builder per kind of decision, each drawing its
issuer, date, units or people and writing the articles and the truth (docs/registers.md shapes).

A builder takes the document's random stream and a form ("single", "list", "table") and returns a
`Draft`; `bench.corpus.registers` adds the formal frame (header, grounds, signer). Wording, units,
courses and titles come from data/registers.toml.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Callable

from bench.corpus import vocab
from bench.corpus.decisions import fmt
from bench.corpus.generate import FIRST_DAY, LAST_DAY, _number
from bench.corpus.people import Ctx, add_months, draw_person, first_of_month
from bench.corpus.spec import AttachedTable, date_table, date_words

ROMAN = ("I", "II", "III", "IV")
FUSED = {"Chánh Văn phòng": "Văn phòng", "Phó Chánh Văn phòng": "Văn phòng", "Trưởng phòng": "Phòng",
         "Phó Trưởng phòng": "Phòng"}


def data() -> dict:
    return vocab.load("registers")


def wording(key: str) -> dict:
    return data()["wording"][key]


def issuer(key: str) -> vocab.Issuer:
    raw = next((i for i in data()["issuer"] if i["key"] == key), None)
    if raw is None:
        return vocab.issuer(key)
    return vocab.Issuer(key, raw, tuple(vocab.Unit(*u) for u in raw["units"]))


@dataclass
class Draft:
    """A register decision before its frame: who issues it, when, what its articles say."""

    ctx: Ctx
    doc_type: str
    subject: str
    texts: list[str]  # article texts without "Điều N." and without the closing article
    events: list[dict]
    who: str  # who executes it, for the closing article
    tags: set[str] = field(default_factory=set)  # grounds (grounds.toml and registers.toml)
    attachment: AttachedTable | None = None


def valid_window(key: str) -> tuple[dt.date, dt.date]:
    """The days issuer `key` existed within the corpus' period."""
    start, end = (dt.date.fromisoformat(x) for x in issuer(key).raw["valid"])
    return max(start, FIRST_DAY), min(end, LAST_DAY)


def context(rng: random.Random, key: str, lo: dt.date = FIRST_DAY, hi: dt.date = LAST_DAY) -> Ctx:
    """A drawing context for issuer `key`, on a working day it existed, within [lo, hi]."""
    iss = issuer(key)
    start, end = valid_window(key)
    lo, hi = max(lo, start), min(hi, end)
    day = lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
    if day.weekday() >= 5:
        day = max(lo, day - dt.timedelta(days=day.weekday() - 4))
    ctx = Ctx(rng, iss, day, rng.choice(["numeric", "numeric", "words"]))
    ctx.number = (f"{rng.randint(1, 60):02d}/NQ-{iss.abbr}" if key.startswith("hdnd")
                  else _number(ctx, "Quyết định"))
    return ctx


def truth(kind: str, ctx: Ctx, eff: dt.date, person=None, frm: dict | None = None, to: dict | None = None,
          with_birth: bool = True, salary: dict | None = None, **extra) -> dict:
    """An event in the contract shape; register keys only where they apply."""
    out = {"type": kind, "person": person.truth(with_birth) if person else None,
           "from": frm or {"unit": None, "position": None}, "to": to or {"unit": None, "position": None},
           "salary": salary, "effective_date": eff.isoformat()}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def unit_truth(name: str, parent: str | None = None, kind: str | None = None, new_name: str | None = None,
               related: list[str] | tuple[str, ...] = ()) -> dict:
    return {"name": name, "parent": parent or None, "kind": kind, "new_name": new_name, "related": list(related)}


def listed(names: list[str]) -> str:
    """ "A, B và C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def effective(ctx: Ctx, p: float) -> tuple[dt.date, str]:
    if ctx.chance(p):
        eff = ctx.issued + dt.timedelta(days=ctx.rng.randint(0, 30))
        return eff, f" kể từ ngày {ctx.d(eff)}"
    return ctx.issued, ""


def person_fields(ctx: Ctx, person, phrase: str = "", **more) -> dict:
    return {"hon": person.hon, "Hon": person.hon.capitalize(), "name": person.name,
            "dob": ctx.d(person.birth), "from_phrase": phrase, **more}


def _tagged(ctx: Ctx, *tags: str) -> set[str]:
    return set(tags) | ({"ubnd"} if ctx.issuer.is_committee else set())


# ── Organisation (R2) ──────────────────────────────────────────────────────────────────────────────

def _org_common(rng: random.Random, etype: str) -> tuple[list, Ctx, dict, dt.date]:
    row = rng.choice(data()["organisation"][etype.removeprefix("unit_")])
    ctx = context(rng, row[0])
    eff, clause = effective(ctx, 0.5)
    parent = row[2]
    fields = {"name": row[1], "parent": parent, "eff_clause": clause,
              "parent_clause": f" thuộc {parent}" if parent else "", "place": "tỉnh Đồng Nai"}
    return row, ctx, fields, eff


def _org_draft(ctx: Ctx, etype: str, template: str, fields: dict, unit: dict, eff: dt.date,
               detail: str | None = None) -> Draft:
    w = wording(etype)
    if "{eff_clause}" not in template:  # no date printed: it takes effect on signing
        eff = ctx.issued
    texts = [fmt(template, fields), fmt(ctx.pick(w["second"]), fields)]
    event = truth(etype, ctx, eff, unit=unit, detail=detail)
    return Draft(ctx, "Quyết định", fmt(ctx.pick(w["subject"]), fields), texts, [event],
                 f"Thủ trưởng {fields['name']}", _tagged(ctx, "org"))


def build_organisation(etype: str) -> Callable[[random.Random, str], Draft]:
    def build(rng: random.Random, form: str) -> Draft:
        row, ctx, fields, eff = _org_common(rng, etype)
        w = wording(etype)
        name, parent = row[1], row[2]
        if etype == "unit_founding":
            fields["kind"] = row[3]
            return _org_draft(ctx, etype, ctx.pick(w["single"]), fields, unit_truth(name, parent, row[3]), eff)
        if etype == "unit_merger":
            related, mode = row[3], row[4]
            fields["related_text"] = listed(related)
            shown = parent if mode == "merge" or parent else None
            return _org_draft(ctx, etype, ctx.pick(w[mode]), fields, unit_truth(name, shown, related=related), eff)
        if etype == "unit_split":
            template = ctx.pick(w["single"])
            fields.update(related_text=listed(row[3]), count=f"{len(row[3]):02d}")
            shown = parent if "{parent" in template else None
            return _org_draft(ctx, etype, template, fields, unit_truth(name, shown, related=row[3]), eff)
        if etype == "unit_rename":
            template = ctx.pick(w["single"])
            fields["new_name"] = row[3]
            shown = parent if "{parent" in template else None
            return _org_draft(ctx, etype, template, fields, unit_truth(name, shown, new_name=row[3]), eff)
        if etype == "unit_dissolution":
            fields["reason"] = ctx.pick(data()["organisation"]["reasons"])
            return _org_draft(ctx, etype, ctx.pick(w["single"]), fields, unit_truth(name, parent), eff)
        if etype == "unit_reclassification":
            fields["kind"] = row[3]
            template = ctx.pick(w["rank"] if row[3].startswith("hạng") else w["autonomy"])
            return _org_draft(ctx, etype, template, fields, unit_truth(name, parent, row[3]), eff)
        fields["reg"] = row[3]
        fields["parent_clause"] = f" trực thuộc {parent}" if parent else ""
        return _org_draft(ctx, etype, ctx.pick(w["single"]), fields, unit_truth(name, parent), eff,
                          detail=row[3])
    return build


# ── Local government (R3) ──────────────────────────────────────────────────────────────────────────

def term_of(day: dt.date) -> str:
    return [t for start, t in data()["terms"] if dt.date.fromisoformat(start) <= day][-1]


def _council(rng: random.Random, keys: list[str], lo: dt.date = FIRST_DAY, hi: dt.date = LAST_DAY):
    key = rng.choice(keys)
    ctx = context(rng, key, lo, hi)
    iss = ctx.issuer
    term = term_of(ctx.issued)
    return ctx, iss, {"locality": iss.locality, "LOCALITY": iss.locality.upper(), "term": term,
                      "khoa": iss.khoa.get(term, "I"),
                      "committee_body": f"Ủy ban nhân dân {iss.locality}",
                      "council_body": f"Hội đồng nhân dân {iss.locality}"}


def _current_post(ctx: Ctx, level: str, locality: str) -> tuple[str, dict]:
    rows = data()["local"]["posts_province" if level == "province" else "posts_commune"]
    rows = [r for r in rows if "huyện" not in r[1] or ctx.issued < dt.date(2025, 7, 1)]
    position, unit = ctx.pick(rows)
    unit = unit.format(locality=locality)
    fuse = FUSED.get(position, "")
    phrase = position + unit[len(fuse):] if fuse and unit.startswith(fuse) else f"{position} {unit}"
    return phrase, {"unit": unit, "position": position}


def _body(place: dict, kind: str) -> str:
    return place["committee_body" if kind == "committee" else "council_body"]


def build_local_election(rng: random.Random, form: str) -> Draft:
    ctx, iss, place = _council(rng, ["hdnd_tinh", "hdnd_binh_an", "hdnd_xuan_loc", "hdnd_tran_bien"])
    w = wording("local_election")
    detail = f"nhiệm kỳ {place['term']}"
    if form == "list":
        base = {**place, "position": "Ủy viên", "body": place["committee_body"]}
        lines, events = [fmt(ctx.pick(w["list_intro"]), base)], []
        for i in range(1, ctx.rng.randint(2, 4) + 1):
            person = draw_person(ctx, age=(32, 55))
            phrase, frm = _current_post(ctx, iss.level, iss.locality)
            lines.append(fmt(ctx.pick(w["list_item"]), person_fields(ctx, person, phrase, i=i)))
            events.append(truth("local_election", ctx, ctx.issued, person, frm,
                                {"unit": base["body"], "position": "Ủy viên"}, detail=detail))
        subject = fmt(w["subject"][0], base)
        return Draft(ctx, "Nghị quyết", subject, ["\n".join(lines), fmt(w["second"][0], place)], events,
                     "các ông, bà có tên tại Điều 1", {"ubnd"})
    position, kind = ctx.pick(data()["local"]["elect"])
    person = draw_person(ctx, age=(35, 55))
    phrase, frm = _current_post(ctx, iss.level, iss.locality)
    fields = {**place, **person_fields(ctx, person, phrase), "position": position, "body": _body(place, kind)}
    event = truth("local_election", ctx, ctx.issued, person, frm,
                  {"unit": fields["body"], "position": position}, detail=detail)
    return Draft(ctx, "Nghị quyết", fmt(ctx.pick(w["subject"]), fields),
                 [fmt(ctx.pick(w["single"]), fields), fmt(w["second"][0], place)], [event],
                 f"{person.hon} {person.name}", {"ubnd"})


def _delegates_table(ctx: Ctx, place: dict, w: dict) -> Draft:
    rows, events = [], []
    detail = f"nhiệm kỳ {place['term']}"
    for i in range(1, ctx.rng.randint(12, 24) + 1):
        person = draw_person(ctx, age=(28, 60))
        rows.append((str(i), person.name, date_table(person.birth), f"Đơn vị bầu cử số {(i - 1) // 5 + 1}"))
        events.append(truth("local_confirmation", ctx, ctx.issued, person, None,
                            {"unit": place["council_body"], "position": "Đại biểu"}, detail=detail))
    fields = {**place, "count": f"{len(rows):02d}"}
    table = AttachedTable(fmt(w["table_title"][0], fields),
                          f"(Kèm theo Nghị quyết số {ctx.number} ngày {date_words(ctx.issued)} của "
                          f"Hội đồng nhân dân {place['locality']})",
                          ("STT", "Họ và tên", "Ngày sinh", "Đơn vị bầu cử"), (12, 60, 30, 50), tuple(rows))
    return Draft(ctx, "Nghị quyết", fmt(w["table_subject"][0], fields),
                 [fmt(w["table_intro"][0], fields), fmt(w["table_second"][0], fields)], events,
                 "các đại biểu có tên tại Điều 1", {"ubnd"}, table)


def build_local_confirmation(rng: random.Random, form: str) -> Draft:
    w = wording("local_confirmation")
    if form == "table":  # the council confirms its own delegates' credentials after an election
        start = rng.choice([dt.date(2021, 6, 15), dt.date(2026, 4, 20)])
        keys = ["hdnd_tinh", "hdnd_binh_an"] if start.year == 2021 else ["hdnd_tinh", "hdnd_xuan_loc",
                                                                         "hdnd_tran_bien"]
        ctx, _, place = _council(rng, keys, start, start + dt.timedelta(days=45))
        return _delegates_table(ctx, place, w)
    council = issuer(rng.choice(["hdnd_binh_an", "hdnd_xuan_loc", "hdnd_tran_bien"]))
    lo, hi = (dt.date.fromisoformat(x) for x in council.raw["valid"])
    ctx = context(rng, council.committee, lo, hi)  # the committee one level up confirms
    term = term_of(ctx.issued)
    place = {"locality": council.locality, "term": term}
    position = ctx.pick(["Chủ tịch", "Phó Chủ tịch", "Phó Chủ tịch", "Ủy viên"])
    person = draw_person(ctx, age=(35, 55))
    phrase, frm = _current_post(ctx, council.level, council.locality)
    body = f"Ủy ban nhân dân {council.locality}"
    fields = {**place, **person_fields(ctx, person, phrase), "position": position, "body": body}
    event = truth("local_confirmation", ctx, ctx.issued, person, frm, {"unit": body, "position": position},
                  detail=f"nhiệm kỳ {term}")
    return Draft(ctx, "Quyết định", fmt(ctx.pick(w["subject"]), fields),
                 [fmt(ctx.pick(w["single"]), fields), fmt(w["second"][0], fields)], [event],
                 f"{person.hon} {person.name}", {"ubnd", "civil"})


def _leaving(etype: str, rng: random.Random, form: str) -> Draft:
    ctx, iss, place = _council(rng, ["hdnd_tinh", "hdnd_binh_an", "hdnd_xuan_loc", "hdnd_tran_bien"])
    w = wording(etype)
    person = draw_person(ctx, age=(35, 60))
    key = "delegate" if etype == "local_removal" or form == "list" else ctx.pick(["post", "post", "delegate"])
    if key == "delegate":
        position, body = "Đại biểu", place["council_body"]
    else:
        position, kind = ctx.pick(data()["local"]["elect"][:-1])
        body = _body(place, kind)
    reasons = data()["local"]["removal_reasons" if etype == "local_removal" else "relief_reasons"]
    fields = {**place, **person_fields(ctx, person), "position": position, "body": body,
              "reason": ctx.pick(reasons)}
    subject = w["subject"][0 if key == "post" else -1]
    event = truth(etype, ctx, ctx.issued, person, {"unit": body, "position": position},
                  detail=f"nhiệm kỳ {place['term']}")
    return Draft(ctx, "Nghị quyết", fmt(subject, fields),
                 [fmt(ctx.pick(w[key]), fields), fmt(w["second"][0], fields)], [event],
                 f"{person.hon} {person.name}", {"ubnd"})


def build_local_relief(rng: random.Random, form: str) -> Draft:
    return _leaving("local_relief", rng, form)


def build_local_removal(rng: random.Random, form: str) -> Draft:
    return _leaving("local_removal", rng, form)


# ── Commune officials (R3: staff groups) ───────────────────────────────────────────────────────────

_COMMUNES = {"ubnd_long_thanh": "xã Bình An", "ubnd_xuan_loc": "xã Xuân Lộc", "ubnd_tran_bien": "phường Trấn Biên"}


def _commune_draft(ctx: Ctx, key: str, fields: dict, event: dict, person) -> Draft:
    w = wording(key)
    return Draft(ctx, "Quyết định", fmt(ctx.pick(w["subject"]), fields),
                 [fmt(ctx.pick(w["single"]), fields), fmt(w["second"][0], fields)], [event],
                 f"{person.hon} {person.name}", _tagged(ctx, "commune", "civil"))


def build_commune_retirement(rng: random.Random, form: str) -> Draft:
    key = rng.choice(["ubnd_long_thanh", "ubnd_xuan_loc"])
    ctx = context(rng, key)
    locality = _COMMUNES[key]
    eff = first_of_month(add_months(ctx.issued, ctx.rng.randint(1, 4)))
    female = ctx.chance(0.4)
    months = ctx.rng.randint(56 * 12, 57 * 12 + 6) if female else ctx.rng.randint(60 * 12 + 3, 62 * 12)
    person = draw_person(ctx, female=female)
    person = type(person)(person.name, female, add_months(eff, -months - 1).replace(day=ctx.rng.randint(1, 28)))
    position, unit = ctx.pick(data()["local"]["cadre_posts"])
    unit = unit.format(locality=locality)
    fields = {**person_fields(ctx, person, f"{position} {unit}"), "eff": ctx.d(eff)}
    event = truth("retirement", ctx, eff, person, {"unit": unit, "position": position},
                  staff_group="commune_cadre")
    return _commune_draft(ctx, "commune_retirement", fields, event, person)


def build_commune_resignation(rng: random.Random, form: str) -> Draft:
    key = rng.choice(["ubnd_xuan_loc", "ubnd_tran_bien"])
    ctx = context(rng, key)
    person = draw_person(ctx, age=(24, 45))
    eff = ctx.issued + dt.timedelta(days=ctx.rng.randint(3, 25))
    fields = {**person_fields(ctx, person), "locality": _COMMUNES[key],
              "title": ctx.pick(data()["local"]["part_time_titles"]), "eff": ctx.d(eff)}
    event = truth("resignation", ctx, eff, person, staff_group="commune_part_time")
    return _commune_draft(ctx, "commune_resignation", fields, event, person)


def build_commune_transfer(rng: random.Random, form: str) -> Draft:
    ctx = context(rng, "ubnd_long_thanh")  # before 2025 the district moved commune civil servants
    locality = _COMMUNES["ubnd_long_thanh"]
    person = draw_person(ctx, age=(26, 50))
    eff, clause = effective(ctx, 0.7)
    to_unit = f"Ủy ban nhân dân {ctx.pick(data()['local']['neighbours'][locality])}"
    fields = {**person_fields(ctx, person), "locality": locality, "to_unit": to_unit, "eff_clause": clause,
              "title": ctx.pick(data()["local"]["servant_titles"])}
    event = truth("transfer", ctx, eff, person, None, {"unit": to_unit, "position": None},
                  staff_group="commune_civil_servant")
    return _commune_draft(ctx, "commune_transfer", fields, event, person)


def build_commune_recruitment(rng: random.Random, form: str) -> Draft:
    ctx = context(rng, "ubnd_long_thanh")
    person = draw_person(ctx, age=(23, 32))
    eff, clause = effective(ctx, 0.6)
    to_unit = f"Ủy ban nhân dân {_COMMUNES['ubnd_long_thanh']}"
    fields = {**person_fields(ctx, person), "to_unit": to_unit, "eff_clause": clause,
              "degree": ctx.pick(vocab.load("people")["degrees"]),
              "title": ctx.pick(data()["local"]["servant_titles"])}
    event = truth("recruitment", ctx, eff, person, None, {"unit": to_unit, "position": "Chuyên viên"},
                  salary={"scale_code": "01.003", "step": 1, "coefficient": 2.34},
                  staff_group="commune_civil_servant")
    return _commune_draft(ctx, "commune_recruitment", fields, event, person)
