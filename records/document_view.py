"""A document as the records hold it, in the shape of the contract outcome (pipeline.contract),
for the document page of files that were never uploaded through the web app (CLI, nightly batch).

The records keep the decision's metadata, its findings and each event read whole (records.codec),
but not the text or the signer's title: those keys are present and null, so a reader of the
contract shape needs no second code path (the web app reads a DOCX's text again from the
original). Beyond the contract, `page_geometry` holds each page's size and the evidence boxes
(what the web app keeps for its own uploads), so the document page draws where each value was
read whichever way the file came in; a document kept before the records held page sizes has
none of either. The events are shown as they were read:
a reviewer's correction patches the stored row and keeps the reading in a superseded copy
(records.review), and the document page pairs what was read with where it stands now.
"""
from __future__ import annotations

from typing import Any

from pipeline.contract import event_to_dict, evidence_boxes
from records.codec import event_from_json
from records.context import Ctx
from records.document_events import rows_by_position
from records.schema import Document, Event


def outcome_of(ctx: Ctx, doc: Document) -> dict[str, Any]:
    """The contract-shaped outcome of a stored document (scope is the caller's to check)."""
    read = [(row.seq, event_from_json(row.payload)) for row in _as_read(ctx, doc.sha256)]
    return {
        "source": doc.source or None,
        "sha256": doc.sha256,
        "kind": None,  # how it was loaded (text layer or OCR) is not kept in the records
        "pages": doc.pages,
        "text": None,
        "confidence": None,
        "metadata": {
            "issuer": doc.issuer,
            "number": doc.number,
            "doc_type": doc.doc_type,
            "issued_place": None,
            "issued_date": doc.issued_date.isoformat() if doc.issued_date else None,
            "subject": doc.subject,
            "signer_name": doc.signer_name,
            "signer_title": None,
        },
        "validation": list(doc.findings or []),
        # `index`: the event's position in the document, which `document_events` reports by; a
        # position can be missing here (an event already recorded from another scan of the decision).
        "events": [{**event_to_dict(event), "index": seq} for seq, event in read],
        "update_due": doc.due_date.isoformat() if doc.due_date else None,
        "records": {"sha256": doc.sha256, "document_status": doc.status,
                    "due_date": doc.due_date.isoformat() if doc.due_date else None,
                    "due_policy": doc.due_policy, "duplicate_of": doc.duplicate_of},
        "page_geometry": {"page_sizes": doc.page_sizes or [],
                          "boxes": evidence_boxes(read) if doc.page_sizes else []},
    }


def _as_read(ctx: Ctx, sha256: str) -> list[Event]:
    """One row per position in the document, holding the event as it was read: the copy a
    correction kept (status superseded, reason "corrected"), else the position's first row."""
    def kept_reading(row: Event) -> bool:
        return row.reason == "corrected" and row.status == "superseded"
    return [next((r for r in rows if kept_reading(r)), rows[0])
            for _, rows in sorted(rows_by_position(ctx, sha256).items())]
