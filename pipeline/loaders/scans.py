"""Hand page images to the OCR module one per worker thread; add what only the loader knows.

Both the PDF loader (rendered scanned pages) and the image loader (photos, TIFF frames) come here.
Each page's image is made by the thread that reads it and closed once read, so a 500-page scan
never sits in memory at once: at most one page image per worker. `pipeline.ocr` is imported only
when a page really needs OCR, so reading text PDFs and DOCX never loads Tesseract's wrapper.

A phone photo of a sheet is flattened first (`pipeline.photo`: the sheet found on the desk, its
perspective and uneven light undone); the flattened sheet is then the page.

Each OCR'd page gets its two-column header and signer block in reading order (`layout.py`, as text
pages do) and is completed with the facts of the scan itself: its true resolution (word boxes are
put in its frame when the image was made at OCR's reading resolution), its colour mode, its
physical size, and whether a red seal is on it (`pipeline.seal`; the signer's words are not known
at this stage, so any seal counts).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

from pipeline.config import OcrConfig
from pipeline.loaders import layout
from pipeline.model import Page, nfc

MM_PER_INCH = 25.4
_NO_COLOUR = {"1", "L", "LA", "I", "F", "I;16"}


@dataclass(frozen=True)
class PageImage:
    """A page to OCR: how to make its image, and the facts about the scan it comes from."""

    make: Callable[[], object]  # returns a PIL.Image.Image
    number: int
    dpi: float | None  # resolution of the image `make` returns (what OCR sees)
    scan_dpi: float | None  # the scan's own resolution, reported in Page.dpi
    mode: str | None  # the scan's own Pillow mode ("1", "L", "RGB", …)
    size_mm: tuple[float, float] | None  # physical page size, when known
    may_be_photo: bool = False  # an image file: look for a sheet on a desk (not pages of a PDF)


def recognize(pages: Sequence[PageImage], config: OcrConfig) -> list[Page]:
    """OCR the pages in order, in parallel, and complete them with the scan's facts.

    Each page's image is made by the thread that reads it, when it starts, and closed once read:
    at most one image per worker thread is alive, however long the document.
    """
    from pipeline import ocr  # heavy and optional: only documents that need OCR pay for it

    ocr.ensure_available(config)
    return ocr.map_pages(lambda spec: _read(spec, config), pages, config)


def _read(spec: PageImage, config: OcrConfig) -> Page:
    from pipeline import ocr, photo

    image = spec.make()
    try:
        sheet = photo.sheet_of(image) if spec.may_be_photo else None
        if sheet is not None:
            # A photo of a sheet on a desk: the flattened sheet is the page. Its frame is its own,
            # and neither the photo's stated dpi nor its size in mm says anything about it: the
            # resolution is judged from its pixels as an A4 sheet (as for images without a dpi).
            image.close()
            image, spec = sheet, replace(spec, dpi=None, scan_dpi=None, size_mm=None)
        seal = _seal_on_page(image, spec.dpi, spec.mode)
        page = ocr.recognize_page(image, number=spec.number, dpi=spec.dpi, config=config)
    finally:
        image.close()
    return replace(
        _in_scan_frame(_columns_in_order(page), spec),
        number=spec.number,
        dpi=spec.scan_dpi if spec.scan_dpi else page.dpi,
        image_mode=spec.mode,
        size_mm=spec.size_mm,
        seal_near_signature=seal,
    )


def _in_scan_frame(page: Page, spec: PageImage) -> Page:
    """Boxes and size in pixels of the scan's own resolution (Page.dpi's frame), where the image
    was made at another (a 300-dpi scan rendered at OCR's reading resolution)."""
    if not spec.dpi or not spec.scan_dpi or spec.dpi == spec.scan_dpi:
        return page
    by = spec.scan_dpi / spec.dpi
    words = tuple(replace(w, box=w.box.scaled(by)) for w in page.words)
    return replace(page, words=words, width=page.width * by, height=page.height * by)


def _columns_in_order(page: Page) -> Page:
    """Read an OCR'd header or signer block left column first, as text pages are read.

    Tesseract may run the issuer block and the motto together line by line; its lines are kept,
    only a two-column zone is reordered, and a page without one keeps Tesseract's text as it is.
    """
    words = [
        {"text": w.text, "x0": w.box.x0, "x1": w.box.x1, "top": w.box.y0, "bottom": w.box.y1, "word": w}
        for w in page.words
    ]
    lines = layout.ocr_lines(page.text, words)
    if not lines or not page.width:
        return page
    ordered = layout.order_lines(lines, page.width)
    if [id(w) for line in ordered for w in line] == [id(w) for w in words]:
        return page
    text = nfc("\n".join(layout.line_text(line) for line in ordered))
    return replace(page, text=text, words=tuple(w["word"] for line in ordered for w in line))


def _seal_on_page(image, dpi: float | None, spec_mode: str | None) -> bool | None:
    """Whether a red seal lies near the signer. The signer's words are not known at this stage,
    so any seal on the page counts (`seal.seal_near_signature` without a signer box) — and that
    holds whichever way up the page lies, so the check runs before OCR, on the image as made."""
    from pipeline import seal

    if (spec_mode or image.mode) in _NO_COLOUR:
        return None  # no colour, no red seal to find; the validators report the grey scan
    return seal.seal_near_signature(seal.detect_red_seal(image, dpi), None, image.width, image.height, dpi)


def size_from_pixels(width: int, height: int, dpi: float | None) -> tuple[float, float] | None:
    """Physical size of a scan from its pixels and resolution; None without a resolution."""
    if not dpi:
        return None
    return (round(width / dpi * MM_PER_INCH, 1), round(height / dpi * MM_PER_INCH, 1))
