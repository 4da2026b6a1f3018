"""Events of the other registers (docs/registers.md): restructurings, council posts, awards and
pledges of units, classes — beside the personnel events of `extractors.events`.

    organisation decision ─▶ one event about its unit (read_organisation)
    award / pledge / class ─▶ people named? person events (award, training_assignment)
                            └▶ else one event per unit: article items, the recipient, table rows
    any person event       ─▶ its type refined by what it is about (a council post: local_relief)

What a type becomes, and when, is data (event_types.toml [[refine]], registers.toml).
"""
from __future__ import annotations

from extractors.articles import locate
from extractors.classify import Operative
from extractors.fields import Found, Located, Reading, read_dates
from extractors.locate import Anchor, Locator, Where
from extractors.nlp import analyse
from extractors.register_fields import family, read_award, read_course, read_organiser, read_staff_group
from extractors.rules import rules
from extractors.tables import Grid, units_in_tables
from extractors.text import fold, restore_tones, unwrap
from extractors.units import read_organisation, recipient_unit, unit_items
from pipeline.families import is_unit_type
from pipeline.model import Article, Course, Structure, UnitRef

Typed = tuple[str, Found]  # an event's type and its fields


def is_organisation(etype: str) -> bool:
    return family(etype) == "organisation"


def may_name_units(etype: str) -> bool:
    """Types whose decision may be about units rather than people (awards, pledges, classes)."""
    return is_unit_type(etype) or rules().refined(etype, "names_units") is not None


def people_type(etype: str) -> str:
    """The type of a decision of `etype` that turns out to name people (a class → trainees)."""
    return rules().refined(etype, "names_people") or etype


def organisation_events(op: Operative, anchor: Anchor | None, page: int | None) -> list[Typed]:
    """The one unit a restructuring, a rank or a regulation is about."""
    a = op.analysis
    # The verb that opens the article: "Thành lập C … trên cơ sở hợp nhất A và B" is a merger
    # (precedence), yet C is named after "Thành lập".
    verb = next((c for c in a.of("TRIGGER") if c.start <= op.trigger.start), op.trigger)
    reading = read_organisation(a, op.event_type, verb.end)
    if "unit.name" not in reading:
        return []
    read_dates(a, 0, len(a.text), reading)
    reading.pop("person.birth_date", None)
    return [(op.event_type, locate(reading, a, anchor, page))]


def _class_event(op: Operative, anchor: Anchor | None, page: int | None,
                 articles: tuple[Article, ...], locator: Locator) -> list[Typed]:
    """A class announced: its organiser is the unit (from any article), its course the fields."""
    a = op.analysis
    reading: Reading = {}
    read_course(a, 0, len(a.text), reading)
    found = locate(reading, a, anchor, page)
    organiser = found.get("course.organiser") or _organiser_elsewhere(articles, locator, page)
    if organiser is None:
        return []
    found["course.organiser"] = found["unit.name"] = organiser
    return [("training_class", found)]


def _organiser_elsewhere(articles: tuple[Article, ...], locator: Locator, page: int | None) -> Located | None:
    """The organiser named in a later article ("Giao Trường Chính trị tỉnh … chủ trì …")."""
    for article in articles:
        other = analyse(unwrap(article.text))
        value = read_organiser(other)
        if value is not None:
            return locate({"course.organiser": value}, other, locator.anchor(article.text), page)[
                "course.organiser"]
    return None


def _items(op: Operative, anchor: Anchor | None, page: int | None) -> list[Found]:
    """Units named in the article: list items, else the recipient of its first paragraph."""
    a = op.analysis
    items = unit_items(a)
    intro_end = items[0][0] if items else len(a.text)
    shared: Reading = {}
    read_award(a, 0, intro_end, shared)
    spans = items or [(0, a.text.find("\n") if "\n" in a.text else len(a.text))]
    out = []
    for start, end in spans:
        reading = recipient_unit(a, start, end)
        if not reading:
            continue
        if items:
            read_award(a, start, end, reading)
        for key, value in shared.items():
            reading.setdefault(key, value)
        out.append(locate(reading, a, anchor, page))
    return out


