"""Marks that are not print, found and removed on page images: seal rings, faint ink, table rules.

`pipeline.imaging` fades coloured ink; on grey and bilevel scans the seal prints as dark as the
text, and here it is found by its shape instead. Pure functions on Pillow images (numpy and OpenCV
inside, no Tesseract); nothing here mutates its input. Sizes are judged in millimetres with the
image's resolution.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

DARK_CORE_SHARE = 0.25  # of the paper's grey level: the cores of printed strokes are darker
DARK_INK_SHARE = 0.6  # of the paper's grey level: lighter pixels are paper, or a faint ghost of ink
RING_WORK_PX_PER_MM = 4.0  # the circle search runs on a copy at ~100 dpi: fast, rings stay closed
SEAL_RADIUS_MM = (10.0, 25.0)  # round seals are 20–50 mm across (Decree 30 seals: 35–42 mm)
RING_CIRCULARITY = 0.6  # OpenCV's HOUGH_GRADIENT_ALT score (1 = a perfect circle)
CONCENTRIC_MM = 1.5  # rings of one seal share their centre within this
RING_MIN_INKED = 0.6  # share of a ring's circumference (inside the image) that must be inked
RULE_WORK_DPI = 100  # the first look for a grid runs on a copy reduced to about this
RULE_MIN_MM = 15.0  # a horizontal run of ink this long is a rule (the longest letters are ~5 mm)
RULE_MIN_HEIGHT_MM = 7.0  # a vertical run this tall is a rule (letters with marks are ~5 mm)
GRID_MIN_MM = 40.0  # a table's horizontal rules run at least this far
GRID_CELL_MIN_MM = 15.0  # and its vertical rules at least this far (a header row and a data row)
SAME_RULE_MM = 1.0  # rules closer than this are pieces of one
GRID_MIN_RULES = 3  # of each: fewer is an underline, a frame or a box, not a table


@dataclass(frozen=True)
class Ring:
    """A circle found on an image: centre and radius in its pixels."""

    x: float
    y: float
    radius: float


def sparse_sample(values: np.ndarray, pixels: int = 60_000) -> np.ndarray:
    """Every n-th pixel of every n-th row, about `pixels` of them: enough for an image's grey
    levels (paper, ink, percentiles), where medians over a whole 300-dpi page cost 15 ms each."""
    step = max(1, math.isqrt(values.shape[0] * values.shape[1] // pixels))
    return values[::step, ::step]


def _paper(values: np.ndarray) -> int:
    sample = sparse_sample(values)
    return int(np.median(sample[sample >= np.median(sample)]))


def find_seal_rings(gray: Image.Image, dpi: float) -> list[Ring]:
    """The rings of the most circular round seal on a grey image, outer ring first; [] if none.

    A Hough search for circles 10–25 mm in radius on the ink (darker than DARK_INK_SHARE of the
    paper) at ~100 dpi, keeping circles with ink along most of their length (RING_MIN_INKED); the
    best one and those concentric with it (a seal's inner ring) are returned. Meant for a zone
    such as the signer column (a few hundredths of a second): on a whole page the search takes
    seconds.
    """
    values = np.asarray(gray)
    factor = RING_WORK_PX_PER_MM * 25.4 / dpi
    ink = (values < DARK_INK_SHARE * _paper(values)).astype(np.float32)
    small = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    low, high = (round(r * RING_WORK_PX_PER_MM) for r in SEAL_RADIUS_MM)
    if not _has_arc_sized_ink(small, low):
        return []
    found = cv2.HoughCircles((small * 255).astype(np.uint8), cv2.HOUGH_GRADIENT_ALT, dp=1, minDist=1,
                             param1=200, param2=RING_CIRCULARITY, minRadius=low, maxRadius=high)
    if found is None:
        return []
    circles = [(float(x), float(y), float(r)) for x, y, r in found[0] if _inked(small, x, y, r)]
    if not circles:
        return []
    best, near = circles[0], CONCENTRIC_MM * RING_WORK_PX_PER_MM
    rings = [Ring(x / factor, y / factor, r / factor) for x, y, r in circles
             if abs(x - best[0]) <= near and abs(y - best[1]) <= near]
    return sorted(rings, key=lambda ring: -ring.radius)


def _has_arc_sized_ink(ink: np.ndarray, radius: int) -> bool:
    """Whether some connected piece of ink (sub-millimetre breaks bridged) spans `radius` both
    across and down, as a quarter of the smallest ring does; printed letters are far smaller.
    Without one the circle search (a tenth of a second) has nothing to find: a colour scan
    whose seal was faded, or a signer column with no seal."""
    joined = cv2.dilate((ink > 0.3).astype(np.uint8), np.ones((3, 3), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    return bool(((stats[1:, cv2.CC_STAT_WIDTH] >= radius) & (stats[1:, cv2.CC_STAT_HEIGHT] >= radius)).any())


def _inked(ink: np.ndarray, x: float, y: float, radius: float) -> bool:
    """Ink lies along most of the circle (within the image): a ring, not an arc of letters or
    the corners of table cells that the circle search also fits."""
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    xs = np.rint(x + radius * np.cos(angles)).astype(int)
    ys = np.rint(y + radius * np.sin(angles)).astype(int)
    inside = (xs >= 1) & (ys >= 1) & (xs < ink.shape[1] - 1) & (ys < ink.shape[0] - 1)
    if inside.sum() < len(angles) / 3:
        return False
    xs, ys = xs[inside], ys[inside]
    near = np.maximum.reduce([ink[ys + dy, xs + dx] for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    return float((near > 0.3).mean()) >= RING_MIN_INKED


def keep_dark_ink(gray: Image.Image, reach: int = 3, *, core: float = DARK_CORE_SHARE,
                  ink: float = DARK_INK_SHARE) -> Image.Image:
    """Keep printed text only: ink near nearly-black strokes; the rest becomes white.

    On a grey scan a seal may print mid-grey (grey level ~100–190 against paper at ~240) over and
    beside the signer's name, while printed text has nearly black cores. A pixel is kept when it
    is darker than `ink` × paper and lies within `reach` pixels of a core pixel (darker than `core`
    × paper): text keeps its anti-aliased edges and the tone marks beside its letters, faint ink
    goes. Meant for a zone of bold print such as the signer column: small, faint print of a whole
    page may have no core at all.
    """
    values = np.asarray(gray)
    paper = _paper(values)
    cores = (values < core * paper).astype(np.uint8)
    size = 2 * reach + 1
    near = cv2.dilate(cores, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))).astype(bool)
    keep = near & (values < ink * paper)
    return Image.fromarray(np.where(keep, values, 255).astype(np.uint8), "L")


@dataclass(frozen=True)
class Grid:
    """The rules of a ruled table, in the image's pixels: where its horizontal rules run (y,
    sorted), its vertical ones as (x, top, bottom) sorted by x (a rule under a header cell that
    spans two columns starts lower), and the box they span (x0, y0, x1, y1)."""

    rows: tuple[float, ...]
    columns: tuple[tuple[float, float, float], ...]
    box: tuple[float, float, float, float]

    def scaled(self, factor: float) -> Grid:
        return Grid(tuple(y * factor for y in self.rows),
                    tuple((x * factor, a * factor, b * factor) for x, a, b in self.columns),
                    tuple(v * factor for v in self.box))  # type: ignore[arg-type]


def remove_rules(gray: Image.Image, dpi: float) -> tuple[Image.Image, Grid | None]:
    """Paint the rules of a ruled table with the paper's grey: (image, the grid), or the image
    as given and None when the page holds no grid.

    Tesseract's layout analysis takes a ruled table for pictures and drops or merges its cells;
    without the rules it reads them as text (a measured page: 6 of 31 names read with the rules,
    27 without). Rules are runs of ink far longer than any letter: horizontal ones at least
    RULE_MIN_MM long, vertical ones at least RULE_MIN_HEIGHT_MM tall. A grid needs GRID_MIN_RULES
    of each; underlines and a seal's ring alone are left alone. The search runs first on a copy
    at ~100 dpi (a few milliseconds), the erasing at full resolution only on pages with a grid.
    """
    values = np.asarray(gray)
    paper = _paper(values)
    factor = max(1, int(dpi // RULE_WORK_DPI))
    if _rule_masks(values[::factor, ::factor], dpi / factor, paper)[2] is None:
        return gray, None
    horizontal, vertical, grid = _rule_masks(values, dpi, paper)
    if grid is None:
        return gray, None
    rules = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    return Image.fromarray(np.where(rules.astype(bool), paper, values).astype(np.uint8), "L"), grid


def _rule_masks(values: np.ndarray, dpi: float, paper: int) -> tuple[np.ndarray, np.ndarray, Grid | None]:
    mm = dpi / 25.4
    ink = (values < DARK_INK_SHARE * paper).astype(np.uint8)
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(RULE_MIN_MM * mm)), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, round(RULE_MIN_HEIGHT_MM * mm))))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, across)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    rows = _runs(horizontal, axis=0, least=GRID_MIN_MM * mm)
    columns = _runs(vertical, axis=1, least=GRID_CELL_MIN_MM * mm)
    if len(rows) < GRID_MIN_RULES or len(columns) < GRID_MIN_RULES:
        return horizontal, vertical, None
    ys, xs = _merged([r[0] for r in rows], SAME_RULE_MM * mm), [c[0] for c in columns]
    x0 = min(min(r[1] for r in rows), min(xs))
    x1 = max(max(r[2] for r in rows), max(xs))
    y0 = min(min(ys), min(c[1] for c in columns))
    y1 = max(max(ys), max(c[2] for c in columns))
    return horizontal, vertical, Grid(tuple(ys), tuple(columns), (x0, y0, x1, y1))


def _merged(positions: list[float], within: float) -> list[float]:
    """Sorted positions with those closer than `within` taken as one (a rule broken in pieces)."""
    out: list[float] = []
    for p in sorted(positions):
        if not out or p - out[-1] > within:
            out.append(p)
    return out


def _runs(mask: np.ndarray, axis: int, least: float) -> list[tuple[float, float, float]]:
    """Rules in a mask of horizontal (axis 0) or vertical (axis 1) runs: (position across the
    run, start, end) of each connected piece at least `least` long, sorted by position."""
    count, _, stats, centroids = cv2.connectedComponentsWithStats(mask)
    out = []
    for i in range(1, count):
        x, y, w, h = stats[i, :4]
        if axis == 0 and w >= least:
            out.append((float(centroids[i][1]), float(x), float(x + w)))
        elif axis == 1 and h >= least:
            out.append((float(centroids[i][0]), float(y), float(y + h)))
    return sorted(out)
