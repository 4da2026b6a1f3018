"""Events of the other registers (issue 10) read from real documents: organisation, local government,
awards and emulation, training — generated decisions rendered as DOCX, text PDF and 300-dpi scans
and read by the real pipeline, plus the rules that tell a register's verb from a personnel one."""
from __future__ import annotations

import datetime as dt

import jsonschema
import pytest

from extractors import extract, extract_events
from pipeline.contract import outcome_to_dict, schema
from pipeline.model import Course, Outcome, Post, UnitRef
from pipeline.vietnamese import fold
from tests.extractor_docs import ISSUED, decision
from tests.register_docs import key, matches, read, spec_of, specs

SIGNING = "Quyết định này có hiệu lực kể từ ngày ký."
ORGANISATION = ("unit_founding", "unit_merger", "unit_split", "unit_rename", "unit_dissolution",
                "unit_reclassification", "unit_regulation")
UNIT_FIELDS = ("type", "person", "unit", "effective_date", "detail")
PERSON_FIELDS = ("type", "person", "from", "to", "effective_date", "detail", "year", "staff_group", "course")


def _assert_read_as_truth(spec, extraction, fields):
    assert extraction.scope == "personnel", extraction.reason
    found = {key(e): e for e in extraction.events}
    assert set(found) == {key(t) for t in spec.events}, spec.doc_id
    wrong = {key(t): matches(t, found[key(t)], fields) for t in spec.events}
    assert not any(wrong.values()), wrong


# ── Organisation (R2) ──────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("etype", ORGANISATION)
def test_restructurings_read_from_docx_name_their_unit_and_the_units_around_it(tmp_path, etype):
    spec = spec_of("organisation", etype)
    document, parsed, extraction = read(spec, tmp_path, "docx")
    _assert_read_as_truth(spec, extraction, UNIT_FIELDS)
    (event,) = extraction.events
    assert event.person is None and event.unit is not None
    assert event.confidence >= 0.9
    assert {e.field for e in event.evidence} >= {"unit.name", "effective_date"}


def test_merger_from_a_text_pdf_keeps_commas_inside_the_merged_units(tmp_path):
    (event,) = extract_events(*decision([
        "Hợp nhất Trung tâm Y tế dự phòng tỉnh, Trung tâm Phòng, chống HIV/AIDS tỉnh và Trung tâm Chăm "
        "sóc sức khỏe sinh sản tỉnh thành Trung tâm Kiểm soát bệnh tật tỉnh Đồng Nai trực thuộc Sở Y tế "
        "kể từ ngày 01/7/2024.", SIGNING]))
    assert event.unit == UnitRef("Trung tâm Kiểm soát bệnh tật tỉnh Đồng Nai", "Sở Y tế", related=(
        "Trung tâm Y tế dự phòng tỉnh", "Trung tâm Phòng, chống HIV/AIDS tỉnh",
        "Trung tâm Chăm sóc sức khỏe sinh sản tỉnh"))
    assert event.effective_date == dt.date(2024, 7, 1)
    spec = spec_of("organisation", "unit_merger")
    _assert_read_as_truth(spec, read(spec, tmp_path, "pdf")[2], UNIT_FIELDS)


def test_a_founded_unit_reads_its_parent_and_kind_and_a_council_for_an_exam_is_no_unit():
    (event,) = extract_events(*decision([
        "Thành lập Trường Mầm non Hoa Sen, là đơn vị sự nghiệp công lập trực thuộc Ủy ban nhân dân huyện "
        "Long Thành kể từ ngày 01/8/2024.", SIGNING]))
    assert (event.type, event.unit) == ("unit_founding", UnitRef(
        "Trường Mầm non Hoa Sen", "Ủy ban nhân dân huyện Long Thành", "đơn vị sự nghiệp công lập"))
    # A council set up for a recruitment exam is not a unit of the organisation tree.
    result = extract(*decision(["Thành lập Hội đồng xét tuyển viên chức năm 2024 gồm các ông, bà có tên "
                                "sau đây.", SIGNING]))
    assert result.events == ()


