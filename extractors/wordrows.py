"""Attached tables rebuilt from word boxes, for scans where no table structure was read.

Tesseract returns words with boxes but reads a ruled table in a scrambled order, so the table is
rebuilt from geometry, page by page (a list that runs across pages repeats or omits its header):

1. the region: below the list's caption ("DANH SÁCH … (Kèm theo Quyết định số …)") on its first
   page, below the page number on the next ones;
2. columns: x-intervals that words cover, separated by gaps no word crosses;
3. rows: one per name in the name column (a cell starting with a family name); cells are centred
   vertically, so every other word joins the row whose name is nearest in height. A list of units
   (collective awards, emulation pledges) has no names: one row per unit name (a cell opening with
   a unit head word), a line close under it continuing the same name;
4. column roles: from the header words when OCR read them, else from what the cells hold (dates
   near the issue date are effective dates, older ones birth dates; codes, coefficients, steps).

The result is a header row of labels plus data rows, read by `tables` like any other table.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
import statistics
from dataclasses import dataclass, field

from extractors.locate import union
from extractors.rules import rules
from extractors.tables import (Cell, Grid, column_role, lenient_coefficient, lenient_date, lenient_int,
                               looks_like_name)
from extractors.text import fold
from pipeline.model import Document, Page, Word

_LABELS = {"index": "STT", "name": "Họ và tên", "collective": "Tên tập thể", "birth": "Ngày sinh", "post": "Chức vụ, đơn vị công tác",
           "ngach": "Mã ngạch", "old_step": "Bậc cũ", "old_coefficient": "Hệ số cũ", "step": "Bậc",
           "coefficient": "Hệ số", "effective": "Hưởng từ ngày", "percent": "Mức hưởng (%)"}
_CODE_LIKE = re.compile(r"^\W*[\dOoIl|]{2}[.,][\dOoIl|]{3}\W*$")
_MIN_CONFIDENCE = 0.5  # words below this do not shape columns (rule fragments, stains)


@dataclass
class _Line:
    words: list[Word] = field(default_factory=list)

    @property
    def center(self) -> float:
        return statistics.fmean((w.box.y0 + w.box.y1) / 2 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in sorted(self.words, key=lambda w: w.box.x0))


def _lines(words: list[Word]) -> list[_Line]:
    if not words:
        return []
    height = statistics.median(w.box.y1 - w.box.y0 for w in words)
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w.box.y0 + w.box.y1) / 2):
        center = (word.box.y0 + word.box.y1) / 2
        if lines and abs(center - lines[-1].center) <= 0.5 * height:
            lines[-1].words.append(word)
        else:
            lines.append(_Line([word]))
    return lines


def _region(page: Page, first: bool) -> list[_Line]:
    """The lines of the table on this page (caption and page number left out)."""
    lines = _lines(list(page.words))
    if first:
        # The list's title is printed in capitals; "… (có danh sách kèm theo)" wrapped onto a
        # new line of the decision is not it.
        title = next((i for i, ln in enumerate(lines)
                      if fold(ln.text).startswith("danh sach") and ln.text[:4].isupper()), None)
        if title is None:
            return []
        start = title + 1
        caption = next((i for i in range(start, min(start + 6, len(lines)))
                        if "kem theo" in fold(lines[i].text)), None)
        if caption is not None:
            close = next((i for i in range(caption, min(caption + 4, len(lines))) if ")" in lines[i].text),
                         caption)
            start = close + 1
        return lines[start:]
    top = page.height * 0.06 if page.height else 0
    return [ln for ln in lines if ln.center > top]


def _extent(word: Word) -> tuple[float, float]:
    """A word's x-extent without the table rules OCR glued to it ("|4" is the digit 4)."""
    width = (word.box.x1 - word.box.x0) / max(1, len(word.text))
    lead = len(word.text) - len(word.text.lstrip("|[]"))
    trail = len(word.text) - len(word.text.rstrip("|[]"))
    return word.box.x0 + lead * width, word.box.x1 - trail * width


def _space(lines: list[_Line], limit: float) -> float:
    """The usual gap between two words of a line (the width of a space at this scan's scale)."""
    gaps = []
    for line in lines:
        xs = sorted(_extent(w) for w in line.words)
        gaps += [b[0] - a[1] for a, b in zip(xs, xs[1:]) if 0 < b[0] - a[1] < limit]
    return statistics.median(gaps) if gaps else limit / 4


def _runs(depth: list[int], low: int, gap: float) -> list[tuple[int, int]]:
    """Runs of offsets where depth > low, bridging dips narrower than `gap`."""
    runs: list[list[int]] = []
    for x, d in enumerate(depth):
        if d > low:
            if runs and x - runs[-1][1] <= gap:
                runs[-1][1] = x
            else:
                runs.append([x, x])
    return [(a, b) for a, b in runs]


