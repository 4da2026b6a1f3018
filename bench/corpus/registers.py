"""`make_register_specs(n, seed, families)`: decisions of the other registers (issue 10) with truth.

Organisation (R2), local government (R3: council resolutions, confirmations by the level above,
commune officials), awards and emulation (R4), training (R5). Documents go round the families in
turn; the first ones of each family cover every kind of decision (PLAN), later ones are drawn at
random, each from its own `random.Random` seeded by (seed, index), so `make_register_specs(n, s)`
is a prefix of `make_register_specs(n + k, s)`. A spec's `topic` is its family; its doc_id is
"r001", … (the personnel corpus of `make_specs` uses "d001", …).

Units, councils and communes are those of the records' seeded organisation tree
(`register_tree`), so what is read can be applied; after its PLAN every tenth decision of a family
(`register_tree.is_unknown_turn`) names one the tree lacks instead, and the spec's `event_notes`
say which events must then wait for review ({"expect": "review", "reason": …}).
"""
from __future__ import annotations

import random
from typing import Callable

from bench.corpus import register_awards as awards
from bench.corpus import register_events as ev
from bench.corpus import register_tree, vocab
from bench.corpus.register_org import build_organisation
from bench.corpus.decisions import closing
from bench.corpus.generate import _grounds, _recipients, _signer
from bench.corpus.people import Ctx, draw_name
from bench.corpus.spec import DecisionSpec, date_words

FAMILIES = ("organisation", "local_government", "awards", "training")
BUILDERS: dict[str, Callable[[random.Random, ev.Pick], ev.Draft]] = {
    **{t: build_organisation(t) for t in ("unit_founding", "unit_merger", "unit_split", "unit_rename",
                                            "unit_dissolution", "unit_reclassification", "unit_regulation")},
    "local_election": ev.build_local_election, "local_confirmation": ev.build_local_confirmation,
    "local_relief": ev.build_local_relief, "local_removal": ev.build_local_removal,
    "commune_retirement": ev.build_commune_retirement, "commune_resignation": ev.build_commune_resignation,
    "commune_transfer": ev.build_commune_transfer, "commune_recruitment": ev.build_commune_recruitment,
    "award": awards.build_award, "collective_award": awards.build_collective_award,
    "emulation_registration": awards.build_emulation_registration,
    "training_class": awards.build_training_class, "training_assignment": awards.build_training_assignment,
}
# (builder, form) per family: the first documents of a family cover these in this order.
PLAN: dict[str, list[tuple[str, str]]] = {
    "organisation": [("unit_founding", "single"), ("unit_merger", "single"), ("unit_split", "single"),
                     ("unit_rename", "single"), ("unit_dissolution", "single"),
                     ("unit_reclassification", "single"), ("unit_regulation", "single")],
    "local_government": [("local_election", "single"), ("local_confirmation", "single"),
                         ("local_relief", "single"), ("local_removal", "single"),
                         ("local_confirmation", "table"), ("local_election", "list"),
                         ("commune_retirement", "single"), ("commune_resignation", "single"),
                         ("commune_transfer", "single"), ("commune_recruitment", "single")],
    "awards": [("award", "single"), ("collective_award", "single"), ("emulation_registration", "table"),
               ("award", "table"), ("collective_award", "list"), ("emulation_registration", "single"),
               ("award", "list"), ("collective_award", "table"), ("emulation_registration", "list")],
    "training": [("training_class", "single"), ("training_assignment", "single"),
                 ("training_assignment", "table"), ("training_assignment", "list")],
}


