"""Read a PDF into a Document: the text layer where it is good, OCR where it is missing or garbage.

pdfplumber (wrapped here and in `pdfcontent.py`) reads the pages: glyphs with boxes joined into
words, reading order fixed for the two-column header and signer blocks (`layout.py`), images and
drawn tables. pypdfium2 (wrapped here too) opens the file first — it is fast and tells encrypted
from damaged files and counts pages — and rasterises the pages that need OCR.

Decisions:
- A PDF with only an *owner* password (printing/editing restrictions) opens without a password and
  is read like any other: its text is not secret, and refusing it would refuse many official files.
  Only a *user* password (needed to open it) gives FILE-ENCRYPTED.
- A file whose tail lacks `%%EOF` is treated as truncated (an interrupted upload) even when a
  tolerant parser could recover some pages: half a decision must not pass as a whole one.
- A page is OCR'd when it has no text but has an image or drawing, when its text is garbage
  (`textcheck.py`: legacy TCVN3/VNI fonts, unmapped glyphs, junk OCR layers), or when it is a
  full-page image carrying only a few characters (a scan with a stamped annotation).
- Scanned pages are rendered at the scan's own resolution (pixels of its largest image, when that
  covers most of the page, over the image's size in inches), or at OCR's reading resolution when
  the scan is finer (`OcrConfig.reading_dpi`), capped by `OcrConfig.max_render_dpi` and by
  `Limits.max_pixels`; grey and bilevel scans are rendered grey. An embedded image whose own pixel
  count exceeds `Limits.max_pixels` is refused before anything decodes it (IMAGE-TOO-LARGE).
  `Page.dpi` reports the true scan resolution (300 for a page without a scan in it) and the word
  boxes are in that resolution's pixels, whatever the page was rendered at; `Page.image_mode`
  is the scan's colour mode.
- Ruled tables of text pages come from the same single pass over the page's content
  (`pdftables.py`): pdfplumber's table finder on the edges already read.
"""
from __future__ import annotations

import contextlib
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pdfplumber
import pypdfium2 as pdfium

from pipeline.config import Limits, PipelineConfig
from pipeline.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    ImageTooLarge,
    SohoaError,
    TooManyPages,
)
from pipeline.loaders import layout, textcheck
from pipeline.loaders.pdfcontent import PageContent, read_content
from pipeline.loaders.pdftables import find_tables
from pipeline.loaders.scans import PageImage, recognize
from pipeline.model import Box, Document, Page, SourceFile, Table, Word, nfc

_TAIL_BYTES = 1024
_MM_PER_POINT = 25.4 / 72.0
_DEFAULT_RENDER_DPI = 300  # pages without an embedded scan (garbage fonts, vector drawings)
_NO_COLOUR = {"1", "L"}  # scan modes rendered grey
_MIN_RENDER_DPI = 72
_MIN_TABLE_EDGES = 4  # fewer ruling lines/rects than this cannot make a table: skip the finder
_PDFMINER_ENCRYPTION_ERRORS = {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}
# PDFium is not thread-safe: every call into it, from any thread of the process, holds this lock.
_PDFIUM_LOCK = threading.RLock()


@dataclass(frozen=True)
class _Scan:
    """A page that must be rasterised and OCR'd."""

    index: int
    scan_dpi: float | None  # the embedded scan's own resolution, when there is one
    render_dpi: float
    mode: str | None  # the embedded scan's colour mode, when there is one
    size_mm: tuple[float, float]


def load_pdf(path: Path, source: SourceFile, config: PipelineConfig) -> Document:
    """Read a PDF; raise the InputError that says why when it cannot be read."""
    path = Path(path)
    _check_complete(path)
    _survey(path, config.limits)
    pages: list[Page | _Scan] = []
    tables: list[Table] = []
    with _plumber(path) as pdf:
        for index, page in enumerate(pdf.pages):
            content = _guarded(lambda: read_content(page))
            result = _read_page(page, index, content, config)
            pages.append(result)
            if isinstance(result, Page) and result.text and content.edges >= _MIN_TABLE_EDGES:
                tables.extend(_guarded(lambda: find_tables(page, index + 1, content.chars, content.rulings)))
    scans = [p for p in pages if isinstance(p, _Scan)]
    if scans:
        ocr_pages = dict(zip((s.index for s in scans), _ocr(path, scans, config)))
        pages = [ocr_pages[p.index] if isinstance(p, _Scan) else p for p in pages]
    kind = "scanned_pdf" if scans else "text_pdf"
    return Document(source=source, kind=kind, pages=tuple(pages), tables=tuple(tables))


