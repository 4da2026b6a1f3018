"""Judge whether a PDF page's text layer is real Vietnamese text or garbage that needs OCR.

Legacy TCVN3/VNI fonts extract as mojibake made of Latin-1 letters and symbols that are not in the
Vietnamese alphabet; fonts without a Unicode map give "(cid:N)" glyphs or U+FFFD; invisible OCR
layers from cheap scanners are mostly punctuation. The alphabet and thresholds live in
`pipeline/data/text_quality.toml`.
"""
from __future__ import annotations

import string
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable


@dataclass(frozen=True)
class TextRules:
    letters: frozenset[str]
    symbols: frozenset[str]
    min_chars_to_judge: int
    max_suspicious_word_ratio: float
    max_replacement_ratio: float
    min_alnum_ratio: float
    scan_image_area_ratio: float
    scan_max_text_chars: int


@lru_cache(maxsize=1)
def rules() -> TextRules:
    """The rules from the data file, read once."""
    raw = tomllib.loads(
        resources.files("pipeline.data").joinpath("text_quality.toml").read_text(encoding="utf-8")
    )
    return TextRules(
        letters=_alphabet(raw["vowels"], raw["extra_letters"], raw["tone_marks"]),
        symbols=frozenset(string.punctuation + raw["allowed_symbols"]),
        min_chars_to_judge=raw["min_chars_to_judge"],
        max_suspicious_word_ratio=raw["max_suspicious_word_ratio"],
        max_replacement_ratio=raw["max_replacement_ratio"],
        min_alnum_ratio=raw["min_alnum_ratio"],
        scan_image_area_ratio=raw["scan_image_area_ratio"],
        scan_max_text_chars=raw["scan_max_text_chars"],
    )


def _alphabet(vowels: str, extra: str, tones: list[str]) -> frozenset[str]:
    letters = set(string.ascii_letters)
    for base in vowels + extra:
        for case in (base, base.upper()):
            letters.add(case)
            if base in vowels:
                letters.update(unicodedata.normalize("NFC", case + tone) for tone in tones)
    return frozenset(letters)


def is_garbage(glyphs: Iterable[str]) -> bool:
    """True when the glyph texts of a page (one string per glyph, as extracted) are not usable text.

    Too little text to judge counts as usable: the caller decides about near-empty pages.
    """
    r = rules()
    glyph_list = [g for g in glyphs if g and not g.isspace()]
    if len(glyph_list) < r.min_chars_to_judge:
        return False
    unmapped = sum(1 for g in glyph_list if g.startswith("(cid:") or "\ufffd" in g or _is_control(g))
    if unmapped / len(glyph_list) > r.max_replacement_ratio:
        return True
    text = unicodedata.normalize("NFC", "".join(g for g in glyph_list if not g.startswith("(cid:")))
    alnum = sum(1 for ch in text if ch.isalnum())
    if alnum / max(len(text), 1) < r.min_alnum_ratio:
        return True
    return suspicious_word_ratio(text) > r.max_suspicious_word_ratio


def suspicious_word_ratio(text: str) -> float:
    """The share of words holding a character that is neither Vietnamese, a digit nor punctuation."""
    r = rules()
    words = [w for w in unicodedata.normalize("NFC", text).split() if any(c.isalpha() for c in w)]
    if not words:
        return 0.0
    bad = sum(1 for w in words if any(not _allowed(c, r) for c in w))
    return bad / len(words)


def _is_control(glyph: str) -> bool:
    # .notdef glyphs (a font lacking the letter) extract as U+0000 or other control characters.
    return any(unicodedata.category(ch) == "Cc" for ch in glyph)


def _allowed(ch: str, r: TextRules) -> bool:
    return ch in r.letters or ch.isdigit() or ch in r.symbols
