"""Vietnamese text helpers used project-wide: one spelling for comparison, diacritic folding,
keyword matching that survives OCR noise, and proper casing of agency names and titles.

- `nfc(s)`: Unicode NFC (PDFs typed in decomposed Unicode extract as NFD).
- `normalize_tone_placement(s)`: one tone-mark placement (rule below), so "hoà" == "hòa".
- `canonical(s)`: NFC + tone placement + whitespace collapsed to single spaces.
- `fold(s)`: all diacritics removed, đ→d, Đ→D, lower case — for search and tolerant matching.
- `fold_aligned(s)`: like `fold` but one output character per input character, so a regex span
  found in the folded text indexes the original text directly.
- `find_keyword(text, keyword)`: every occurrence of `keyword` in `text`, matched without
  diacritics and scored by how far the printed spelling is from the expected one.
- `match_quality(found, expected)`: that score (1.0 exact … `folded_only`), from the OCR
  confusion table in pipeline/data/structure_vi.toml.
- `title_case(text)` / `title_case_scored(text)`: "SỞ NỘI VỤ" → "Sở Nội vụ", "UBND TỈNH ĐỒNG NAI"
  → "Ủy ban nhân dân tỉnh Đồng Nai", "PHÓ GIÁM ĐỐC" → "Phó Giám đốc", from the phrase list there.

Tone-mark placement. Two conventions circulate and both must compare equal. The *traditional*
placement ("kiểu cũ": hòa, thủy, khỏe, Ủy ban) is the one Decree 30/2020's forms and nearly all
government documents use ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Ủy ban nhân dân"), so it is the
canonical one here. The *new* placement ("kiểu mới": hoà, thuỷ, khoẻ, Uỷ ban) puts the mark on the
phonetic main vowel (a, e, y) of the open glide clusters oa, oe, uy; it is rewritten to the
traditional one. The rule, per syllable (onset, vowel cluster, final consonant):
  1. qu- and gi- belong to the onset (quý, quả, già, giữa);
  2. a vowel with a shape mark (ă â ê ô ơ ư) takes the tone mark; in ươ the ơ (người, được);
  3. otherwise with a final consonant the last vowel does (hoàng, toán, quýt);
  4. otherwise a three-vowel cluster marks the middle one (ngoài, khuỷu);
  5. otherwise a two-vowel open cluster marks the first one (hòa, khỏe, thủy, của, mía, tài).
Words that are not one Vietnamese syllable with one tone mark are left untouched.
"""
from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from pipeline.model import nfc

__all__ = [
    "KeywordMatch", "canonical", "find_keyword", "fold", "fold_aligned", "is_syllable",
    "locality_tail", "match_quality", "nfc", "normalize_tone_placement", "ocr_compatible", "rules",
    "title_case", "title_case_scored",
]

_TONES = {"\u0300": "grave", "\u0301": "acute", "\u0303": "tilde", "\u0309": "hook", "\u0323": "dot"}
_SHAPED = frozenset("ăâêôơư")
_VOWELS = frozenset("aăâeêioôơuưy")
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x")
_CODAS = frozenset(("", "c", "ch", "m", "n", "ng", "nh", "p", "t"))
_WORD = re.compile(r"[^\W\d_]+")
_MARKS = "[\u0300-\u036f]*"


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The parser's and matcher's rule data (pipeline/data/structure_vi.toml), read once."""
    text = resources.files("pipeline.data").joinpath("structure_vi.toml").read_text("utf-8")
    return tomllib.loads(text)


def _build_fold_tables() -> tuple[dict[int, str], dict[int, str | None]]:
    aligned: dict[int, str] = {}
    for cp in itertools.chain(range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        base = base.replace("đ", "d").replace("Đ", "D").lower()
        if len(base) == 1 and base != ch:
            aligned[cp] = base
    # Eth looks like Đ and turns up in OCR output and legacy fonts.
    aligned.update({0xD0: "d", 0xF0: "d"})
    stripping: dict[int, str | None] = dict(aligned)
    stripping.update({cp: None for cp in range(0x300, 0x370)})
    return aligned, stripping


_ALIGNED, _STRIPPING = _build_fold_tables()


def fold(s: str) -> str:
    """Remove every diacritic, map đ/Đ to d, lower-case: "Đồng Nai" → "dong nai"."""
    return nfc(s).translate(_STRIPPING).lower()


def fold_aligned(s: str) -> str:
    """`fold` keeping one character per input character (combining marks stay as they are)."""
    return s.translate(_ALIGNED)


def _parse_syllable(lower: str) -> tuple[int, str, str] | None:
    """(onset length, vowel cluster, final) of a toneless lower-case syllable, or None."""
    onset = next((o for o in _ONSETS if lower.startswith(o)), "")
    rest = lower[len(onset):]
    if onset == "gi" and not any(c in _VOWELS for c in rest):
        onset, rest = "g", lower[1:]  # "gì", "gìn": the i is the vowel
    n = 0
    while n < len(rest) and rest[n] in _VOWELS:
        n += 1
    nucleus, coda = rest[:n], rest[n:]
    if not nucleus or len(nucleus) > 3 or coda not in _CODAS:
        return None
    return len(onset), nucleus, coda


def is_syllable(word: str) -> bool:
    """Whether `word` (any case, any marks) is shaped like one Vietnamese syllable."""
    base = "".join(c for c in unicodedata.normalize("NFD", word) if c not in _TONES)
    return _parse_syllable(nfc(base).lower()) is not None


def _tone_position(nucleus: str, coda: str) -> int:
    shaped = [i for i, ch in enumerate(nucleus) if ch in _SHAPED]
    if shaped:
        return shaped[-1]
    if coda or len(nucleus) == 1:
        return len(nucleus) - 1
    return 1 if len(nucleus) == 3 else 0


@lru_cache(maxsize=8192)
def _place_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return word
    base = nfc(decomposed.replace(tones[0], ""))
    lower = base.lower()
    if len(lower) != len(base):
        return word
    parsed = _parse_syllable(lower)
    if parsed is None:
        return word
    onset_len, nucleus, coda = parsed
    target = onset_len + _tone_position(nucleus, coda)
    return base[:target] + nfc(base[target] + tones[0]) + base[target + 1:]


def normalize_tone_placement(s: str) -> str:
    """Move each syllable's tone mark to its traditional place (module docstring): hoà → hòa."""
    s = nfc(s)
    if s.isascii():
        return s
    return _WORD.sub(lambda m: m.group() if m.group().isascii() else _place_word(m.group()), s)


