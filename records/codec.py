"""Events to JSON and back (stored whole, so a reviewer's approval replays exactly what was read),
the comparison keys of names and document numbers, and the per-event fingerprint.

The fingerprint identifies one event of one decision: the decision's identity (issuer, number,
issue date — or the file's sha256 when the number or date is missing) plus the event's content.
So the same file twice, or a second scan of the same paper decision, changes nothing.

Register events (docs/registers.md) may name a unit instead of a person (`person` null) and carry
`unit`, `course`, `year` and `staff_group`; these keys enter the JSON and the fingerprint only
when set, so every personnel event keeps the fingerprint it always had.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from pipeline.contract import course_to_dict, unit_to_dict
from pipeline.model import Box, Course, Event, Evidence, Person, Post, Salary, Structure, UnitRef
from pipeline.vietnamese import canonical, fold


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _post(post: Post | None) -> dict[str, Any] | None:
    return None if post is None else {"unit": post.unit, "position": post.position}


def _salary(salary: Salary | None) -> dict[str, Any] | None:
    if salary is None:
        return None
    return {"scale_code": salary.scale_code, "step": salary.step, "coefficient": salary.coefficient}


def subject_name(event: Event) -> str:
    """Who or what an event is about, as written: the person, else the unit, else the class."""
    if event.person is not None:
        return event.person.name
    if event.unit is not None:
        return event.unit.name
    return event.course.name if event.course is not None else ""


def _register_json(event: Event) -> dict[str, Any]:
    """The register keys that are set (none for a personnel event)."""
    extra = {"unit": unit_to_dict(event.unit), "course": course_to_dict(event.course), "year": event.year,
             "staff_group": event.staff_group}
    return {k: v for k, v in extra.items() if v is not None}


def _evidence_json(e: Evidence) -> dict[str, Any]:
    out = {"field": e.field, "text": e.text, "page": e.page, "start": e.start, "end": e.end,
           "confidence": e.confidence}
    if e.box is not None:  # a tenth of a point or pixel is finer than any drawing of it
        out["box"] = [round(v, 1) for v in (e.box.x0, e.box.y0, e.box.x1, e.box.y1)]
    return out


def _box_from(data: list[float] | None) -> Box | None:
    return None if not data else Box(*(float(v) for v in data))


def event_to_json(event: Event) -> dict[str, Any]:
    """Every field of an Event, its evidence with page, span, words and box (page units; absent
    where the page gave no word boxes) — what the document page draws on the original."""
    p = event.person
    return {
        "type": event.type,
        "person": None if p is None else {"name": p.name, "birth_date": _iso(p.birth_date),
                                          "personal_id": p.personal_id, "sex": p.sex},
        "from": _post(event.from_post),
        "to": _post(event.to_post),
        "salary": _salary(event.salary),
        "previous_salary": _salary(event.previous_salary),
        "effective_date": _iso(event.effective_date),
        "confidence": event.confidence,
        "page": event.page,
        "term_months": event.term_months,
        "next_raise_from": _iso(event.next_raise_from),
        "allowance_percent": event.allowance_percent,
        "detail": event.detail,
        "applicable": event.applicable,
        "evidence": [_evidence_json(e) for e in event.evidence],
        **_register_json(event),
    }


def _post_from(data: dict[str, Any] | None) -> Post | None:
    return None if data is None else Post(unit=data.get("unit"), position=data.get("position"))


def _salary_from(data: dict[str, Any] | None) -> Salary | None:
    if data is None:
        return None
    return Salary(scale_code=data.get("scale_code"), step=data.get("step"),
                  coefficient=data.get("coefficient"))


def _unit_from(data: dict[str, Any] | None) -> UnitRef | None:
    if data is None:
        return None
    return UnitRef(name=data["name"], parent=data.get("parent"), kind=data.get("kind"),
                   new_name=data.get("new_name"), related=tuple(data.get("related") or ()))


def _course_from(data: dict[str, Any] | None) -> Course | None:
    if data is None:
        return None
    return Course(name=data["name"], organiser=data.get("organiser"), place=data.get("place"),
                  start_date=_date(data.get("start_date")), end_date=_date(data.get("end_date")))


def event_from_json(data: dict[str, Any]) -> Event:
    p = data["person"]
    return Event(
        type=data["type"],
        person=None if p is None else Person(name=p["name"], birth_date=_date(p.get("birth_date")),
                                             personal_id=p.get("personal_id"), sex=p.get("sex")),
        from_post=_post_from(data.get("from")),
        to_post=_post_from(data.get("to")),
        salary=_salary_from(data.get("salary")),
        previous_salary=_salary_from(data.get("previous_salary")),
        effective_date=_date(data.get("effective_date")),
        confidence=float(data.get("confidence") or 0.0),
        page=data.get("page"),
        term_months=data.get("term_months"),
        next_raise_from=_date(data.get("next_raise_from")),
        allowance_percent=data.get("allowance_percent"),
        detail=data.get("detail"),
        applicable=bool(data.get("applicable", True)),
        evidence=tuple(Evidence(field=e["field"], text=e["text"], page=e.get("page"),
                                start=e.get("start"), end=e.get("end"), box=_box_from(e.get("box")),
                                confidence=float(e.get("confidence") or 0.0))
                       for e in data.get("evidence", [])),
        unit=_unit_from(data.get("unit")),
        course=_course_from(data.get("course")),
        year=data.get("year"),
        staff_group=data.get("staff_group"),
    )


def name_key(name: str) -> str:
    """The folded spelling people are looked up by: tone-mark and đ/d errors compare equal."""
    return " ".join(fold(name).split())


def number_key(number: str | None) -> str | None:
    """'123/QĐ-UBND' and OCR's '123 / QD-UBND' compare equal."""
    if not number:
        return None
    return re.sub(r"\s+", "", fold(number)) or None


