"""`RecordsStore`: the records' public face — one transaction per call, actor-scoped.

    store = open_store("sqlite:///…/records.db")          # or postgresql+psycopg://…
    update = store.apply(outcome, actor)                   # a read decision → the files
    store.review_items(actor); store.approve(12, actor)    # the queue
    store.person_file(7, actor); store.timeliness(actor, unit="DN.SYT", start=…, end=…)

Writes in one process are serialised by a lock (SQLite has one writer anyway; on PostgreSQL it
keeps two documents about the same new person from racing); a clash with another process on a
unique key is retried once. Database failures surface as `RecordsUnavailable` (retryable).
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.model import Event as ReadEvent
from pipeline.model import Outcome
from pipeline.model import Person as ReadPerson
from records import (apply, completeness, db, deadlines, document_events, document_view, history, person_edit,
                     register_views, reporting, review, unit_import, views)
from records.config import Actor, StoreConfig
from records.context import Ctx
from records.errors import NotFound, NotPermitted, RecordsError, RecordsUnavailable
from records.orgtree import TREE_REVISION, OrgTree, Unit, sync_seed
from records.rules import rules
from records.results import EventResult, RecordsUpdate
from records.schema import AuditEntry, Document, Meta, Person

T = TypeVar("T")


class RecordsStore:
    def __init__(self, engine: Engine, config: StoreConfig, tree: OrgTree, tree_revision: str | None = None):
        self.engine, self.config, self.tree = engine, config, tree
        self._tree_revision = tree_revision  # the tree's version in `meta` when it was loaded
        self._lock = threading.Lock()
        # No autoflush: the write paths flush where an id or a database-side filter needs it,
        # which keeps the per-event cost down (issue 5's ≥ 500 events/s).
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=False)

    # ---------------------------------------------------------------- plumbing
    @contextmanager
    def _session(self, actor: Actor, need: str) -> Iterator[Ctx]:
        if not actor.can(need):
            raise NotPermitted(f"Vai trò '{actor.role}' không được phép ({need}).")
        with self._lock if need != "read" else nullcontext():
            with self._sessions() as session:
                try:
                    self._follow_tree(session)
                    if self.tree.get(actor.unit) is None:
                        raise NotPermitted(f"Đơn vị {actor.unit} không có trong cây tổ chức.")
                    ctx = Ctx(session, self.tree, self.config, actor, self.config.clock())
                    yield ctx
                    if need != "read":
                        ctx.write_audit()
                        session.commit()
                        if ctx.tree is not self.tree:  # a decision changed the tree (records.orgchanges)
                            self.tree, self._tree_revision = ctx.tree, tree_revision(session)
                except (RecordsError, IntegrityError):
                    session.rollback()
                    raise
                except OperationalError as exc:
                    session.rollback()
                    raise RecordsUnavailable(f"Cơ sở dữ liệu hồ sơ không sẵn sàng: {exc.orig!s:.200}") from exc
                except SQLAlchemyError as exc:
                    session.rollback()
                    raise RecordsError(f"Lỗi cơ sở dữ liệu hồ sơ ({type(exc).__name__}).") from exc

    def _follow_tree(self, session: Session) -> None:
        """Reload the tree when another process (or a seed) changed it since it was loaded."""
        revision = tree_revision(session)
        if revision != self._tree_revision:
            self.tree, self._tree_revision = load_tree(session, self.config), revision

    def _write(self, actor: Actor, need: str, work: Callable[[Ctx], T]) -> T:
        for attempt in (1, 2):
            try:
                with self._session(actor, need) as ctx:
                    return work(ctx)
            except IntegrityError as exc:  # another process wrote the same key meanwhile
                if attempt == 2:
                    raise RecordsError("Xung đột ghi dữ liệu hồ sơ; hãy thử lại.") from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------- writing
    def apply(self, outcome: Outcome, actor: Actor) -> RecordsUpdate:
        """Apply a read decision's events to the files (idempotent: a second time changes nothing)."""
        return self._write(actor, "apply", lambda ctx: apply.apply_outcome(ctx, outcome))

    def apply_many(self, outcomes: Sequence[Outcome], actor: Actor, batch: int = 50) -> list[RecordsUpdate]:
        """`apply` for bulk loads (a backlog of decisions): `batch` documents per transaction, in
        order, with the same results as one by one. When a batch fails it is redone one document
        at a time, so only a bad document fails — reported as status "failed" with its error."""
        out: list[RecordsUpdate] = []
        for start in range(0, len(outcomes), max(1, batch)):
            chunk = outcomes[start:start + batch]
            try:
                out += self._write(actor, "apply", lambda ctx: [apply.apply_outcome(ctx, o) for o in chunk])
            except (RecordsError, IntegrityError):
                out += [self._apply_alone(o, actor) for o in chunk]
        return out

    def _apply_alone(self, outcome: Outcome, actor: Actor) -> RecordsUpdate:
        try:
            return self.apply(outcome, actor)
        except RecordsError as exc:
            return RecordsUpdate(outcome.sha256, "failed", error=f"[{exc.code}] {exc.message}")

    def approve(self, review_id: int, actor: Actor, person_id: int | None = None) -> EventResult:
        """Approve a queued event (for an ambiguous name, `person_id` picks the file)."""
        return self._write(actor, "approve", lambda ctx: review.approve(ctx, review_id, person_id))

    def reject(self, review_id: int, actor: Actor, note: str | None = None) -> EventResult:
        return self._write(actor, "approve", lambda ctx: review.reject(ctx, review_id, note))

    def correct(self, review_id: int, actor: Actor, changes: dict[str, Any], person_id: int | None = None,
                note: str | None = None) -> EventResult:
        """Correct a queued event's fields (review.EDITABLE), audited, then apply it like `approve`."""
        return self._write(actor, "approve", lambda ctx: review.correct(ctx, review_id, changes, person_id, note))

    def update_person(self, person_id: int, actor: Actor, changes: dict[str, str],
                      note: str | None = None) -> person_edit.PersonEdit:
        """Complete or correct a file's identity fields by hand (records.person_edit), audited."""
        return self._write(actor, "approve", lambda ctx: person_edit.update_person(ctx, person_id, changes, note))

    def log_action(self, actor: Actor, action: str, details: dict[str, Any] | None = None, *,
                   person_id: int | None = None, sha256: str | None = None) -> None:
        """An audit entry for an action that changes no file (a login, an account change, reading a
        file or a document), so one log holds everything; `person_id`/`sha256` say which file or
        document was read. Needs only the "read" right: a failed login is logged too."""
        def work(ctx: Ctx) -> None:
            person = ctx.session.get(Person, person_id) if person_id is not None else None
            ctx.audit(action, person=person, sha256=sha256, after=details)
            ctx.write_audit()
            ctx.session.commit()
        self._write(actor, "read", work)

    # ---------------------------------------------------------------- reading
    def review_items(self, actor: Actor, status: str = "open", kind: str | None = None) -> list[review.ReviewEntry]:
        with self._session(actor, "read") as ctx:
            return review.list_items(ctx, status, kind)

    def person_history(self, person: ReadPerson, actor: Actor) -> list[ReadEvent]:
        """The applied events of the file `person` clearly matches, for the personnel rules."""
        with self._session(actor, "read") as ctx:
            return history.person_history(ctx, person)

    def find_people(self, query: str, actor: Actor, limit: int = 20) -> list[views.PersonSummary]:
        with self._session(actor, "read") as ctx:
            return views.find_people(ctx, query, limit)

    def person_file(self, person_id: int, actor: Actor) -> dict[str, Any]:
        with self._session(actor, "read") as ctx:
            return views.person_file(ctx, person_id)

    def completeness(self, person_id: int, actor: Actor) -> completeness.Completeness:
        with self._session(actor, "read") as ctx:
            return completeness.check(ctx, views.visible_person(ctx, person_id))

    def incomplete_files(self, actor: Actor, unit: str | None = None) -> list[tuple[str, completeness.Completeness]]:
        """(name, problems) of every incomplete file under `unit` (R1.3, R8)."""
        with self._session(actor, "read") as ctx:
            return completeness.incomplete_files(ctx, unit)

    def held_files(self, actor: Actor, unit: str | None = None) -> list[reporting.HeldFile]:
        """(person id, unit, status) of every file held under `unit` (for the periodic reports)."""
        with self._session(actor, "read") as ctx:
            return reporting.held_files(ctx, unit)

    def unit_use(self, actor: Actor, unit: str | None, start: dt.date, end: dt.date) -> list[reporting.UnitUse]:
        """Each account's logins, documents handed in, changes to files and look-ups in
        [start, end], under `unit` (for the periodic reports, R8.1)."""
        with self._session(actor, "read") as ctx:
            return reporting.unit_use(ctx, unit, start, end)

    def timeliness(self, actor: Actor, unit: str | None = None, start: dt.date | None = None,
                   end: dt.date | None = None) -> deadlines.TimelinessReport:
        """On time / late / overdue per unit for documents issued in [start, end] (R8)."""
        with self._session(actor, "read") as ctx:
            return deadlines.timeliness(ctx, unit, start, end)

    def due_items(self, actor: Actor, rules: deadlines.DueRules, unit: str | None = None) -> list[deadlines.DueItem]:
        """What falls due under `unit` (default: the actor's scope): the daily notice lists."""
        with self._session(actor, "read") as ctx:
            return deadlines.due_items(ctx, unit, rules)

    def document_deadline(self, sha256: str, actor: Actor) -> deadlines.DocumentDeadline:
        with self._session(actor, "read") as ctx:
            doc = _visible_document(ctx, sha256)
            rows = ctx.session.execute(select(apply.EventRow.resolved_at, apply.EventRow.status)
                                       .where(apply.EventRow.document_sha256 == sha256))
            settled = [at for at, status in rows if at is not None and status in apply.TERMINAL]
            handled = max(settled).date() if settled and doc.status != "in_review" else None
            return deadlines.document_deadline(ctx, doc, handled)

    def document_events(self, sha256: str, actor: Actor) -> list[EventResult]:
        """Where each event read from the document stands now (records.document_events)."""
        with self._session(actor, "read") as ctx:
            _visible_document(ctx, sha256)
            return document_events.document_events(ctx, sha256)

    def document_outcome(self, sha256: str, actor: Actor) -> dict[str, Any]:
        """The document as the records hold it, shaped like the contract outcome
        (records.document_view): for files that never passed through the web app."""
        with self._session(actor, "read") as ctx:
            doc = _visible_document(ctx, sha256)
            return document_view.outcome_of(ctx, doc)

    def audit_trail(self, actor: Actor, person_id: int | None = None, sha256: str | None = None,
                    limit: int = 200) -> list[dict[str, Any]]:
        """Audit entries, newest first, of a person's file or of a document — in the actor's
        scope, else NotFound (the province's root may also read the trail of a file the records
        never kept, e.g. one refused at upload) — or, with neither, of the actor's subtree."""
        with self._session(actor, "read") as ctx:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if person_id is not None:
                views.visible_person(ctx, person_id)
                query = query.where(AuditEntry.person_id == person_id)
            elif sha256 is not None:
                if not ctx.tree.is_root(ctx.scope_root):
                    _visible_document(ctx, sha256)
                query = query.where(AuditEntry.document_sha256 == sha256)
            elif not ctx.tree.is_root(ctx.scope_root):
                query = query.where(AuditEntry.unit_code.in_(ctx.tree.subtree(ctx.scope_root)))
            return [{"id": a.id, "at": a.at.isoformat(timespec="seconds"), "user": a.user_name,
                     "unit": a.unit_code, "role": a.role, "action": a.action, "person_id": a.person_id,
                     "event_id": a.event_id, "sha256": a.document_sha256, "page": a.page,
                     "before": a.before, "after": a.after} for a in ctx.session.scalars(query)]

    def register(self, name: str, actor: Actor, unit: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
        """The rows of one of the other registers (units | local | awards | training) in the
        actor's scope, narrowed to `unit`'s subtree and to `year` (records.register_views)."""
        with self._session(actor, "read") as ctx:
            return register_views.rows(ctx, name, unit, year)

    def set_unit_contact(self, code: str, actor: Actor, **values: str | None) -> dict[str, Any]:
        """Change a unit's address, phone or e-mail (audited; the unit must be in the actor's scope)."""
        return self._write(actor, "apply", lambda ctx: register_views.set_contact(ctx, code, values))

    def import_units(self, rows: Sequence[dict[str, Any]], actor: Actor,
                     dry_run: bool = False) -> unit_import.UnitImport:
        """Add or update organisation units from a file's rows (records.unit_import.parse_units),
        all or nothing; only the Department's admin may. The tree sees them at once."""
        return self._write(actor, "approve", lambda ctx: unit_import.import_units(ctx, rows, dry_run))

    def unit(self, code: str) -> Unit | None:
        return self.tree.get(code)

    def resolve_unit(self, name: str, on: dt.date | None = None) -> str | None:
        """The org-tree code of a printed unit name (None when unknown or ambiguous)."""
        return self.tree.resolve(name, on)

    def scope_path(self, outcome: Outcome) -> tuple[str, ...]:
        """The org-tree codes a read document belongs to, with all their ancestors (for search scope).

        The issuer and the units its events name are resolved as of the issue date, and also
        followed to today's successor, so a decision by an abolished district is visible to the
        commune that took over its files as well as to every unit above.
        """
        structure = outcome.structure
        issued = structure.issued_date if structure else None
        names = [structure.issuer] if structure and structure.issuer else []
        for event in outcome.events:
            names += [post.unit for post in (event.from_post, event.to_post) if post and post.unit]
            if event.unit is not None:  # a unit's event: the unit, its parent, the units it merged or split into
                names += [event.unit.name, event.unit.new_name, event.unit.parent, *event.unit.related]
            if event.course is not None:
                names.append(event.course.organiser)
        today = self.config.clock().date()
        codes: set[str] = set()
        for name in filter(None, names):
            code = self.tree.resolve(name, issued)
            if code is not None:
                for node in (code, self.tree.live(code, today)):
                    codes.update(self.tree.ancestors(node))
        return tuple(sorted(codes))


OPEN_ATTEMPTS = 5


def open_store(url: str, config: StoreConfig | None = None) -> RecordsStore:
    """Open (and create or migrate) the store at `url`, and seed the organisation tree.

    Several workers may open a new store at the same moment: the one that loses the race to create
    the schema or seed the tree fails, so opening is retried — the next try finds the work done.
    """
    config = config or StoreConfig()
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        engine = db.create(url, echo=config.echo_sql)
        try:
            return _open(engine, config)
        except RecordsUnavailable:
            engine.dispose()
            if attempt == OPEN_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _open(engine, config: StoreConfig) -> RecordsStore:
    db.migrate(engine)
    try:
        with Session(engine) as session:
            if sync_seed(session, config.clock()):
                session.commit()
            tree, revision = load_tree(session, config), tree_revision(session)
    except SQLAlchemyError as exc:
        raise RecordsUnavailable(f"Không đọc được cây tổ chức: {type(exc).__name__}.") from exc
    return RecordsStore(engine, config, tree, revision)


def load_tree(session: Session, config: StoreConfig) -> OrgTree:
    # A People's Council's name resolves to its locality's node (records.rules).
    return OrgTree.load(session, config.home_root, rules().as_committee)


_REVISION = select(Meta.value).where(Meta.key == TREE_REVISION)  # built once: asked every transaction


def tree_revision(session: Session) -> str | None:
    return session.execute(_REVISION).scalar()


def _visible_document(ctx: Ctx, sha256: str) -> Document:
    """The stored document, or NotFound when it is absent or its owner unit is outside the
    actor's scope (one answer for both: another unit's document is not confirmed to exist)."""
    doc = ctx.session.get(Document, sha256)
    if doc is None or not ctx.in_scope(doc.owner_unit_code):
        raise NotFound(f"Không có văn bản {sha256[:12]} trong phạm vi của {ctx.actor.unit}.")
    return doc
