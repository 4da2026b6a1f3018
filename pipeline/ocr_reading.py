"""One Tesseract reading of a page or a zone, parsed from its TSV output and judged.

`parse` turns pytesseract's `image_to_data` dictionary (no pytesseract import here: `pipeline.ocr`
is its only importer) into words with boxes in the page frame, grouped into Tesseract's lines;
`Reading` holds them with the text and says whether the reading looks poor (empty, unsure, or
mostly punctuation) or sideways, and how much real text it holds, so `pipeline.ocr` can pick
the best of its attempts.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline import ocr_layout
from pipeline.model import Box, Word, nfc
from pipeline.ocr_layout import Line

LOW_CONFIDENCE = 0.80  # clean decision pages read at 0.93–0.95 mean word confidence
MIN_ALNUM_SHARE = 0.7  # Vietnamese prose is >90% letters and digits; noise reads as punctuation
TRUSTED_WORD = 0.6  # words at least this sure count towards a reading's score


@dataclass(frozen=True)
class Reading:
    """One Tesseract pass over one prepared image, boxes already in the page frame."""

    words: tuple[Word, ...]
    text: str
    confidence: float
    lines: tuple[Line, ...] = ()

    @classmethod
    def of(cls, lines: Sequence[Line]) -> Reading:
        words = tuple(w for line in lines for w in line.words)
        confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
        return cls(words, nfc(ocr_layout.text_of(lines)), confidence, tuple(lines))

    @property
    def score(self) -> int:
        """Letters and digits read with some certainty: more real text beats fewer sure words."""
        return sum(sum(ch.isalnum() for ch in w.text) for w in self.words if w.confidence >= TRUSTED_WORD)

    @property
    def poor(self) -> bool:
        chars = "".join(w.text for w in self.words)
        alnum = sum(ch.isalnum() for ch in chars)
        return not chars or self.confidence < LOW_CONFIDENCE or alnum < MIN_ALNUM_SHARE * len(chars)

    @property
    def sideways(self) -> bool:
        """Most words taller than wide: Tesseract read a page lying on its side (it can), but the
        boxes are then in a sideways frame, useless for finding columns and blocks."""
        long = [w.box for w in self.words if sum(ch.isalnum() for ch in w.text) >= 3]
        tall = sum(box.y1 - box.y0 > box.x1 - box.x0 for box in long)
        return len(long) >= 5 and tall > len(long) / 2

    @property
    def rank(self) -> tuple[bool, int]:
        return (not self.sideways, self.score)


def parse(data: dict, scale: float, origin: tuple[float, float] = (0.0, 0.0)) -> Reading:
    """Words (level 5 rows) in Tesseract's order, grouped by its block/paragraph/line numbers.

    Boxes are divided by `scale` (an upscaled image) and moved by `origin` (a crop's corner).
    """
    rows: dict[tuple[int, int, int], list[Word]] = {}
    for i, raw in enumerate(data["text"]):
        text = repair_word(nfc(str(raw).strip()))
        conf = float(data["conf"][i])
        if data["level"][i] != 5 or not text or conf < 0:
            continue
        x, y = origin[0] + data["left"][i] / scale, origin[1] + data["top"][i] / scale
        box = Box(x, y, x + data["width"][i] / scale, y + data["height"][i] / scale)
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        rows.setdefault(key, []).append(Word(text, box, conf / 100))
    return Reading.of([Line(key[0], tuple(words)) for key, words in rows.items()])


def repair_word(text: str) -> str:
    """Undo a confusion of the Vietnamese model: it reads Đ as the look-alike Ð (U+00D0, Icelandic
    eth, never Vietnamese), sometimes both for one glyph ("QĐÐ-UBND" for "QĐ-UBND")."""
    if "Ð" not in text and "ð" not in text:
        return text
    for twice, once in (("ĐÐ", "Đ"), ("ÐĐ", "Đ"), ("đð", "đ"), ("ðđ", "đ")):
        text = text.replace(twice, once)
    return text.replace("Ð", "Đ").replace("ð", "đ")
