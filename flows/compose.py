"""The whole per-document pipeline as plain Python: the one place where the stages meet.

    file ─identify─▶ SourceFile ─keep─▶ original stored ─load─▶ Document ─parse─▶ Structure
         ─validate─▶ Findings ─extract─▶ Events ─deadline─▶ update_due        (bad file ─▶ quarantine)
         ─records─▶ RecordsUpdate (applied | needs review | …) ─index─▶ searchable, scoped by unit

The CLI, the web app and the Prefect flows all call `process_file`. It never raises for one bad
file: every failure becomes an `Outcome` with a stable error code, and the file is kept in
quarantine so nothing is lost. Stages that later issues add (checks, events, records, index) plug in
through `Stages` without this module changing shape.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import extractors
import validators
from index.backend import SearchBackend
from index.model import IndexedDocument
from records import Actor, RecordsStore, department_admin
from pipeline import intake, loaders, signatures, store, structure
from pipeline.config import PipelineConfig
from pipeline.errors import InputError, ProcessingError, SohoaError
from pipeline.model import Document, Event, Finding, Outcome, Structure
from pipeline.workdays import WorkCalendar, default_calendar

log = logging.getLogger(__name__)

Validator = Callable[[Document, Structure], Sequence[Finding]]
Extractor = Callable[[Document, Structure], Sequence[Event]]
# Rules over the extracted events; the last argument looks up a person's earlier events (or None).
# Not a string: Prefect builds a schema of the flows' parameters (a Context among them) and would
# resolve "validators…" against the Stages field of that name.
EventCheck = Callable[[Sequence[Event], Structure, validators.HistoryLookup | None], Sequence[Finding]]


@dataclass(frozen=True)
class Stages:
    """The pluggable content stages; each is a pure function of the read document."""

    validators: tuple[Validator, ...] = ()
    extractors: tuple[Extractor, ...] = ()
    event_checks: tuple[EventCheck, ...] = ()


def default_stages(today: dt.date) -> Stages:
    """Every document check (digitization, Decree 30 format, signatures), the event extractors, then
    the rules over the events (personnel rules with the person's history, the registers' rules).

    The extractors return every person they recognise, including those of social-insurance and
    asset-declaration decisions (`applicable=False`); `analyse` keeps those out of the events.
    """
    return Stages(
        validators=validators.all_document_checks(today),
        extractors=(lambda document, parsed: extractors.extract(document, parsed).events,),
        event_checks=(validators.check_events,),
    )


@dataclass(frozen=True)
class Context:
    config: PipelineConfig
    calendar: WorkCalendar = field(default_factory=default_calendar)
    stages: Stages = field(default_factory=Stages)
    dry_run: bool = False  # read and report, but store nothing (no originals, no quarantine)
    records: RecordsStore | None = None  # where events are applied (None: read only)
    actor: Actor | None = None  # on whose behalf (scope: R6); the Department when None
    search: SearchBackend | None = None  # where the document is indexed (None: not indexed)


class _Clock:
    """Collects the time spent per stage, for the benchmarks."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + (now - self._last)
        self._last = now


def read_document(path: Path, ctx: Context, clock: _Clock | None = None) -> tuple[Document, Structure]:
    """identify → keep the original → load → parse. Raises SohoaError subclasses."""
    clock = clock or _Clock()
    source = intake.identify(path, ctx.config.limits)
    clock.lap("identify")
    if not ctx.dry_run:
        store.keep(path, source, ctx.config.paths)
        clock.lap("store")
    document = loaders.load(path, source, ctx.config)
    if source.media_type == intake.PDF:
        version, found = signatures.read_pdf_facts(path)
        document = replace(document, pdf_version=version, signatures=found)
    clock.lap("load")
    parsed = structure.parse(document)
    clock.lap("structure")
    return document, parsed


def analyse(document: Document, parsed: Structure, ctx: Context, clock: _Clock | None = None) -> Outcome:
    """validate → extract → check the events (with the records' history) → deadline."""
    clock = clock or _Clock()
    findings: list[Finding] = []
    for validate in ctx.stages.validators:
        findings.extend(validate(document, parsed))
    clock.lap("validate")
    events: list[Event] = []
    for extract in ctx.stages.extractors:
        events.extend(extract(document, parsed))
    clock.lap("extract")
    not_applicable = [e for e in events if not e.applicable]
    if not_applicable:
        findings.append(_not_applicable_finding(not_applicable))
    events = [e for e in events if e.applicable]
    if ctx.stages.event_checks and events:
        history_of = _history_lookup(ctx)
        for check in ctx.stages.event_checks:
            findings.extend(check(events, parsed, history_of))
        clock.lap("check_events")
    due = None
    if parsed.issued_date is not None:
        due = ctx.calendar.add_workdays(parsed.issued_date, ctx.config.deadline_days)
    return Outcome(
        source="",
        sha256=document.source.sha256,
        document=document,
        structure=parsed,
        findings=tuple(findings),
        events=tuple(events),
        update_due=due,
    )


