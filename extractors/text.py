"""Small text helpers the extractors need: dates, numbers, names (over `pipeline.vietnamese`).

Folding (strip diacritics, đ→d, lower case) makes rule matching tolerant of OCR that drops or
confuses tone marks. Names are stored NFC with the tone mark placed one way ("Hòa", "Thủy",
"Ủy"), so that "Hoà" written in another convention is still the same person.
"""
from __future__ import annotations

import datetime as dt
import re

from pipeline.vietnamese import fold, normalize_tone_placement, title_case



def restore_tones(text: str) -> str:
    """Tone marks OCR confused in an agency's name put back where the agency-name lexicon knows the
    words ("Phòng Tố chức cán bộ" → "Phòng Tổ chức cán bộ"); the case of every word is kept, and a
    name the lexicon would reword (abbreviations) is left as read."""
    words, proper = text.split(), title_case(text, capitalize_unknown=False).split()
    if len(words) != len(proper):
        return text
    out = []
    for word, right in zip(words, proper):
        if fold(word) == fold(right) and word.lower() != right.lower():
            right = right[:1].upper() + right[1:] if word[:1].isupper() else right[:1].lower() + right[1:]
            out.append(right)
        else:
            out.append(word)
    return " ".join(out)


def normalize_tones(text: str) -> str:
    """NFC with tone marks in the traditional position ("Hoà" → "Hòa", "Uỷ" → "Ủy")."""
    return normalize_tone_placement(text)


def clean_name(text: str) -> str:
    """A person's name as stored: NFC, tone placement normalised, spaces collapsed."""
    return normalize_tones(" ".join(text.split()).strip(" ,.;:-"))


_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_LONG_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_SLASH_LONG = re.compile(r"ngay\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


def parse_date(text: str) -> dt.date | None:
    """The first full date in `text`: "15/3/2024", "ngày 15 tháng 3 năm 2024" (OCR-folded too)."""
    folded = fold(text)
    for pattern in (_LONG_DATE, _NUMERIC_DATE, _SLASH_LONG):
        match = pattern.search(folded)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def parse_year(text: str) -> int | None:
    match = re.search(r"\b(19[3-9]\d|20\d\d)\b", text)
    return int(match.group(1)) if match else None


def parse_coefficient(text: str) -> float | None:
    """ "3,33" or "3.33" → 3.33 (Vietnamese writes a decimal comma)."""
    match = re.search(r"\b(\d{1,2})[,.](\d{2})\b", text)
    return float(f"{match.group(1)}.{match.group(2)}") if match else None


def parse_int(text: str) -> int | None:
    match = re.search(r"\b(\d{1,2})\b", text)
    return int(match.group(1)) if match else None


def parse_percent(text: str) -> float | None:
    match = re.search(r"(\d{1,2}(?:[,.]\d)?)\s*%", text) or re.fullmatch(r"\s*(\d{1,2}(?:[,.]\d)?)\s*", text)
    return float(match.group(1).replace(",", ".")) if match else None


__all__ = ["clean_name", "collapse", "fold", "normalize_tones", "parse_coefficient", "parse_date",
           "parse_int", "parse_percent", "parse_year", "restore_tones", "unwrap"]


_WRAP = re.compile(r"(?<![.:;!?])[ \t]*\n(?![ \t]*\d{1,3}[.)][ \t]+[A-ZĐÀ-Ỹ])")


def unwrap(text: str) -> str:
    """Line wraps of a PDF page turned back into spaces; paragraph and list breaks kept.

    Same length as `text`, so offsets into the result are offsets into `text`."""
    return _WRAP.sub(lambda m: " " * len(m.group()), text)


def collapse(text: str) -> str:
    return " ".join(text.split())
