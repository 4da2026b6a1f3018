"""Where on an OCR'd page to look twice, and how a second reading replaces the first there.

Tesseract's page layout analysis (psm 3) may run a short line of the header's issuer block into
the national motto beside it and read it as garbage (`header_zone`: left of the motto, down to
the number). It takes the signature scribble and the seal at the bottom right of a decision for
a picture, and often drops the signer's name under them, or garbles the
title beside them ("Hó Chủ tịch"). The signer column is found here from the first reading's words:
its authority line (KT. / TM. / Q. / TL. / TUQ.), else the line level with "Nơi nhận", else an
upper-case post ("GIÁM ĐỐC") in the right half. The caller crops that zone, cleans it and reads it
as one block of text; `replace_zone` then puts those lines where the first reading had its words
of the zone, so the page reads authority line, title line, name, in order.

Pure geometry on `pipeline.model` words (no image, no Tesseract); boxes are in the page frame.
Phrases come from `pipeline/data/ocr.toml`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from statistics import median
from typing import Sequence

from pipeline import vietnamese as vn
from pipeline.model import Box, Word

RIGHT_HALF = 0.4  # share of the width beyond which the signer column's words start
LEFT_COLUMN = 0.3  # a line starting before this share of the width belongs to the left column
COLUMN_GAP_MM = 1.5  # clearance kept from the recipients' list on the left
ZONE_DEPTH_MM = 85.0  # authority, title, ~30 mm of signature and seal, the name, and some slack
ABOVE_MM = 2.0  # margin above the zone's first line
RAGGED_MM = 0.8  # a centred line starting this much left of its mirrored end has garbage in front
BAND_LEAD_MM = 0.3  # a re-read line's band starts this far left of where the line must start
LINE_MARGIN_MM = 1.2  # above and below a line re-read on its own: its tone marks, not the next line
AUTHORITY_NEAR_RECIPIENTS_MM = 25.0  # an authority line this far above "Nơi nhận" still opens the column
HEADER_SHARE = 0.3  # the national motto stands in this top share of the page
HEADER_MIN_LEFT = 0.3  # and starts right of this share of the width (the issuer block is left of it)
HEADER_DEPTH_MM = 30.0  # the issuer block is at most this deep below the motto's top


@dataclass(frozen=True)
class Line:
    """One line of a reading, its words left to right; `block` numbers Tesseract's text blocks."""

    block: int
    words: tuple[Word, ...]

    @property
    def top(self) -> float:
        return min(w.box.y0 for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.box.y1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@lru_cache(maxsize=1)
def _rules() -> dict:
    text = resources.files("pipeline.data").joinpath("ocr.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def text_of(lines: Sequence[Line]) -> str:
    """A line a row, a blank row between Tesseract's blocks (as `pipeline.ocr` builds page text)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and line.block != lines[i - 1].block:
            out.append("")
        out.append(line.text)
    return "\n".join(out)


def _key(word: str) -> str:
    return vn.fold(word).strip(".,:;")


def _authority_top(line: Line, width: float) -> float | None:
    """Top of an authority prefix in the right half followed by an upper-case word ("KT. GIÁM")."""
    prefixes = _rules()["signer_zone"]["authority"]
    for word, following in zip(line.words, line.words[1:]):
        if word.box.x0 >= RIGHT_HALF * width and _key(word.text) in prefixes and following.text[:1].isupper():
            return word.box.y0
    return None


def _is_recipients(line: Line, width: float) -> bool:
    head = [w for w in line.words[:2] if w.box.x0 < LEFT_COLUMN * width]
    return vn.fold(" ".join(w.text for w in head)).startswith(_rules()["signer_zone"]["recipients"])


def _title_top(line: Line, width: float) -> float | None:
    right = [w for w in line.words if w.box.x0 >= RIGHT_HALF * width]
    text = " ".join(w.text for w in right)
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4 or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return None
    folded = vn.fold(text)
    return right[0].box.y0 if any(t in folded for t in _rules()["signer_zone"]["titles"]) else None


def _zone_top(lines: Sequence[Line], width: float, mm: float) -> float | None:
    """Where the signer column starts: see the module docstring for the order of the clues."""
    authorities = [top for line in lines if (top := _authority_top(line, width)) is not None]
    recipients = next((line for line in lines if _is_recipients(line, width)), None)
    if recipients is not None:
        near = [t for t in authorities if recipients.top - AUTHORITY_NEAR_RECIPIENTS_MM * mm <= t]
        height = median(w.box.y1 - w.box.y0 for w in recipients.words)
        return min([recipients.top - 0.3 * height, *near])
    if authorities:
        return min(authorities)
    titles = [top for line in lines if (top := _title_top(line, width)) is not None]
    return titles[-1] if titles else None


def signer_zone(lines: Sequence[Line], width: float, height: float, dpi: float) -> Box | None:
    """The signer column of a page (page frame), or None when no clue to it was read.

    From a little above its first line to ZONE_DEPTH_MM below (or the first line below that runs
    across the page's middle, or the page's end); from just right of the recipients' list (within
    40–60% of the width) to the right edge.
    """
    mm = dpi / 25.4
    top = _zone_top(lines, width, mm)
    if top is None:
        return None
    top = max(0.0, top - ABOVE_MM * mm)
    bottom = min(height, top + ZONE_DEPTH_MM * mm)
    for line in lines:
        if line.top > top + 5 * mm and _runs_across(line, width / 2):
            bottom = min(bottom, line.top - mm)
            break
    left = RIGHT_HALF * width
    for line in lines:
        if line.words[0].box.x0 < LEFT_COLUMN * width and line.bottom > top and line.top < bottom:
            ends = [w.box.x1 for w in line.words if w.box.x1 < 0.6 * width]
            left = max([left, *(x + COLUMN_GAP_MM * mm for x in ends)])
    left = min(left, 0.6 * width)
    return Box(left, top, width, bottom) if bottom - top > 10 * mm else None


def header_zone(lines: Sequence[Line], width: float, height: float, dpi: float) -> Box | None:
    """The issuer block of a page's header (page frame): left of the national motto, from above
    the page's first line down to the document's number; None without a motto in the top part.

    Tesseract may glue a short line of the issuer block (the end of a parent body's name wrapped
    onto a line of its own) to the motto's second line, and then reads it as garbage.
    """
    mm = dpi / 25.4
    rules = _rules()["header_zone"]
    motto = None
    for line in lines:
        if line.top > HEADER_SHARE * height:
            break
        for word, following in zip(line.words, line.words[1:]):
            if _key(word.text) + " " + _key(following.text) == rules["motto"]:
                motto = (line, word.box.x0)
                break
        if motto:
            break
    if motto is None or motto[1] < HEADER_MIN_LEFT * width:
        return None
    line, right = motto[0], motto[1] - COLUMN_GAP_MM * mm
    top = min(l.top for l in lines if l.top <= line.bottom) - ABOVE_MM * mm
    bottom = min(line.top + HEADER_DEPTH_MM * mm, height)
    for other in lines:
        if other.top > line.bottom and other.words[0].box.x0 < right and _is_number_line(other):
            bottom = min(bottom, other.top - 0.5 * mm)
            break
    return Box(0.0, max(0.0, top), right, bottom) if bottom - top > 5 * mm else None


def _is_number_line(line: Line) -> bool:
    """"Số: 349/QĐ-STC" — not "SỞ TÀI CHÍNH", which folds alike: a colon or digits must follow."""
    first, rest = line.words[0], line.words[1:]
    if _key(first.text) != _rules()["header_zone"]["number"]:
        return False
    return first.text.endswith(":") or bool(rest and any(ch.isdigit() for ch in rest[0].text))


def unsure_inside(lines: Sequence[Line], zone: Box, sure: float) -> bool:
    """Whether a word read inside `zone` is less sure than `sure`."""
    return any(_inside(w, zone) and w.confidence < sure for line in lines for w in line.words)


def _runs_across(line: Line, x: float) -> bool:
    """Text runs on through `x` (a word covers it, or the words beside it are a space apart):
    body text or a table, not two columns that OCR put on one line."""
    space = 1.5 * median(w.box.y1 - w.box.y0 for w in line.words)
    for word, following in zip(line.words, line.words[1:] + line.words[-1:]):
        if word.box.x0 <= x <= word.box.x1:
            return True
        if word.box.x1 < x < following.box.x0 and following.box.x0 - word.box.x1 < space:
            return True
    return False


def _inside(word: Word, zone: Box) -> bool:
    cx, cy = (word.box.x0 + word.box.x1) / 2, (word.box.y0 + word.box.y1) / 2
    return zone.x0 <= cx <= zone.x1 and zone.y0 <= cy <= zone.y1


def replace_zone(lines: Sequence[Line], zone: Box, new: Sequence[Line]) -> list[Line]:
    """The first reading's lines with their words inside `zone` replaced by `new`, as one block.

    The block goes after the lines beside the zone (the recipients' list, from the first line
    that lost words to the zone on down, while a line lies left of the zone and within its
    height), so the page reads the left column, then the signer's column — the order
    `pipeline.loaders.layout` gives text pages. (Joining each new line to the row level with it,
    as Tesseract does, would glue the seal's lettering read left of the zone onto the title and
    the name.) With no line touched, the block goes in by height.
    """
    kept: list[Line] = []
    first: int | None = None
    for line in lines:
        words = tuple(w for w in line.words if not _inside(w, zone))
        if first is None and len(words) < len(line.words):
            first = len(kept)
        if words:
            kept.append(Line(line.block, words))
    if first is None:
        at = next((i for i, line in enumerate(kept) if line.top > zone.y0), len(kept))
    else:
        at = first
        while at < len(kept) and kept[at].top < zone.y1 and max(w.box.x1 for w in kept[at].words) < zone.x0:
            at += 1
    block = max((line.block for line in lines), default=0) + 1
    return kept[:at] + [Line(block, line.words) for line in new if line.words] + kept[at:]


def drop_marks(lines: Sequence[Line], discs: Sequence[tuple[float, float, float]]) -> list[Line]:
    """Lines without what a seal or a signature made Tesseract read: words with neither a letter
    nor a digit (strokes), and words lying wholly inside a seal's disc (x, y, radius): its
    lettering and star. A name that the ring crosses reaches out of the disc and stays."""
    out: list[Line] = []
    for line in lines:
        words = tuple(w for w in line.words
                      if any(ch.isalnum() for ch in w.text) and not any(_within(w.box, d) for d in discs))
        if words:
            out.append(Line(line.block, words))
    return out


def _within(box: Box, disc: tuple[float, float, float]) -> bool:
    x, y, radius = disc
    corners = ((box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1))
    return all((cx - x) ** 2 + (cy - y) ** 2 <= radius ** 2 for cx, cy in corners)


def column_axis(lines: Sequence[Line], sure: float) -> float | None:
    """The signer column's centre line: the middle of its first line read with certainty (every
    word at least `sure`, at least two words). The authority line sits above the seal and the
    signature, and the column's lines are centred on one axis (Decree 30/2020, Appendix I)."""
    for line in lines:
        if len(line.words) >= 2 and all(w.confidence >= sure and any(ch.isalnum() for ch in w.text)
                                        for w in line.words):
            return (line.words[0].box.x0 + line.words[-1].box.x1) / 2
    return None