def make_register_specs(n: int, seed: int = 0, families: tuple[str, ...] = FAMILIES) -> list[DecisionSpec]:
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown families {sorted(unknown)}; known: {', '.join(FAMILIES)}")
    plan = _plan(n, seed, families)
    turns: dict[str, int] = {}
    specs = []
    for i, (family, key, form) in enumerate(plan):
        nth = turns[key] = turns.get(key, -1) + 1
        unknown = register_tree.is_unknown_turn(i // len(families), len(PLAN[family]))
        specs.append(_make_one(i, family, key, ev.Pick(form, nth, seed, unknown), seed))
    return specs


def _plan(n: int, seed: int, families: tuple[str, ...]) -> list[tuple[str, str, str]]:
    out = []
    for i in range(n):
        family = families[i % len(families)]
        k, seq = i // len(families), PLAN[family]
        key, form = seq[k] if k < len(seq) else random.Random(f"sohoa-registers-plan:{seed}:{i}").choice(seq)
        out.append((family, key, form))
    return out


def _make_one(index: int, family: str, key: str, pick: ev.Pick, seed: int) -> DecisionSpec:
    rng = random.Random(f"sohoa-registers:{seed}:{index}")
    draft = BUILDERS[key](rng, pick)
    return _assemble(index, family, draft)


def _extra_grounds(ctx: Ctx, tags: set[str]) -> list[str]:
    out = []
    for g in ev.data()["ground"]:
        lo, hi = g["valid"]
        if lo <= ctx.issued.isoformat() <= hi and tags.intersection(g["for"]):
            out.append(g["text"])
    return out


def _resolution_frame(ctx: Ctx, draft: ev.Draft) -> dict:
    """Grounds, closing article, signer and recipients of a People's Council resolution."""
    iss = ctx.issuer
    term = ev.term_of(ctx.issued)
    proposal = (f"Xét Tờ trình số {ctx.rng.randint(10, 90):02d}/TTr-HĐND của Thường trực Hội đồng nhân dân "
                f"{iss.locality}; ý kiến thảo luận của đại biểu Hội đồng nhân dân tại kỳ họp.")
    close = (f"Giao Thường trực Hội đồng nhân dân {iss.locality} và {draft.who} thực hiện Nghị quyết này.\n"
             f"Nghị quyết này đã được Hội đồng nhân dân {iss.locality} khóa {iss.khoa.get(term, 'I')}, "
             f"kỳ họp thứ {ctx.rng.randint(2, 20)} thông qua ngày {date_words(ctx.issued)} và có hiệu lực "
             f"kể từ ngày thông qua./.")
    return {"grounds": vocab.grounds_for({"ubnd"}, ctx.issued) + [proposal], "closing": close,
            "lines": ("TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"), "title": "Chủ tịch", "authority": iss.authority,
            "recipients": [f"{iss.report_to};", f"{iss.leaders};", "Các đại biểu Hội đồng nhân dân;",
                           "Lưu: VT, VP."]}


def _decision_frame(ctx: Ctx, draft: ev.Draft) -> dict:
    lines, title, authority = _signer(ctx, True)
    grounds = _grounds(ctx, draft.tags)
    grounds = grounds[:-1] + _extra_grounds(ctx, draft.tags) + grounds[-1:]
    return {"grounds": grounds, "closing": closing(ctx, draft.who), "lines": lines, "title": title,
            "authority": authority, "recipients": _recipients(ctx, "Quyết định", len(draft.texts) + 1)}


def _assemble(index: int, family: str, draft: ev.Draft) -> DecisionSpec:
    ctx = draft.ctx
    iss = ctx.issuer
    frame = (_resolution_frame if draft.doc_type == "Nghị quyết" else _decision_frame)(ctx, draft)
    texts = draft.texts + [frame["closing"]]
    prefixed = [ln for ln in frame["lines"] if ln.split(" ", 1)[0] in ("KT.", "TM.", "Q.", "TL.", "TUQ.")]
    return DecisionSpec(
        doc_id=f"r{index + 1:03d}", parent_body=iss.parent or None, issuer=iss.name,
        issuer_display=iss.display, number=ctx.number, doc_type=draft.doc_type, issued_place=iss.place,
        issued_date=ctx.issued, date_style=ctx.style, subject=draft.subject, authority_line=frame["authority"],
        grounds=tuple(frame["grounds"]), articles=tuple(f"Điều {i}. {t}" for i, t in enumerate(texts, 1)),
        body=(), addressees=(), signer_authority=prefixed[-1].split(" ", 1)[0] if prefixed else None,
        signer_authority_line=prefixed[-1] if prefixed else None, signer_title=frame["title"],
        signer_name=draw_name(ctx, ctx.rng.random() < 0.3), signer_lines=tuple(frame["lines"]),
        recipients=tuple(frame["recipients"]), events=tuple(draft.events), attachment=draft.attachment,
        topic=family, event_notes=tuple(draft.notes or ({} for _ in draft.events)))