def test_rank_and_name_of_a_city_stay_in_the_unit():
    (event,) = extract_events(*decision([
        "Xếp Trung tâm Y tế thành phố Long Khánh vào hạng III kể từ ngày 01/4/2024.", SIGNING]))
    assert event.unit == UnitRef("Trung tâm Y tế thành phố Long Khánh", kind="hạng III")


# ── Local government (R3) ──────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("builder,form", [
    ("local_election", "single"), ("local_election", "list"), ("local_confirmation", "single"),
    ("local_relief", "single"), ("local_removal", "single"), ("local_confirmation", "table"),
    ("commune_retirement", "single"), ("commune_resignation", "single"), ("commune_transfer", "single"),
    ("commune_recruitment", "single")])
def test_council_resolutions_confirmations_and_commune_officials_from_pdf(tmp_path, builder, form):
    spec = spec_of("local_government", builder, form)
    document, parsed, extraction = read(spec, tmp_path, "pdf")
    assert parsed.doc_type == spec.doc_type
    _assert_read_as_truth(spec, extraction, PERSON_FIELDS)


def test_relieving_a_council_post_is_local_relief_and_a_department_post_stays_a_dismissal():
    (relief,) = extract_events(*decision([
        "Miễn nhiệm chức vụ Phó Chủ tịch Ủy ban nhân dân xã Bình An khóa XII, nhiệm kỳ 2021 - 2026 đối "
        "với ông Trần Văn Lâm, sinh ngày 03/02/1970.\nLý do: nghỉ hưu theo chế độ."], doc_type="Nghị quyết"))
    assert (relief.type, relief.detail) == ("local_relief", "nhiệm kỳ 2021 - 2026")
    assert relief.from_post == Post("Ủy ban nhân dân xã Bình An", "Phó Chủ tịch")
    (dismissal,) = extract_events(*decision([
        "Miễn nhiệm chức vụ Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Long Thành đối với "
        "ông Hồ Văn Long, sinh ngày 09/9/1968, kể từ ngày 10/3/2024.\nLý do: theo nguyện vọng cá nhân."]))
    assert dismissal.type == "dismissal"
    assert dismissal.from_post == Post("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Long Thành",
                                       "Chánh Văn phòng")


def test_delegates_listed_in_an_attached_table_each_get_the_council_post(tmp_path):
    spec = spec_of("local_government", "local_confirmation", "table")
    events = read(spec, tmp_path, "docx")[2].events
    assert len(events) == len(spec.attachment.rows) >= 12
    assert {(e.type, e.to_post.position, e.detail) for e in events} == {
        ("local_confirmation", "Đại biểu", spec.events[0]["detail"])}
    assert all(e.person.birth_date for e in events)


# ── Awards and emulation (R4) ──────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("builder,form", [
    ("award", "single"), ("award", "list"), ("award", "table"), ("collective_award", "single"),
    ("collective_award", "list"), ("collective_award", "table"), ("emulation_registration", "single"),
    ("emulation_registration", "list"), ("emulation_registration", "table")])
def test_awards_to_people_and_units_and_pledges_from_docx(tmp_path, builder, form):
    spec = spec_of("awards", builder, form)
    extraction = read(spec, tmp_path, "docx")[2]
    fields = PERSON_FIELDS if builder == "award" else UNIT_FIELDS + ("year",)
    _assert_read_as_truth(spec, extraction, fields)


def test_a_bang_khen_for_a_unit_is_a_collective_award_and_for_a_person_an_award():
    (unit,) = extract_events(*decision([
        "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Phòng Tổ chức cán bộ, Sở Y tế, đã có thành "
        "tích xuất sắc trong thực hiện nhiệm vụ năm 2023.", SIGNING]))
    assert (unit.type, unit.person, unit.unit) == ("collective_award", None, UnitRef("Phòng Tổ chức cán bộ", "Sở Y tế"))
    assert (unit.detail, unit.year, unit.effective_date) == (
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", 2023, ISSUED)
    (person,) = extract_events(*decision([
        "Tặng danh hiệu “Chiến sĩ thi đua cơ sở” năm 2023 cho bà Tạ Thu Trang, Chuyên viên Phòng Công "
        "chức, viên chức, Sở Nội vụ.", SIGNING]))
    assert (person.type, person.detail, person.year) == ("award", "Chiến sĩ thi đua cơ sở", 2023)
    assert person.from_post == Post("Phòng Công chức, viên chức, Sở Nội vụ", "Chuyên viên")


# ── Training (R5) ──────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("builder,form", [
    ("training_class", "single"), ("training_assignment", "single"), ("training_assignment", "list"),
    ("training_assignment", "table")])
