"""Checks against the digitization standard, Decree 30/2020 format, personnel rules and the rules of
the other registers (organisation, local government, awards, training).

Each check is a pure function returning `pipeline.model.Finding`s; codes, severities and messages
come from the catalogue (validators/data/findings.toml, documented in docs/findings.md).

    all_document_checks(today) -> (Validator, ...)   # plug into flows.compose.Stages.validators
    personnel.check_events(events, issued, history_of) -> (Finding, ...)   # after extraction
    registers.check_events(events, structure) -> (Finding, ...)   # the other registers' events
    check_events(events, structure, history_of) -> (Finding, ...)   # both: flows.compose.Stages.event_checks
    rules.rules_version() -> "findings=…;digitization=…;…"   # store it with the findings
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial

from pipeline.model import Document, Event, Finding, Person, Structure

Validator = Callable[[Document, Structure], Sequence[Finding]]
HistoryLookup = Callable[[Person], Sequence[Event]]


def _format_check(today: dt.date, document: Document, structure: Structure) -> list[Finding]:
    from validators import document_format

    return document_format.check(document, structure, today)


def all_document_checks(today: dt.date) -> tuple[Validator, ...]:
    """The document-level validators, in report order: digitization, format (Decree 30), signatures.

    `today` is the date a document may not be issued after (pass the processing date).
    """
    from validators import digital_signatures, digitization

    return (digitization.check, partial(_format_check, today), digital_signatures.check)


def check_events(events: Sequence[Event], structure: Structure,
                 history_of: HistoryLookup | None = None) -> tuple[Finding, ...]:
    """The event-level rules of a decision: personnel rules (with each person's earlier events
    from `history_of`, e.g. the records store) and the other registers' rules."""
    from validators import personnel, registers

    return personnel.check_events(events, structure.issued_date, history_of) + \
        registers.check_events(events, structure)