def canonical(s: str) -> str:
    """NFC, traditional tone placement, whitespace collapsed: the form to compare spellings in."""
    return " ".join(normalize_tone_placement(s).split())


@lru_cache(maxsize=4096)
def _split_tone(ch: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", ch)
    tone = next((_TONES[c] for c in decomposed if c in _TONES), "none")
    return nfc("".join(c for c in decomposed if c not in _TONES)), tone


@lru_cache(maxsize=1)
def _ocr_scores() -> tuple[dict[frozenset[str], float], float, float, float]:
    ocr = rules()["ocr"]
    pairs = {frozenset((p["a"], p["b"])): float(p["score"]) for p in ocr["tone_confusions"]}
    return pairs, float(ocr["other_tone"]), float(ocr["shape"]), float(ocr["folded_only"])


def match_quality(found: str, expected: str) -> float:
    """1.0 when `found` is `expected` (ignoring case, tone placement, spacing); lower for OCR-like
    differences: a known tone confusion, another tone difference, a lost vowel shape."""
    a, b = canonical(found).lower(), canonical(expected).lower()
    if a == b:
        return 1.0
    pairs, other_tone, shape, folded_only = _ocr_scores()
    if len(a) != len(b):
        return folded_only
    score = 1.0
    for x, y in zip(a, b):
        if x == y:
            continue
        (bx, tx), (by, ty) = _split_tone(x), _split_tone(y)
        if bx == by:
            score = min(score, pairs.get(frozenset((tx, ty)), other_tone))
        elif fold(x) == fold(y):
            score = min(score, shape)
        else:
            return min(score, folded_only)
    return score


@lru_cache(maxsize=4096)
def _marks(ch: str) -> tuple[str, frozenset[str], str]:
    """(base letter, vowel-shape marks, tone) of one lower-case character; đ is d with a stroke."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, rest = decomposed[0], decomposed[1:]
    shapes = {c for c in rest if c not in _TONES} | ({"stroke"} if base == "đ" else set())
    tone = next((_TONES[c] for c in rest if c in _TONES), "none")
    return ("d" if base == "đ" else base), frozenset(shapes), tone


def ocr_compatible(printed: str, proper: str) -> bool:
    """Whether `printed` can be an OCR reading of `proper`: marks lost ("DONG" for "Đồng") or a
    tone the model confuses ("TÍNH" for "tỉnh") — but not a different mark that spells another
    word ("QUẢN" is not "quận"), so clean text is never "corrected"."""
    a, b = canonical(printed).lower(), canonical(proper).lower()
    if a == b:
        return True
    if len(a) != len(b):
        return False
    pairs = _ocr_scores()[0]
    for x, y in zip(a, b):
        if x == y:
            continue
        (bx, sx, tx), (by, sy, ty) = _marks(x), _marks(y)
        if bx != by or not sx <= sy:
            return False
        if tx not in (ty, "none") and frozenset((tx, ty)) not in pairs:
            return False
    return True


@dataclass(frozen=True)
class KeywordMatch:
    """One occurrence of a keyword: its span in the original text and how well it was spelled."""

    start: int
    end: int
    text: str
    quality: float


@lru_cache(maxsize=512)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    words = fold(keyword).split()
    body = r"\s+".join("".join(re.escape(c) + _MARKS for c in w) for w in words)
    return re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)


def find_keyword(text: str, keyword: str) -> list[KeywordMatch]:
    """Occurrences of `keyword` as whole words, ignoring diacritics, case and spacing.

    Spans index `text` itself (NFC or not). "QUYET ĐINH" finds "Quyết định" with a quality below
    1.0; "bố nhiệm" finds "bổ nhiệm" at the hook/acute confusion score."""
    folded = fold_aligned(text)
    found = []
    for m in _keyword_pattern(keyword).finditer(folded):
        span = text[m.start():m.end()]
        found.append(KeywordMatch(m.start(), m.end(), span, match_quality(span, keyword)))
    return found


@dataclass(frozen=True)
class _Lexicon:
    phrases: dict[str, str]  # folded words joined by spaces → proper form
    max_words: int
    abbreviations: dict[str, str]  # folded abbreviation → proper expansion
    localities: frozenset[str]  # folded


_PUNCT = ".,;:()\"'“”‘’!?*"  # stripped from words before they are looked up


def _key(text: str) -> str:
    return " ".join(fold(w).strip(_PUNCT) for w in text.split())


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    org = rules()["org"]
    phrases: dict[str, str] = {}
    for phrase in org["phrases"]:
        phrases.setdefault(_key(phrase), phrase)
    abbreviations = {fold(k): v for k, v in org["abbreviations"].items()}
    max_words = max(len(k.split()) for k in phrases)
    return _Lexicon(phrases, max_words, abbreviations, frozenset(_key(x) for x in org["localities"]))


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _proper_word(word: str, capitalize: bool) -> str:
    """An unknown word: abbreviations (THPT, SNV) stay as printed; syllables get proper case."""
    if not word or not is_syllable(word):
        return word
    return _capitalize(word) if capitalize else word.lower()


_KEPT_PUNCT = ",;.()"  # what stays around a word in the cased name; OCR's stray quotes do not


def _kept(punctuation: str) -> str:
    return "".join(c for c in punctuation if c in _KEPT_PUNCT)


def _segments(tokens: list[str], capitalize_unknown: bool) -> tuple[list[tuple[str, int, bool]], float]:
    """Cased pieces of an agency name or title: (text, first token index, is an admin unit)."""
    lex = _lexicon()
    keys = [fold(t).strip(_PUNCT) for t in tokens]
    out: list[tuple[str, int, bool]] = []
    quality, proper_noun, i = 1.0, False, 0
    while i < len(tokens):
        abbreviation = lex.abbreviations.get(fold(tokens[i]).rstrip(",;:"))
        if abbreviation:
            proper_noun = _key(abbreviation) in lex.localities
            out.append((abbreviation, i, proper_noun))
            i += 1
            continue
        for length in range(min(lex.max_words, len(tokens) - i), 0, -1):
            key = " ".join(keys[i:i + length])
            proper = lex.phrases.get(key)
            found = " ".join(t.strip(_PUNCT) for t in tokens[i:i + length])
            expected = " ".join(w.strip(_PUNCT) for w in (proper or "").split())
            if proper is not None and ocr_compatible(found, expected):
                quality = min(quality, match_quality(found, expected))
                last = tokens[i + length - 1]
                proper_noun = key in lex.localities
                out.append((proper + _kept(last[len(last.rstrip(_PUNCT)):]), i, proper_noun))
                i += length
                break
        else:
            token = tokens[i]
            core = token.strip(_PUNCT)
            lead = token[:token.index(core)] if core else ""
            trail = token[len(lead) + len(core):]
            cased = _proper_word(core, capitalize_unknown or proper_noun)
            out.append((_kept(lead) + cased + _kept(trail), i, False))
            i += 1
    return out, quality


def title_case_scored(text: str, *, capitalize_unknown: bool = True) -> tuple[str, float]:
    """`title_case` and the lowest `match_quality` of the dictionary phrases it recognised."""
    segments, quality = _segments(canonical(text).split(), capitalize_unknown)
    result = " ".join(seg for seg, _, _ in segments)
    return result[:1].upper() + result[1:], quality


def locality_tail(name: str) -> str | None:
    """The administrative unit an agency name ends with: "Ủy ban nhân dân tỉnh Đồng Nai" →
    "tỉnh Đồng Nai"; None when it names none ("Sở Nội vụ", "Bảo hiểm xã hội")."""
    tokens = canonical(name).split()
    segments, _ = _segments(tokens, True)
    start = next((first for _, first, is_unit in segments if is_unit), None)
    return None if start is None else " ".join(tokens[start:])


def title_case(text: str, *, capitalize_unknown: bool = True) -> str:
    """Proper Vietnamese casing of an upper-case agency name or title, abbreviations expanded.

    Known phrases come from the data file ("NỘI VỤ" → "Nội vụ"); words after an administrative
    unit (tỉnh, huyện …) are a proper name ("Đồng Nai"); other syllables are capitalised when
    `capitalize_unknown` (agency names: mostly proper names) or lower-cased (titles); tokens that
    are no syllable (THPT, SNV) are kept as printed."""
    return title_case_scored(text, capitalize_unknown=capitalize_unknown)[0]