def test_classes_and_trainees_from_pdf_with_course_dates_and_place(tmp_path, builder, form):
    spec = spec_of("training", builder, form)
    extraction = read(spec, tmp_path, "pdf")[2]
    _assert_read_as_truth(spec, extraction, PERSON_FIELDS + ("unit",))
    # The class's dates are the course's; the decision itself takes effect on signing.
    assert {e.effective_date for e in extraction.events} == {spec.issued_date}


def test_sending_someone_to_a_class_is_training_and_voters_are_not():
    (event,) = extract_events(*decision([
        "Cử ông Nguyễn Văn Bình, Chuyên viên Phòng Tổ chức cán bộ, Sở Y tế, tham gia lớp Bồi dưỡng kỹ năng "
        "lãnh đạo, quản lý cấp phòng, khóa I năm 2024 do Sở Nội vụ tỉnh Đồng Nai tổ chức.\n- Thời gian: từ "
        "ngày 04 tháng 3 năm 2024 đến ngày 29 tháng 3 năm 2024.\n- Địa điểm: Hội trường Sở Nội vụ.", SIGNING]))
    assert event.type == "training_assignment"
    assert event.to_post == Post("Phòng Tổ chức cán bộ, Sở Y tế", "Chuyên viên")
    assert event.course == Course("Bồi dưỡng kỹ năng lãnh đạo, quản lý cấp phòng", "Sở Nội vụ tỉnh Đồng Nai",
                                  "Hội trường Sở Nội vụ", dt.date(2024, 3, 4), dt.date(2024, 3, 29))
    assert event.effective_date == ISSUED
    result = extract(*decision(["Cử tri bầu bổ sung đại biểu tại đơn vị bầu cử số 3 theo quy định.", SIGNING]))
    assert all(e.type != "training_assignment" for e in result.events)


def test_every_register_event_fits_the_published_contract(tmp_path):
    seen = set()
    for spec in specs()[:28]:  # seven decisions of each family, commune officials among them
        document, parsed, extraction = read(spec, tmp_path, "docx")
        outcome = Outcome(source=spec.doc_id, sha256=document.source.sha256, document=document,
                          structure=parsed, events=extraction.events)
        data = outcome_to_dict(outcome)
        jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
        seen |= {k for e in data["events"] for k in e}
    assert {"unit", "course", "year", "detail", "staff_group"} <= seen


# ── 300-dpi scans, one decision per family ─────────────────────────────────────────────────────────

@pytest.mark.slow
@pytest.mark.parametrize("family,builder,form,least", [
    ("organisation", "unit_merger", "single", 1.0), ("local_government", "local_confirmation", "table", 0.9),
    ("awards", "emulation_registration", "table", 0.9), ("training", "training_assignment", "table", 0.9)])
def test_a_scan_of_each_family_yields_its_events(tmp_path, family, builder, form, least):
    spec = spec_of(family, builder, form)
    document, parsed, extraction = read(spec, tmp_path, "scan300")
    assert document.kind == "scanned_pdf"
    # Each event must be found (type, whom, date); a tone mark OCR changed in a name ("ngần sách")
    # does not lose the event here — exact names on scans are measured by bench.extraction_accuracy.
    found = {folded(key(e)) for e in extraction.events}
    truth = {folded(key(t)) for t in spec.events}
    assert len(found & truth) >= least * len(truth), (sorted(truth - found), sorted(found - truth))
    assert len(found - truth) <= (1 - least) * len(truth) + 1e-9
    assert {e.type for e in extraction.events} == {t["type"] for t in spec.events}


def folded(event_key: tuple) -> tuple:
    kind, who, date = event_key
    return kind, fold(who), date
