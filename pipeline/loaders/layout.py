"""Reading order for a born-digital page: lines, and the two-column zones of a decision.

A decision's header puts the issuer block on the left and the national motto on the right; its
signer block puts the recipients on the left and the signer on the right. Read line by line, the two
columns interleave ("UBND TỈNH X CỘNG HÒA …", "SỞ NỘI VỤ Độc lập - …"). Here consecutive lines that
share a clear vertical gap near the middle of the page (a gap much wider than the line's own word
spaces) form a zone; a zone whose two sides overlap vertically — the header with the national motto,
or the block with "Nơi nhận" — is read as its left column, then its right column. Splitting at the gap
is exactly what cropping the zone at the gap would give (pdfplumber cropped views), without
extracting words twice. Body lines span the gap and close the zone. A line cut into three or more
pieces (a table row) is never part of a zone.

Input words are pdfplumber-style dicts (`text`, `x0`, `x1`, `top`, `bottom`); nothing is mutated.
"""
from __future__ import annotations

import math
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from statistics import median
from typing import Sequence

Word = dict  # a pdfplumber word: {"text", "x0", "x1", "top", "bottom", ...}
Interval = tuple[float, float]

_BAND = (0.2, 0.8)  # the column gap of a header or signer block lies in this share of the width
_MIN_GAP = 5.0  # points: no column gap is narrower
_GAP_PER_SPACE = 2.5  # a column gap is this many of the line's own word spaces wide, or more
_SPACE_PER_HEIGHT = 0.5  # gaps under this share of the text height are word spaces
_DEFAULT_SPACE_PER_HEIGHT = 0.25  # a line without word spaces: a space is a quarter em
_WORD_GAP_PER_HEIGHT = 0.2  # glyphs further apart than this (no space glyph between) split words


@lru_cache(maxsize=1)
def layout_rules() -> dict:
    """`pipeline/data/layout.toml`: the signer-block markers and column limits."""
    text = resources.files("pipeline.data").joinpath("layout.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass
class _Zone:
    """Consecutive lines sharing a column gap; each line keeps where a gap may run through it."""

    lines: list[list[Word]] = field(default_factory=list)
    frees: list[list[Interval]] = field(default_factory=list)
    split: list[bool] = field(default_factory=list)  # the line itself has two pieces

    def free_with(self, free: list[Interval]) -> list[Interval]:
        common = free
        for line_free in self.frees:
            common = _wide(_intersect(common, line_free))
        return common

    def drop_first(self) -> list[Word]:
        self.frees.pop(0)
        self.split.pop(0)
        return self.lines.pop(0)


def reading_order(words: Sequence[Word], page_width: float) -> list[list[Word]]:
    """The page's lines in reading order, each a list of words left to right."""
    return order_lines(group_lines(words), page_width)


def order_lines(lines: Sequence[list[Word]], page_width: float) -> list[list[Word]]:
    """Lines (top to bottom) with their two-column zones read left column first.

    Only two kinds of zone are read column by column: a header (the national motto in it) and a
    signer block (a left-column line opening with "Nơi nhận"), phrases from `layout.toml`; a list
    laid out in two columns in the body keeps its rows.
    """
    band = (page_width * _BAND[0], page_width * _BAND[1])
    signers = _markers()[1]
    ordered: list[list[Word]] = []
    zone = _Zone()
    for line in lines:
        pieces = _pieces(line)
        free = _wide(_free(pieces, band))
        if _fold(line_text(line)).startswith(signers):
            # The signer block starts here: whatever shared its gap above (a list) stays apart.
            ordered.extend(_read_zone(zone))
            zone = _Zone()
        # Single-piece lines ahead of the zone's first two-piece line (the end of a paragraph
        # above a signer block) may narrow the gap wrongly: let them go before giving up.
        while zone.lines and not zone.free_with(free) and not zone.split[0] and any(zone.split):
            ordered.append(zone.drop_first())
        if zone.lines and zone.free_with(free):
            zone.lines.append(line)
            zone.frees.append(free)
            zone.split.append(len(pieces) == 2)
            continue
        ordered.extend(_read_zone(zone))
        zone = _Zone([line], [free], [len(pieces) == 2]) if free else _Zone()
        if not free:
            ordered.append(line)
    ordered.extend(_read_zone(zone))
    return ordered


def words_from_chars(chars: Sequence[Word]) -> list[Word]:
    """Join glyphs into words: same line, no space glyph between, gap under a fifth of the height.

    Glyphs keep their stream order among equals, so NFD combining marks follow their base letter.
    """
    words: list[Word] = []
    for line in group_lines(chars):
        current: Word | None = None
        for ch in line:
            if ch["text"].isspace():
                current = None
                continue
            tolerance = _WORD_GAP_PER_HEIGHT * (ch["bottom"] - ch["top"])
            if current is not None and ch["x0"] - current["x1"] <= tolerance:
                current["text"] += ch["text"]
                current["x1"] = max(current["x1"], ch["x1"])
                current["top"] = min(current["top"], ch["top"])
                current["bottom"] = max(current["bottom"], ch["bottom"])
            else:
                current = dict(ch)
                words.append(current)
    return words


def group_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Cluster words into lines by vertical centre; lines top to bottom, words left to right."""
    by_centre = sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"]))
    lines: list[list[Word]] = []
    centre = height = 0.0
    for word in by_centre:
        mid = (word["top"] + word["bottom"]) / 2
        if lines and abs(mid - centre) <= height / 2:
            lines[-1].append(word)
            continue
        lines.append([word])
        centre, height = mid, max(word["bottom"] - word["top"], 1.0)
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _read_zone(zone: _Zone) -> list[list[Word]]:
    """Left column then right column when the two sides sit beside each other, else as read."""
    if not zone.lines:
        return []
    gap = max(zone.free_with([(-math.inf, math.inf)]), key=lambda iv: iv[1] - iv[0])
    # Each line is cut at the gap, keeping the lines as found (OCR'd lines may drift on a tilted
    # photo; regrouping the words would break them).
    left_lines = [part for line in zone.lines if (part := [w for w in line if w["x1"] <= gap[0]])]
    right_lines = [part for line in zone.lines if (part := [w for w in line if w["x0"] >= gap[1]])]
    left = [w for line in left_lines for w in line]
    right = [w for line in right_lines for w in line]
    if not left or not right or not _overlap_vertically(left, right) or not _is_block(left_lines, right_lines):
        return zone.lines
    return left_lines + right_lines


def _is_block(left_lines: list[list[Word]], right_lines: list[list[Word]]) -> bool:
    """A header (the motto somewhere in it) or a signer block (a left line opens with "Nơi nhận")."""
    headers, signers = _markers()
    texts = [_fold(line_text(line)) for line in left_lines + right_lines]
    if any(marker in text for marker in headers for text in texts):
        return True
    return any(_fold(line_text(line)).startswith(signers) for line in left_lines)


@lru_cache(maxsize=1)
def _markers() -> tuple[tuple[str, ...], tuple[str, ...]]:
    rules = layout_rules()
    return (
        tuple(_fold(m) for m in rules["header_block_markers"]),
        tuple(_fold(m) for m in rules["signer_block_markers"]),
    )


def _fold(text: str) -> str:
    """Upper case without diacritics (đ → D): OCR misreads tone marks, not letters."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").upper().split())


