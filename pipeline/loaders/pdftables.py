"""Ruled tables of a text PDF page, from the one pass over its content (`pdfcontent.py`).

pdfplumber finds the tables: its table finder gets the page's ruling edges as explicit lines
(`table_settings` "explicit" strategy), so it does not resolve the whole page a second time for
`page.edges` and `page.chars` — that second pass cost ~0.4 s per table page, three times reading
the page. The cells' text is taken here from the glyphs already read: a glyph belongs to the cell
holding its centre (as pdfplumber's `Table.extract` decides), the cell's glyphs are joined into
words and lines as the page's own text is (`layout.words_from_chars`), and whitespace is collapsed;
the glyphs' union is the cell's box (where a value read from it is drawn as evidence).
The tests compare the result with pdfplumber's own `extract_tables()`.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from pipeline.loaders import layout
from pipeline.model import Box, Table, nfc

_MIN_EDGE_PT = 1.0  # pdfplumber's `edge_min_length_prefilter`: shorter edges rule nothing


def find_tables(page, number: int, chars: Sequence[dict], rulings: Sequence[dict]) -> list[Table]:
    """The tables of a pdfplumber page (two rows, or one row of two cells, at least)."""
    vertical = [e for e in rulings if e["orientation"] == "v" and e["height"] >= _MIN_EDGE_PT]
    horizontal = [e for e in rulings if e["orientation"] == "h" and e["width"] >= _MIN_EDGE_PT]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []  # fewer rules than a one-cell table has (and pdfplumber refuses such settings)
    settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal}
    by_middle = sorted(chars, key=_middle)
    middles = [_middle(ch) for ch in by_middle]
    found = []
    for table in page.find_tables(settings):
        read = [_row(row.bbox, row.cells, by_middle, middles) for row in table.rows]
        rows = tuple(tuple(text for text, _ in row) for row in read)
        if len(rows) >= 2 or (rows and len(rows[0]) >= 2):
            found.append(Table(page=number, rows=rows, boxes=tuple(tuple(box for _, box in row) for row in read)))
    return found


def _middle(ch: dict) -> float:
    return (ch["top"] + ch["bottom"]) / 2


def _inside(ch: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return x0 <= (ch["x0"] + ch["x1"]) / 2 < x1 and top <= _middle(ch) < bottom


def _row(box, cells, by_middle: list[dict], middles: list[float]) -> list[tuple[str, Box | None]]:
    """One row's cells as text and box ("" and None for a cell spanned by its neighbour)."""
    inside = [ch for ch in by_middle[bisect_left(middles, box[1]):bisect_left(middles, box[3])] if _inside(ch, box)]
    return [_cell([ch for ch in inside if _inside(ch, cell)]) if cell else ("", None) for cell in cells]


def _cell(chars: list[dict]) -> tuple[str, Box | None]:
    text = nfc(" ".join(" ".join(w["text"] for w in layout.words_from_chars(chars)).split()))
    if not text:
        return text, None
    shown = [ch for ch in chars if not ch["text"].isspace()] or chars
    return text, Box(min(ch["x0"] for ch in shown), min(ch["top"] for ch in shown),
                     max(ch["x1"] for ch in shown), max(ch["bottom"] for ch in shown))
