"""Attached lists: DOCX/PDF tables and tables rebuilt from OCR word boxes, one event per row."""
from __future__ import annotations

import datetime as dt

from extractors import extract, extract_events
from extractors.nlp import analyse, language
from extractors.rules import rules
from pipeline.model import Post, Salary, Table
from tests.extractor_docs import decision, word_page

D = dt.date
SIGNING = "Quyết định này có hiệu lực kể từ ngày ký."
RAISE_INTRO = "Nâng bậc lương thường xuyên đối với 03 công chức (có danh sách kèm theo)."
COLUMNS = ("STT", "Họ và tên", "Ngày sinh", "Chức vụ, đơn vị công tác", "Mã ngạch", "Bậc cũ", "Hệ số cũ",
           "Bậc mới", "Hệ số mới", "Hưởng từ ngày")
ROWS = (("1", "Nguyễn Văn An", "12/05/1980", "Chuyên viên Phòng Tổ chức cán bộ", "01.003", "3", "3,00", "4",
         "3,33", "01/03/2024"),
        ("2", "Bà Trần Thị Thủy", "01/02/1985", "Phó Trưởng phòng Nghiệp vụ Y", "01.002", "2", "4,74", "3",
         "5,08", "01/02/2024"))
MORE = (("3", "Lê Hữu Đạt", "02/11/1996", "Nhân viên Văn phòng", "01.005", "5", "2,66", "6", "2,86",
         "01/01/2024"),)


def test_docx_table_rows_and_a_continuation_without_header():
    tables = (Table(2, (COLUMNS,) + ROWS), Table(3, MORE))
    events = extract_events(*decision([RAISE_INTRO, SIGNING], tables=tables))
    assert [(e.type, e.person.name, e.effective_date) for e in events] == [
        ("salary_raise", "Nguyễn Văn An", D(2024, 3, 1)),
        ("salary_raise", "Trần Thị Thủy", D(2024, 2, 1)),
        ("salary_raise", "Lê Hữu Đạt", D(2024, 1, 1))]
    first, second, third = events
    assert first.from_post == Post("Phòng Tổ chức cán bộ", "Chuyên viên")
    assert second.from_post == Post("Phòng Nghiệp vụ Y", "Phó Trưởng phòng")
    assert (first.salary, first.previous_salary) == (Salary("01.003", 4, 3.33), Salary("01.003", 3, 3.0))
    assert third.person.birth_date == D(1996, 11, 2) and third.page == 3
    assert all(e.confidence >= 0.9 for e in events)


def test_two_row_header_with_parent_labels():
    header1 = ("TT", "Họ tên", "Ngày sinh", "Mức lương hiện hưởng", "Mức lương hiện hưởng",
               "Mức lương sau khi nâng", "Mức lương sau khi nâng", "Thời điểm hưởng")
    header2 = ("", "", "", "Bậc", "Hệ số", "Bậc", "Hệ số", "")
    row = ("1", "Đỗ Thị Mai", "03/03/1983", "4", "3,33", "5", "3,66", "01/04/2024")
    e, = extract_events(*decision([RAISE_INTRO], tables=(Table(2, (header1, header2, row)),)))
    assert (e.salary.step, e.salary.coefficient) == (5, 3.66)
    assert (e.previous_salary.step, e.previous_salary.coefficient) == (4, 3.33)
    assert e.effective_date == D(2024, 4, 1)


def test_recruitment_table_post_is_the_new_post_and_code_comes_from_the_ngach_cell():
    columns = ("STT", "Họ và tên", "Ngày sinh", "Trình độ chuyên môn", "Đơn vị công tác", "Ngạch (mã ngạch)",
               "Bậc", "Hệ số lương")
    row = ("1", "Cao Xuân Vinh", "18/06/1996", "Đại học chuyên ngành Luật", "Phòng Tư pháp huyện Long Thành",
           "Chuyên viên (01.003)", "1", "2,34")
    e, = extract_events(*decision([
        "Tuyển dụng 01 thí sinh trúng tuyển vào làm công chức kể từ ngày 10/3/2024 (có danh sách kèm theo).",
        SIGNING], tables=(Table(2, (columns, row)),)))
    assert e.type == "recruitment" and e.from_post is None
    assert e.to_post == Post("Phòng Tư pháp huyện Long Thành", "Chuyên viên")
    assert e.salary == Salary("01.003", 1, 2.34)
    assert e.effective_date == D(2024, 3, 10)


