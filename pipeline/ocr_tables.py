"""Reading a ruled table on a scanned page: column by column, rebuilt row by row.

Tesseract reads a table poorly even once its rules are erased (`marks.remove_rules`): a cell of
two lines beside cells of one breaks its line finding, and it runs words of neighbouring cells
together ("ĐoànVănNhân 2602/1974"). Here every column of the table is cut out and the strips
are stacked one under the other, a blank gap between them, so that each strip is a plain column
of text; the stack is read as one block (psm 6, one Tesseract run for the whole table, about as
many pixels as the table itself). A measured page: 2 of 7 names read as the page, 6 of 7 and
every date, code and coefficient from the stack.

The words are put back where they are on the page, and the table's text is rebuilt one line per
row of the grid (between two horizontal rules), its cells in column order, a cell's lines in
order. Where a header cell spans two columns the rule between them starts lower: the table is
cut into sections of rows that share the same vertical rules.

Tesseract is called through `read`, given by `pipeline.ocr` (the only importer of pytesseract).
"""
from __future__ import annotations

from typing import Callable, Sequence

from PIL import Image

from pipeline.marks import Grid
from pipeline.model import Box, Word
from pipeline.ocr_layout import Line

TABLE_PSM = 6  # the stack is one block of text lines
GAP_MM = 6.0  # blank paper between stacked strips (and around them): no line runs from one to the next
MIN_STRIP_MM = 3.0  # narrower slivers between two rules are a doubled rule, not a column
SAME_RULE_MM = 1.0  # vertical rules closer than this are one rule

# read(image, scale, psm, origin) -> lines with boxes divided by scale and moved by origin
Read = Callable[[Image.Image, float, int, tuple[float, float]], Sequence[Line]]
_Strip = tuple[float, float, float, float]  # x0, y0, x1, y1 in the page frame


def read_table(image: Image.Image, scale: float, grid: Grid, dpi: float, read: Read, block: int) -> list[Line]:
    """The table's rows as lines (page frame), from `image` (the page, rules erased, `scale` times
    the page frame) and its `grid` (page frame). `block` numbers the lines' text block."""
    mm = dpi / 25.4
    strips = _strips(grid, mm)
    if not strips:
        return []
    gap = round(GAP_MM * mm * scale)
    pieces = [image.crop(tuple(round(v * scale) for v in strip)) for strip in strips]
    canvas = Image.new("L", (max(p.width for p in pieces) + 2 * gap,
                             sum(p.height for p in pieces) + gap * (len(pieces) + 1)), 255)
    tops: list[int] = []
    y = gap
    for piece in pieces:
        canvas.paste(piece.convert("L"), (gap, y))
        tops.append(y)
        y += piece.height + gap
    words = [_placed(w, strips, tops, gap, scale) for line in read(canvas, 1.0, TABLE_PSM, (0.0, 0.0))
             for w in line.words]
    return _rows([w for w in words if w is not None], grid, strips, block)


def _strips(grid: Grid, mm: float) -> list[_Strip]:
    """Columns of each section of rows sharing the same vertical rules, top to bottom, left to
    right. (Keeping neighbouring narrow columns side by side, for context around lone digits,
    read worse: the ghosts of the erased rules between them read as punctuation.)"""
    x0, _, x1, _ = grid.box
    sections: list[tuple[float, float, tuple[float, ...]]] = []
    for top, bottom in _bands(grid):
        middle = (top + bottom) / 2
        xs = _dedupe([x for x, a, b in grid.columns if a <= middle <= b and x0 < x < x1], SAME_RULE_MM * mm)
        if sections and sections[-1][2] == xs:
            sections[-1] = (sections[-1][0], bottom, xs)
        else:
            sections.append((top, bottom, xs))
    strips: list[_Strip] = []
    for top, bottom, xs in sections:
        cuts = [x0, *xs, x1]
        strips.extend((a, top, b, bottom) for a, b in zip(cuts, cuts[1:]) if b - a >= MIN_STRIP_MM * mm)
    return strips


def _dedupe(xs: list[float], within: float) -> tuple[float, ...]:
    out: list[float] = []
    for x in sorted(xs):
        if not out or x - out[-1] > within:
            out.append(x)
    return tuple(out)


def _placed(word: Word, strips: list[_Strip], tops: list[int], gap: int, scale: float) -> Word | None:
    """The word moved from the stack back to the page, or None when it lies in a gap (noise)."""
    middle = (word.box.y0 + word.box.y1) / 2
    for strip, top in zip(strips, tops):
        height = (strip[3] - strip[1]) * scale
        if top <= middle <= top + height:
            dx, dy = strip[0] - gap / scale, strip[1] - top / scale
            box = word.box
            return Word(word.text, Box(box.x0 / scale + dx, box.y0 / scale + dy,
                                       box.x1 / scale + dx, box.y1 / scale + dy), word.confidence)
    return None


def _rows(words: list[Word], grid: Grid, strips: list[_Strip], block: int) -> list[Line]:
    """One line per band between horizontal rules: cells left to right, a cell's lines in order."""
    lines: list[Line] = []
    for top, bottom in _bands(grid):
        middle = (top + bottom) / 2
        cells = sorted(s for s in strips if s[1] <= middle < s[3])
        inside = [w for w in words if top <= (w.box.y0 + w.box.y1) / 2 < bottom]
        ordered = [w for cell in cells for w in _cell_order(inside, cell)]
        if ordered:
            lines.append(Line(block, tuple(ordered)))
    return lines


def _bands(grid: Grid) -> list[tuple[float, float]]:
    """(top, bottom) of each row of the grid: between consecutive horizontal rules in its box."""
    _, y0, _, y1 = grid.box
    edges = [y for y in grid.rows if y0 < y < y1]
    return list(zip([y0, *edges], [*edges, y1]))


def _cell_order(words: list[Word], cell: _Strip) -> list[Word]:
    """The cell's words, line by line (by vertical centre, a line half a word high), left to right."""
    inside = sorted((w for w in words if cell[0] <= (w.box.x0 + w.box.x1) / 2 < cell[2]),
                    key=lambda w: (w.box.y0 + w.box.y1) / 2)
    rows: list[list[Word]] = []
    for word in inside:
        middle = (word.box.y0 + word.box.y1) / 2
        if rows:
            last = rows[-1][0]
            if abs(middle - (last.box.y0 + last.box.y1) / 2) <= (last.box.y1 - last.box.y0) / 2:
                rows[-1].append(word)
                continue
        rows.append([word])
    return [w for r in rows for w in sorted(r, key=lambda w: w.box.x0)]


def merge(lines: Sequence[Line], table: Sequence[Line], box: tuple[float, float, float, float]) -> list[Line]:
    """The page's lines with the table's inserted before the first line below the table's top."""
    at = next((i for i, line in enumerate(lines) if line.top >= box[1]), len(lines))
    return [*lines[:at], *table, *lines[at:]]
