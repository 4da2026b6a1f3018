"""From a read decision to its events: scope, type, people (article or table), fields, evidence.

    Document + Structure ─scope─▶ decision? ─type─▶ operative article ─people─▶ article items
                                                     │                      └▶ attached table rows
                                                     ├─ units (registers: restructurings, awards
                                                     │   to units, pledges, classes)
                                                     └─ shared fields ("kể từ ngày …", signing date)
                         ─assemble─▶ Event per person or unit, with evidence and confidence
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from extractors import registers, wordrows
from extractors.articles import locate, people_in_article, shared_fields
from extractors.classify import (Operative, articles_of, is_personnel_document, operative,
                                 out_of_scope_topic)
from extractors.confidence import event_confidence, field_confidence
from extractors.fields import Found, Located, signing_date
from extractors.locate import Locator, Where
from extractors.nlp import analyse
from extractors.rules import rules
from extractors.tables import Cell, Grid, people_in_tables
from extractors.text import unwrap
from pipeline.model import Article, Document, Event, Evidence, Person, Post, Salary, Structure

_SALARY_TYPES = {"salary_raise", "early_salary_raise", "seniority_allowance", "recruitment"}


@dataclass(frozen=True)
class Extraction:
    """What a document yields: its scope and every event, applicable or not.

    scope: "personnel" (events to apply, of any register), "not_applicable" (a decision the records
    must never apply: social insurance, asset declarations — R1.4), or "none" (no decision, or no
    person or unit)."""

    scope: str
    events: tuple[Event, ...] = ()
    reason: str | None = None


class _Grids:
    """The attached tables, rebuilt from OCR word boxes at most once per document."""

    def __init__(self, document: Document, structure: Structure):
        self.document, self.structure = document, structure
        self._grids: list[Grid] | None = None

    def __call__(self) -> list[Grid]:
        if self._grids is None:
            document = self.document
            if document.tables:
                self._grids = [[[Cell(text, table.page, table.box(r, c)) for c, text in enumerate(row)]
                                for r, row in enumerate(table.rows)]
                               for table in document.tables]
            else:
                self._grids = wordrows.rebuild(document, self.structure.issued_date)
        return self._grids


def _signing(op: Operative, structure: Structure, articles, locator: Locator) -> Located | None:
    """The issue date, for decisions that take effect on signing."""
    for article in articles:
        a = op.analysis if article is op.article else analyse(unwrap(article.text))
        value = signing_date(a, structure.issued_date)
        if value is not None:
            anchor = locator.anchor(article.text)
            return locate({"effective_date": value}, a, anchor, None)["effective_date"]
    return None


def _fill(found: Found, etype: str, signing: Located | None) -> Found:
    """Fields the person's own text leaves out: the signing date, then the rules of each type."""
    if "effective_date" not in found and signing is not None:
        found["effective_date"] = signing
    marker = found.get("next_raise_from")
    if marker is not None and marker.value == "effective_date":
        if "effective_date" in found:
            eff = found["effective_date"]
            found["next_raise_from"] = Located(eff.value, marker.confidence, marker.text, marker.where)
        else:
            del found["next_raise_from"]
    if etype == "reappointment":  # re-appointed to the post held
        for part in ("unit", "position"):
            if f"to.{part}" in found:
                found.setdefault(f"from.{part}", found[f"to.{part}"])
    if etype == "recruitment" and "to.position" not in found:
        ngach = found.get("ngach.name")
        code = found.get("salary.scale_code")
        known = rules().ngach_by_code(code.value) if code else None
        if ngach is not None or known is not None:
            name = ngach.value if ngach is not None else known.name
            source = ngach or code
            found["to.position"] = Located(name, 0.9, source.text, source.where)
    found.pop("ngach.name", None)
    return found


def _post(found: Found, prefix: str) -> Post | None:
    unit, position = found.get(f"{prefix}.unit"), found.get(f"{prefix}.position")
    if unit is None and position is None:
        return None
    return Post(unit.value if unit else None, position.value if position else None)


def _salary(found: Found, prefix: str, event_type: str) -> Salary | None:
    step, coef = found.get(f"{prefix}.step"), found.get(f"{prefix}.coefficient")
    code = found.get("salary.scale_code")
    if step is None and coef is None and (prefix != "salary" or code is None):
        return None
    if prefix == "salary" and event_type not in _SALARY_TYPES and step is None and coef is None:
        return None
    return Salary(code.value if code else None, step.value if step else None, coef.value if coef else None)


