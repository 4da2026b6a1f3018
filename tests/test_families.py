"""The register families: every event type belongs to one family, and register events print in the contract."""
import datetime as dt

import pytest

from pipeline.contract import outcome_to_dict, schema
from pipeline.families import all_types, families, family_of, is_unit_type
from pipeline.model import Course, Event, Person, Post, UnitRef
from tests.test_contract import _document_outcome, validate


def test_each_type_has_exactly_one_family():
    types = all_types()
    assert len(types) == len(set(types))
    assert family_of("appointment") == "personnel"
    assert family_of("unit_merger") == "organisation"
    assert family_of("local_election") == "local_government"
    assert family_of("collective_award") == "awards"
    assert family_of("training_assignment") == "training"
    with pytest.raises(KeyError):
        family_of("no_such_type")


def test_schema_lists_every_register_type():
    enum = set(schema()["$defs"]["document"]["properties"]["events"]["items"]["properties"]["type"]["enum"])
    expected = set(all_types()) - set(families()["out_of_scope"].types)
    assert enum == expected


def test_unit_and_person_types():
    assert is_unit_type("unit_founding") and is_unit_type("training_class") and is_unit_type("collective_award")
    assert not is_unit_type("award") and not is_unit_type("training_assignment") and not is_unit_type("transfer")


def test_register_events_validate_against_the_schema():
    merger = Event("unit_merger", None, effective_date=dt.date(2025, 7, 1), confidence=0.95,
                   unit=UnitRef("Sở Nội vụ", parent="Ủy ban nhân dân tỉnh Đồng Nai",
                                related=("Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội")))
    course = Course("Bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên", organiser="Trường Chính trị tỉnh",
                    start_date=dt.date(2026, 4, 6), end_date=dt.date(2026, 5, 29))
    trainee = Event("training_assignment", Person("Lê Thị Hoà"), to_post=Post("Sở Y tế", "Chuyên viên"),
                    confidence=0.9, course=course)
    elected = Event("local_election", Person("Trần Văn Đức"), to_post=Post("Hội đồng nhân dân xã Long Thành",
                    "Chủ tịch"), confidence=0.9, staff_group="commune_cadre")
    pledge = Event("emulation_registration", None, unit=UnitRef("Sở Y tế"), year=2026,
                   detail="Tập thể lao động xuất sắc", confidence=0.9)
    obj = outcome_to_dict(_document_outcome(events=(merger, trainee, elected, pledge)))
    validate(obj)
    events = obj["events"]
    assert events[0]["person"] is None and events[0]["unit"]["related"][1].startswith("Sở Lao động")
    assert events[1]["course"]["start_date"] == "2026-04-06"
    assert events[3]["year"] == 2026 and "course" not in events[3]


def test_personnel_event_shape_is_unchanged():
    obj = outcome_to_dict(_document_outcome())
    assert set(obj["events"][0]) == {"type", "person", "from", "to", "salary", "effective_date", "confidence"}
