"""Checks of the other registers' events (issue 10) on real documents: generated decisions, some
given a defect a clerk could make, rendered and read by the real pipeline, then checked."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bench.corpus.registers import PLAN
from validators import personnel, registers
from tests.register_docs import read, spec_of, with_articles


def _findings(spec, tmp_path, kind="docx"):
    document, parsed, extraction = read(spec, tmp_path, kind)
    assert extraction.events, extraction.reason
    return registers.check_events(extraction.events, parsed), extraction.events


@pytest.mark.parametrize("family,builder,form", [(f, b, fm) for f, plan in PLAN.items()
                                                 for b, fm in dict.fromkeys(plan)])
def test_clean_decisions_of_every_register_raise_no_register_finding(tmp_path, family, builder, form):
    findings, events = _findings(spec_of(family, builder, form), tmp_path)
    assert findings == ()
    # Unit-level events never reach the personnel rules.
    units = [e for e in events if e.person is None]
    assert personnel.check_events(units, dt.date(2024, 1, 1)) == ()


def test_a_merger_that_names_only_the_new_unit(tmp_path):
    spec = with_articles(spec_of("organisation", "unit_merger"),
                         "Hợp nhất các trung tâm trực thuộc Sở thành Trung tâm Kiểm soát bệnh tật tỉnh Đồng Nai.")
    findings, (event,) = _findings(spec, tmp_path)
    assert [(f.rule, f.severity) for f in findings] == [("UNIT-MERGER-TOO-FEW", "error")]
    assert event.unit.name == "Trung tâm Kiểm soát bệnh tật tỉnh Đồng Nai" and event.unit.related == ()
    assert findings[0].page == 1 and "NĐ 120/2020" in findings[0].source


def test_a_split_without_its_new_units_and_a_rename_to_the_same_name(tmp_path):
    split = with_articles(spec_of("organisation", "unit_split"),
                          "Chia tách Trung tâm Văn hóa, Thể thao và Truyền thanh huyện Long Thành kể từ ngày 01/4/2024.")
    assert [f.rule for f in _findings(split, tmp_path)[0]] == ["UNIT-SPLIT-NO-RESULT"]
    rename = with_articles(spec_of("organisation", "unit_rename"),
                           "Đổi tên Trường Tiểu học Bình An thành Trường Tiểu học Bình An.")
    assert [f.rule for f in _findings(rename, tmp_path)[0]] == ["UNIT-RENAME-UNCHANGED"]


def test_an_election_confirmed_by_the_commune_itself_is_flagged(tmp_path):
    spec = spec_of("local_government", "local_confirmation")
    body = spec.events[0]["to"]["unit"]  # "Ủy ban nhân dân xã …", confirmed by the level above
    own = dataclasses.replace(spec, parent_body=None, issuer=body.upper(), issuer_display=body,
                              authority_line=f"CHỦ TỊCH {body.upper()}")
    findings, (event,) = _findings(own, tmp_path)
    assert [f.rule for f in findings] == ["LOCAL-CONFIRMATION-LEVEL"]
    assert event.person.name in findings[0].message and event.to_post.position in findings[0].message


def test_a_term_that_is_not_five_years(tmp_path):
    spec = spec_of("local_government", "local_election")
    first = spec.articles[0].removeprefix("Điều 1. ")
    term = spec.events[0]["detail"].removeprefix("nhiệm kỳ ")
    start = int(term[:4])
    bad = with_articles(spec, first.replace(term, f"{start} - {start + 4}"))
    findings, _ = _findings(bad, tmp_path, "pdf")
    assert [f.rule for f in findings] == ["COUNCIL-TERM-INVALID"]


def test_an_unknown_title_and_an_achievement_year_after_the_decision(tmp_path):
    spec = spec_of("awards", "award")
    event = spec.events[0]
    who = f"ông {event['person']['name']}"
    unknown = with_articles(spec, f"Tặng danh hiệu “Cá nhân tiêu biểu xuất sắc” năm {spec.issued_date.year - 1} "
                                  f"cho {who}, Chuyên viên Văn phòng Sở Nội vụ.")
    assert [f.rule for f in _findings(unknown, tmp_path)[0]] == ["AWARD-FORM-UNKNOWN"]
    future = with_articles(spec, f"Tặng Giấy khen của Giám đốc Sở Nội vụ cho {who}, Chuyên viên Văn phòng Sở "
                                 f"Nội vụ, đã có thành tích xuất sắc năm {spec.issued_date.year + 1}.")
    assert [f.rule for f in _findings(future, tmp_path)[0]] == ["AWARD-YEAR-FUTURE"]


def test_a_pledge_for_a_year_already_past(tmp_path):
    spec = spec_of("awards", "emulation_registration")
    year = spec.events[0]["year"]
    first = spec.articles[0].removeprefix("Điều 1. ").replace(f"năm {year}", f"năm {spec.issued_date.year - 1}")
    findings, (event,) = _findings(with_articles(spec, first), tmp_path)
    assert [f.rule for f in findings] == ["EMULATION-YEAR-PAST"]
    assert event.year == spec.issued_date.year - 1


def test_a_class_that_ends_before_it_begins_is_an_error_once_per_trainee(tmp_path):
    spec = spec_of("training", "training_assignment", "list")
    first = spec.articles[0].removeprefix("Điều 1. ")
    course = spec.events[0]["course"]
    start, end = (dt.date.fromisoformat(course[k]) for k in ("start_date", "end_date"))
    swapped = first.replace("từ ngày", "TỪ").replace("đến ngày", "ĐẾN")
    swapped = swapped.split("TỪ")[0] + f"từ ngày {end:%d/%m/%Y} đến ngày {start:%d/%m/%Y}:" + first.split(":", 1)[1]
    findings, events = _findings(with_articles(spec, swapped), tmp_path)
    assert {f.rule for f in findings} == {"TRAINING-DATES-REVERSED"}
    assert {f.severity for f in findings} == {"error"} and len(findings) == len(events) >= 2


def test_levels_of_government_are_read_from_names():
    assert registers.level_of("Ủy ban nhân dân xã Bình An") == "commune"
    assert registers.level_of("Ủy ban nhân dân huyện Long Thành") == "district"
    assert registers.level_of("Ủy ban nhân dân tỉnh Đồng Nai") == "province"
    assert registers.level_of("Hội đồng nhân dân thành phố Hồ Chí Minh") == "province"
    assert registers.level_of("Ủy ban nhân dân thành phố Biên Hòa") == "district"
    assert registers.level_of("Ủy ban nhân dân phường Tân Phong, thành phố Biên Hòa") == "commune"
    assert registers.level_of("Sở Nội vụ") is None
