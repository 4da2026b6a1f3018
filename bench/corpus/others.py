"""Documents that carry no applicable personnel event.

Letters (Công văn "V/v …"), notices (Thông báo), plans (Kế hoạch), and decisions on social
insurance (BHXH) or asset declarations (kê khai tài sản) — the latter name people, yet the records
must never apply them (REQUIREMENTS R1.4). Texts come from data/documents.toml.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bench.corpus import vocab
from bench.corpus.decisions import caption, closing, common_fields, fmt
from bench.corpus.people import Ctx, add_months, any_post, draw_person, leader_post, staff_units
from bench.corpus.spec import AttachedTable

ASSET_COLUMNS = (("STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Ghi chú"), (10, 48, 82, 25))


@dataclass
class OtherParts:
    doc_type: str
    subject: str
    topic: str
    body: list[str]
    addressees: list[str]
    articles: list[str]
    attachment: AttachedTable | None
    grounds_tags: set[str]


def templates(day: dt.date) -> list[dict]:
    return [d for d in vocab.load("documents")["doc"] if dt.date.fromisoformat(d["since"]) <= day]


def _fields(ctx: Ctx) -> dict:
    rng, day = ctx.rng, ctx.issued
    meeting = day - dt.timedelta(days=rng.randint(1, 6))
    d1 = day + dt.timedelta(days=rng.randint(7, 15))
    ref_year = rng.randint(2016, day.year - 1)
    return {**common_fields(ctx),
            "deadline": ctx.d(day + dt.timedelta(days=rng.randint(14, 30))),
            "ref_no": f"{rng.randint(1000, 4500)}/QĐ-UBND",
            "ref_date": ctx.d(dt.date(ref_year, rng.randint(1, 12), rng.randint(1, 28))),
            "month": meeting.month, "meeting": ctx.d(meeting),
            "count": f"{rng.randint(2, 15):02d}", "d1": ctx.d(d1),
            "d2": ctx.d(d1 + dt.timedelta(days=30)), "quarter": ("I", "II", "III", "IV")[
                min(3, (day.month - 1) // 3 + 1)],
            "c1": rng.randint(10, 60), "c2": rng.randint(3, 20), "c3": rng.randint(20, 120)}


def _addressees(ctx: Ctx, tpl: dict, fields: dict) -> list[str]:
    if ctx.issuer.is_committee:
        return ["Các cơ quan chuyên môn thuộc Ủy ban nhân dân;", "Các đơn vị sự nghiệp công lập trực thuộc."]
    return [fmt(a, fields) for a in tpl.get("addressees", [])]


def _asset_table(ctx: Ctx, fields: dict, tpl: dict) -> AttachedTable:
    rows = []
    for i in range(1, ctx.rng.randint(5, 25) + 1):
        person = draw_person(ctx)
        post = leader_post(ctx, unit=ctx.pick(staff_units(ctx.issuer))) if ctx.chance(0.6) else any_post(ctx)
        rows.append((str(i), person.name, post.phrase(False), ""))
    fields["count"] = f"{len(rows):02d}"
    return AttachedTable(fmt(tpl["table_title"], fields), caption(ctx), *ASSET_COLUMNS, tuple(rows))


def _bhxh_fields(ctx: Ctx, fields: dict) -> None:
    person, post = draw_person(ctx, age=(35, 55)), any_post(ctx)
    start = dt.date(ctx.rng.randint(2000, 2012), ctx.rng.randint(1, 12), 1)
    end = add_months(start, ctx.rng.randint(18, 96))
    span = (end.year - start.year) * 12 + end.month - start.month + 1
    fields.update(hon=person.hon, Hon=person.hon.capitalize(), name=person.name,
                  dob=ctx.d(person.birth), from_phrase=post.phrase(),
                  m1=f"{start.month:02d}/{start.year}", m2=f"{end.month:02d}/{end.year}",
                  years=f"{span // 12:02d}", months=f"{span % 12:02d}")


def other_document(ctx: Ctx, tpl: dict) -> OtherParts:
    fields = _fields(ctx)
    attachment = None
    articles: list[str] = []
    tags = {tpl["topic"]} | ({"ubnd"} if ctx.issuer.is_committee else set())
    if tpl["key"] == "qd_ke_khai":
        attachment = _asset_table(ctx, fields, tpl)
    if tpl["key"] == "qd_bhxh":
        _bhxh_fields(ctx, fields)
    if "articles" in tpl:
        who = (f"{fields['hon']} {fields['name']}" if "name" in fields
               else "các ông, bà có tên tại Điều 1")
        texts = [fmt(a, fields) for a in tpl["articles"]] + [closing(ctx, who)]
        articles = [f"Điều {i}. {t}" for i, t in enumerate(texts, 1)]
    return OtherParts(
        doc_type=tpl["doc_type"], subject=fmt(tpl["subject"], fields), topic=tpl["topic"],
        body=[fmt(p, fields) for p in tpl.get("body", [])],
        addressees=_addressees(ctx, tpl, fields) if tpl["doc_type"] == "Công văn" else [],
        articles=articles, attachment=attachment, grounds_tags=tags)
