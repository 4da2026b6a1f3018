"""Decree 30/2020 format checks: each rule on a sample that triggers it and on one that passes."""
import datetime as dt

import pytest

from validators import document_format, numbering
from tests.validators_samples import TODAY, clean_structure, document, page


def codes(structure, doc=None, today=TODAY):
    return [f.rule for f in document_format.check(doc or document(), structure, today)]


def test_a_well_formed_decision_passes():
    assert codes(clean_structure()) == []


@pytest.mark.parametrize("changes, code", [
    ({"has_national_motto": False}, "MOTTO-MISSING"),
    ({"issuer": None}, "ISSUER-MISSING"),
    ({"number": None}, "NUMBER-MISSING"),
    ({"issued_place": None}, "PLACE-MISSING"),
    ({"issued_date": None, "date_text": None}, "DATE-MISSING"),
    ({"doc_type": None}, "TYPE-MISSING"),
    ({"subject": None}, "SUBJECT-MISSING"),
    ({"body": "", "articles": (), "grounds": ()}, "CONTENT-MISSING"),
    ({"signer_name": None}, "SIGNER-MISSING"),
    ({"signer_title": None, "signer_authority_line": None}, "SIGNER-MISSING"),
    ({"recipients": ()}, "RECIPIENTS-MISSING"),
])
def test_a_missing_mandatory_component_is_an_error(changes, code):
    findings = document_format.check(document(), clean_structure(**changes), TODAY)
    assert [f.rule for f in findings] == [code]
    assert findings[0].severity == "error" and findings[0].page == 1


@pytest.mark.parametrize("number, code", [
    ("05/QĐ-SNV", None),
    ("123/QĐ-SNV", None),
    ("5/QĐ-SNV", "NUMBER-LEADING-ZERO"),
    ("012/QĐ-SNV", "NUMBER-LEADING-ZERO"),
    ("05 QĐ-SNV", "NUMBER-MALFORMED"),
    ("05/QĐ - SNV", "NUMBER-MALFORMED"),
    ("AB/QĐ-SNV", "NUMBER-MALFORMED"),
    ("00/QĐ-SNV", "NUMBER-MALFORMED"),
    ("05/QĐ", "NUMBER-MALFORMED"),
    ("05/QĐ-SNV,", "NUMBER-MALFORMED"),
    ("05/TB-SNV", "TYPE-ABBREV-MISMATCH"),
    ("05/QD-SNV", "TYPE-ABBREV-MISMATCH"),
    ("05/QĐ-UBND", None),  # a well-known abbreviation is accepted whoever issues
    ("05/QĐ-SYT", "ISSUER-ABBREV-ODD"),
])
def test_number_and_symbol_grammar(number, code):
    findings = numbering.check_number(document(), clean_structure(number=number))
    assert [f.rule for f in findings] == ([code] if code else [])


def test_leading_zero_message_says_what_to_write():
    doc = document(pages=(page(1, text="SỞ NỘI VỤ\nSố: 5/QĐ-SNV Đồng Nai, ngày 05 tháng 02 năm 2025"),))
    (finding,) = numbering.check_number(doc, clean_structure(number="5/QĐ-SNV"))
    assert finding.severity == "warning" and "05/QĐ-SNV" in finding.message
    assert finding.page == 1 and finding.box is not None  # found among the page's words


def test_type_abbreviations_follow_phu_luc_iii():
    assert numbering.expected_type_abbreviation("QUYẾT ĐỊNH") == "QĐ"
    assert numbering.expected_type_abbreviation("Quy định") == "QyĐ"
    assert numbering.expected_type_abbreviation("Tờ trình") == "TTr"
    assert numbering.expected_type_abbreviation("Công văn") is None
    ok = numbering.check_number(document(), clean_structure(number="07/TTr-SNV", doc_type="Tờ trình"))
    assert ok == []


def test_a_retired_abbreviation_is_named_with_its_replacement():
    (finding,) = numbering.check_number(
        document(), clean_structure(number="07/UQ-SNV", doc_type="Giấy ủy quyền"))
    assert finding.rule == "TYPE-ABBREV-MISMATCH" and "GUQ" in finding.message


def test_cong_van_carries_no_type_abbreviation():
    cong_van = {"doc_type": "Công văn", "subject": "V/v cử cán bộ tham gia tập huấn"}
    assert numbering.check_number(document(), clean_structure(number="12/SNV-CCVC", **cong_van)) == []
    (finding,) = numbering.check_number(document(), clean_structure(number="12/QĐ-SNV", **cong_van))
    assert finding.rule == "TYPE-ABBREV-MISMATCH"


@pytest.mark.parametrize("issuer, abbrev, plausible", [
    ("Sở Giáo dục và Đào tạo tỉnh Đồng Nai", "SGDĐT", True),
    ("Bệnh viện Đa khoa Đồng Nai", "BVĐK", True),
    ("Sở Y tế tỉnh Đồng Nai", "SYT", True),
    ("Sở Y tế tỉnh Đồng Nai", "SNV", False),
    ("Ủy ban nhân dân xã Xuân Lộc", "UBND", True),
])
def test_issuer_abbreviation_plausibility(issuer, abbrev, plausible):
    assert numbering.plausible_issuer_abbreviation(abbrev, issuer) is plausible


