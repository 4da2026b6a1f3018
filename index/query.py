"""The one reading of what a user typed, and the field weights, shared by every engine.

A query is a list of clauses that must all match (AND): bare words, and "quoted phrases". A word
that the tokenizer splits (`3647/SNV-VP` → 3647, snv, vp) is matched as a phrase of its parts, and a
word shaped like a document number also matches the number field exactly, with a large boost, so
the document *numbered* 3647/SNV-VP comes before documents that merely cite it.

Each clause must match one of the folded fields (diacritics removed, đ→d): the set of documents
found is the one the folded query finds, so "mà" and "ma" find the same documents — folding never
loses a hit. BM25 on the folded fields (title weighted above text) scores them. On top, each
clause whose words are also found as spelled (canonical spelling, lower case: the exact fields)
earns a constant EXACT_BONUS, larger than any clause's BM25 score, so documents spelling "mà" come
before those with only "ma" or "má", even when the folded match sits in the heavier field (a
person named "Ma"). The bonus is an optional clause: engines evaluate it only on documents that
already match, and it asks for the words, not their order — so the exact fields need no
positions, and no phrase is ever evaluated twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.vietnamese import canonical, fold

# Scored fields and their weights (BM25 of the folded variant). `title` holds the
# short identifying parts (subject, person names, issuer, units), `text` the whole document. Two
# fields, not one per part: each extra field costs every clause two more term or phrase queries.
SEARCH_FIELDS: dict[str, float] = {"title": 3.0, "text": 1.0}
EXACT_BONUS = 50.0  # larger than any clause's BM25 score: exact spellings form the first tier
NUMBER_BOOST = 20.0
SNIPPET_CHARS = 160
HIGHLIGHT_PRE, HIGHLIGHT_POST = "<em>", "</em>"

_CLAUSE = re.compile(r'"([^"]*)"?|(\S+)')
# Document numbers: digits, a slash, then a symbol ("3647/SNV-VP", "1234/QĐ-UBND", "03/2018/TT-BNV").
_NUMBER = re.compile(r"^\d+/\S+$")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: what both engines' tokenizers keep
_SPLIT_MARK = re.compile(re.escape(HIGHLIGHT_POST) + r"([^\s<]?)" + re.escape(HIGHLIGHT_PRE))
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@dataclass(frozen=True)
class Clause:
    """One part of a query that every hit must match."""

    text: str  # canonical, as typed (case kept: engines lower-case it themselves)
    phrase: bool  # several tokens that must stand next to each other
    number: bool  # shaped like a document number: also an exact match on the number field

    @property
    def number_key(self) -> str:
        return number_key(self.text)


def parse(text: str) -> tuple[Clause, ...]:
    """Split a query into clauses: quoted phrases and bare words (punctuation-only words dropped)."""
    clauses = []
    for match in _CLAUSE.finditer(canonical(text.translate(_QUOTES))):
        quoted, word = match.group(1), match.group(2)
        part = (quoted if quoted is not None else word).strip()
        tokens = tokens_of(part)
        if not tokens:
            continue
        is_number = word is not None and bool(_NUMBER.match(word))
        clauses.append(Clause(text=part, phrase=len(tokens) > 1, number=is_number))
    return tuple(clauses)


def tokens_of(text: str) -> list[str]:
    """The tokens an engine makes of `text` (lower case, diacritics kept)."""
    return _TOKEN.findall(text.lower())


def number_key(number: str) -> str:
    """A document number as a lookup key: no diacritics, no spaces, lower case ("1234/qd-ubnd")."""
    return "".join(fold(canonical(number)).split())


def filter_key(value: str) -> str:
    """A facet value as a filter key: ignores case, diacritics and spacing."""
    return " ".join(fold(canonical(value)).split())


def tidy_highlight(fragment: str) -> str:
    """One line, and one mark per written word: `<em>3647/SNV-VP</em>`, not one per token."""
    return _SPLIT_MARK.sub(r"\1", " ".join(fragment.split()))
