"""`make_specs(n, seed)`: a deterministic mix of synthetic documents with their ground truth.

The first twenty documents of any corpus cover all fifteen event types and every kind of
event-free document (PRIORITY, in an order that depends on the seed); later ones are drawn at
random. Each document draws from its own `random.Random` seeded by (seed, index), so
`make_specs(n, s)` is a prefix of `make_specs(n + k, s)`.
"""
from __future__ import annotations

import datetime as dt
import random

from bench.corpus import vocab
from bench.corpus.decisions import LIST_TYPES, TABLE_TYPES, listed, single, tabled
from bench.corpus.events import EVENT_TYPES
from bench.corpus.others import other_document
from bench.corpus.people import Ctx, draw_name
from bench.corpus.spec import DOC_TYPE_ABBR, DecisionSpec, format_number

FIRST_DAY, LAST_DAY = dt.date(2019, 1, 2), dt.date(2026, 9, 30)

# (family, what, form): a prefix of length 20 already covers every type and every document family.
PRIORITY = [
    ("event", "appointment", "single"), ("event", "salary_raise", "table"), ("other", "cv_cap_nhat", ""),
    ("event", "transfer", "list"), ("event", "retirement", "single"), ("other", "qd_bhxh", ""),
    ("event", "award", "table"), ("event", "dismissal", "single"), ("other", "tb_giao_ban", ""),
    ("event", "recruitment", "single"), ("event", "early_salary_raise", "single"),
    ("event", "seniority_allowance", "table"), ("event", "reappointment", "single"),
    ("other", "kh_van_thu", ""), ("event", "rotation", "single"), ("event", "relocation", "single"),
    ("event", "secondment", "single"), ("other", "qd_ke_khai", ""), ("event", "resignation", "single"),
    ("event", "discipline", "single"),
]
# Documents numbered per day of the year: a province issues far more than a commune.
DAILY_NUMBERS = {"ubnd_tinh": 11.0, "ubnd_long_thanh": 6.0, "ubnd_tran_bien": 2.5, "ubnd_xuan_loc": 1.5}


def make_specs(n: int, seed: int = 0) -> list[DecisionSpec]:
    plan = _plan(n, seed)
    return [_make_one(i, item, seed) for i, item in enumerate(plan)]


def _plan(n: int, seed: int) -> list[tuple[str, str, str]]:
    """PRIORITY in a seed-dependent order, then random items: plan(n) is a prefix of plan(n + k)."""
    head = list(PRIORITY)
    random.Random(f"sohoa-corpus-plan:{seed}").shuffle(head)
    others = [t["key"] for t in vocab.load("documents")["doc"]]
    plan = head[:n]
    for i in range(len(plan), n):
        rng = random.Random(f"sohoa-corpus-plan:{seed}:{i}")
        if rng.random() < 0.35:
            plan.append(("other", rng.choice(others), ""))
            continue
        form = rng.choices(["single", "list", "table"], [0.6, 0.15, 0.25])[0]
        pool = {"single": EVENT_TYPES, "list": LIST_TYPES, "table": TABLE_TYPES}[form]
        plan.append(("event", rng.choice(pool), form))
    return plan


def _draw_day(rng: random.Random, since: dt.date = FIRST_DAY) -> dt.date:
    day = since + dt.timedelta(days=rng.randint(0, (LAST_DAY - since).days))
    if day.weekday() >= 5:  # decisions are signed on working days
        day -= dt.timedelta(days=day.weekday() - 4)
    return max(day, since)


def _draw_issuer(rng: random.Random, day: dt.date, with_province: bool) -> vocab.Issuer:
    pool = [i for i in vocab.issuers() if i.valid_on(day) and (with_province or i.key != "ubnd_tinh")]
    return rng.choices(pool, [i.weight for i in pool])[0]


def _number(ctx: Ctx, doc_type: str) -> str:
    iss, rng = ctx.issuer, ctx.rng
    doy = ctx.issued.timetuple().tm_yday
    if rng.random() < 0.06:
        seq = rng.randint(1, 9)
    else:
        seq = max(10, int(doy * DAILY_NUMBERS.get(iss.key, 3.5) * rng.uniform(0.8, 1.2)))
    abbr = DOC_TYPE_ABBR[doc_type]
    symbol = f"{abbr}-{iss.abbr}" if abbr else f"{iss.abbr}-{iss.desk}"
    return format_number(seq, symbol)


def _signer(ctx: Ctx, decision: bool) -> tuple[tuple[str, ...], str, str | None]:
    """(printed lines, title, authority line of the decision-maker)."""
    iss, rng = ctx.issuer, ctx.rng
    head, deputy = iss.head.upper(), iss.deputy.upper()
    kt = ((f"KT. {head}", deputy), iss.deputy)
    plain = ((head,), iss.head)
    if iss.is_committee and decision and rng.random() < 0.5:
        lines, title = rng.choice([plain, kt])
        return (f"TM. {iss.collective}",) + lines, title, iss.authority_collective
    choices = [plain, kt, kt]
    if not iss.is_committee:
        choices.append(((f"Q. {head}",), f"Quyền {iss.head}"))
    if not decision:
        office = "Chánh Văn phòng" if iss.office.startswith("Chánh Văn phòng") else iss.office
        choices.append(((f"TL. {head}", office.upper()), office))
        if iss.proposer.startswith("Trưởng phòng"):
            choices.append(((f"TUQ. {head}", iss.proposer.upper()), iss.proposer))
    lines, title = rng.choice(choices)
    return lines, title, iss.authority if decision else None


