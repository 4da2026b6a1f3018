"""The tables of the CBCCVC store as SQLAlchemy 2 typed ORM classes (the migrations create them).

    org_unit ─┬─ org_alias                       the organisation tree with history (R2.1)
              ├─ org_change / unit_head          what decisions did to a unit; its heads (R2)
              ├─ unit_award / training_class     collective awards, emulation pledges (R4); classes (R5)
              └─ person ─┬─ assignment            unit + position, from/to (main chain, secondments)
                         ├─ salary_step           ngạch, bậc, hệ số, from, next raise due
                         ├─ allowance             seniority beyond the top step, …
                         ├─ award / discipline / training
                         ├─ mandate               HĐND delegates, HĐND/UBND posts per body (R3)
    document ─── event ──┴─ every row above points at the event (→ document sha256, page) it came from
    review_item                                   doubtful events and pending transfers (R6.2)
    audit_entry                                   who, when, before, after, source document and page

Social-insurance and asset-declaration data have no table at all (R1.4). Times are Vietnam wall
clock, naive. Person identity follows NĐ 27/2026: the 12-digit personal ID is the key when known.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

# Codes and hashes have fixed sizes; everything read off a document is Text (OCR can produce
# anything, and PostgreSQL would refuse an over-long VARCHAR where SQLite would not).
SHA = String(64)
CODE = String(64)
NAME = String(300)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Meta(Base):
    """Small key/value facts about the store (e.g. the version of the seeded org tree)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OrgUnit(Base):
    __tablename__ = "org_unit"
    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    kind: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"))
    path: Mapped[str] = mapped_column(String(600), index=True)  # "/DN/DN.SNV/": subtree = prefix
    admin_code: Mapped[str | None] = mapped_column(String(8))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    successor_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"))
    scope_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"))
    approves_transfers: Mapped[bool] = mapped_column(Boolean, default=False)
    # seed: as records/data/org_tree.toml says; records: a decision changed it since, and the
    # seed no longer overwrites it (records.orgtree.sync_seed).
    origin: Mapped[str] = mapped_column(String(16), default="seed", server_default="seed")
    kind_text: Mapped[str | None] = mapped_column(Text)  # type or rank as a decision wrote it
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))


class OrgAlias(Base):
    __tablename__ = "org_alias"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    key: Mapped[str] = mapped_column(NAME, index=True)  # folded, punctuation removed
    origin: Mapped[str] = mapped_column(String(16), default="seed", server_default="seed")  # seed | records
    valid_from: Mapped[dt.date | None] = mapped_column(Date)  # a name a unit bore for a time (renames)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (Index("ix_person_name_birth", "name_folded", "birth_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    personal_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text, index=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(8))
    hometown: Mapped[str | None] = mapped_column(Text)
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    # The live unit that holds the person's file today (scope, R6); derived from the timeline.
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired | resigned
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Commune officials: commune_cadre | commune_part_time | commune_civil_servant (R3), as of
    # the newest decision that said so.
    staff_group: Mapped[str | None] = mapped_column(String(32))
    staff_group_since: Mapped[dt.date | None] = mapped_column(Date)


class Document(Base):
    __tablename__ = "document"
    sha256: Mapped[str] = mapped_column(SHA, primary_key=True)
    # issuer|number|date (records.codec.document_identity): a second scan of one paper decision
    # has other bytes but the same identity, and its events the same fingerprints.
    identity: Mapped[str] = mapped_column(Text, index=True)
    source: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(Text)
    number_key: Mapped[str | None] = mapped_column(Text, index=True)
    doc_type: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    issuer_unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"))
    # The live unit answerable for bringing the document into the records (R8 reports).
    owner_unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"), index=True)
    issued_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    subject: Mapped[str | None] = mapped_column(Text)
    signer_name: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    # [width, height] of each page in its own unit, the frame its events' evidence boxes are in
    # (records.codec): the document page draws them on the original. Null before revision 0003.
    page_sizes: Mapped[list[Any] | None] = mapped_column(JSON)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # no_events | applied | in_review | refused | superseded | duplicate
    status: Mapped[str] = mapped_column(String(20), index=True)
    duplicate_of: Mapped[str | None] = mapped_column(SHA)
    due_date: Mapped[dt.date | None] = mapped_column(Date)  # the strictest policy's
    due_policy: Mapped[str | None] = mapped_column(String(32))
    dues: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # policy key → ISO date
    amends_action: Mapped[str | None] = mapped_column(String(16))  # revoke | amend
    amends_number_key: Mapped[str | None] = mapped_column(Text, index=True)