def _columns(lines: list[_Line], gap: float) -> list[tuple[float, float]]:
    """Column x-intervals: runs that words cover, split where hardly any word crosses.

    A gap between columns is crossed by no word, or by the odd long name that overruns its cell
    (at most one line in twelve); a space between two words of a cell is covered by the other
    rows' words, so it does not split a column. Sparse columns (row numbers, steps) stay columns."""
    spans = [_extent(w) for ln in lines for w in ln.words
             if w.confidence >= _MIN_CONFIDENCE and w.text.strip("|[]")]
    if not spans:
        return []
    left = int(min(a for a, _ in spans))
    delta = [0] * (int(max(b for _, b in spans)) - left + 2)
    for a, b in spans:
        delta[int(a) - left] += 1
        delta[int(b) - left] -= 1
    depth, total = [], 0
    for step in delta:
        total += step
        depth.append(total)
    columns = []
    for a, b in _runs(depth, 0, gap):
        inner = _runs(depth[a:b + 1], len(lines) // 12, gap)
        columns += [(left + a + x0, left + a + x1) for x0, x1 in inner] or [(left + a, left + b)]
    return columns


def _column_of(word: Word, columns: list[tuple[float, float]]) -> int:
    center = (word.box.x0 + word.box.x1) / 2
    return min(range(len(columns)),
               key=lambda i: 0 if columns[i][0] <= center <= columns[i][1]
               else min(abs(center - columns[i][0]), abs(center - columns[i][1])))


def _cell_text(words: list[Word]) -> str:
    """Words of one cell in reading order: its lines top to bottom, each left to right."""
    return " ".join(line.text for line in _lines(words))


def _anchors(lines: list[_Line], name_col: int, columns, height: float) -> list[float]:
    """Row centres: one per name (a name wrapped onto a second line counts once)."""
    centers: list[tuple[float, str]] = []
    for line in lines:
        words = [w for w in line.words if _column_of(w, columns) == name_col]
        if not words:
            continue
        text = _cell_text(words)
        if looks_like_name(text):
            centers.append((line.center, text))
        elif centers and line.center - centers[-1][0] < 1.8 * height and text[:1].isupper() \
                and len(text.split()) <= 2:
            prev, prev_text = centers[-1]
            centers[-1] = ((prev + line.center) / 2, prev_text + " " + text)
    return [c for c, _ in centers]


def looks_like_unit(text: str) -> bool:
    """A cell that opens with a unit's head word ("Phòng", "Trung tâm", "Văn phòng")."""
    folded = fold(text)
    return text[:1].isupper() and any(folded.startswith(head) for head in _unit_heads())


def _unit_anchors(lines: list[_Line], col: int, columns, height: float) -> list[float]:
    """Row centres of a list of units: a unit name starts a row unless it sits right under the
    line before it (a long name wrapped onto a second line of its cell)."""
    centers: list[list[float]] = []
    previous: float | None = None
    for line in lines:
        words = [w for w in line.words if _column_of(w, columns) == col]
        if not words:
            continue
        text = _cell_text(words)
        close = previous is not None and line.center - previous < 1.8 * height
        if looks_like_unit(text) and not close:
            centers.append([line.center])
        elif centers and close:
            centers[-1].append(line.center)
        previous = line.center
    return [statistics.fmean(c) for c in centers]


@dataclass
class _Table:
    columns: list[tuple[float, float]]
    header: list[list[Word]]
    rows: list[list[list[Word]]]
    unit_column: int | None = None  # the column of unit names, for a list of units


def _assemble(lines: list[_Line], columns, anchors: list[float]) -> _Table:
    pitch = statistics.median([b - a for a, b in zip(anchors, anchors[1:])]) if len(anchors) > 1 else 120.0
    header: list[list[Word]] = [[] for _ in columns]
    rows: list[list[list[Word]]] = [[[] for _ in columns] for _ in anchors]
    for line in lines:
        if line.center < anchors[0] - 0.6 * pitch:
            for w in line.words:
                header[_column_of(w, columns)].append(w)
            continue
        nearest = min(range(len(anchors)), key=lambda i: abs(anchors[i] - line.center))
        if abs(anchors[nearest] - line.center) > 0.75 * pitch:
            continue
        for w in line.words:
            rows[nearest][_column_of(w, columns)].append(w)
    return _Table(columns, header, rows)


def _page_table(page: Page, first: bool) -> _Table | None:
    lines = _region(page, first)
    words = [w for ln in lines for w in ln.words]
    if not words:
        return None
    dpi = page.dpi or (page.width / 8.27 if page.width else 300.0)
    # Cells are further apart than words: a gap no word crosses and wider than two spaces.
    # (Bounded: OCR that runs words together inflates the measured space.)
    gap = min(max(0.045 * dpi, 2 * _space(lines, 0.12 * dpi)), 0.09 * dpi)
    columns = _columns(lines, gap)
    height = statistics.median(w.box.y1 - w.box.y0 for w in words)
    best = max(range(len(columns)), key=lambda c: sum(
        looks_like_name(_cell_text([w for w in ln.words if _column_of(w, columns) == c])) for ln in lines))
    anchors = _anchors(lines, best, columns, height)
    unit_column = None
    if not anchors:
        unit_column = max(range(len(columns)), key=lambda c: sum(
            looks_like_unit(_cell_text([w for w in ln.words if _column_of(w, columns) == c])) for ln in lines))
        anchors = _unit_anchors(lines, unit_column, columns, height)
    if not anchors:
        return None
    table = _assemble(lines, columns, anchors)
    table.unit_column = unit_column
    return table


def _cell(words: list[Word], page: Page) -> Cell:
    if not words:
        return Cell("", page.number)
    conf = statistics.fmean(w.confidence for w in words)
    return Cell(_cell_text(words), page.number, union([w.box for w in words]), conf)


def rebuild(document: Document, issued: dt.date | None = None) -> list[Grid]:
    """The attached list of a scanned decision as grids (header row of labels, then data rows)."""
    grids: list[Grid] = []
    table: _Table | None = None
    for page in document.pages:
        if not page.words:
            continue
        found = _page_table(page, table is None)
        if found is None:
            continue
        table = found
        cells = [[_cell(c, page) for c in row] for row in found.rows]
        labels = infer_labels([_cell_text(col) for col in found.header], cells, issued)
        if found.unit_column is not None and not any(column_role(label) == "collective" for label in labels):
            labels[found.unit_column] = _LABELS["collective"]
        grids.append([[Cell(label, page.number) for label in labels]] + cells)
    return grids


def infer_labels(header: list[str], rows: list[list[Cell]], issued: dt.date | None) -> list[str]:
    """Each column's label: the header OCR read when it names a role, else one made from content."""
    roles = [column_role(text) if text.strip() else None for text in header]
    guessed = {col: role for col, role in _content_roles(rows, issued).items()
               if role not in roles}  # a role the header names is not guessed for another column
    out = []
    for i, role in enumerate(roles):
        role = role or guessed.get(i)
        out.append(_LABELS.get(role, header[i]) if role else header[i])
    return out


def _unitish(text: str) -> bool:
    folded = fold(text)
    return any(head in folded for head in _unit_heads())


@lru_cache(maxsize=1)
def _unit_heads() -> tuple[str, ...]:
    return tuple(fold(h) + " " for h in rules().unit_heads)


def _share(rows: list[list[Cell]], col: int, test) -> float:
    cells = [r[col].text for r in rows if r[col].text.strip()]
    return sum(bool(test(t)) for t in cells) / len(cells) if cells else 0.0


def _content_roles(rows: list[list[Cell]], issued: dt.date | None) -> dict[int, str]:
    if not rows:
        return {}
    width = len(rows[0])
    roles: dict[int, str] = {}
    ints, coefs = [], []
    for col in range(width):
        if _share(rows, col, looks_like_name) >= 0.5:
            roles[col] = "name"
        elif _share(rows, col, lambda t: lenient_date(t) is not None) >= 0.5:
            years = [lenient_date(r[col].text).year for r in rows if lenient_date(r[col].text)]
            # Effective dates lie near the issue date; birth dates decades before it.
            reference = issued.year if issued else 2000
            roles[col] = "effective" if statistics.median(years) >= reference - 5 else "birth"
        elif _share(rows, col, lambda t: _CODE_LIKE.match(t)) >= 0.5:
            roles[col] = "ngach"
        elif _share(rows, col, lambda t: lenient_coefficient(t) is not None) >= 0.5:
            coefs.append(col)
        elif _share(rows, col, lambda t: lenient_int(t) is not None) >= 0.5:
            ints.append(col)
        elif _share(rows, col, _unitish) >= 0.4:
            roles[col] = "post"
    if ints and ints[0] < min(roles, default=width):
        roles[ints.pop(0)] = "index"
    if len(coefs) >= 2:
        roles[coefs[0]], roles[coefs[1]] = "old_coefficient", "coefficient"
    elif coefs:
        roles[coefs[0]] = "coefficient"
    for col in ints:
        before = [c for c in coefs if c > col]
        if before:
            roles[col] = "old_step" if len(coefs) >= 2 and before[0] == coefs[0] else "step"
    return roles