def _value(found: Found, key: str):
    item = found.get(key)
    return item.value if item is not None else None


def _event(etype: str, found: Found, op: Operative, issued: dt.date | None) -> Event:
    scores = {key: field_confidence(key, value, found, issued) for key, value in found.items()}
    name = found.get("person.name")
    person = None if name is None else Person(
        name.value, _value(found, "person.birth_date"), sex=_value(found, "person.sex"))
    subject = name or found["unit.name"]
    evidence = tuple(
        Evidence(key, value.text, value.where.page, value.where.start, value.where.end,
                 value.where.box, scores[key])
        for key, value in found.items() if key != "unit.related" or value.text)
    return Event(
        type=etype,
        person=person,
        from_post=_post(found, "from"),
        to_post=_post(found, "to"),
        salary=_salary(found, "salary", etype),
        effective_date=_value(found, "effective_date"),
        confidence=event_confidence(op.confidence, scores, "person.name" if name else "unit.name"),
        page=subject.where.page,
        previous_salary=_salary(found, "previous_salary", etype),
        term_months=_value(found, "term_months"),
        next_raise_from=_value(found, "next_raise_from"),
        allowance_percent=_value(found, "allowance_percent"),
        detail=_value(found, "detail"),
        applicable=op.applicable,
        evidence=evidence,
        unit=registers.unit_ref(found),
        course=registers.course(found),
        year=_value(found, "year"),
        staff_group=_value(found, "staff_group"),
    )


def _people(op: Operative, locator: Locator, anchor, page: int | None, grids: _Grids
            ) -> tuple[list[Found], Found]:
    people = people_in_article(op, anchor, page)
    if people:
        return people, {}
    shared = shared_fields(op, anchor, page)
    rows = people_in_tables(grids(), registers.people_type(op.event_type))
    return [_pin_name(found, locator) for found in rows], shared


def _subjects(document: Document, op: Operative, articles: tuple[Article, ...], locator: Locator,
              grids: _Grids) -> list[tuple[str, Found]]:
    """Each event's type and fields, shared clauses merged: people, or units (registers)."""
    anchor = locator.anchor(op.article.text)
    page = anchor.where(0, 1).page if anchor else (document.pages[0].number if document.pages else None)
    if registers.is_organisation(op.event_type):
        return registers.organisation_events(op, anchor, page)
    people, shared = _people(op, locator, anchor, page, grids)
    if not people and registers.may_name_units(op.event_type):
        return registers.unit_events(op, anchor, page, articles, locator, grids())
    etype = registers.people_type(op.event_type)
    out = []
    for found in people:
        for key, value in shared.items():
            found.setdefault(key, value)
        out.append((registers.person_type(etype, found), found))
    return out


def _pin_name(found: Found, locator: Locator) -> Found:
    """A DOCX table cell has a page but neither span nor box: find the name in the page text for
    evidence (a PDF's or a scan's cell has its box)."""
    name = found.get("person.name")
    if name is None or name.where.start is not None or name.where.box is not None:
        return found
    anchor = locator.anchor(name.text)
    if anchor is not None:
        where = anchor.where(0, len(name.text))
        found["person.name"] = Located(name.value, name.confidence, name.text,
                                       Where(where.page, where.start, where.end, where.box, name.where.ocr))
    return found


def extract(document: Document, structure: Structure) -> Extraction:
    """Every event of a document, one per person, applicable or not. Pure."""
    if not is_personnel_document(document, structure):
        topic = out_of_scope_topic(structure.subject or "")
        if topic is not None:  # a letter about asset declarations: recognised, nothing to apply
            return Extraction("not_applicable", reason=topic)
        return Extraction("none", reason="not-a-decision")
    articles = articles_of(document, structure)
    op = operative(articles)
    if op is None:
        return Extraction("none", reason="no-personnel-article")
    locator = Locator(document)
    typed = [(etype, registers.finish(etype, found, structure))
             for etype, found in _subjects(document, op, articles, locator, _Grids(document, structure))
             if "person.name" in found or "unit.name" in found]
    signing = None
    if any("effective_date" not in found for _, found in typed):
        signing = _signing(op, structure, articles, locator)
    events = tuple(_event(etype, _fill(found, etype, signing), op, structure.issued_date)
                   for etype, found in typed)
    scope = "personnel" if op.applicable else "not_applicable"
    return Extraction(scope, events, None if events else "no-person-found")


__all__ = ["Extraction", "extract"]