def test_asset_declaration_list_is_recognised_and_not_applied():
    columns = ("STT", "Họ và tên", "Chức vụ, đơn vị công tác")
    rows = (("1", "Phan Quốc Hiếu", "Trưởng phòng Cải cách hành chính"),
            ("2", "Mai Mỹ Hạnh", "Kế toán viên Văn phòng"))
    document, structure = decision([
        "Phê duyệt danh sách 02 người có nghĩa vụ kê khai tài sản, thu nhập hằng năm năm 2024 (có danh sách "
        "kèm theo).", SIGNING], tables=(Table(2, (columns,) + rows),))
    result = extract(document, structure)
    assert result.scope == "not_applicable"
    assert {(e.type, e.applicable) for e in result.events} == {("asset_declaration", False)}
    assert len(result.events) == 2
    assert extract_events(document, structure) == ()


SCAN_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Chức vụ, đơn vị", "Hưởng từ ngày"]
SCAN_COLUMNS = [360.0, 470.0, 1000.0, 1400.0, 1900.0]


def _scan_rows():
    page2 = word_page(2, True, SCAN_HEADER, [
        ["1", "Nguyễn Thị Thu\nHằng", "12/05/1980", "Chuyên viên Phòng\nTổ chức cán bộ", "01/03/2024"],
        ["m", "Trân Văn Bình", "4980/01/01", "Kế toán viên\nVăn phòng", "01/02/2024"],
    ], SCAN_COLUMNS)
    page3 = word_page(3, False, SCAN_HEADER, [
        ["3", "Lê Hữu Đạt", "02/11/1996", "Nhân viên Văn phòng", "01/01/2024"],
    ], SCAN_COLUMNS)
    return page2, page3


def test_rows_rebuilt_from_word_boxes_across_two_pages():
    page2, page3 = _scan_rows()
    document, structure = decision([RAISE_INTRO, SIGNING], extra_pages=(page2, page3), origin="ocr")
    events = extract_events(document, structure)
    assert [(e.person.name, e.effective_date) for e in events] == [
        ("Nguyễn Thị Thu Hằng", D(2024, 3, 1)),
        ("Trần Văn Bình", D(2024, 2, 1)),  # a stray mark dropped, the family name's tone repaired
        ("Lê Hữu Đạt", D(2024, 1, 1))]
    assert events[0].from_post == Post("Phòng Tổ chức cán bộ", "Chuyên viên")
    assert events[1].from_post == Post("Văn phòng", "Kế toán viên")
    assert [e.page for e in events] == [2, 2, 3]
    name = next(ev for ev in events[0].evidence if ev.field == "person.name")
    assert name.box is not None and name.page == 2
    assert events[1].confidence < events[2].confidence  # the repaired name is less sure


def test_scan_row_without_readable_header_gets_roles_from_its_cells():
    blank = ["", "", "", "", ""]
    page = word_page(2, True, blank, [
        ["1", "Võ Thị Ngọc Hoa", "17/05/1993", "Kế toán viên Văn phòng", "01/02/2024"],
        ["2", "Hà Quang Khải", "22/12/1990", "Chuyên viên Thanh tra", "01/04/2024"],
    ], SCAN_COLUMNS)
    events = extract_events(*decision([RAISE_INTRO], extra_pages=(page,), origin="ocr"))
    assert [(e.person.name, e.person.birth_date, e.effective_date) for e in events] == [
        ("Võ Thị Ngọc Hoa", D(1993, 5, 17), D(2024, 2, 1)),
        ("Hà Quang Khải", D(1990, 12, 22), D(2024, 4, 1))]


def test_one_language_with_document_numbers_kept_whole():
    assert language() is language()
    tokens = [t.text for t in language().make_doc("Số: 1234/QĐ-UBND ngày 15/3/2024, mã ngạch 01.003")]
    assert "1234/QĐ-UBND" in tokens and "15/3/2024" in tokens and "01.003" in tokens
    labels = {c.label for c in analyse("Bổ nhiệm ông Nguyễn Văn An kể từ ngày 15 tháng 3 năm 2024").cues}
    assert {"TRIGGER", "PERSON", "EFFECTIVE", "DATE"} <= labels


def test_rule_data_covers_every_contract_event_type():
    from pipeline.families import all_types

    contract = {"appointment", "reappointment", "transfer", "rotation", "relocation", "secondment",
                "dismissal", "salary_raise", "early_salary_raise", "seniority_allowance", "recruitment",
                "retirement", "resignation", "discipline", "award"}
    applicable = {t.key for t in rules().event_types if t.applicable}
    assert contract <= applicable and applicable - contract <= set(all_types())
    assert rules().ngach_by_name("chuyên viên").code == "01.003"
    assert all(isinstance(v, int) for v in rules().versions.values())