def ragged_lines(lines: Sequence[Line], axis: float, sure: float, mm: float) -> list[tuple[int, Box]]:
    """(index, box) of the lines whose left end is garbled: the seal or the signature over their
    first letters. Such a line ends right of the axis in sure words; centred, it must start at
    the mirror of that end, and here it starts elsewhere (garbage in front, letters lost) or
    with an unsure word. The box runs
    from that mirror to the end, a line high with some margin: what to read again."""
    out: list[tuple[int, Box]] = []
    for i, line in enumerate(lines):
        sure_words = [w for w in line.words if w.confidence >= sure]
        if not sure_words or sure_words[-1].box.x1 < axis + 5 * mm:
            continue
        end = sure_words[-1].box.x1
        start = 2 * axis - end
        first = line.words[0]
        if abs(first.box.x0 - start) > RAGGED_MM * mm or first.confidence < sure:
            top = min(w.box.y0 for w in sure_words) - LINE_MARGIN_MM * mm
            bottom = max(w.box.y1 for w in sure_words) + LINE_MARGIN_MM * mm
            out.append((i, Box(start - BAND_LEAD_MM * mm, top, end + 2 * mm, bottom)))
    return out


def better_line(old: Line, new: Sequence[Word], start: float, sure: float) -> Line:
    """`new` words for the line when a larger share of them are plain Vietnamese syllables (ring
    and stroke fragments are not: "——Ính", "N'ĐỀN"), or as large a share and the line then
    starts nearer `start`, where a centred line must; else `old`. Confidence misleads here: a
    letter freed from the seal reads right but unsure ("Trần" 0.56), a lost one sure ("an" 0.9)."""
    if not new or not any(w.confidence >= sure for w in new):
        return old
    shape_new, shape_old = _syllables(new), _syllables(old.words)
    if shape_new != shape_old:
        return Line(old.block, tuple(new)) if shape_new > shape_old else old
    if abs(new[0].box.x0 - start) >= abs(old.words[0].box.x0 - start):
        return old
    return Line(old.block, tuple(new))


def _syllables(words: Sequence[Word]) -> float:
    return sum(w.text.isalpha() and vn.is_syllable(w.text) for w in words) / len(words)
