"""The one spaCy `Language` of the extractors, built once per process, and what it finds in a text.

FACTS.md §spaCy: `spacy.blank('vi')` needs pyvi, so the pipeline is the multi-language blank
('xx') with the `/` and `-` infixes removed ("1234/QĐ-UBND", "15/3/2024" and "01.003" stay one
token). Token norms are diacritic-folded lower case, so the PhraseMatcher and the patterns read
"bố nhiệm" or "bo nhiem" from an OCR'd page as "bổ nhiệm". All phrases and patterns come from
`extractors/data/` (rules.py); this is the only module that imports spaCy.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex, filter_spans

from extractors.rules import Rules, rules
from extractors.text import fold

# Strings that must stay one token; any infix rule that splits one of them is dropped.
_KEEP_WHOLE = ("1234/QĐ-UBND", "15/3/2024", "15-3-2024", "01.003", "Bà Rịa-Vũng Tàu", "3,33")
_PERSON_MAX_WORDS = 6


@dataclass(frozen=True)
class Cue:
    """Something the rules found: a label ("TRIGGER", "DATE", …), a key, a character span."""

    label: str
    key: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Analysis:
    text: str
    cues: tuple[Cue, ...]  # sorted by start

    def of(self, *labels: str) -> list[Cue]:
        return [c for c in self.cues if c.label in labels]

    def first(self, label: str, start: int = 0, end: int | None = None) -> Cue | None:
        stop = len(self.text) if end is None else end
        return next((c for c in self.cues if c.label == label and start <= c.start < stop), None)


def _tokenizer_infixes(nlp: Language) -> list[str]:
    kept = []
    for pattern in nlp.Defaults.infixes:
        regex = re.compile(pattern)
        if not any(regex.search(sample) for sample in _KEEP_WHOLE):
            kept.append(pattern)
    return kept


def _phrase_matchers(nlp: Language, data: Rules) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Folded matcher for multi-word phrases, lower-case matcher for risky single words."""
    folded = PhraseMatcher(nlp.vocab, attr="NORM")
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    fold_single = {fold(w) for w in data.patterns.get("fold_single", ())}

    def add(label: str, key: str, phrase: str) -> None:
        doc = nlp.make_doc(phrase)
        target = folded if len(doc) > 1 or fold(phrase) in fold_single else lower
        target.add(f"{label}|{key}", [doc])

    for event_type in data.event_types:
        for trigger in event_type.triggers:
            add("TRIGGER", event_type.key, trigger)
    for position in data.positions:
        add("POSITION", position.title, position.title)
    for ngach in data.ngach:
        add("NGACH", ngach.code, ngach.name)
    for head in data.unit_heads:
        add("UNIT_HEAD", head, head)
    for label, phrases in data.patterns["phrases"].items():
        for phrase in phrases:
            add(label, fold(phrase), phrase)
    return folded, lower


def _matcher(nlp: Language, data: Rules) -> Matcher:
    matcher = Matcher(nlp.vocab)
    for entry in data.patterns.get("matcher", ()):
        matcher.add(entry["label"], [entry["pattern"]])
    return matcher


class _CueFinder:
    """Pipeline component: phrase and token-pattern cues into `doc.spans["cues"]`."""

    def __init__(self, nlp: Language, data: Rules):
        self.folded, self.lower = _phrase_matchers(nlp, data)
        self.matcher = _matcher(nlp, data)

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for matcher in (self.folded, self.lower):
            for match_id, start, end in matcher(doc):
                label, key = doc.vocab.strings[match_id].split("|", 1)
                spans.append(Span(doc, start, end, label=label, kb_id=key))
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            spans.append(Span(doc, start, end, label=label, kb_id=label))
        by_label: dict[str, list[Span]] = {}
        for span in spans:
            by_label.setdefault(span.label_, []).append(span)
        # Within one label the longest match wins ("bổ nhiệm lại" over "bổ nhiệm").
        doc.spans["cues"] = [s for group in by_label.values() for s in filter_spans(group)]
        return doc


def _is_name_word(text: str) -> bool:
    return text.isalpha() and (text.istitle() or (text.isupper() and len(text) > 1))


@Language.factory("sohoa_cues")
def _make_cue_finder(nlp: Language, name: str) -> _CueFinder:
    return _CueFinder(nlp, rules())


@Language.component("sohoa_people")
def _find_people(doc: Doc) -> Doc:
    """ "ông/bà" followed by capitalised words → a PERSON span (the honorific left out)."""
    cues = doc.spans["cues"]
    # A title or a verb right after the name ends it; unit words do not ("Khoa" is a given name).
    stops = {s.start for s in cues if s.label_ in ("POSITION", "TRIGGER", "NGACH")}
    people = []
    for cue in cues:
        if cue.label_ != "HONORIFIC":
            continue
        end = cue.end
        while end < len(doc) and end - cue.end < _PERSON_MAX_WORDS and _is_name_word(doc[end].text):
            if end > cue.end and end in stops:
                break
            end += 1
        if end - cue.end >= 2:
            people.append(Span(doc, cue.end, end, label="PERSON", kb_id="PERSON"))
    doc.spans["people"] = people
    return doc


_lock = threading.Lock()
_nlp: Language | None = None


def language() -> Language:
    """The process-wide pipeline, built on first use (~0.3 s), then shared (read-only) by threads."""
    global _nlp
    with _lock:
        if _nlp is None:
            _nlp = _build(rules())
        return _nlp


def _build(data: Rules) -> Language:
    """blank 'xx' tokenizer → EntityRuler (dates, codes, numbers) → cues → people."""
    nlp = spacy.blank("xx")
    nlp.tokenizer.infix_finditer = compile_infix_regex(_tokenizer_infixes(nlp)).finditer
    # "… kể từ ngày thông qua./.": the end mark of a decision is not part of its last word.
    nlp.tokenizer.suffix_search = compile_suffix_regex([r"\./\.$"] + list(nlp.Defaults.suffixes)).search
    # Lexeme norms are computed once per word type: folding costs nothing per token after that.
    nlp.vocab.lex_attr_getters[NORM] = lambda text: fold(text)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM"})
    ruler.add_patterns([{"label": e["label"], "pattern": e["pattern"]} for e in data.patterns["entity"]])
    nlp.add_pipe("sohoa_cues")
    nlp.add_pipe("sohoa_people")
    return nlp


def analyse(text: str) -> Analysis:
    """Every cue, entity and person span found in `text`, with character offsets into it."""
    doc = language()(text)
    return Analysis(text, tuple(sorted(_cues(doc), key=lambda c: (c.start, -c.end))))


def _cues(doc: Doc) -> list[Cue]:
    found: list[Any] = []
    for span in doc.ents:
        found.append(Cue(span.label_, span.label_, span.start_char, span.end_char, span.text))
    for group in ("cues", "people"):
        for span in doc.spans[group]:
            found.append(Cue(span.label_, span.kb_id_, span.start_char, span.end_char, span.text))
    return found