def _recipients(ctx: Ctx, doc_type: str, articles: int) -> list[str]:
    iss = ctx.issuer
    store = f"Lưu: VT, {iss.desk}."
    if doc_type == "Quyết định":
        out = [f"Như Điều {articles};", f"{iss.report_to};"]
        if iss.key.startswith("so_") and iss.key != "so_noi_vu" and ctx.chance(0.5):
            out.append("Sở Nội vụ;")
        return out + [f"{iss.leaders};", store]
    if doc_type == "Công văn":
        return ["Như trên;", f"{iss.leaders};", store]
    return [f"Các phòng, đơn vị thuộc {iss.short};", f"{iss.leaders};", store]


def _grounds(ctx: Ctx, tags: set[str]) -> list[str]:
    iss, rng = ctx.issuer, ctx.rng
    charter = vocab.load("grounds")["charter"]
    out = []
    if not iss.is_committee:
        lo = max(dt.date(2016, 1, 1), ctx.issued - dt.timedelta(days=6 * 365))
        if ctx.issued >= dt.date(2025, 8, 1):
            lo = dt.date(2025, 7, 1)
        day = lo + dt.timedelta(days=rng.randint(0, max(1, (ctx.issued - lo).days - 30)))
        key = "so" if iss.key.startswith("so_") else "unit"
        out.append(charter[key].format(n=rng.randint(10, 80), y=day.year, d=ctx.d(day),
                                       display=iss.display))
    out += vocab.grounds_for(tags, ctx.issued)
    if not iss.is_committee and tags & {"civil:post", "public:post"}:
        year = rng.randint(2016, min(ctx.issued.year, 2024))
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        out.append(charter["delegation"].format(n=rng.randint(10, 80), y=year, d=ctx.d(day)))
    verb = rng.choice(["Theo đề nghị của", "Xét đề nghị của"])
    return out + [f"{verb} {iss.proposer}."]


def _make_one(index: int, item: tuple[str, str, str], seed: int) -> DecisionSpec:
    family, what, form = item
    rng = random.Random(f"sohoa-corpus:{seed}:{index}")
    tpl = next((t for t in vocab.load("documents")["doc"] if t["key"] == what), None)
    since = dt.date.fromisoformat(tpl["since"]) if tpl else FIRST_DAY
    day = _draw_day(rng, since)
    if what == "qd_ke_khai" and day.month == 12:
        day = day.replace(day=rng.randint(1, 20), month=rng.randint(3, 11))
    ctx = Ctx(rng, _draw_issuer(rng, day, family == "event"), day,
              rng.choice(["numeric", "numeric", "words"]))
    doc_type = tpl["doc_type"] if tpl else "Quyết định"
    ctx.number = _number(ctx, doc_type)
    if tpl:
        parts = other_document(ctx, tpl)
        events, notes, topic = [], [], parts.topic
    else:
        rows = rng.choice([rng.randint(5, 12), rng.randint(18, 40)])
        parts = {"single": single, "list": listed}.get(form, lambda c, t: tabled(c, t, rows))(ctx, what)
        events, notes, topic = parts.events, parts.notes, "personnel"
    return _assemble(ctx, index, doc_type, parts, events, notes, topic)


def _assemble(ctx: Ctx, index: int, doc_type: str, parts, events, notes, topic) -> DecisionSpec:
    iss, rng = ctx.issuer, ctx.rng
    decision = doc_type == "Quyết định"
    lines, title, authority = _signer(ctx, decision)
    prefixed = [ln for ln in lines if ln.split(" ", 1)[0] in ("KT.", "TM.", "Q.", "TL.", "TUQ.")]
    parent = iss.parent or None
    if parent and "parent_alt" in iss.raw and rng.random() < 0.25:
        parent = iss.parent_alt
    unpadded = (ctx.issued.day < 10 or ctx.issued.month <= 2) and rng.random() < 0.05
    return DecisionSpec(
        doc_id=f"d{index + 1:03d}", parent_body=parent, issuer=iss.name, issuer_display=iss.display,
        number=ctx.number, doc_type=doc_type, issued_place=iss.place, issued_date=ctx.issued,
        date_style=ctx.style, subject=parts.subject, authority_line=authority,
        grounds=tuple(_grounds(ctx, parts.grounds_tags)) if decision else (),
        articles=tuple(parts.articles), body=tuple(getattr(parts, "body", ())),
        addressees=tuple(getattr(parts, "addressees", ())),
        signer_authority=prefixed[-1].split(" ", 1)[0] if prefixed else None,
        signer_authority_line=prefixed[-1] if prefixed else None,
        signer_title=title, signer_name=draw_name(ctx, rng.random() < 0.3), signer_lines=lines,
        recipients=tuple(_recipients(ctx, doc_type, len(parts.articles))),
        events=tuple(events), attachment=parts.attachment, topic=topic,
        event_notes=tuple(notes), defects=("date-not-padded",) if unpadded else ())
