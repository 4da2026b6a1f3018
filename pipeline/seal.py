"""Find red seals (con dấu) on a scanned page: a pure image function for the Decree 30 seal check.

Contract of `detect_red_seal(image, dpi=None) -> list[Box]`:
- `image`: a Pillow image in any mode, or a numpy array (H×W×3/4 uint8 RGB[A]). Greyscale and
  bilevel images carry no colour, so they give `[]` (SCAN-NOT-COLOUR reports those pages).
- `dpi`: the image's true resolution; sizes are judged in millimetres with it. Without it (or with
  a default such as 72 dpi that would make the image longer than 600 mm) the image is taken to be
  an A4 page (its short side = 210 mm).
- Returns the bounding boxes of seal-like red marks in the image's pixel coordinates (top-left
  origin), largest first. Seal-like = saturated red ink (hue and thresholds as in
  `pipeline.imaging`), forming one blob 18–75 mm on each side, roughly as tall as wide (round seals
  and square ones), not filled solid. Red text lines, thin rules and small ticks are not seals.
- Pure: no I/O, the input is not modified; about 0.1 s for an A4 page at 300 dpi.

`seal_near_signature(seals, signer_box, width, height, dpi)` says whether one of those boxes lies on
the signer block (grown by a margin); when the signer's words are not known, whether the page has a
seal at all (measured on the synthetic scans: the signer block often opens the last page or sits on
a middle page before the attached lists, so "the lower part of the last page" misses real seals).
The loaders set `Page.seal_near_signature` with it on every colour page; the check wants one page
with a seal.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

from pipeline.model import Box

MM_PER_INCH = 25.4
A4_SHORT_MM = 210.0
# Seal ink: saturated red to pink. Hue runs 0..255 (OpenCV's full-range HSV, as Pillow's).
_HUE_LOW, _HUE_HIGH = 17, 227
_MIN_SATURATION, _MIN_VALUE = 60, 80
_WORK_PX_PER_MM = 6.0
_CELL_MM = 1.0  # the mask is pooled into ~1 mm cells before grouping: fast, and joins ring strokes
_CELL_MIN_RED = 0.04  # share of red pixels that makes a cell red
_JOIN_CELLS = 2  # cells grown on each side so letters and the ring make one blob
_MIN_SIDE_MM, _MAX_SIDE_MM = 18.0, 75.0
_MAX_ASPECT = 1.5
_MIN_FILL, _MAX_FILL = 0.08, 0.85  # red cells / box cells: rings and lettering, not a solid block
_NEAR_MARGIN_MM = 15.0
_MAX_PAGE_MM = 600.0  # a stated dpi that makes the image longer than A2 is not a scan resolution


def _colour_image(image: Image.Image | np.ndarray) -> Image.Image | None:
    """The picture as a Pillow image with colour in it, not copied; None when it has no colour."""
    if isinstance(image, np.ndarray):
        if image.ndim != 3 or image.shape[2] < 3:
            return None
        return Image.fromarray(np.ascontiguousarray(image[:, :, :3].astype(np.uint8)), "RGB")
    if image.mode in ("1", "L", "LA", "La", "I", "I;16", "F"):
        return None
    return image


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Boolean mask of seal-red pixels of an H×W×3 RGB array."""
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV_FULL)  # hue 0..255, as Pillow's
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    return ((hue <= _HUE_LOW) | (hue >= _HUE_HIGH)) & (sat >= _MIN_SATURATION) & (val >= _MIN_VALUE)


