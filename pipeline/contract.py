"""The machine-readable contract: one `Outcome` as the JSON object of design/CONTRACT.md.

Kept beside the model (stdlib only) so the CLI, the web API and the flows all print the same
shape, and validated against the published JSON Schema in `pipeline/schema/`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from pipeline.model import Course, Event, Finding, Outcome, Post, UnitRef

SCHEMA_FILE = "document.schema.json"


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _post(post: Post | None) -> dict[str, Any] | None:
    if post is None:
        return None
    return {"unit": post.unit, "position": post.position}


def unit_to_dict(unit: UnitRef | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"name": unit.name, "parent": unit.parent, "kind": unit.kind,
            "new_name": unit.new_name, "related": list(unit.related)}


def course_to_dict(course: Course | None) -> dict[str, Any] | None:
    if course is None:
        return None
    return {"name": course.name, "organiser": course.organiser, "place": course.place,
            "start_date": _iso(course.start_date), "end_date": _iso(course.end_date)}


def _register_fields(event: Event) -> dict[str, Any]:
    """The keys the register families add (docs/registers.md); absent for personnel events,
    so the personnel shape of CONTRACT.md is unchanged."""
    extra: dict[str, Any] = {}
    if event.unit is not None:
        extra["unit"] = unit_to_dict(event.unit)
    if event.course is not None:
        extra["course"] = course_to_dict(event.course)
    if event.year is not None:
        extra["year"] = event.year
    if event.staff_group is not None:
        extra["staff_group"] = event.staff_group
    if event.detail is not None:
        extra["detail"] = event.detail
    return extra


def event_to_dict(event: Event) -> dict[str, Any]:
    salary = None
    if event.salary is not None:
        salary = {
            "scale_code": event.salary.scale_code,
            "step": event.salary.step,
            "coefficient": event.salary.coefficient,
        }
    return {
        "type": event.type,
        "person": None if event.person is None else {
            "name": event.person.name, "birth_date": _iso(event.person.birth_date)},
        "from": _post(event.from_post),
        "to": _post(event.to_post),
        "salary": salary,
        "effective_date": _iso(event.effective_date),
        "confidence": round(event.confidence, 3),
        **_register_fields(event),
    }


def evidence_boxes(events: Iterable[tuple[int, Event]]) -> list[dict[str, Any]]:
    """The evidence that has a box, for drawing on its page's image: the field, its words, the
    page, the event's position in the document and the box (page units, top-left origin).
    `events` pairs each event with its position (an uploaded outcome's list index, or the
    position the records keep for it)."""
    return [{"field": ev.field, "text": ev.text, "page": ev.page, "event": index,
             "box": [ev.box.x0, ev.box.y0, ev.box.x1, ev.box.y1]}
            for index, event in events for ev in event.evidence
            if ev.box is not None and ev.page is not None]


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "source": finding.source,
        "page": finding.page,
    }


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """The contract object for one input: a read document, or `{"source", "error"}`."""
    if not outcome.ok:
        return {
            "source": outcome.source,
            "sha256": outcome.sha256,
            "error": {
                "code": outcome.error_code,
                "message": outcome.error_message or outcome.error_code,
                "quarantined": outcome.quarantined,
            },
        }
    doc = outcome.document
    st = outcome.structure
    assert doc is not None and st is not None, "a successful outcome carries its document"
    result = {
        "source": outcome.source,
        "sha256": doc.source.sha256,
        "kind": doc.kind,
        "pages": len(doc.pages),
        "text": doc.text,
        "confidence": round(doc.confidence, 3),
        "metadata": {
            "issuer": st.issuer,
            "number": st.number,
            "doc_type": st.doc_type,
            "issued_place": st.issued_place,
            "issued_date": _iso(st.issued_date),
            "subject": st.subject,
            "signer_name": st.signer_name,
            "signer_title": st.signer_title,
        },
        "validation": [finding_to_dict(f) for f in outcome.findings],
        "events": [event_to_dict(e) for e in outcome.events],
        "update_due": _iso(outcome.update_due),
    }
    if outcome.records is not None:
        result["records"] = outcome.records
    return result


def to_json_line(outcome: Outcome) -> str:
    return json.dumps(outcome_to_dict(outcome), ensure_ascii=False)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    text = resources.files("pipeline.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)