@pytest.mark.parametrize("date_text, code", [
    ("Đồng Nai, ngày 05 tháng 02 năm 2025", None),
    ("Đồng Nai, ngày 12 tháng 3 năm 2025", None),
    ("Đồng Nai, ngày 5 tháng 02 năm 2025", "DATE-FORMAT"),
    ("Đồng Nai, ngày 05 tháng 2 năm 2025", "DATE-FORMAT"),
    ("Đồng Nai, ngày 12 tháng 03 năm 2025", "DATE-FORMAT"),
    ("Đồng Nai, ngày 05 tháng 13 năm 2025", "DATE-INVALID"),
    ("Đồng Nai, ngày 30 tháng 02 năm 2024", "DATE-INVALID"),
    ("Đồng Nai, ngày 05 tháng 02 năm 1890", "DATE-INVALID"),
    ("Đồng Nai, ngày 05 tháng 02 năm 2026", "DATE-FUTURE"),
])
def test_date_is_real_past_and_well_written(date_text, code):
    # The parser leaves issued_date unset when the written date is impossible.
    structure = clean_structure(date_text=date_text, issued_date=None)
    findings = numbering.check_date(document(), structure, TODAY)
    assert [f.rule for f in findings] == ([code] if code else [])


def test_a_date_written_in_figures_is_a_format_slip():
    structure = clean_structure(date_text="Đồng Nai, 05/02/2025")
    (finding,) = numbering.check_date(document(), structure, TODAY)
    assert finding.rule == "DATE-FORMAT" and "ngày 05 tháng 02 năm 2025" in finding.message


def test_today_is_a_parameter():
    structure = clean_structure()
    assert numbering.check_date(document(), structure, dt.date(2025, 2, 5)) == []
    assert [f.rule for f in numbering.check_date(document(), structure, dt.date(2025, 2, 4))] == ["DATE-FUTURE"]


@pytest.mark.parametrize("changes, code", [
    ({}, None),
    ({"signer_authority": "KT.", "signer_authority_line": "KT. GIÁM ĐỐC", "signer_title": "Giám đốc"},
     "SIGNER-AUTHORITY-MISMATCH"),
    ({"signer_authority": None, "signer_authority_line": None, "signer_title": "Giám đốc"}, None),
    ({"signer_authority": "TL.", "signer_authority_line": "TL. GIÁM ĐỐC", "signer_title": "Phó Chánh Văn phòng"},
     None),
    ({"signer_authority": "TM.", "signer_authority_line": "TM. ỦY BAN NHÂN DÂN", "signer_title": "PHÓ CHỦ TỊCH"},
     "SIGNER-AUTHORITY-MISMATCH"),
])
def test_signer_block_matches_its_authority_prefix(changes, code):
    text = "Nơi nhận: TM. ỦY BAN NHÂN DÂN\nTrần Thị Bình"
    doc = document(pages=(page(1, text=text),))
    findings = document_format.check_signer(doc, clean_structure(**changes))
    assert [f.rule for f in findings] == ([code] if code else [])


def test_a_nested_kt_line_the_parser_dropped_is_found_on_the_signer_page():
    text = "Nơi nhận: TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Thị Bình"
    doc = document(pages=(page(1, text=text),))
    structure = clean_structure(signer_authority="TM.", signer_authority_line="TM. ỦY BAN NHÂN DÂN",
                                signer_title="Phó Chủ tịch")
    assert document_format.check_signer(doc, structure) == []


def test_seal_missing_on_a_colour_scan_but_not_on_a_grey_one():
    with_seal = document("scanned_pdf", pages=(page(1, scanned=True, seal_near_signature=True),))
    no_seal = document("scanned_pdf", pages=(page(1, scanned=True, seal_near_signature=False),))
    grey = document("scanned_pdf", pages=(page(1, scanned=True, seal_near_signature=False, image_mode="L"),))
    unchecked = document("scanned_pdf", pages=(page(1, scanned=True, seal_near_signature=None),))
    assert document_format.check_seal(with_seal) == []
    (finding,) = document_format.check_seal(no_seal)
    assert finding.rule == "SEAL-MISSING" and finding.severity == "error" and finding.page == 1
    assert document_format.check_seal(grey) == []  # SCAN-NOT-COLOUR says why
    assert document_format.check_seal(unchecked) == []
    assert document_format.check_seal(document("text_pdf")) == []


def test_on_a_scan_a_partly_read_signer_block_is_a_warning_not_a_missing_component():
    scan = document("scanned_pdf")
    (finding,) = document_format.check_signer(scan, clean_structure(signer_name=None))
    assert finding.rule == "SIGNER-UNREAD" and finding.severity == "warning" and "họ tên" in finding.message
    (finding,) = document_format.check_signer(scan, clean_structure(signer_title=None, signer_authority_line=None))
    assert finding.rule == "SIGNER-UNREAD" and "chức vụ" in finding.message
    assert [f.rule for f in document_format.check_signer(document("text_pdf"), clean_structure(signer_name=None))] \
        == ["SIGNER-MISSING"]  # a text layer is read exactly: absent means absent
    (finding,) = document_format.check_signer(scan, clean_structure(signer_name=None, signer_title=None,
                                                                     signer_authority_line=None))
    assert finding.rule == "SIGNER-MISSING"  # nothing of the block was read: still an error


def test_ocr_look_alike_letters_are_not_a_malformed_number():
    assert numbering.check_number(document(), clean_structure(number="05/QÐ-SNV")) == []  # U+00D0
