"""The content of register decisions (issue 10): one builder per kind of decision, each drawing its
issuer, date, units or people and writing the articles and the truth (docs/registers.md shapes).

A builder takes the document's random stream and a `Pick` (its form — "single", "list", "table" —,
its turn among decisions of the same builder, and whether it is one that names a unit the
records' tree lacks) and returns a `Draft`; `bench.corpus.registers` adds the formal frame
(header, grounds, signer). Local government and commune officials are here; organisation in
`register_org`, awards and training in `register_awards`. Councils and communes are those of the
records' seeded tree (`register_tree`); wording, courses and titles come from data/registers.toml.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bench.corpus import register_tree as tree
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
    if "unit" in raw:
        raw = _council_of_tree(raw)
    return vocab.Issuer(key, raw, tuple(vocab.Unit(*u) for u in raw["units"]))


def _council_of_tree(raw: dict) -> dict:
    """A People's Council of the records' tree: its names, place, level and days follow from its
    locality's node ("Hội đồng nhân dân" + "huyện Long Thành", 2019 – 30/6/2025)."""
    node = tree.unit(raw["unit"])
    display = f"Hội đồng nhân dân {node.locality}"
    valid = [max(node.valid_from, FIRST_DAY).isoformat(), min(node.valid_to, LAST_DAY).isoformat()]
    return {**raw, "locality": node.locality, "display": display, "name": display.upper(),
            "authority": display.upper(), "authority_collective": display.upper(),
            "place": node.locality.split(" ", 1)[1], "level": node.kind, "valid": valid}


@dataclass(frozen=True)
class Pick:
    """How one decision is drawn besides its random stream."""

    form: str = "single"  # single | list | table
    nth: int = 0  # decisions of the same builder before it in the corpus
    seed: int = 0
    unknown: bool = False  # name a unit, council or commune the records' tree does not have


def take(rows: list, pick: Pick, key: str):
    """Rows in turn from a seeded offset: the nth decision of a builder takes a row of its own."""
    offset = random.Random(f"sohoa-registers-rows:{pick.seed}:{key}").randrange(len(rows))
    return rows[(offset + pick.nth) % len(rows)]


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
    notes: list[dict] | None = None  # per event: what the records must do with it (register_tree)


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


# ── Local government (R3) ──────────────────────────────────────────────────────────────────────────
# Councils of the tree (data: [local] councils) hold seats the records can keep; on an unknown turn
# a council the tree lacks (a commune of before July 2025) is drawn and its events expect review.

def term_of(day: dt.date) -> str:
    return [t for start, t in data()["terms"] if dt.date.fromisoformat(start) <= day][-1]


def _councils(pick: Pick, keys: list[str] | None = None) -> tuple[list[str], list[dict]]:
    """The council issuers to draw from, and the note every event of the decision gets."""
    local = data()["local"]
    if pick.unknown:
        return local["unknown_councils"], [tree.expect_review("no_body")]
    return keys or local["councils"], [{}]


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


def build_local_election(rng: random.Random, pick: Pick) -> Draft:
    keys, note = _councils(pick)
    ctx, iss, place = _council(rng, keys)
    w = wording("local_election")
    detail = f"nhiệm kỳ {place['term']}"
    if pick.form == "list":
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
                     "các ông, bà có tên tại Điều 1", {"ubnd"}, notes=note * len(events))
    position, kind = ctx.pick(data()["local"]["elect"])
    person = draw_person(ctx, age=(35, 55))
    phrase, frm = _current_post(ctx, iss.level, iss.locality)
    fields = {**place, **person_fields(ctx, person, phrase), "position": position, "body": _body(place, kind)}
    event = truth("local_election", ctx, ctx.issued, person, frm,
                  {"unit": fields["body"], "position": position}, detail=detail)
    return Draft(ctx, "Nghị quyết", fmt(ctx.pick(w["subject"]), fields),
                 [fmt(ctx.pick(w["single"]), fields), fmt(w["second"][0], place)], [event],
                 f"{person.hon} {person.name}", {"ubnd"}, notes=note)


def _delegates_table(ctx: Ctx, place: dict, w: dict, note: list[dict]) -> Draft:
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
                 "các đại biểu có tên tại Điều 1", {"ubnd"}, table, notes=note * len(events))


def build_local_confirmation(rng: random.Random, pick: Pick) -> Draft:
    w = wording("local_confirmation")
    local = data()["local"]
    if pick.form == "table":  # the council confirms its own delegates' credentials after an election
        start = rng.choice([dt.date(2021, 6, 15), dt.date(2026, 4, 20)])
        if pick.unknown:  # the communes the tree lacks ended in 2025
            start = dt.date(2021, 6, 15)
        keys, note = _councils(pick, local[f"elected_{start.year}"])
        ctx, _, place = _council(rng, keys, start, start + dt.timedelta(days=45))
        return _delegates_table(ctx, place, w, note)
    keys, note = _councils(pick, local["confirmed"])
    council = issuer(rng.choice(keys))
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
                 f"{person.hon} {person.name}", {"ubnd", "civil"}, notes=note)


