"""A second reading of the issuer block of an OCR'd page's header, when the first one is unsure.

The header puts the issuer block (parent body, issuing body, an underline) left of the national
motto. When the parent body's name wraps ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG" / "NAI"), Tesseract's
layout analysis (psm 3) may run the short second line into the motto's second line, level with
it, and read it as garbage ("l CÀ bu Độc lập - Tự do"): the province is lost from the issuer.
Measured on the corpus' 300-dpi scans: 6 issuers of 21 lost that way. Here, when a word read in
the block (`ocr_layout.header_zone`) is garbage (`UNSURE`), the block is cropped from the cleaned
page and read on its own as one block of text (psm 6, a tenth of a second); strokes read as
punctuation (the underline) are dropped and the block's lines replace the first reading's words.

Tesseract is called through `read`, given by `pipeline.ocr` (the only importer of pytesseract).
"""
from __future__ import annotations

from typing import Callable, Sequence

from PIL import Image

from pipeline import imaging, ocr_layout
from pipeline.ocr_layout import Line

ZONE_PSM = 6  # the cropped issuer block is one block of text
UNSURE = 0.6  # a word read this unsure is garbage (0.0–0.46 where the block went wrong); capitals
# of a clean header read 0.7–0.96, and re-reading every block with one of those cost 10 Tesseract
# runs on 19 corpus headers instead of 4

# read(image, scale, psm, origin) -> lines with boxes in the page frame (divided by scale, moved by origin)
Read = Callable[[Image.Image, float, int, tuple[float, float]], Sequence[Line]]


def reread(lines: Sequence[Line], cleaned: imaging.CleanedImage, binary: bool,
           size: tuple[int, int], dpi: float, read: Read) -> list[Line] | None:
    """The page's lines with the issuer block's replaced by a reading of its own; None when the
    page has no header, the first reading of it was sure, or nothing was read there."""
    zone = ocr_layout.header_zone(lines, *size, dpi)
    if zone is None or not ocr_layout.unsure_inside(lines, zone, UNSURE):
        return None
    crop, scale = cleaned.region((zone.x0, zone.y0, zone.x1, zone.y1), binary)
    block = ocr_layout.drop_marks(read(crop, scale, ZONE_PSM, (zone.x0, zone.y0)), ())
    return ocr_layout.replace_zone(lines, zone, block) if block else None
