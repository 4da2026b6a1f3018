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

    def scaled(self, by: float) -> Box:
        """The same rectangle in a frame `by` times finer (an image read at another resolution)."""
        return Box(self.x0 * by, self.y0 * by, self.x1 * by, self.y1 * by)


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
    image_mode: str | None = None  # Pillow mode of the scan ("RGB", "L", "1", …); None for text pages
    size_mm: tuple[float, float] | None = None  # physical (width, height): PDF page box, or pixels / dpi
    seal_near_signature: bool | None = None  # red seal found at the signer block (scans); None = not checked


@dataclass(frozen=True)
class Table:
    """A table as rows of cell strings (DOCX tables, PDF tables, or rows rebuilt from OCR boxes)."""

    page: int
    rows: tuple[tuple[str, ...], ...]
    # Where each cell's text is printed (page units), row by row as `rows`, a cell without text
    # None; empty where the source gives no geometry (DOCX).
    boxes: tuple[tuple[Box | None, ...], ...] = ()

    def box(self, row: int, column: int) -> Box | None:
        """The box of one cell's text, None where it has none or the table no geometry."""
        if row < len(self.boxes) and column < len(self.boxes[row]):
            return self.boxes[row][column]
        return None


@dataclass(frozen=True)
class SignatureInfo:
    """A digital signature embedded in a PDF, as verified when the file was read.

    Produced by `pipeline.signatures.read_signatures`; the file itself is never rewritten.
    """

    field_name: str
    signer: str | None = None  # common name of the signing certificate's subject
    certificate_issuer: str | None = None  # common name of the CA that issued it
    signing_time: dt.datetime | None = None  # time the signer (or a timestamp) claims
    intact: bool = False  # the signed bytes hash to the signed digest and the signature verifies
    trusted: bool | None = None  # chains to a configured trust root; None when not checked
    covers_whole_file: bool = False  # nothing was appended after signing
    modification_level: str | None = None  # none | lta_updates | form_filling | annotations | other
    page: int | None = None  # 1-based page of the visible signature widget
    box: Box | None = None  # the widget's rectangle (PDF points, top-left origin); None if invisible
    page_size: tuple[float, float] | None = None  # (width, height) in PDF points of that page
    problem: str | None = None  # why verification could not complete, if it could not

    @property
    def altered_after_signing(self) -> bool:
        """Broken, or content changed by a later revision (adding signatures/form data is allowed)."""
        if not self.intact:
            return True
        if self.covers_whole_file:
            return False
        return self.modification_level not in ("none", "lta_updates", "form_filling")


@dataclass(frozen=True)
class Document:
    source: SourceFile
    kind: Kind
    pages: tuple[Page, ...]
    tables: tuple[Table, ...] = ()
    pdf_version: str | None = None  # effective version ("1.4", "1.7", "2.0") for PDFs
    signatures: tuple[SignatureInfo, ...] = ()

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
    sex: Literal["male", "female"] | None = None  # retirement ages differ; None when not stated


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
class UnitRef:
    """The unit a register event is about: a restructuring, a collective award, an emulation pledge."""

    name: str  # as the decision writes it, NFC
    parent: str | None = None  # the body it belongs to, as written ("Sở Y tế")
    kind: str | None = None  # as written: "đơn vị sự nghiệp công lập", "phòng chuyên môn", …
    new_name: str | None = None  # unit_rename: the name it takes
    related: tuple[str, ...] = ()  # unit_merger: the units merged into it; unit_split: the units it becomes


@dataclass(frozen=True)
class Course:
    """A training or refresher class (lớp đào tạo, bồi dưỡng) announced or attended."""

    name: str
    organiser: str | None = None
    place: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass(frozen=True)
class Evidence:
    """Where one extracted value was read, and how sure the reading is (R1.2: page and words)."""

    field: str  # "person.name", "effective_date", "to.unit", "salary.step", …
    text: str  # the words the value was read from, as printed
    page: int | None = None  # 1-based
    start: int | None = None  # character span in that page's text; None for table cells
    end: int | None = None
    box: Box | None = None  # union of the words' boxes (page units), where the page has word boxes
    confidence: float = 0.0  # 0..1


@dataclass(frozen=True)
class Event:
    """One change decided for one person, or for one unit (register families, see pipeline.families)."""

    type: str
    person: Person | None  # None only for unit-level types (unit_*, collective awards, classes)
    from_post: Post | None = None
    to_post: Post | None = None
    salary: Salary | None = None
    effective_date: dt.date | None = None
    confidence: float = 0.0
    page: int | None = None
    previous_salary: Salary | None = None  # the salary before the change, when the decision states it
    term_months: int | None = None  # appointment term, rotation or secondment period as stated
    next_raise_from: dt.date | None = None  # the date the next step raise is counted from
    allowance_percent: float | None = None  # seniority allowance beyond the top step, in %
    detail: str | None = None  # the discipline form or the award, as written ("khiển trách")
    applicable: bool = True  # False: recognised but never applied (social insurance, assets: R1.4)
    evidence: tuple[Evidence, ...] = ()  # one entry per field read
    unit: UnitRef | None = None  # organisation events, collective awards, emulation registrations
    course: Course | None = None  # training classes and the trainees sent to them
    year: int | None = None  # the emulation year of an award or registration
    staff_group: str | None = None  # commune officials: commune_cadre | commune_part_time | commune_civil_servant


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
    records: dict | None = field(default=None, compare=False, hash=False)  # what applying it changed
    timings: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    @property
    def ok(self) -> bool:
        return self.error_code is None
