"""A second reading of the signer column of an OCR'd page, where the seal and signature sit.

Tesseract's page layout (psm 3) often drops the signer's name under the signature and the seal,
or garbles the title beside them ("Hó Chủ tịch"). Here the column (`ocr_layout.signer_zone`) is
cropped from the cleaned page — coloured ink is already faded there (`imaging.clean_page`) — and:

1. a seal printed grey or black is looked for by its ring (`marks.find_seal_rings`, in a box
   reaching left of the zone, where the seal sits), and only dark ink is kept: a grey seal's
   lighter ink goes; a page read binarised is cropped binarised instead;
2. the crop is read as one block of text (psm 6), a few tenths of a second;
3. the words of the seal's lettering (wholly inside its ring) and strokes read as punctuation are
   dropped (`ocr_layout.drop_marks`);
4. the column's lines are centred on one axis: a line whose left end is garbled (a ring or a
   stroke over its first letters) is read again on its own (psm 7), from where a centred line
   with its right end must start — which leaves out the seal's lettering beside it.

Tesseract is called through `read`, given by `pipeline.ocr` (the only importer of pytesseract).
"""
from __future__ import annotations

from typing import Callable, Sequence

from PIL import Image

from pipeline import imaging, marks, ocr_layout
from pipeline.model import Box, Word
from pipeline.ocr_layout import Line

ZONE_PSM = 6  # a cropped column is one block of text
LINE_PSM = 7  # a band cut around one line
SEAL_REACH_MM = 25.0  # the seal's centre sits ~20 mm left of the signature's: look this far left
INK_REACH_MM = 0.5  # tone marks sit this close to their letter; a seal's ink further off goes
SURE = 0.85  # word confidence of a line taken as read right (clean text reads 0.9–0.96)

# read(image, scale, psm, origin) -> lines with boxes in the page frame (divided by scale, moved by origin)
Read = Callable[[Image.Image, float, int, tuple[float, float]], Sequence[Line]]


def reread(lines: Sequence[Line], cleaned: imaging.CleanedImage, binary: bool,
           size: tuple[int, int], dpi: float, read: Read) -> list[Line] | None:
    """The page's lines with the signer column's replaced by a reading of its own; None when no
    column was found or nothing was read there. `cleaned`/`binary`: the image the page was read
    from and how; `size`: the page frame; `dpi`: the page's (effective) resolution."""
    zone = ocr_layout.signer_zone(lines, *size, dpi)
    if zone is None:
        return None
    crop, rings, scale = _zone_image(cleaned, binary, zone, dpi)
    column = ocr_layout.drop_marks(read(crop, scale, ZONE_PSM, (zone.x0, zone.y0)), rings)
    if not column:
        return None
    column = _mend_ragged(column, crop, scale, zone, dpi, read)
    return ocr_layout.replace_zone(lines, zone, column)


def _zone_image(cleaned: imaging.CleanedImage, binary: bool, zone: Box, dpi: float
                ) -> tuple[Image.Image, list[tuple[float, float, float]], float]:
    """(the zone's image ready for Tesseract, seal rings as (x, y, radius) in the page frame,
    the image's scale over the page frame)."""
    left = max(0.0, zone.x0 - SEAL_REACH_MM * dpi / 25.4)
    source, scale = cleaned.region((left, zone.y0, zone.x1, zone.y1), binary)
    found = marks.find_seal_rings(source, dpi * scale)
    crop = source.crop((round((zone.x0 - left) * scale), 0, source.width, source.height))
    if not binary:
        crop = marks.keep_dark_ink(crop, reach=max(1, round(INK_REACH_MM * dpi / 25.4 * scale)))
    rings = [(left + ring.x / scale, zone.y0 + ring.y / scale, ring.radius / scale) for ring in found]
    return crop, rings, scale


def _mend_ragged(column: list[Line], crop: Image.Image, scale: float, zone: Box, dpi: float,
                 read: Read) -> list[Line]:
    """Read again, each on its own, the lines whose left end came out garbled (step 4)."""
    axis = ocr_layout.column_axis(column, SURE)
    if axis is None:
        return column
    mm = dpi / 25.4
    mended = list(column)
    for index, band in ocr_layout.ragged_lines(column, axis, SURE, mm):
        x0, y0 = max(band.x0, zone.x0), max(band.y0, zone.y0)
        pixels = tuple(round(v) for v in ((x0 - zone.x0) * scale, (y0 - zone.y0) * scale,
                                          (band.x1 - zone.x0) * scale, (band.y1 - zone.y0) * scale))
        if pixels[2] - pixels[0] < 4 or pixels[3] - pixels[1] < 4:
            continue
        words: list[Word] = [w for line in read(crop.crop(pixels), scale, LINE_PSM, (x0, y0)) for w in line.words]
        mended[index] = ocr_layout.better_line(column[index], words, band.x0 + ocr_layout.BAND_LEAD_MM * mm, SURE)
    return mended