def _overlap_vertically(left: list[Word], right: list[Word]) -> bool:
    top = max(min(w["top"] for w in left), min(w["top"] for w in right))
    bottom = min(max(w["bottom"] for w in left), max(w["bottom"] for w in right))
    return bottom > top


def _pieces(line: list[Word]) -> list[Interval]:
    """The line's horizontal extents, cut wherever a gap is much wider than its word spaces."""
    height = median(w["bottom"] - w["top"] for w in line)
    gaps = [b["x0"] - a["x1"] for a, b in zip(line, line[1:])]
    spaces = [g for g in gaps if 0 < g < _SPACE_PER_HEIGHT * height]
    space = median(spaces) if spaces else _DEFAULT_SPACE_PER_HEIGHT * height
    min_gap = max(_MIN_GAP, _GAP_PER_SPACE * space)
    pieces: list[Interval] = []
    for word in line:
        if pieces and word["x0"] - pieces[-1][1] < min_gap:
            pieces[-1] = (pieces[-1][0], max(pieces[-1][1], word["x1"]))
        else:
            pieces.append((word["x0"], word["x1"]))
    return pieces


def _free(pieces: list[Interval], band: Interval) -> list[Interval]:
    """Where a column gap may run through this line: between its two pieces, or, for a line in
    one piece, on either side of it. Never beside both pieces of a two-piece line: the sliver
    between a right column and the band's edge is no column gap."""
    if len(pieces) == 1:
        return _subtract(band, pieces)
    if len(pieces) == 2:
        return _intersect([band], [(pieces[0][1], pieces[1][0])])
    return []  # three pieces or more: a table row


def _subtract(band: Interval, occupied: list[Interval]) -> list[Interval]:
    free = [band]
    for start, end in occupied:
        free = [
            part
            for lo, hi in free
            for part in ((lo, min(hi, start)), (max(lo, end), hi))
            if part[1] > part[0]
        ]
    return free


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return [
        (max(lo1, lo2), min(hi1, hi2))
        for lo1, hi1 in a
        for lo2, hi2 in b
        if min(hi1, hi2) > max(lo1, lo2)
    ]


def _wide(intervals: list[Interval]) -> list[Interval]:
    return [iv for iv in intervals if iv[1] - iv[0] >= _MIN_GAP]


def line_text(line: list[Word]) -> str:
    return " ".join(w["text"] for w in line)


def ocr_lines(text: str, words: Sequence[Word]) -> list[list[Word]] | None:
    """Tesseract's own lines as groups of its words (its text lists the words in order, a line a
    row), so that its line finding, sturdier than ours on skewed scans, is kept; None when the
    text and the words do not line up."""
    lines: list[list[Word]] = []
    taken = 0
    for row in text.split("\n"):
        tokens = row.split()
        if not tokens:
            continue
        group = list(words[taken : taken + len(tokens)])
        if [w["text"] for w in group] != tokens:
            return None
        lines.append(group)
        taken += len(tokens)
    return lines if taken == len(words) else None
