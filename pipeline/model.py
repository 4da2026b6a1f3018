"""The domain model every stage passes along: plain frozen dataclasses, stdlib only.

A file becomes a `SourceFile` (identity = sha256), is read into a `Document` (pages of text and
word boxes), parsed into a `Structure` (the formal parts Decree 30/2020 fixes), checked into
`Finding`s and mined for `Event`s. Stages return new values; nothing here is mutated in place.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text_pdf", "scanned_pdf", "docx", "image"]
Origin = Literal["text-layer", "ocr", "docx"]
Severity = Literal["error", "warning", "info"]


def nfc(text: str) -> str:
    """Every string that enters the model is NFC: PDFs typed in decomposed Unicode are common."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class SourceFile:
    """A file as received. Its sha256 is the document's identity everywhere."""

    path: str
    sha256: str
    media_type: str
    size: int


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in the page's own unit (PDF points or image pixels), top-left origin."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    confidence: float  # 0..1; 1.0 for words taken from a text layer


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    text: str  # reading order, NFC
    origin: Origin
    confidence: float  # 0..1 mean word confidence (1.0 for text layers)
    width: float = 0.0
    height: float = 0.0
    dpi: float | None = None  # true scan resolution for OCR'd pages
    words: tuple[Word, ...] = ()
    rotated: int = 0  # degrees the page was turned before OCR
    skew: float = 0.0  # degrees corrected by deskew


@dataclass(frozen=True)
class Table:
    """A table as rows of cell strings (DOCX tables, PDF tables, or rows rebuilt from OCR boxes)."""

    page: int
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Document:
    source: SourceFile
    kind: Kind
    pages: tuple[Page, ...]
    tables: tuple[Table, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)

    @property
    def confidence(self) -> float:
        if not self.pages:
            return 0.0
        return sum(p.confidence for p in self.pages) / len(self.pages)


@dataclass(frozen=True)
class Article:
    """One operative article ("Điều 1. …") of a decision."""

    number: int
    text: str


@dataclass(frozen=True)
class Structure:
    """The formal parts of an administrative document (Decree 30/2020 Art. 8); None when absent."""

    parent_body: str | None = None  # cơ quan chủ quản (the line above the issuer)
    issuer: str | None = None
    number: str | None = None  # "1234/QĐ-UBND", without "Số:"
    doc_type: str | None = None  # "Quyết định", … or "Công văn"
    issued_place: str | None = None
    issued_date: dt.date | None = None
    date_text: str | None = None  # the place/date line as written, for format checks
    subject: str | None = None
    has_national_motto: bool = False
    grounds: tuple[str, ...] = ()
    articles: tuple[Article, ...] = ()
    body: str = ""  # the content between the subject and the signer block
    signer_authority: str | None = None  # KT. / TM. / Q. / TL. / TUQ.
    signer_authority_line: str | None = None  # "KT. CHỦ TỊCH"
    signer_title: str | None = None  # the title under the prefix, e.g. "Phó Chủ tịch"
    signer_name: str | None = None
    recipients: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()  # "Danh sách … kèm theo Quyết định số …" headings
    field_confidence: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Finding:
    """A content problem: data, not an exception."""

    rule: str  # stable UPPER-KEBAB code
    severity: Severity
    message: str
    source: str  # the article of the standard it comes from
    page: int | None = None
    box: Box | None = None


@dataclass(frozen=True)
class Person:
    name: str
    birth_date: dt.date | None = None
    personal_id: str | None = None


@dataclass(frozen=True)
class Post:
    unit: str | None = None
    position: str | None = None


@dataclass(frozen=True)
class Salary:
    scale_code: str | None = None
    step: int | None = None
    coefficient: float | None = None


@dataclass(frozen=True)
class Event:
    type: str
    person: Person
    from_post: Post | None = None
    to_post: Post | None = None
    salary: Salary | None = None
    effective_date: dt.date | None = None
    confidence: float = 0.0
    page: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What one input became: a read document with its checks and events, or an error."""

    source: str
    sha256: str | None = None
    document: Document | None = None
    structure: Structure | None = None
    findings: tuple[Finding, ...] = ()
    events: tuple[Event, ...] = ()
    update_due: dt.date | None = None
    error_code: str | None = None
    error_message: str | None = None
    quarantined: str | None = None  # where the file was put aside, for failures
    timings: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    @property
    def ok(self) -> bool:
        return self.error_code is None
