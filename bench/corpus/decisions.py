"""Personnel decisions: one person, a few people listed in Điều 1, or an attached table.

Turns the `Drawn` events of bench.corpus.events into the subject, the grounds, the articles and
the attached table of a Quyết định, worded from data/wording.toml.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bench.corpus import vocab
from bench.corpus.events import DRAW, SHARED_DATE, Drawn
from bench.corpus.people import Ctx
from bench.corpus.spec import AttachedTable, date_words

SALARY_COLUMNS = ("STT", "Họ và tên", "Ngày sinh", "Chức vụ, đơn vị công tác", "Mã ngạch", "Bậc cũ",
                  "Hệ số cũ", "Bậc mới", "Hệ số mới", "Hưởng từ ngày")
TABLE_COLUMNS = {
    "salary_raise": (SALARY_COLUMNS, (9, 30, 20, 36, 14, 9, 11, 9, 11, 20)),
    "early_salary_raise": (SALARY_COLUMNS + ("Số tháng nâng trước",),
                           (9, 27, 20, 30, 13, 8, 10, 8, 10, 20, 12)),
    "seniority_allowance": (("STT", "Họ và tên", "Ngày sinh", "Chức vụ, đơn vị công tác", "Mã ngạch",
                             "Bậc", "Hệ số lương", "Mức hưởng (%)", "Hưởng từ ngày"),
                            (9, 32, 20, 38, 15, 9, 13, 13, 20)),
    "award": (("STT", "Họ và tên", "Chức vụ, đơn vị công tác"), (10, 50, 105)),
    "recruitment": (("STT", "Họ và tên", "Ngày sinh", "Trình độ chuyên môn", "Đơn vị công tác",
                     "Ngạch (mã ngạch)", "Bậc", "Hệ số lương"), (9, 28, 20, 32, 32, 25, 8, 12)),
}
TABLE_TYPES = tuple(TABLE_COLUMNS)
LIST_TYPES = ("transfer", "salary_raise", "seniority_allowance", "recruitment", "retirement", "award")
POST_TYPES = {"appointment", "reappointment", "transfer", "rotation", "relocation", "secondment",
              "dismissal", "recruitment"}


@dataclass
class Parts:
    """The content of one decision, before the formal frame (header, signer) is added."""

    subject: str
    articles: list[str]
    events: list[dict]
    notes: list[dict]
    attachment: AttachedTable | None
    grounds_tags: set[str]


def fmt(template: str, fields: dict) -> str:
    return template.format_map(fields)


def common_fields(ctx: Ctx) -> dict:
    iss = ctx.issuer
    award = "Bằng khen" if iss.key == "ubnd_tinh" else "Giấy khen"
    return {"staff": iss.staff, "STAFF": iss.staff.upper(), "year": ctx.issued.year,
            "prev_year": ctx.issued.year - 1, "head_of": iss.head_of, "award": award,
            "AWARD": award.upper(), "office": iss.office, "short": iss.short}


def grounds_tags(ctx: Ctx, etype: str) -> set[str]:
    law = "public" if ctx.issuer.staff == "viên chức" else "civil"
    tags = {etype}
    if ctx.issuer.is_committee:
        tags.add("ubnd")
    if etype != "award":
        tags.add(law)
    if etype in POST_TYPES:
        tags.add(f"{law}:post")
    if etype in ("resignation", "retirement"):
        tags.add(f"{law}:{etype}")
    return tags


def closing(ctx: Ctx, who: str) -> str:
    iss = ctx.issuer
    heads = [iss.office] + ([iss.proposer] if iss.proposer != iss.office else [])
    executors = ", ".join(heads) + f", Thủ trưởng các cơ quan, đơn vị có liên quan và {who}"
    return fmt(ctx.pick(vocab.load("wording")["closing"]["decision"]), {"executors": executors})


def _shared_date(ctx: Ctx, etype: str) -> tuple[dt.date, str]:
    """The date in Điều 1 ('kể từ ngày …'), or the signing date when the text gives none."""
    explicit = ctx.chance(0.3 if etype == "discipline" else 0.75)
    if not explicit:
        return ctx.issued, ""
    eff = ctx.issued + dt.timedelta(days=ctx.rng.randint(0, 20))
    return eff, f" kể từ ngày {ctx.d(eff)}"


def _subject(ctx: Ctx, w: dict, fields: dict, named: bool) -> str:
    pool = [s for s in w["subject"] if named or "{name}" not in s]
    return fmt(ctx.pick(pool), fields)


def _numbered(texts: list[str]) -> list[str]:
    return [f"Điều {i}. {t}" for i, t in enumerate(texts, 1)]


def single(ctx: Ctx, etype: str) -> Parts:
    w = vocab.load("wording")[etype]
    eff, clause = _shared_date(ctx, etype)
    d = DRAW[etype](ctx, eff)
    fields = {**common_fields(ctx), **d.fields, "eff_clause": clause,
              "eff_comma": "," + clause if clause else ""}
    key = "single_leader" if d.leader_move and "single_leader" in w else "single"
    texts = [fmt(ctx.pick(w[key]), fields)]
    if "second" in w:
        texts.append(fmt(ctx.pick(w["second"]), fields))
    texts.append(closing(ctx, f"{d.person.hon} {d.person.name}"))
    return Parts(_subject(ctx, w, fields, True), _numbered(texts), [d.event], [d.note], None,
                 grounds_tags(ctx, etype))


def listed(ctx: Ctx, etype: str) -> Parts:
    w = vocab.load("wording")[etype]
    eff, clause = _shared_date(ctx, etype) if etype in SHARED_DATE else (ctx.issued, "")
    ctx.several = True
    drawn = [DRAW[etype](ctx, eff) for _ in range(ctx.rng.randint(2, 4))]
    base = {**common_fields(ctx), "eff_clause": clause}
    lines = [fmt(ctx.pick(w["list_intro"]), base)]
    lines += [fmt(ctx.pick(w["list_item"]), {**base, **d.fields, "i": i})
              for i, d in enumerate(drawn, 1)]
    lines += [fmt(ctx.pick(w["list_outro"]), base)] if "list_outro" in w else []
    texts = ["\n".join(lines), closing(ctx, "các ông, bà có tên tại Điều 1")]
    return Parts(_subject(ctx, w, base, False), _numbered(texts), [d.event for d in drawn],
                 [d.note for d in drawn], None, grounds_tags(ctx, etype))


def caption(ctx: Ctx, doc_type: str = "Quyết định") -> str:
    return (f"(Kèm theo {doc_type} số {ctx.number} ngày {date_words(ctx.issued)} "
            f"của {ctx.issuer.head_of})")


def tabled(ctx: Ctx, etype: str, rows: int) -> Parts:
    w = vocab.load("wording")[etype]
    eff, clause = _shared_date(ctx, etype) if etype in SHARED_DATE else (ctx.issued, "")
    ctx.several = True
    drawn: list[Drawn] = [DRAW[etype](ctx, eff, True) for _ in range(rows)]
    base = {**common_fields(ctx), "eff_clause": clause, "count": f"{rows:02d}"}
    texts = [fmt(ctx.pick(w["table_intro"]), base)]
    texts += [fmt(ctx.pick(w["second"]), base)] if "{name}" not in w["second"][0] else []
    texts.append(closing(ctx, "các ông, bà có tên trong danh sách kèm theo"))
    columns, widths = TABLE_COLUMNS[etype]
    table = AttachedTable(
        title=fmt(ctx.pick(w["table_title"]), base), caption=caption(ctx),
        columns=columns, widths=widths,
        rows=tuple((str(i),) + d.row for i, d in enumerate(drawn, 1)))
    return Parts(_subject(ctx, w, base, False), _numbered(texts), [d.event for d in drawn],
                 [d.note for d in drawn], table, grounds_tags(ctx, etype))
