"""Applying one read decision to the records: document row, then each event in turn.

For each event: already known (fingerprint) → unchanged; held by the review policy → queue;
otherwise find the person, check the actor's scope on the file's unit and the destination,
and write the rows (or queue a transfer for the parent unit, or refuse). Every change leaves an
audit entry. Afterwards amendments and revocations are settled in both directions.

Rows are linked as objects and flushed once per document (ids are not needed on the way), which
is what keeps applying at hundreds of events per second; a flush happens earlier only where a
query must see this document's own pending writes (the same person twice in one decision).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from pipeline.contract import finding_to_dict
from pipeline.model import Event, Outcome
from pipeline.vietnamese import canonical
from records import amendments
from records.codec import document_identity, event_to_json, fingerprint, name_key, number_key, subject_name
from records.context import Ctx
from records.errors import InvalidRequest
from records.matching import Match, match_person, valid_personal_id
from records.policy import ASSIGNING, LOCAL, MOVES, PARALLEL, UNIT_LEVEL, Hold, applicable, hold, review_hold
from records.results import EventResult, RecordsUpdate
from records.schema import Document, Event as EventRow, Person, ReviewItem
from records.timeline import Timeline, row_dict, write_effects

TERMINAL = ("applied", "refused", "superseded")
_KNOWN = select(EventRow).where(EventRow.fingerprint.in_(bindparam("prints", expanding=True)))
_MATCH_REASONS = {"ambiguous": "ambiguous_person", "unmatched": "unmatched_person",
                  "conflict": "personal_id_conflict"}


@dataclass
class Settled:
    """What became of one event; ids are read only after the flush."""

    row: EventRow
    item: ReviewItem | None = None
    message: str | None = None

    def result(self, index: int, event: Event, status: str | None = None) -> EventResult:
        row = self.row
        return EventResult(index, event.type, subject_name(event), status or row.status, row.reason,
                           self.message, row.person_id, row.id, self.item.id if self.item else None)


def apply_outcome(ctx: Ctx, outcome: Outcome) -> RecordsUpdate:
    st = outcome.structure
    if not outcome.ok or st is None or not outcome.sha256:
        return RecordsUpdate(outcome.sha256, "skipped")
    events = [(i, e) for i, e in enumerate(outcome.events) if applicable(e)]
    left_out = len(outcome.events) - len(events)
    identity = document_identity(outcome.sha256, st)
    prints = [fingerprint(identity, e) for _, e in events]
    citation, own_number = amendments.cited(st), number_key(st.number)
    related = amendments.documents_for(ctx, outcome.sha256, identity, own_number, citation)
    doc = next((d for d in related if d.sha256 == outcome.sha256), None)
    # A fingerprint embeds the decision's identity: none can be known unless a document of this
    # file or this identity is (which saves a query for every new decision).
    seen = any(d.sha256 == outcome.sha256 or d.identity == identity for d in related)
    known = {r.fingerprint: r for r in ctx.session.scalars(_KNOWN, {"prints": prints})} if prints and seen else {}
    if doc is not None and all(p in known for p in prints):
        results = tuple(Settled(known[p]).result(i, e, "unchanged") for (i, e), p in zip(events, prints))
        return RecordsUpdate(doc.sha256, doc.status, results, doc.due_date, doc.due_policy, left_out)
    existing = doc is not None
    if doc is None:
        doc = _new_document(ctx, outcome, identity, {e.type for _, e in events}, citation)
    settled = []
    for (i, event), fp in zip(events, prints):
        if fp in known:
            settled.append((i, event, Settled(known[fp]), "unchanged"))
        else:
            settled.append((i, event, _new_event(ctx, doc, outcome, i, event, fp), None))
    mine = [s.row for _, _, s, _ in settled if s.row.document_sha256 == doc.sha256]
    superseded = amendments.settle_citations(ctx, doc, related)
    if existing or superseded:  # it may hold events this reading no longer produces
        refresh_status(ctx, doc.sha256)
    else:  # decided before the flush: no UPDATE after the INSERT
        set_status(doc, [r.status for r in mine], _duplicate_of(doc, prints, known))
    ctx.session.flush()
    for sha in _documents_of(ctx, superseded) - {doc.sha256}:
        refresh_status(ctx, sha)
    results = tuple(s.result(i, e, status) for i, e, s, status in settled)
    return RecordsUpdate(doc.sha256, doc.status, results, doc.due_date, doc.due_policy,
                         left_out, tuple(superseded), changed=True)


def _duplicate_of(doc: Document, prints: list[str], known: dict[str, EventRow]) -> str | None:
    """Another file of the same decision (a second scan): every event was known from it."""
    others = {known[p].document_sha256 for p in prints if p in known} - {doc.sha256}
    if prints and all(p in known for p in prints) and len(others) == 1:
        return others.pop()
    return None


def _documents_of(ctx: Ctx, event_ids: list[int]) -> set[str]:
    if not event_ids:
        return set()
    return set(ctx.session.scalars(select(EventRow.document_sha256).where(EventRow.id.in_(event_ids))))


def _new_document(ctx: Ctx, outcome: Outcome, identity: str, types: set[str],
                  citation: amendments.Citation | None) -> Document:
    st = outcome.structure
    assert st is not None and outcome.sha256
    tree = ctx.tree
    issuer = tree.resolve(st.issuer, st.issued_date)
    if issuer is None and st.issuer and st.parent_body:
        issuer = tree.resolve(f"{st.issuer} {st.parent_body}", st.issued_date)
    dues: dict[str, str] = {}
    if st.issued_date and types:
        for policy in ctx.config.policies():
            if policy.applies_to(st.issued_date):
                dues[policy.key] = policy.due(st.issued_date, frozenset(types), ctx.config.calendar).isoformat()
    strictest = min(dues.items(), key=lambda kv: kv[1]) if dues else None
    doc = Document(
        sha256=outcome.sha256, identity=identity, source=outcome.source, number=st.number,
        number_key=number_key(st.number),
        doc_type=st.doc_type, issuer=st.issuer, issuer_unit_code=issuer,
        owner_unit_code=tree.live(issuer, ctx.today) or ctx.actor.unit, issued_date=st.issued_date,
        subject=st.subject, signer_name=st.signer_name,
        pages=len(outcome.document.pages) if outcome.document else 0,
        page_sizes=[[round(p.width, 1), round(p.height, 1)] for p in outcome.document.pages]
        if outcome.document else None,
        findings=[finding_to_dict(f) for f in outcome.findings], received_at=ctx.now,
        status="no_events", dues=dues,
        due_date=dt.date.fromisoformat(strictest[1]) if strictest else None,
        due_policy=strictest[0] if strictest else None,
        amends_action=citation.action if citation else None,
        amends_number_key=citation.number_key if citation else None)
    ctx.session.add(doc)
    ctx.audit("receive_document", sha256=doc.sha256,
              after={"number": doc.number, "issuer_unit": issuer, "due_date": doc.due_date and
                     doc.due_date.isoformat(), "due_policy": doc.due_policy})
    return doc


def _new_event(ctx: Ctx, doc: Document, outcome: Outcome, index: int, event: Event, fp: str) -> Settled:
    day = event.effective_date or doc.issued_date
    row = EventRow(fingerprint=fp, document_sha256=doc.sha256, seq=index, type=event.type,
                   person_name=subject_name(event), effective_date=day, confidence=event.confidence,
                   page=event.page, payload=event_to_json(event), status="new", created_at=ctx.now)
    held = review_hold(event, outcome.findings, day is not None, ctx.config)
    if held is not None:
        settled = queue(ctx, doc, row, "review", held, unit=_likely_unit(ctx, doc, event, day))
    else:
        settled = settle(ctx, doc, row, event)
    ctx.session.add(row)  # added once settled: an earlier flush would insert it, then update it
    return settled


def _likely_unit(ctx: Ctx, doc: Document, event: Event, day: dt.date | None) -> str | None:
    """The unit whose reviewers should see a held event: where the person is (or the unit the
    event is about), else the issuer."""
    names = [post.unit for post in (event.from_post, event.to_post) if post and post.unit]
    names += [event.unit.name, event.unit.parent] if event.unit is not None else []
    for name in names:
        code = ctx.tree.resolve(name, day, doc.issuer_unit_code) if name else None
        if code:
            return ctx.tree.live(code, ctx.today)
    return doc.owner_unit_code


def queue(ctx: Ctx, doc: Document, row: EventRow, kind: str, why: Hold, *, unit: str | None,
          candidates: tuple[int, ...] = (), person: Person | None = None,
          from_unit: str | None = None, to_unit: str | None = None) -> Settled:
    """Put an event in the queue: kind review (a doubt) or transfer (the parent must approve)."""
    row.status = "needs_review" if kind == "review" else "pending_transfer"
    row.reason, row.person = why.reason, person
    item = ReviewItem(kind=kind, event=row, reason=why.reason, message=why.message,
                      candidates=list(candidates), unit_code=unit, person_id=person.id if person else None,
                      from_unit_code=from_unit, to_unit_code=to_unit, requested_by=ctx.actor.user,
                      status="open", created_at=ctx.now)
    ctx.session.add(item)
    ctx.audit(f"queue_{kind}", person=person, event=row, sha256=doc.sha256,
              after={"reason": why.reason, "unit": unit})
    return Settled(row, item, why.message)


def refuse(ctx: Ctx, doc: Document, row: EventRow, why: Hold) -> Settled:
    row.status, row.reason, row.resolved_at = "refused", why.reason, ctx.now
    ctx.audit("refuse", event=row, sha256=doc.sha256, after={"reason": why.reason})
    return Settled(row, None, why.message)


def settle(ctx: Ctx, doc: Document, row: EventRow, event: Event, *, chosen: int | None = None,
           create: bool = False, skip_scope: bool = False, reviewing: bool = False) -> Settled:
    """Write the event, queue it, or refuse it: a unit's event or a mandate goes to the registers
    (which check the unit or body it concerns), every other one to `settle_person`."""
    if event.type in UNIT_LEVEL or event.type in LOCAL:
        # Imported here: records.registers builds on this module's queue and refuse.
        from records import registers
        return registers.settle(ctx, doc, row, event, chosen=chosen, create=create, reviewing=reviewing)
    return settle_person(ctx, doc, row, event, chosen=chosen, create=create, skip_scope=skip_scope,
                         reviewing=reviewing)


def settle_person(ctx: Ctx, doc: Document, row: EventRow, event: Event, *, chosen: int | None = None,
                  create: bool = False, skip_scope: bool = False, reviewing: bool = False) -> Settled:
    """Match the person, check scope, then write, queue a transfer, or refuse."""
    tree, day = ctx.tree, row.effective_date
    assert day is not None
    context = doc.issuer_unit_code
    to_code = tree.resolve(event.to_post.unit, day, context) if event.to_post and event.to_post.unit else None
    if event.type in MOVES and event.to_post and event.to_post.unit and to_code is None and not reviewing:
        return queue(ctx, doc, row, "review", hold("no_unit"), unit=doc.owner_unit_code)
    from_code = tree.resolve(event.from_post.unit, day, context) if event.from_post and event.from_post.unit else None
    hints = [tree.live(from_code, ctx.today), tree.live(to_code, ctx.today), tree.live(context, ctx.today)]
    if any(isinstance(o, Person) for o in ctx.session.new):
        ctx.session.flush()  # a person created earlier in this decision must be findable
    match = Match("matched", chosen, "chosen") if chosen else match_person(
        ctx.session, tree, event, hints, create or event.type == "recruitment" or ctx.config.create_unknown_people,
        ctx.today)
    if match.status in ("ambiguous", "unmatched", "conflict"):
        why = hold(_MATCH_REASONS[match.status], event.person.name)
        if reviewing:  # the reviewer must pick the person; never guess on their behalf
            raise InvalidRequest(f"{why.message} Hồ sơ có thể chọn: {list(match.candidates)}")
        return queue(ctx, doc, row, "review", why, unit=hints[0] or hints[2] or doc.owner_unit_code,
                     candidates=match.candidates)
    person = match.person or (ctx.session.get(Person, match.person_id) if match.person_id else None)
    holder = tree.live(person.unit_code, ctx.today) if person else None
    dest = tree.live(to_code, ctx.today) if event.type in MOVES and to_code else holder
    if dest is None and person is None:  # a new file starts where the decision points
        dest = next((h for h in hints if h), None)
    if not skip_scope:
        src_ok = person is None or ctx.in_scope(holder)
        dst_ok = ctx.in_scope(dest)
        if not (src_ok and dst_ok):
            if not (src_ok or dst_ok):
                return refuse(ctx, doc, row, hold("out_of_scope", ctx.actor.unit))
            named = event.to_post.unit if event.to_post else None
            detail = f"{tree.full_name(holder) or '—'} → {tree.full_name(dest) or named or '—'}"
            return queue(ctx, doc, row, "transfer", hold("transfer", detail), unit=tree.approver(holder, dest),
                         person=person, from_unit=holder, to_unit=dest,
                         candidates=(person.id,) if person else ())
    return write(ctx, doc, row, event, person or _new_person(ctx, event, row))


def _new_person(ctx: Ctx, event: Event, row: EventRow) -> Person:
    p = event.person
    person = Person(name=canonical(p.name), name_folded=name_key(p.name), birth_date=p.birth_date,
                    personal_id=valid_personal_id(p.personal_id), sex=p.sex, status="active",
                    created_at=ctx.now)
    ctx.session.add(person)
    ctx.audit("create_person", person=person, event=row,
              after={"name": person.name, "birth_date": p.birth_date and p.birth_date.isoformat(),
                     "personal_id": person.personal_id})
    return person


def write(ctx: Ctx, doc: Document, row: EventRow, event: Event, person: Person) -> Settled:
    """Write the event's rows into the person's file (scope already settled)."""
    if id(person) in ctx.touched:
        ctx.session.flush()  # the same person earlier in this decision: load what was written
    ctx.touched.add(id(person))
    _complete_identity(person, event)
    timeline = Timeline(ctx.session, person)
    posts, pay = event.type in ASSIGNING or event.type in PARALLEL, event.salary is not None
    before = timeline.snapshot(ctx.today, posts, pay)
    assert row.effective_date is not None
    rows = write_effects(ctx.session, ctx.tree, ctx.config, timeline, event, row, doc.sha256,
                         row.effective_date, doc.issuer_unit_code)
    timeline.refresh_person(ctx.tree, ctx.today)
    row.status, row.person, row.resolved_at = "applied", person, ctx.now
    after: dict[str, Any] = timeline.snapshot(ctx.today, posts, pay)
    after["rows"] = [row_dict(r) for r in rows]
    ctx.audit("apply", person=person, event=row, sha256=doc.sha256, before=before, after=after)
    return Settled(row)


def _complete_identity(person: Person, event: Event) -> None:
    """A decision may state what the file lacks (personal ID, birth date, sex); never overwrite."""
    p = event.person
    pid = valid_personal_id(p.personal_id)
    if person.personal_id is None and pid:
        person.personal_id = pid
    if person.birth_date is None and p.birth_date:
        person.birth_date = p.birth_date
    if person.sex is None and p.sex:
        person.sex = p.sex


def set_status(doc: Document, statuses: list[str], duplicate_of: str | None = None) -> None:
    """A document's status from its events: in review while any waits, else what happened."""
    if duplicate_of and not statuses:
        doc.status, doc.duplicate_of = "duplicate", duplicate_of
    elif not statuses:
        doc.status = "no_events"
    elif any(s not in TERMINAL for s in statuses):
        doc.status = "in_review"
    elif all(s == "superseded" for s in statuses):
        doc.status = "superseded"
    elif all(s == "refused" for s in statuses):
        doc.status = "refused"
    else:
        doc.status = "applied"


def refresh_status(ctx: Ctx, sha256: str) -> None:
    doc = ctx.session.get(Document, sha256)
    if doc is None:
        return
    ctx.session.flush()
    set_status(doc, list(ctx.session.scalars(select(EventRow.status).where(EventRow.document_sha256 == sha256))),
               doc.duplicate_of)