def _pool(mask: np.ndarray, cell: int) -> np.ndarray:
    """Share of red pixels per cell×cell block (edges padded)."""
    height, width = mask.shape
    rows, cols = -(-height // cell), -(-width // cell)
    padded = np.zeros((rows * cell, cols * cell), dtype=np.float32)
    padded[:height, :width] = mask
    return padded.reshape(rows, cell, cols, cell).mean(axis=(1, 3))


def _grow(cells: np.ndarray, steps: int) -> np.ndarray:
    grown = cells.copy()
    for _ in range(steps):
        shifted = grown.copy()
        shifted[1:, :] |= grown[:-1, :]
        shifted[:-1, :] |= grown[1:, :]
        shifted[:, 1:] |= grown[:, :-1]
        shifted[:, :-1] |= grown[:, 1:]
        grown = shifted
    return grown


def _components(cells: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (row0, col0, row1, col1 inclusive) of 4-connected groups of true cells."""
    seen = np.zeros_like(cells, dtype=bool)
    boxes = []
    for start in zip(*np.nonzero(cells)):
        if seen[start]:
            continue
        seen[start] = True
        stack, r0, c0, r1, c1 = [start], start[0], start[1], start[0], start[1]
        while stack:
            r, c = stack.pop()
            r0, c0, r1, c1 = min(r0, r), min(c0, c), max(r1, r), max(c1, c)
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < cells.shape[0] and 0 <= nc < cells.shape[1] and cells[nr, nc] and not seen[nr, nc]:
                    seen[nr, nc] = True
                    stack.append((nr, nc))
        boxes.append((r0, c0, r1, c1))
    return boxes


def _px_per_mm(width: float, height: float, dpi: float | None) -> float:
    """From the dpi; from A4 when there is none or it is a software default (72/96 dpi on a phone
    photo would make the page a poster, and every seal on it 'too large')."""
    if dpi and max(width, height) / dpi * MM_PER_INCH <= _MAX_PAGE_MM:
        return dpi / MM_PER_INCH
    return min(width, height) / A4_SHORT_MM


def detect_red_seal(image: Image.Image | np.ndarray, dpi: float | None = None) -> list[Box]:
    """Boxes (image pixels) of red seals on the page, largest first; [] for grey/bilevel images."""
    picture = _colour_image(image)
    if picture is None or picture.width == 0 or picture.height == 0:
        return []
    width, height = picture.size
    px_per_mm = _px_per_mm(width, height, dpi)
    # Seal strokes are ~0.5–1 mm wide: ~6 px/mm keeps them and makes the colour test cheap
    # (area averaging: a stroke keeps its hue, a little paler).
    work_px_per_mm = min(px_per_mm, _WORK_PX_PER_MM)
    factor = px_per_mm / work_px_per_mm  # original pixels per work pixel
    if picture.mode != "RGB":
        picture = picture.convert("RGB")
    if factor > 1.05:
        picture = picture.resize((max(1, round(width / factor)), max(1, round(height / factor))), Image.BOX)
    else:
        factor = 1.0
    cell = max(1, round(work_px_per_mm * _CELL_MM))
    red = _pool(red_mask(np.asarray(picture)), cell) >= _CELL_MIN_RED
    mm_per_cell = cell / work_px_per_mm
    cell *= factor  # from here on, one cell in original pixels
    found: list[Box] = []
    for r0, c0, r1, c1 in _components(_grow(red, _JOIN_CELLS)):
        # The grown blob's box is JOIN cells too large on each side: measure the red cells inside.
        inner = red[r0:r1 + 1, c0:c1 + 1]
        rows, cols = np.nonzero(inner)
        if rows.size == 0:
            continue
        r0, r1, c0, c1 = r0 + rows.min(), r0 + rows.max(), c0 + cols.min(), c0 + cols.max()
        tall, wide = (r1 - r0 + 1) * mm_per_cell, (c1 - c0 + 1) * mm_per_cell
        fill = rows.size / ((r1 - r0 + 1) * (c1 - c0 + 1))
        if not (_MIN_SIDE_MM <= tall <= _MAX_SIDE_MM and _MIN_SIDE_MM <= wide <= _MAX_SIDE_MM):
            continue
        if max(tall, wide) / min(tall, wide) > _MAX_ASPECT or not _MIN_FILL <= fill <= _MAX_FILL:
            continue
        found.append(Box(float(c0 * cell), float(r0 * cell),
                         float(min(width, (c1 + 1) * cell)), float(min(height, (r1 + 1) * cell))))
    return sorted(found, key=lambda b: (b.x1 - b.x0) * (b.y1 - b.y0), reverse=True)


def _overlaps(a: Box, b: Box) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def seal_near_signature(seals: Sequence[Box], signer_box: Box | None, width: float, height: float,
                        dpi: float | None = None) -> bool:
    """Whether a seal lies on the signer block (grown by ~15 mm); without one, whether there is a seal.

    All boxes and sizes in the same unit as the image the seals were found on (pixels).
    """
    if not seals:
        return False
    if signer_box is None:
        return True
    px_per_mm = _px_per_mm(width, height, dpi)
    margin = _NEAR_MARGIN_MM * px_per_mm
    grown = Box(signer_box.x0 - margin, signer_box.y0 - margin, signer_box.x1 + margin, signer_box.y1 + margin)
    return any(_overlaps(seal, grown) for seal in seals)