def _history_lookup(ctx: Context) -> "validators.HistoryLookup | None":
    """A person's applied events from the records, so raise intervals and terms are checked
    against the file (a dry run too: a draft is checked against the files it would change); None
    when reading without records."""
    if ctx.records is None:
        return None
    records, actor = ctx.records, ctx.actor or department_admin("sohoa")
    return lambda person: records.person_history(person, actor)


def _not_applicable_finding(events: Sequence[Event]) -> Finding:
    """Social insurance and asset declarations are recognised, indexed, and never applied (R1.4)."""
    kinds = sorted({e.type for e in events})
    return Finding(
        rule="EVENTS-NOT-APPLICABLE",
        severity="info",
        message=(
            f"Văn bản về {', '.join(_OUT_OF_SCOPE.get(k, k) for k in kinds)} của {len(events)} người: "
            "được lưu và tra cứu nhưng không cập nhật vào hồ sơ (tỉnh không cho phép)."
        ),
        source="Công văn 3647/SNV-VP ngày 31/8/2020, mục 1.1",
    )


_OUT_OF_SCOPE = {"social_insurance": "bảo hiểm xã hội", "asset_declaration": "kê khai tài sản"}


def keep(outcome: Outcome, ctx: Context, clock: _Clock) -> Outcome:
    """Apply the events to the records, then index the document under the units it concerns."""
    if ctx.dry_run:
        return outcome
    if ctx.records is not None:
        update = ctx.records.apply(outcome, ctx.actor or department_admin("sohoa"))
        outcome = replace(outcome, records=update.to_dict())
        clock.lap("records")
    if ctx.search is not None:
        unit_path = ctx.records.scope_path(outcome) if ctx.records is not None else ()
        with _index_lock:  # one writer at a time on the embedded index
            ctx.search.add(IndexedDocument.from_outcome(outcome, unit_path=unit_path))
        clock.lap("index")
    return outcome


_index_lock = threading.Lock()


def process_file(path: Path, ctx: Context, display_name: str | None = None) -> Outcome:
    """Run one file through every stage. Never raises: failures become failed outcomes."""
    name = display_name if display_name is not None else str(path)
    clock = _Clock()
    try:
        document, parsed = read_document(path, ctx, clock)
        # named before keep(): the records and the index keep the name the file came in under
        outcome = keep(replace(analyse(document, parsed, ctx, clock), source=name), ctx, clock)
        return replace(outcome, timings=clock.timings)
    except SohoaError as exc:
        return _failed(path, name, exc, ctx)
    except Exception as exc:  # a bug or an untranslated library error: still one failed file, not a batch
        log.exception("unexpected failure on %s", name)
        wrapped = ProcessingError(f"Lỗi không xác định khi xử lý tệp ({type(exc).__name__}).")
        return _failed(path, name, wrapped, ctx)


def refuse(path: Path, ctx: Context, exc: SohoaError, display_name: str | None = None) -> Outcome:
    """The failed outcome of a file refused without being read (`exc` says why), quarantined
    like any bad input."""
    return _failed(path, display_name if display_name is not None else str(path), exc, ctx)


def _failed(path: Path, name: str, exc: SohoaError, ctx: Context) -> Outcome:
    quarantined = None
    sha = _sha256_or_none(path)
    # Input problems and unexpected failures are put aside; a missing dependency or a retryable
    # failure is not the file's fault, so the file stays where it is for the next try.
    if not ctx.dry_run and (isinstance(exc, InputError) or type(exc) is ProcessingError):
        try:
            quarantined = str(store.quarantine(path, exc, ctx.config.paths, source_name=name))
        except SohoaError as store_exc:
            log.error("could not quarantine %s: %s", name, store_exc)
    return Outcome(
        source=name,
        sha256=sha,
        error_code=exc.code,
        error_message=exc.message,
        quarantined=quarantined,
    )


def _sha256_or_none(path: Path) -> str | None:
    try:
        return intake.sha256_of(path)
    except OSError:
        return None
