"""Where a piece of text is on the pages: page number, character span, box, OCR confidence.

The structure parser hands over article texts whose line breaks and spacing may differ from the
page text (PDF line wraps, collapsed whitespace), so texts are matched with all whitespace removed
and offsets are mapped back. Word boxes come from `Page.words` (OCR pages, PDF text layers).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

from pipeline.model import Box, Document, Page

_PROBE = 48  # characters (whitespace removed) used to find a text on the pages


@dataclass(frozen=True)
class Where:
    """A located span. `ocr` is the mean confidence of the words under it (1.0 for text layers)."""

    page: int | None
    start: int | None = None
    end: int | None = None
    box: Box | None = None
    ocr: float = 1.0


def union(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes),
               max(b.x1 for b in boxes), max(b.y1 for b in boxes))


class _PageWords:
    """Character offsets of a page's words in its text, found in reading order."""

    def __init__(self, page: Page):
        self.page = page
        self.starts: list[int] = []
        self.ends: list[int] = []
        cursor = 0
        for word in page.words:
            at = page.text.find(word.text, cursor)
            if at < 0:
                at = cursor  # a word the text does not spell the same way: keep its order
                end = at
            else:
                end = at + len(word.text)
                cursor = end
            self.starts.append(at)
            self.ends.append(end)

    def under(self, start: int, end: int) -> tuple[Box | None, float]:
        first = bisect.bisect_right(self.ends, start)
        picked = []
        for i in range(first, len(self.starts)):
            if self.starts[i] >= end:
                break
            if self.ends[i] > start:
                picked.append(self.page.words[i])
        if not picked:
            return None, self.page.confidence
        conf = sum(w.confidence for w in picked) / len(picked)
        return union([w.box for w in picked]), conf


class Locator:
    """Finds texts of one document on its pages; built lazily, once per document."""

    def __init__(self, document: Document):
        self.document = document
        self._words: dict[int, _PageWords] = {}

    @cached_property
    def _squeezed(self) -> tuple[str, list[tuple[int, int]]]:
        chars: list[str] = []
        where: list[tuple[int, int]] = []
        for index, page in enumerate(self.document.pages):
            for offset, ch in enumerate(page.text):
                if not ch.isspace():
                    chars.append(ch)
                    where.append((index, offset))
        return "".join(chars), where

    def words(self, index: int) -> _PageWords:
        if index not in self._words:
            self._words[index] = _PageWords(self.document.pages[index])
        return self._words[index]

    def anchor(self, text: str) -> Anchor | None:
        """Where `text` (an article, a table cell) begins on the pages, or None."""
        squeezed, _ = self._squeezed
        probe = "".join(text.split())[:_PROBE]
        if not probe:
            return None
        at = squeezed.find(probe)
        if at < 0:
            return None
        return Anchor(self, text, at)

    def page_of(self, index: int) -> Page:
        return self.document.pages[index]


class Anchor:
    """A text found on the pages: maps offsets in that text to page spans."""

    def __init__(self, locator: Locator, text: str, at: int):
        self.locator = locator
        self.at = at
        # prefix[i] = non-space characters in text[:i]
        self.prefix = [0]
        for ch in text:
            self.prefix.append(self.prefix[-1] + (0 if ch.isspace() else 1))

    def where(self, start: int, end: int) -> Where:
        squeezed, spots = self.locator._squeezed
        first = self.at + self.prefix[min(start, len(self.prefix) - 1)]
        last = self.at + self.prefix[min(end, len(self.prefix) - 1)] - 1
        if first >= len(spots):
            return Where(None)
        last = min(max(last, first), len(spots) - 1)
        (page_a, off_a), (page_b, off_b) = spots[first], spots[last]
        if page_b != page_a:  # a value broken across a page end: keep its first page
            off_b = len(self.locator.page_of(page_a).text) - 1
        page = self.locator.page_of(page_a)
        box, ocr = (None, page.confidence)
        if page.words:
            box, ocr = self.locator.words(page_a).under(off_a, off_b + 1)
        return Where(page.number, off_a, off_b + 1, box, ocr)
