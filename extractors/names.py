"""People's names as read from pages, cleaned of what OCR adds and repaired where it is safe.

Repairs, all from data (names.toml): stray marks before the family name ("m Phan Quốc Hiếu",
"B | Châu …"); words run together ("ThịHoa"); a family name with a wrong tone mark ("Trân" →
"Trần"), because the family names are few and distinct once folded. Middle and given names are
never changed: any syllable can be one. A repaired name is marked, so its confidence drops.
"""
from __future__ import annotations

from functools import lru_cache

from extractors.rules import rules
from extractors.text import clean_name, fold

_MAX_JUNK = 2  # tokens OCR may put before a name (row-number fragments, rule marks)


@lru_cache(maxsize=1)
def _family_by_fold() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for name in rules().family_spellings:
        seen.setdefault(fold(name), set()).add(name)
    return {key: next(iter(names)) for key, names in seen.items() if len(names) == 1}


def _split_joined(text: str) -> str:
    """ "ThịHoa" → "Thị Hoa": a capital right after a small letter starts a new word."""
    out = []
    for i, ch in enumerate(text):
        if i and ch.isupper() and text[i - 1].islower():
            out.append(" ")
        out.append(ch)
    return "".join(out)


def is_family_name(word: str) -> bool:
    return fold(word.strip("|[]().,")) in rules().family_names


def person_name(raw: str) -> tuple[str, bool]:
    """(the name as stored, whether it had to be repaired)."""
    text = _split_joined(clean_name(raw))
    words = text.split()
    start = next((i for i, w in enumerate(words[:_MAX_JUNK + 1]) if is_family_name(w)), 0)
    words = [w.strip("|[]().,;:") for w in words[start:]]
    words = [w for w in words if w]
    repaired = start > 0 or text != clean_name(raw)
    if words:
        proper = _family_by_fold().get(fold(words[0]))
        if proper and proper != words[0] and words[0][:1].isupper():
            words[0], repaired = proper, True
    return " ".join(words), repaired