def _canonical_title(found: Found) -> None:
    """A title read from a table cell, written as the catalogue writes it."""
    detail = found.get("detail")
    if detail is None:
        return
    for title in rules().patterns["phrases"]["AWARD_TITLE"]:
        if fold(title) == fold(detail.value):
            found["detail"] = Located(title, detail.confidence, detail.text, detail.where)


def unit_events(op: Operative, anchor: Anchor | None, page: int | None, articles: tuple[Article, ...],
                locator: Locator, grids: list[Grid]) -> list[Typed]:
    """Collective awards, emulation pledges (one event per unit) or a class (one event)."""
    etype = rules().refined(op.event_type, "names_units") or op.event_type
    if etype == "training_class":
        return _class_event(op, anchor, page, articles, locator)
    found = _items(op, anchor, page)
    if not found:
        shared: Reading = {}
        read_award(op.analysis, 0, len(op.analysis.text), shared)
        shared_found = locate(shared, op.analysis, anchor, page)
        found = units_in_tables(grids)
        for row in found:
            _canonical_title(row)
            for key, value in shared_found.items():
                row.setdefault(key, value)
    return [(etype, f) for f in found]


def _council_post(found: Found, side: str) -> bool:
    data = rules().registers["council"]
    unit, position = found.get(f"{side}.unit"), found.get(f"{side}.position")
    if unit is None or position is None or position.value not in data["positions"]:
        return False
    return any(fold(unit.value).startswith(fold(body)) for body in data["bodies"])


def person_type(etype: str, found: Found) -> str:
    """The type of one person's event: a dismissal from a council post is a local relief."""
    refined = rules().refined(etype, "council_post")
    if refined and _council_post(found, "from"):
        return refined
    return etype


def finish(etype: str, found: Found, structure: Structure) -> Found:
    """Per-type adjustments once shared fields are in: the signing date for types whose printed
    dates are not theirs, a trainee's post as `to`, the staff group from the subject line."""
    data = rules().registers
    _restore_read_names(found)
    if etype in data["effective_on_signing"]:
        found.pop("effective_date", None)
    if etype in data["post_as_to"]:
        for part in ("unit", "position"):
            if f"from.{part}" in found:
                found.setdefault(f"to.{part}", found.pop(f"from.{part}"))
    if (family(etype) in data["staff_group_families"] and "staff_group" not in found
            and "person.name" in found and structure.subject):
        a = analyse(structure.subject)
        reading: Reading = {}
        read_staff_group(a, 0, len(a.text), reading)
        if reading:
            value = reading["staff_group"]
            found["staff_group"] = Located(value.value, 0.85, a.text[value.start:value.end], Where(None))
    return found


_NAMES = ("unit.name", "unit.parent", "unit.new_name", "course.organiser")


def _restore_read_names(found: Found) -> None:
    """Unit names read by OCR, their tone marks mended from the agency-name lexicon."""
    for key in _NAMES:
        item = found.get(key)
        if item is not None and item.where.ocr < 1.0:
            found[key] = Located(restore_tones(item.value), item.confidence, item.text, item.where)
    related = found.get("unit.related")
    if related is not None and related.where.ocr < 1.0:
        found["unit.related"] = Located(tuple(restore_tones(u) for u in related.value), related.confidence,
                                        related.text, related.where)


def _value(found: Found, key: str):
    item = found.get(key)
    return item.value if item is not None else None


def unit_ref(found: Found) -> UnitRef | None:
    name = found.get("unit.name")
    if name is None:
        return None
    return UnitRef(name.value, _value(found, "unit.parent"), _value(found, "unit.kind"),
                   _value(found, "unit.new_name"), tuple(_value(found, "unit.related") or ()))


def course(found: Found) -> Course | None:
    name = found.get("course.name")
    if name is None:
        return None
    return Course(name.value, _value(found, "course.organiser"), _value(found, "course.place"),
                  _value(found, "course.start_date"), _value(found, "course.end_date"))
