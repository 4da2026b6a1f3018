"""Hand page images to the OCR module in bounded batches; add what only the loader knows.

Both the PDF loader (rendered scanned pages) and the image loader (photos, TIFF frames) come here.
Images are produced lazily, a batch at a time, so a 500-page scan never sits in memory at once;
within a batch the OCR module works on pages in parallel. `pipeline.ocr` is imported only when a
page really needs OCR, so reading text PDFs and DOCX never loads Tesseract's wrapper.

Each OCR'd page gets its two-column header and signer block in reading order (`layout.py`, as text
pages do) and is completed with the facts of the scan itself: its true resolution, its
colour mode, its physical size, and whether a red seal sits low on the page near the signer
(`pipeline.seal`; the signer's words are not known at this stage, so the seal's position decides).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from pipeline.config import OcrConfig
from pipeline.loaders import layout
from pipeline.model import Page, nfc

_PAGES_PER_WORKER = 2  # a batch keeps every worker busy without holding many page images
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


def recognize(pages: Sequence[PageImage], config: OcrConfig) -> list[Page]:
    """OCR the pages in order (batch by batch) and complete them with the scan's facts."""
    from pipeline import ocr  # heavy and optional: only documents that need OCR pay for it

    ocr.ensure_available(config)
    workers = config.workers or os.cpu_count() or 1
    batch_size = max(1, workers * _PAGES_PER_WORKER)
    done: list[Page] = []
    for start in range(0, len(pages), batch_size):
        batch = pages[start : start + batch_size]
        images: list = []
        try:
            images.extend(spec.make() for spec in batch)
            read = ocr.recognize_pages([(im, spec.dpi) for im, spec in zip(images, batch)], config)
            done.extend(_complete(page, im, spec) for page, im, spec in zip(read, images, batch))
        finally:
            for image in images:
                image.close()
    return done


def _complete(page: Page, image, spec: PageImage) -> Page:
    return replace(
        _columns_in_order(page),
        number=spec.number,
        dpi=spec.scan_dpi if spec.scan_dpi else page.dpi,
        image_mode=spec.mode,
        size_mm=spec.size_mm,
        seal_near_signature=_seal_near_signature(image, page, spec.dpi, spec.mode),
    )


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


def _seal_near_signature(image, page: Page, dpi: float | None, spec_mode: str | None) -> bool | None:
    """Seal check in the frame OCR read the page in (it may have turned the page upright)."""
    from pipeline import seal

    if (spec_mode or image.mode) in _NO_COLOUR:
        return None  # no colour, no red seal to find; the validators report the grey scan
    upright = image.rotate(-page.rotated, expand=True) if page.rotated else image
    try:
        boxes = seal.detect_red_seal(upright, dpi)
        return seal.seal_near_signature(boxes, None, upright.width, upright.height, dpi)
    finally:
        if upright is not image:
            upright.close()


def size_from_pixels(width: int, height: int, dpi: float | None) -> tuple[float, float] | None:
    """Physical size of a scan from its pixels and resolution; None without a resolution."""
    if not dpi:
        return None
    return (round(width / dpi * MM_PER_INCH, 1), round(height / dpi * MM_PER_INCH, 1))