def _check_complete(path: Path) -> None:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - _TAIL_BYTES))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise CorruptFile("Tệp PDF không trọn vẹn (thiếu phần kết thúc %%EOF). Hãy gửi lại tệp gốc.")


def _survey(path: Path, limits: Limits) -> None:
    """Open with PDFium (fast): refuse encrypted, damaged, empty and oversized files."""
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise _open_failure(path) from exc
        try:
            count = len(document)
            if count == 0:
                raise EmptyFile("Tệp PDF không có trang nào.")
            if count > limits.max_pages:
                raise TooManyPages(
                    f"Tệp có {count} trang, vượt giới hạn {limits.max_pages} trang. "
                    "Hãy tách văn bản thành các tệp riêng."
                )
        finally:
            document.close()


def first_page_has_text(path: Path) -> bool | None:
    """Whether the first page carries more than a stamp's worth of text (a text PDF, or a scan with
    an OCR layer) — a hint for ordering a batch, read in about a millisecond, not a verdict: the
    loader still judges every page. None when PDFium cannot open the file (its reader will say why)."""
    rules = textcheck.rules()
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            return None
        try:
            if len(document) == 0:
                return None
            page = document[0]
            text = page.get_textpage()
            try:
                return text.count_chars() > rules.scan_max_text_chars
            finally:
                text.close()
                page.close()
        except pdfium.PdfiumError:
            return None
        finally:
            document.close()


def _open_failure(path: Path) -> SohoaError:
    """Why PDFium could not open the file. Its error code is process-global and can be stale (it
    reported a previous file's PASSWORD for an empty page tree), so pdfminer gives the verdict."""
    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
    except Exception as exc:  # the library boundary: classify by the underlying pdfminer error
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if type(cause).__name__ in _PDFMINER_ENCRYPTION_ERRORS:
            return EncryptedFile()
        return CorruptFile()
    return EmptyFile("Tệp PDF không có trang nào.") if count == 0 else CorruptFile()


@contextlib.contextmanager
def _plumber(path: Path) -> Iterator[pdfplumber.PDF]:
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise CorruptFile() from exc
    try:
        yield pdf
    finally:
        pdf.close()


def _guarded(step):
    """Run one pdfplumber step; its (many kinds of) failures mean a damaged file."""
    try:
        return step()
    except SohoaError:
        raise
    except Exception as exc:  # the library boundary: pdfminer raises assorted types
        raise CorruptFile() from exc


def _read_page(page, index: int, content: PageContent, config: PipelineConfig) -> Page | _Scan:
    limits = config.limits
    images = [im for im in content.images if im["area"] > 0]
    for image in images:
        _check_image_pixels(image, limits)
    rules = textcheck.rules()
    largest = max(images, key=lambda im: im["area"], default=None)
    # Only an image covering most of the page is the scan; a logo or a signature image is not.
    scan = largest if largest and largest["area"] >= rules.scan_image_area_ratio * _page_area(page) else None
    scan_dpi = _image_dpi(scan) if scan else None
    glyphs = [c["text"] for c in content.chars]
    if glyphs:
        few = sum(1 for g in glyphs if not g.isspace()) <= rules.scan_max_text_chars
        if not textcheck.is_garbage(glyphs) and not (scan and few):
            return _text_page(page, index + 1, content.chars, scan_dpi)
    elif not images and not content.curves and not content.edges:
        return Page(
            index + 1, "", "text-layer", 1.0, float(page.width), float(page.height), size_mm=_size_mm(page)
        )
    mode = scan["mode"] if scan else None
    return _Scan(index, scan_dpi, _render_dpi(page, scan_dpi, config), mode, _size_mm(page))


