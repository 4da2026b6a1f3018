"""Checks against the digitization standard (TT 01/2019, TT 02/2019/TT-BNV; NĐ 30/2020 Phụ lục I).

A scanned document must be a PDF 1.4 or later, scanned in colour at 200 dpi or more at 100 % scale
(A4); a file that claims to be a digitized or electronic copy must carry the digitizing agency's
signature top right of page 1; and the TT 02/2019 document-level metadata a document yields is
reported. Pure functions of the read Document (and its Structure for the metadata); the facts
about the file (PDF version, image mode, dpi, signatures) are filled in by the loaders.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipeline.model import Box, Document, Finding, Page, SignatureInfo, Structure, nfc
from validators import catalogue, rules

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0
SCAN_KINDS = ("scanned_pdf", "image")


def _data() -> dict[str, Any]:
    return rules.load("digitization")


def check(document: Document, structure: Structure) -> list[Finding]:
    """Every digitization check, in a stable order."""
    findings: list[Finding] = []
    findings += check_pdf_version(document)
    findings += check_scan_pages(document)
    findings += check_digitizer_signature(document)
    findings += check_metadata(document, structure)
    return findings


# ── PDF version ────────────────────────────────────────────────────────────────────────────────────

def _version_tuple(text: str) -> tuple[int, ...] | None:
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def check_pdf_version(document: Document) -> list[Finding]:
    """PDF-VERSION-OLD for a scanned PDF below the minimum version (unknown version: no finding)."""
    if document.kind != "scanned_pdf" or not document.pdf_version:
        return []
    minimum = _data()["min_pdf_version"]
    version = _version_tuple(document.pdf_version)
    if version is None or version >= _version_tuple(minimum):
        return []
    return [catalogue.make("PDF-VERSION-OLD", page=None, version=document.pdf_version,
                           min_version=minimum)]


# ── Scanned pages: resolution, colour, scale ───────────────────────────────────────────────────────

def is_scanned(page: Page, document: Document) -> bool:
    return document.kind in SCAN_KINDS and page.origin == "ocr"


def _declared_dpi_is_a_default(page: Page, document: Document) -> bool:
    """An image whose stated dpi would make it a poster: 72/96 dpi are software defaults (phones,
    screenshots), not a scanner setting, so the pixels say more than the tag."""
    if document.kind != "image" or not page.dpi or not page.size_mm:
        return False
    return max(page.size_mm) > _data()["max_page_mm"]


def _pixels(page: Page) -> tuple[float, float] | None:
    if page.size_mm and page.dpi:
        return page.size_mm[0] / MM_PER_INCH * page.dpi, page.size_mm[1] / MM_PER_INCH * page.dpi
    if page.width > 0 and page.height > 0:
        return page.width, page.height
    return None


def effective_dpi(page: Page, document: Document) -> float | None:
    """The page's true dpi; for an image with no (or a default) dpi, its pixels against A4."""
    if page.dpi and not _declared_dpi_is_a_default(page, document):
        return page.dpi
    pixels = _pixels(page) if document.kind == "image" else None
    if pixels is None:
        return None
    short_mm, long_mm = sorted(_data()["a4_mm"])
    short_px, long_px = sorted(pixels)
    # Generous on purpose: the larger of the two estimates, so a cropped photo is not called coarse.
    return max(short_px / (short_mm / MM_PER_INCH), long_px / (long_mm / MM_PER_INCH))


def page_size_mm(page: Page, document: Document) -> tuple[float, float] | None:
    """Physical page size: the loader's `size_mm`, else derived from the unit the page is in."""
    if _declared_dpi_is_a_default(page, document):
        return None  # no physical size to compare with A4
    if page.size_mm:
        return page.size_mm
    if page.width <= 0 or page.height <= 0:
        return None
    if document.kind == "image":
        if not page.dpi:
            return None  # an image without dpi has no physical size to compare with A4
        scale = MM_PER_INCH / page.dpi
    elif document.kind in ("scanned_pdf", "text_pdf") and page.origin == "text-layer":
        scale = MM_PER_INCH / POINTS_PER_INCH
    else:
        return None  # an OCR'd PDF page may be in rendered pixels: only the loader knows
    return page.width * scale, page.height * scale


def is_a4(size_mm: tuple[float, float]) -> bool:
    """A4 in either orientation, within the data file's tolerance."""
    data = _data()
    tolerance = data["a4_tolerance_mm"]
    short, long_ = sorted(size_mm)
    a4_short, a4_long = sorted(data["a4_mm"])
    return abs(short - a4_short) <= tolerance and abs(long_ - a4_long) <= tolerance


def _page_checks(page: Page, document: Document) -> list[tuple[str, dict[str, object]]]:
    data = _data()
    found: list[tuple[str, dict[str, object]]] = []
    dpi = effective_dpi(page, document)
    if dpi is None:
        found.append(("SCAN-DPI-UNKNOWN", {"min_dpi": data["min_dpi"]}))
    elif dpi < data["min_dpi"] - data["dpi_tolerance"]:
        found.append(("SCAN-DPI-LOW", {"dpi": round(dpi), "min_dpi": data["min_dpi"]}))
    if page.image_mode in data["bilevel_modes"]:
        found.append(("SCAN-NOT-COLOUR", {"mode": "đen trắng (1 bit)"}))
    elif page.image_mode in data["grey_modes"]:
        found.append(("SCAN-NOT-COLOUR", {"mode": "thang xám (grayscale)"}))
    size = page_size_mm(page, document)
    if size is not None and not is_a4(size):
        found.append(("SCAN-SCALE-NOT-A4", {"width_mm": round(size[0]), "height_mm": round(size[1])}))
    return found


