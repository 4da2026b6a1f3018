"""Events extracted from decisions, person by person or unit by unit: personnel events (CONTRACT.md
event types) and those of the other registers — organisation, local government, awards, training
(docs/registers.md; `extractors.registers`).

    extract_events(document, structure) -> tuple[Event, ...]   the events to apply
    extract(document, structure) -> Extraction                  scope + every event, applicable or not

One spaCy `Language` (extractors.nlp) is built lazily, once per process; all rule data lives in
extractors/data/. Social-insurance and asset-declaration decisions are recognised: `extract` returns
their people as events with `applicable=False` (types "social_insurance", "asset_declaration",
outside the contract), `extract_events` leaves them out so they can never reach the records (R1.4).
"""
from __future__ import annotations

from extractors.events import Extraction, extract
from pipeline.model import Document, Event, Structure


def extract_events(document: Document, structure: Structure) -> tuple[Event, ...]:
    """The events a decision makes, one per person, to be applied to the records. Pure."""
    return tuple(e for e in extract(document, structure).events if e.applicable)


__all__ = ["Extraction", "extract", "extract_events"]