def _text_page(page, number: int, chars: list[dict], scan_dpi: float | None) -> Page:
    raw_words = layout.words_from_chars(chars)
    lines = layout.reading_order(raw_words, float(page.width))
    text = nfc("\n".join(layout.line_text(line) for line in lines))
    words = tuple(
        Word(nfc(w["text"]), Box(float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])), 1.0)
        for line in lines
        for w in line
    )
    return Page(
        number=number,
        text=text,
        origin="text-layer",
        confidence=1.0,
        width=float(page.width),
        height=float(page.height),
        dpi=scan_dpi,
        words=words,
        size_mm=_size_mm(page),
    )


def _size_mm(page) -> tuple[float, float]:
    return (round(float(page.width) * _MM_PER_POINT, 1), round(float(page.height) * _MM_PER_POINT, 1))


def _page_area(page) -> float:
    return float(page.width) * float(page.height)


def _check_image_pixels(image: dict, limits: Limits) -> None:
    width, height = image.get("srcsize") or (0, 0)
    if int(width) * int(height) > limits.max_pixels:
        raise ImageTooLarge(
            f"Ảnh trong PDF có {int(width)}×{int(height)} điểm ảnh, vượt giới hạn "
            f"{limits.max_pixels:,} điểm ảnh."
        )


def _image_dpi(image: dict) -> float | None:
    """Pixels per inch of an embedded image as placed; rotation-proof (area, not one axis)."""
    width, height = image.get("srcsize") or (0, 0)
    inches2 = image["area"] / (72.0 * 72.0)
    if not width or not height or inches2 <= 0:
        return None
    return round(math.sqrt(float(width) * float(height) / inches2), 1)


def _render_dpi(page, scan_dpi: float | None, config: PipelineConfig) -> float:
    """The scan's own dpi (never upsampled here), capped by config and by the pixel limit; a scan
    finer than OCR's reading resolution is rendered at that resolution straight away (PDFium's
    reduction reads as well as reducing a full rendering, and costs less than rendering it)."""
    dpi = config.ocr.reading_dpi(min(scan_dpi or _DEFAULT_RENDER_DPI, float(config.ocr.max_render_dpi)))
    inches2 = _page_area(page) / (72.0 * 72.0)
    fit = math.sqrt(config.limits.max_pixels / inches2) if inches2 > 0 else dpi
    if fit < _MIN_RENDER_DPI:
        raise ImageTooLarge(f"Trang PDF quá lớn ({page.width:.0f}×{page.height:.0f} pt) để nhận dạng chữ.")
    return max(_MIN_RENDER_DPI, min(dpi, math.floor(fit)))


def _ocr(path: Path, scans: list[_Scan], config: PipelineConfig) -> list[Page]:
    """Rasterise the pages that need OCR (batch by batch, to bound memory) and recognise them."""
    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(path))

    def render(scan: _Scan):
        with _PDFIUM_LOCK:
            page = document[scan.index]
            try:
                # A grey or bilevel scan is rendered grey: a third of the pixels' bytes, no conversion.
                grey = scan.mode in _NO_COLOUR
                return page.render(scale=scan.render_dpi / 72.0, grayscale=grey).to_pil()
            finally:
                page.close()

    try:
        return recognize(
            [
                PageImage(
                    make=lambda s=s: render(s),
                    number=s.index + 1,
                    dpi=s.render_dpi,
                    # Word boxes come in the frame of the scan's own resolution; a page without
                    # a scan in it (garbage fonts, drawings) is given a 300-dpi frame.
                    scan_dpi=s.scan_dpi or _DEFAULT_RENDER_DPI,
                    mode=s.mode,
                    size_mm=s.size_mm,
                )
                for s in scans
            ],
            config.ocr,
        )
    except pdfium.PdfiumError as exc:
        raise CorruptFile() from exc
    finally:
        with _PDFIUM_LOCK:
            document.close()