class Event(Base):
    __tablename__ = "event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(SHA, unique=True)
    document_sha256: Mapped[str] = mapped_column(ForeignKey("document.sha256"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    person_name: Mapped[str] = mapped_column(Text)
    effective_date: Mapped[dt.date | None] = mapped_column(Date)
    confidence: Mapped[float] = mapped_column(Float)
    page: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # the whole event (records.codec)
    # applied | needs_review | pending_transfer | refused | superseded
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"))
    # Objects rather than ids while writing: one flush per document inserts everything in order.
    person: Mapped[Person | None] = relationship(Person, foreign_keys=[person_id])


class _FromEvent:
    """Columns every career row shares: whose, and which event (→ document, page) wrote it."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    document_sha256: Mapped[str | None] = mapped_column(SHA)
    page: Mapped[int | None] = mapped_column(Integer)

    @declared_attr
    def person(cls) -> Mapped[Person]:
        return relationship(Person)

    @declared_attr
    def event(cls) -> Mapped[Event | None]:
        # Named: a mandate points at two events (the one that opened it and the one that closed it).
        return relationship(Event, foreign_keys=f"{cls.__name__}.event_id")


class Assignment(_FromEvent, Base):
    __tablename__ = "assignment"
    kind: Mapped[str] = mapped_column(String(32))  # the event type that made it
    track: Mapped[str] = mapped_column(String(16), default="main")  # main | secondment
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"))  # node on that date
    unit_text: Mapped[str | None] = mapped_column(Text)  # as the decision wrote it
    position: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    end_explicit: Mapped[bool] = mapped_column(Boolean, default=False)  # a stated term, not the next post
    term_months: Mapped[int | None] = mapped_column(Integer)
    from_unit_text: Mapped[str | None] = mapped_column(Text)  # the decision's "from", for checks


class SalaryStep(_FromEvent, Base):
    __tablename__ = "salary_step"
    kind: Mapped[str] = mapped_column(String(32))
    scale_code: Mapped[str | None] = mapped_column(Text)  # mã ngạch, as read
    step: Mapped[int | None] = mapped_column(Integer)  # bậc
    coefficient: Mapped[float | None] = mapped_column(Float)  # hệ số
    valid_from: Mapped[dt.date] = mapped_column(Date)
    next_raise_due: Mapped[dt.date | None] = mapped_column(Date)


class Allowance(_FromEvent, Base):
    __tablename__ = "allowance"
    kind: Mapped[str] = mapped_column(String(32))  # seniority_beyond_top | position | …
    percent: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[dt.date] = mapped_column(Date)


class Award(_FromEvent, Base):
    __tablename__ = "award"
    title: Mapped[str | None] = mapped_column(Text)
    awarded_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer)  # the emulation year it rewards


class Discipline(_FromEvent, Base):
    __tablename__ = "discipline"
    form: Mapped[str | None] = mapped_column(Text)  # khiển trách, cảnh cáo, …
    decided_on: Mapped[dt.date] = mapped_column(Date)


class TrainingClass(Base):
    """A class announced by decision (training_class): the trainees sent to it link here (R5)."""

    __tablename__ = "training_class"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text, index=True)  # folded: trainees' courses match on it
    organiser: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"), index=True)  # scope
    place: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    document_sha256: Mapped[str | None] = mapped_column(SHA)
    page: Mapped[int | None] = mapped_column(Integer)
    event: Mapped[Event | None] = relationship(Event)


class Training(_FromEvent, Base):
    __tablename__ = "training"
    course: Mapped[str | None] = mapped_column(Text)
    course_key: Mapped[str | None] = mapped_column(Text, index=True)  # folded: finds its class
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    organiser: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("training_class.id"), index=True)


class Mandate(_FromEvent, Base):
    """A seat on a People's Council or Committee (R3): opened by an election or confirmation,
    closed by a relief or removal. `unit_code` is the locality's node (the level follows from it)."""

    __tablename__ = "mandate"
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"), index=True)
    body: Mapped[str] = mapped_column(String(16))  # council (HĐND) | committee (UBND)
    body_text: Mapped[str | None] = mapped_column(Text)  # as the decision wrote it
    level: Mapped[str | None] = mapped_column(String(16))  # province | district | commune
    position: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))  # delegate | post
    term: Mapped[str | None] = mapped_column(Text)  # "nhiệm kỳ 2021 - 2026"
    start_date: Mapped[dt.date | None] = mapped_column(Date)  # None: only its end was read
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # active | relieved | removed
    closed_event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    closed_sha256: Mapped[str | None] = mapped_column(SHA)
    closed_page: Mapped[int | None] = mapped_column(Integer)
    closed_event: Mapped[Event | None] = relationship(Event, foreign_keys=[closed_event_id])


class UnitHead(_FromEvent, Base):
    """Who headed a unit when: an applied appointment to the unit's head title (R2)."""

    __tablename__ = "unit_head"
    unit_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    position: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class _UnitFromEvent:
    """Columns every unit register row shares: which unit, and which event (→ document, page)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"), index=True)
    unit_text: Mapped[str | None] = mapped_column(Text)  # as the decision wrote it
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    document_sha256: Mapped[str | None] = mapped_column(SHA)
    page: Mapped[int | None] = mapped_column(Integer)

    @declared_attr
    def event(cls) -> Mapped[Event | None]:
        return relationship(Event)


class OrgChange(_UnitFromEvent, Base):
    """One applied organisation event (founding, merger, …, regulation) and what it changed."""

    __tablename__ = "org_change"
    kind: Mapped[str] = mapped_column(String(32))  # the event type
    effective_date: Mapped[dt.date] = mapped_column(Date)
    detail: Mapped[str | None] = mapped_column(Text)  # the regulation's name, the new rank, …
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class UnitAward(_UnitFromEvent, Base):
    """A collective award or a unit's yearly emulation registration (R4)."""

    __tablename__ = "unit_award"
    kind: Mapped[str] = mapped_column(String(32))  # collective_award | emulation_registration
    title: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    awarded_on: Mapped[dt.date] = mapped_column(Date)


class ReviewItem(Base):
    """The queue: a doubtful event (kind review) or a move out of a scope (kind transfer)."""

    __tablename__ = "review_item"
    __table_args__ = (UniqueConstraint("event_id", "kind", name="uq_review_event_kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # review | transfer
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)  # person ids
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    from_unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"))
    to_unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_unit.code"))
    requested_by: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | approved | rejected | closed
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    event: Mapped[Event] = relationship(Event)


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str] = mapped_column(String(120))
    unit_code: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"))
    document_sha256: Mapped[str | None] = mapped_column(SHA)
    page: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    person: Mapped[Person | None] = relationship(Person)
    event: Mapped[Event | None] = relationship(Event)


CAREER_TABLES = (Assignment, SalaryStep, Allowance, Award, Discipline, Training, Mandate, UnitHead)