def _page_list(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def check_scan_pages(document: Document) -> list[Finding]:
    """SCAN-DPI-LOW/-UNKNOWN, SCAN-NOT-COLOUR, SCAN-SCALE-NOT-A4; pages with equal values are grouped."""
    grouped: dict[tuple[str, tuple[tuple[str, object], ...]], list[int]] = {}
    for page in document.pages:
        if not is_scanned(page, document):
            continue
        for code, params in _page_checks(page, document):
            key = (code, tuple(sorted(params.items())))
            grouped.setdefault(key, []).append(page.number)
    return [catalogue.make(code, page=pages[0], pages=_page_list(pages), **dict(params))
            for (code, params), pages in grouped.items()]


# ── The digitizing agency's signature ──────────────────────────────────────────────────────────────

def _in_top_right(box: Box, width: float, height: float) -> bool:
    region = _data()["top_right"]
    centre_x = (box.x0 + box.x1) / 2
    centre_y = (box.y0 + box.y1) / 2
    return centre_x >= region["left"] * width and centre_y <= region["bottom"] * height


def _page_extent(page: Page) -> tuple[float, float]:
    """The page's size in its own unit; from the words' extent when the loader gave none."""
    if page.width > 0 and page.height > 0:
        return page.width, page.height
    return (max((w.box.x1 for w in page.words), default=0.0),
            max((w.box.y1 for w in page.words), default=0.0))


def copy_notation(document: Document) -> str | None:
    """The copy phrase (SAO Y, BẢN SAO ĐIỆN TỬ, …) written top right of page 1, if any."""
    if not document.pages:
        return None
    page = document.pages[0]
    width, height = _page_extent(page)
    if width <= 0 or height <= 0:
        return None
    words = [w.text for w in page.words if _in_top_right(w.box, width, height)]
    text = " " + " ".join(nfc(" ".join(words)).upper().split()) + " "
    for phrase in _data()["copy_claim"]["phrases"]:
        if f" {nfc(phrase).upper()} " in text:
            return phrase
    return None


def claims_digitized_copy(document: Document) -> bool:
    """A scan that carries a digital signature or a copy notation top right of page 1."""
    if document.kind not in SCAN_KINDS:
        return False
    return bool(document.signatures) or copy_notation(document) is not None


def _visible(signature: SignatureInfo) -> bool:
    box = signature.box
    return box is not None and box.x1 - box.x0 > 1 and box.y1 - box.y0 > 1


def signature_top_right_of_first_page(signature: SignatureInfo) -> bool:
    if signature.page != 1 or signature.box is None or not signature.page_size:
        return False
    return _in_top_right(signature.box, *signature.page_size)


def check_digitizer_signature(document: Document) -> list[Finding]:
    """DIGITIZER-SIGNATURE-MISSING / -POSITION for files that claim to be digitized copies."""
    if not claims_digitized_copy(document):
        return []
    if not document.signatures:
        return [catalogue.make("DIGITIZER-SIGNATURE-MISSING", page=1)]
    for signature in document.signatures:
        if not _visible(signature) or signature_top_right_of_first_page(signature):
            return []
    first = document.signatures[0]
    return [catalogue.make("DIGITIZER-SIGNATURE-POSITION", page=first.page, box=first.box,
                           field=first.field_name, pages=first.page or "?")]


# ── TT 02/2019 document-level metadata ─────────────────────────────────────────────────────────────

def detect_language(text: str) -> str | None:
    """"vi" when enough letters carry Vietnamese-only marks; None when there is no text to judge."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return None
    settings = _data()["language"]
    marked = sum(1 for c in letters if c in settings["letters"])
    return "vi" if marked / len(letters) >= settings["vietnamese_min_share"] else None


def _number_parts(number: str | None) -> tuple[str | None, str | None]:
    if not number or "/" not in number:
        return (number or None), None
    digits, _, symbol = number.partition("/")
    return (digits.strip() or None), (symbol.strip() or None)


def tt02_metadata(document: Document, structure: Structure) -> dict[str, str | None]:
    """TT 02/2019 field abbreviation → value read from the document (None when not determined)."""
    number_part, symbol_part = _number_parts(structure.number)
    sources: dict[str, Callable[[], object]] = {
        "doc_type": lambda: structure.doc_type,
        "number_part": lambda: number_part,
        "symbol_part": lambda: symbol_part,
        "issued_date": lambda: structure.issued_date.isoformat() if structure.issued_date else None,
        "issuer": lambda: structure.issuer,
        "subject": lambda: structure.subject,
        "language": lambda: detect_language(document.text),
        "pages": lambda: len(document.pages) or None,
        "signer_name": lambda: structure.signer_name,
    }
    result: dict[str, str | None] = {}
    for field in _data()["tt02_field"]:
        value = sources[field["from"]]()
        result[field["abbrev"]] = None if value in (None, "") else str(value)
    return result


def check_metadata(document: Document, structure: Structure) -> list[Finding]:
    """METADATA-INCOMPLETE (which fields are missing and which present) or METADATA-COMPLETE."""
    values = tt02_metadata(document, structure)
    labels = {f["abbrev"]: f"{f['label']} ({f['abbrev']})" for f in _data()["tt02_field"]}
    present = [labels[k] for k, v in values.items() if v is not None]
    missing = [labels[k] for k, v in values.items() if v is None]
    if missing:
        return [catalogue.make("METADATA-INCOMPLETE", missing="; ".join(missing),
                               present="; ".join(present) or "không có")]
    return [catalogue.make("METADATA-COMPLETE", present="; ".join(present))]