def _text(value: str | None) -> str | None:
    return canonical(value).lower() if value else None


def document_identity(sha256: str, structure: Structure) -> str:
    """Issuer + number + issue date when all are read (survives a re-scan); else the file bytes."""
    key = number_key(structure.number)
    if key and structure.issued_date and structure.issuer:
        return f"{name_key(structure.issuer)}|{key}|{structure.issued_date.isoformat()}"
    return sha256


def _register_print(event: Event) -> dict[str, Any]:
    """The register fields of the fingerprint, only those set (personnel prints stay as they were)."""
    out: dict[str, Any] = {}
    if event.unit is not None:
        u = event.unit
        out["unit"] = [_text(u.name), _text(u.parent), _text(u.kind), _text(u.new_name),
                       [_text(r) for r in u.related]]
    if event.course is not None:
        c = event.course
        out["course"] = [_text(c.name), _text(c.organiser), _iso(c.start_date), _iso(c.end_date)]
    if event.year is not None:
        out["year"] = event.year
    if event.staff_group is not None:
        out["group"] = event.staff_group
    return out


def fingerprint(identity: str, event: Event) -> str:
    """A stable hash of one event of one decision (confidence and evidence excluded)."""
    p = event.person
    content = {
        "doc": identity,
        "type": event.type,
        "name": name_key(p.name) if p is not None else None,
        "birth": _iso(p.birth_date) if p is not None else None,
        "pid": p.personal_id if p is not None else None,
        "eff": _iso(event.effective_date),
        "from": [_text(event.from_post.unit), _text(event.from_post.position)] if event.from_post else None,
        "to": [_text(event.to_post.unit), _text(event.to_post.position)] if event.to_post else None,
        "salary": _salary(event.salary),
        "allowance": event.allowance_percent,
        "detail": _text(event.detail),
        "term": event.term_months,
    }
    content.update(_register_print(event))
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