def _leaving(etype: str, rng: random.Random, pick: Pick) -> Draft:
    keys, note = _councils(pick)
    ctx, iss, place = _council(rng, keys)
    w = wording(etype)
    person = draw_person(ctx, age=(35, 60))
    key = "delegate" if etype == "local_removal" or pick.form == "list" else ctx.pick(["post", "post", "delegate"])
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
                 f"{person.hon} {person.name}", {"ubnd"}, notes=note)


def build_local_relief(rng: random.Random, pick: Pick) -> Draft:
    return _leaving("local_relief", rng, pick)


def build_local_removal(rng: random.Random, pick: Pick) -> Draft:
    return _leaving("local_removal", rng, pick)


# ── Commune officials (R3: staff groups) ───────────────────────────────────────────────────────────
# Communes and wards of the tree (from July 2025) and the corpus issuers that are their committees;
# on an unknown turn a commune of before the reform that the tree lacks ([local.unknown_commune]).

def _commune(rng: random.Random, pick: Pick) -> tuple[Ctx, str, list[dict]]:
    """A commune committee's drawing context, its locality and the events' note."""
    local = data()["local"]
    if pick.unknown:
        old = local["unknown_commune"]
        return context(rng, old["issuer"]), old["locality"], [tree.expect_review("no_unit")]
    key = rng.choice(sorted(local["commune_issuers"]))
    return context(rng, key), tree.unit(local["commune_issuers"][key]).locality, [{}]


def _commune_draft(ctx: Ctx, key: str, fields: dict, event: dict, person, notes: list[dict] | None = None) -> Draft:
    w = wording(key)
    return Draft(ctx, "Quyết định", fmt(ctx.pick(w["subject"]), fields),
                 [fmt(ctx.pick(w["single"]), fields), fmt(w["second"][0], fields)], [event],
                 f"{person.hon} {person.name}", _tagged(ctx, "commune", "civil"), notes=notes)


def build_commune_retirement(rng: random.Random, pick: Pick) -> Draft:
    ctx, locality, _ = _commune(rng, Pick())  # a retirement needs no unit of the tree
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


def build_commune_resignation(rng: random.Random, pick: Pick) -> Draft:
    ctx, locality, _ = _commune(rng, Pick())
    person = draw_person(ctx, age=(24, 45))
    eff = ctx.issued + dt.timedelta(days=ctx.rng.randint(3, 25))
    fields = {**person_fields(ctx, person), "locality": locality,
              "title": ctx.pick(data()["local"]["part_time_titles"]), "eff": ctx.d(eff)}
    event = truth("resignation", ctx, eff, person, staff_group="commune_part_time")
    return _commune_draft(ctx, "commune_resignation", fields, event, person)


def build_commune_transfer(rng: random.Random, pick: Pick) -> Draft:
    local = data()["local"]
    if pick.unknown:  # before 2025 the district moved its communes' civil servants
        old = local["unknown_commune"]
        ctx, locality, notes = context(rng, old["issuer"]), old["locality"], [tree.expect_review("no_unit")]
        to_unit = f"Ủy ban nhân dân {ctx.pick(old['neighbours'])}"
    else:  # since July 2025 the Department of Home Affairs moves them between communes
        ctx, notes = context(rng, local["transfer_issuer"], dt.date(2025, 7, 1)), [{}]
        here, there = ctx.rng.sample(tree.communes(ctx.issued), 2)
        locality, to_unit = here.locality, there.name
    person = draw_person(ctx, age=(26, 50))
    eff, clause = effective(ctx, 0.7)
    fields = {**person_fields(ctx, person), "locality": locality, "to_unit": to_unit, "eff_clause": clause,
              "title": ctx.pick(local["servant_titles"])}
    event = truth("transfer", ctx, eff, person, None, {"unit": to_unit, "position": None},
                  staff_group="commune_civil_servant")
    return _commune_draft(ctx, "commune_transfer", fields, event, person, notes)


def build_commune_recruitment(rng: random.Random, pick: Pick) -> Draft:
    ctx, locality, notes = _commune(rng, pick)
    person = draw_person(ctx, age=(23, 32))
    eff, clause = effective(ctx, 0.6)
    to_unit = f"Ủy ban nhân dân {locality}"
    fields = {**person_fields(ctx, person), "to_unit": to_unit, "eff_clause": clause,
              "degree": ctx.pick(vocab.load("people")["degrees"]),
              "title": ctx.pick(data()["local"]["servant_titles"])}
    event = truth("recruitment", ctx, eff, person, None, {"unit": to_unit, "position": "Chuyên viên"},
                  salary={"scale_code": "01.003", "step": 1, "coefficient": 2.34},
                  staff_group="commune_civil_servant")
    return _commune_draft(ctx, "commune_recruitment", fields, event, person, notes)
