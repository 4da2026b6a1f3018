"""Where on the page a finding points: find a phrase among a document's word boxes.

Findings carry a page and a box so the review screen can highlight the spot. Text layers and OCR
both give words with boxes; a phrase is found as a run of consecutive words whose text, joined,
equals the phrase (compared case-insensitively after NFC, ignoring spaces).
"""
from __future__ import annotations

from collections.abc import Iterable

from pipeline.model import Box, Document, Page, Word, nfc


def _key(text: str) -> str:
    return "".join(nfc(text).casefold().split())


def union(boxes: Iterable[Box]) -> Box | None:
    items = list(boxes)
    if not items:
        return None
    return Box(min(b.x0 for b in items), min(b.y0 for b in items),
               max(b.x1 for b in items), max(b.y1 for b in items))


def _find_on_page(words: tuple[Word, ...], target: str) -> Box | None:
    for start in range(len(words)):
        joined = ""
        for end in range(start, len(words)):
            joined += _key(words[end].text)
            if joined == target:
                return union(w.box for w in words[start:end + 1])
            if not target.startswith(joined):
                break
    return None


def find_phrase(document: Document, phrase: str | None,
                pages: Iterable[Page] | None = None) -> tuple[int | None, Box | None]:
    """(page number, box) of the first occurrence of `phrase`; (None, None) when not found."""
    if not phrase:
        return None, None
    target = _key(phrase)
    if not target:
        return None, None
    for page in (pages if pages is not None else document.pages):
        box = _find_on_page(page.words, target)
        if box is not None:
            return page.number, box
    for page in (pages if pages is not None else document.pages):
        if target in _key(page.text):
            return page.number, None
    return None, None


def first_page(document: Document) -> int | None:
    return document.pages[0].number if document.pages else None


def last_page(document: Document) -> int | None:
    return document.pages[-1].number if document.pages else None
