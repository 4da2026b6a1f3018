"""Decisions that amend or revoke earlier ones, and superseding the earlier events (R1).

`cited(structure)` reads "Thu hồi Quyết định số 123/QĐ-UBND …" / "Sửa đổi Điều 1 Quyết định số
…" from the subject and the operative articles (patterns: records/data/amendments.toml).
`settle_citations` works in both directions, so the order documents are read in does not matter:
a revoking decision read first supersedes the earlier one's events the moment they arrive.
Only a decision of the same issuer (or of a unit above it) may supersede: a number alone is not
unique across the province.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import Select, bindparam, or_, select

from pipeline.model import Structure
from pipeline.vietnamese import fold, fold_aligned, nfc
from records.codec import name_key, number_key
from records.context import Ctx
from records.schema import Document, Event, Person, ReviewItem
from records.timeline import Timeline, remove_effects

OPEN = ("applied", "needs_review", "pending_transfer")


@dataclass(frozen=True)
class Citation:
    action: str  # revoke | amend
    number_key: str


@lru_cache(maxsize=1)
def _rules() -> tuple[list[tuple[str, re.Pattern[str]]], int]:
    text = resources.files("records.data").joinpath("amendments.toml").read_text("utf-8")
    data = tomllib.loads(text)
    window, number = int(data["window"]), data["number"]
    out = []
    for action in data["action"]:
        words = "|".join(r"\s+".join(map(re.escape, fold(w).split())) for w in action["words"])
        out.append((action["key"], re.compile(rf"(?<!\w)(?P<act>{words})(?!\w).{{0,{window}}}?{number}", re.S)))
    return out, window


_SENTENCE_START = re.compile(r"(?:^|[.:;!?\n(]|v/v|về việc)\s*$", re.IGNORECASE)


def _is_action(text: str, start: int, end: int) -> bool:
    """The matched words are a verb, not a name: "Nguyễn Văn Huy bổ nhiệm" folds to "huy bo" like
    "hủy bỏ". A capitalised word counts only at the start of a sentence, or in an all-caps line."""
    word = text[start:end]
    if not word[:1].isupper() or word.isupper():
        return True
    return bool(_SENTENCE_START.search(text[max(0, start - 12):start]))


def cited(structure: Structure) -> Citation | None:
    """The earlier decision this one revokes or amends, if it says so. The subject and each
    article are searched on their own (a match never spans two of them)."""
    texts = [structure.subject or ""] + [a.text for a in structure.articles]
    patterns, _ = _rules()
    for action, pattern in patterns:  # revoke first: "thu hồi và thay thế" is a revocation
        for text in texts:
            folded = fold_aligned(nfc(text)).lower()  # one character per character: spans index `text`
            for m in pattern.finditer(folded):
                key = number_key(m.group("num"))
                if key and _is_action(text, m.start("act"), m.end("act")):
                    return Citation(action, key)
    return None


def _related(ctx: Ctx, newer: Document, older: Document) -> bool:
    """The newer decision's issuer is the older one's (today) or a unit above it."""
    a = ctx.tree.live(newer.issuer_unit_code, ctx.today)
    b = ctx.tree.live(older.issuer_unit_code, ctx.today)
    if a and b:
        return ctx.tree.contains(a, b)
    return bool(newer.issuer and older.issuer and name_key(newer.issuer) == name_key(older.issuer))


def documents_for(ctx: Ctx, sha256: str, identity: str, number: str | None,
                  citation: Citation | None) -> list[Document]:
    """One query for the document itself, other files of the same decision (same identity), and
    every stored one it cites or that cites it."""
    query = _RELATED[(citation is not None, number is not None)]
    return list(ctx.session.scalars(query, {"sha": sha256, "identity": identity,
                                            "cites": citation and citation.number_key, "number": number}))


def _related_query(cites: bool, number: bool) -> Select[tuple[Document]]:
    wanted = [Document.sha256 == bindparam("sha"), Document.identity == bindparam("identity")]
    if cites:
        wanted.append(Document.number_key == bindparam("cites"))
    if number:
        wanted.append(Document.amends_number_key == bindparam("number"))
    return select(Document).where(or_(*wanted))


_RELATED = {(c, n): _related_query(c, n) for c in (False, True) for n in (False, True)}


def settle_citations(ctx: Ctx, doc: Document, others: list[Document]) -> list[int]:
    """Supersede what `doc` revokes/amends, and what revokes/amends `doc`, among `others`
    (from `documents_for`); returns the superseded event ids."""
    out: list[int] = []
    cites = doc.amends_number_key if doc.amends_action else None
    for other in others:
        if other.sha256 == doc.sha256 or other.status == "duplicate":
            continue
        if cites and other.number_key == cites and _related(ctx, doc, other):
            out += _supersede(ctx, doc, other)
        if doc.number_key and other.amends_number_key == doc.number_key and other.amends_action \
                and _related(ctx, other, doc):
            out += _supersede(ctx, other, doc)
    return out


def _events_of(ctx: Ctx, doc: Document) -> list[Event]:
    return list(ctx.session.scalars(select(Event).where(Event.document_sha256 == doc.sha256).order_by(Event.id)))


def _supersede(ctx: Ctx, newer: Document, older: Document) -> list[int]:
    ctx.session.flush()  # from here on the database sees this decision's rows (rare path)
    victims = [e for e in _events_of(ctx, older) if e.status in OPEN]
    replacing = _events_of(ctx, newer)
    if newer.amends_action == "amend":
        ids = {e.person_id for e in replacing if e.person_id}
        names = {name_key(e.person_name) for e in replacing}
        victims = [v for v in victims if v.person_id in ids or name_key(v.person_name) in names]
    by_person = {e.person_id: e.id for e in replacing if e.person_id}
    first = replacing[0].id if replacing else None
    for victim in victims:
        supersede_event(ctx, victim, by_person.get(victim.person_id, first), newer.sha256)
    return [v.id for v in victims]


def supersede_event(ctx: Ctx, victim: Event, by_event: int | None, by_sha256: str) -> None:
    """Mark one event superseded; if it was applied, its rows leave the person's file and the
    unit registers (records.registers.forget: seats, heads, a unit's awards and classes, the tree)."""
    before: dict[str, Any] = {"status": victim.status}
    person = ctx.session.get(Person, victim.person_id) if victim.person_id is not None else None
    if victim.status == "applied":
        from records import registers  # imported here: registers builds on records.apply, which imports this
        undone = registers.forget(ctx, victim)
        if undone:
            before["registers"] = undone
    if victim.status == "applied" and person is not None:
        timeline = Timeline(ctx.session, person)
        before["rows"] = remove_effects(ctx.session, timeline, victim.id)
        timeline.refresh_person(ctx.tree, ctx.today)
    for item in ctx.session.scalars(select(ReviewItem).where(ReviewItem.event_id == victim.id,
                                                             ReviewItem.status == "open")):
        item.status, item.resolved_at, item.resolved_by = "closed", ctx.now, ctx.actor.user
        item.note = f"Bị thay thế bởi văn bản {by_sha256[:12]}"
    victim.status, victim.superseded_by_id = "superseded", by_event
    victim.resolved_at = victim.resolved_at or ctx.now
    ctx.audit("supersede", person=person, event=victim, sha256=by_sha256, before=before,
              after={"status": "superseded", "superseded_by": by_event})
