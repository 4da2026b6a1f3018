"""Which documents carry events, and which event a decision makes — read from its articles.

The subject line says what the decision is *about*; the operative article says what it *does*
("Về việc nghỉ hưu … chế độ bảo hiểm xã hội" is a retirement, not a social-insurance decision). So
the type comes from the first article that has a trigger, and within it from the first trigger of
its first paragraph, with the pairs in event_types.toml deciding between two triggers there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.nlp import Analysis, Cue, analyse
from extractors.rules import rules
from extractors.text import fold, unwrap
from pipeline.model import Article, Document, Structure

_ARTICLE = re.compile(r"(?m)^\s*Đi[eề]u\s+(\d{1,2})\s*[.:]\s*")
_LIST_MARK = re.compile(r"(^|\n)\s*(\d+[.)]|[-–•+])$")


@dataclass(frozen=True)
class Operative:
    """The article that makes the decision, analysed, and the event type it makes."""

    event_type: str
    applicable: bool
    article: Article
    analysis: Analysis
    trigger: Cue
    confidence: float


def is_personnel_document(document: Document, structure: Structure) -> bool:
    """Only decisions change records; letters, notices and plans never do (scope.toml)."""
    doc_type = structure.doc_type
    if doc_type:
        return fold(doc_type) in rules().personnel_doc_types
    head = fold(document.text[:1500])
    return any(t in head for t in rules().personnel_doc_types)


def articles_of(document: Document, structure: Structure) -> tuple[Article, ...]:
    """The structure's articles; when the parser found none, split the text at "Điều N."."""
    if structure.articles:
        return structure.articles
    text = document.text
    marks = list(_ARTICLE.finditer(text))
    out = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out.append(Article(int(mark.group(1)), text[mark.end():end].strip()))
    return tuple(out)


def _is_verb(a: Analysis, cue: Cue) -> bool:
    """A capitalised trigger inside a sentence is part of a name ("Ban Thi đua - Khen thưởng")."""
    if not cue.text[:1].isupper():
        return True
    before = a.text[max(0, cue.start - 40):cue.start].rstrip(" \t")
    return not before or before[-1] in ".;:\n" or bool(_LIST_MARK.search(before))


def _paragraph(a: Analysis, pos: int) -> str:
    start = a.text.rfind("\n", 0, pos) + 1
    end = a.text.find("\n", pos)
    return a.text[start:len(a.text) if end < 0 else end]


def _in_context(a: Analysis, cue: Cue) -> bool:
    """A trigger whose type names a context ("cử" → a class) counts only with it in its paragraph."""
    context = rules().event_type(cue.key).context
    if not context:
        return True
    paragraph = fold(_paragraph(a, cue.start))
    return any(re.search(rf"\b{re.escape(word)}\b", paragraph) for word in context)


def _decide(a: Analysis) -> tuple[Cue, float] | None:
    triggers = [c for c in a.of("TRIGGER") if _is_verb(a, c) and _in_context(a, c)]
    if not triggers:
        return None
    first = triggers[0]
    paragraph_end = a.text.find("\n", first.start)
    paragraph_end = len(a.text) if paragraph_end < 0 else paragraph_end
    others = {c.key for c in triggers[1:] if c.start < paragraph_end and c.key != first.key}
    chosen = first
    for other in others:
        winner = rules().precedence.get(frozenset((first.key, other)))
        if winner and winner != chosen.key:
            chosen = next(c for c in triggers if c.key == winner)
    # A trigger opening the article is the operative verb itself; one further in is less sure.
    confidence = 0.99 if first.start <= 12 else 0.96
    return chosen, confidence


def operative(articles: tuple[Article, ...]) -> Operative | None:
    """The first article whose text holds a trigger, and the event type it makes."""
    for article in articles:
        analysis = analyse(unwrap(article.text))
        decided = _decide(analysis)
        if decided is None:
            continue
        cue, confidence = decided
        event_type = rules().event_type(cue.key)
        return Operative(cue.key, event_type.applicable, article, analysis, cue, confidence)
    return None


def out_of_scope_topic(text: str) -> str | None:
    """ "social_insurance" or "asset_declaration" when `text` (a subject line) is about one."""
    for cue in analyse(unwrap(text)).of("TRIGGER"):
        if not rules().event_type(cue.key).applicable:
            return cue.key
    return None
