"""Tests for pipeline.vietnamese: tone placement, folding, OCR-tolerant keywords, proper casing."""
from __future__ import annotations

import unicodedata

import pytest

from pipeline import vietnamese as vn


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("hoà", "hòa"), ("Hoà Bình", "Hòa Bình"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"),
        ("Uỷ ban", "Ủy ban"), ("UỶ BAN", "ỦY BAN"), ("xoè", "xòe"), ("tuỳ", "tùy"), ("Thuý", "Thúy"),
        ("CỘNG HOÀ", "CỘNG HÒA"), ("qúy", "quý"), ("gìa", "già"),
        # identical in both conventions: left alone
        ("quý", "quý"), ("quả", "quả"), ("già", "già"), ("giữa", "giữa"), ("gì", "gì"),
        ("người", "người"), ("được", "được"), ("hoàng", "hoàng"), ("toán", "toán"),
        ("khuyến", "khuyến"), ("Nguyễn", "Nguyễn"), ("ngoài", "ngoài"), ("khuỷu", "khuỷu"),
        ("của", "của"), ("mưa", "mưa"), ("hoạch", "hoạch"), ("thuở", "thuở"),
        # not a Vietnamese syllable: untouched
        ("café", "café"), ("UBND", "UBND"), ("3647/SNV-VP", "3647/SNV-VP"),
    ],
)
def test_tone_placement_is_traditional(written: str, expected: str) -> None:
    assert vn.normalize_tone_placement(written) == expected


def test_both_placements_compare_equal_after_canonical() -> None:
    new_style = "Uỷ ban nhân dân xã Hoà Bình, ông Nguyễn Văn Thuỷ khoẻ"
    old_style = "Ủy ban nhân dân xã Hòa Bình, ông Nguyễn Văn Thủy khỏe"
    assert new_style != old_style
    assert vn.canonical(new_style) == vn.canonical(old_style) == old_style


def test_canonical_composes_decomposed_text_and_collapses_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "Sở  Nội\n vụ ")
    assert decomposed != "Sở Nội vụ"
    assert vn.canonical(decomposed) == "Sở Nội vụ"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đồng Nai", "dong nai"), ("ĐỒNG NAI", "dong nai"), ("Ủy ban", "uy ban"),
        ("QUYẾT ĐỊNH", "quyet dinh"), (unicodedata.normalize("NFD", "Hưng Yên"), "hung yen"),
        ("Ðồng", "dong"),  # Eth, as OCR and legacy fonts print Đ
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert vn.fold(text) == folded


def test_fold_aligned_keeps_offsets() -> None:
    text = "Số: 12/QĐ-UBND, ngày 05 tháng 3"
    folded = vn.fold_aligned(text)
    assert len(folded) == len(text)
    start = folded.index("qd-ubnd")
    assert text[start:start + 7] == "QĐ-UBND"


def test_find_keyword_exact_and_confused() -> None:
    text = "Điều 1. Bố nhiệm ông A. Điều 2. Bổ nhiệm bà B."
    matches = vn.find_keyword(text, "bổ nhiệm")
    assert [(m.text, m.quality) for m in matches] == [("Bố nhiệm", 0.92), ("Bổ nhiệm", 1.0)]
    assert text[matches[0].start:matches[0].end] == "Bố nhiệm"


def test_find_keyword_tolerates_lost_diacritics_case_and_line_breaks() -> None:
    [m] = vn.find_keyword("xx QUYET\nĐINH yy", "Quyết định")
    assert (m.start, m.end) == (3, 13)
    assert m.quality < 0.8  # Ế→E lost a vowel shape


def test_find_keyword_whole_words_only() -> None:
    matches = vn.find_keyword("học bổng, bổ sung", "bổ")
    assert [(m.start, m.end, m.text) for m in matches] == [(10, 12, "bổ")]
    assert vn.find_keyword("tỉnh", "tin") == []


def test_find_keyword_spans_index_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", "UBND TỈNH Đồng Nai")
    [m] = vn.find_keyword(text, "tỉnh")
    assert unicodedata.normalize("NFC", m.text) == "TỈNH"
    assert m.quality == 1.0


def test_match_quality_orders_ocr_errors() -> None:
    exact = vn.match_quality("TỈNH", "tỉnh")
    hook_acute = vn.match_quality("TÍNH", "tỉnh")  # a confusion the table lists
    dot_lost = vn.match_quality("Tô", "Tộ")
    shape_lost = vn.match_quality("QUYET", "QUYẾT")
    assert exact == 1.0
    assert 1.0 > hook_acute >= dot_lost > shape_lost
    assert vn.match_quality("hoà", "hòa") == 1.0


@pytest.mark.parametrize(
    ("printed", "cased"),
    [
        ("UBND TỈNH ĐỒNG NAI", "Ủy ban nhân dân tỉnh Đồng Nai"),
        ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "Ủy ban nhân dân tỉnh Đồng Nai"),
        ("SỞ NỘI VỤ", "Sở Nội vụ"),
        ("SỞ Y TẾ", "Sở Y tế"),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),
        ("UBND TP. HỒ CHÍ MINH", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
        ("TRƯỜNG THPT NGUYỄN TRÃI", "Trường THPT Nguyễn Trãi"),
        ("BỆNH VIỆN ĐA KHOA THỐNG NHẤT", "Bệnh viện Đa khoa Thống Nhất"),
        ("ỦY BAN NHÂN DÂN TÍNH ĐỒNG NAI", "Ủy ban nhân dân tỉnh Đồng Nai"),  # OCR TỈNH→TÍNH
    ],
)
def test_title_case_agency_names(printed: str, cased: str) -> None:
    assert vn.title_case(printed) == cased


def test_title_case_reports_ocr_repairs() -> None:
    assert vn.title_case_scored("SỞ NỘI VỤ")[1] == 1.0
    assert vn.title_case_scored("SO NOI VU") == ("Sở Nội vụ", 0.75)


@pytest.mark.parametrize(
    ("printed", "cased"),
    [("PHÓ GIÁM ĐỐC", "Phó Giám đốc"), ("GIÁM ĐỐC", "Giám đốc"), ("PHÓ CHỦ TỊCH", "Phó Chủ tịch"),
     ("CHÁNH VĂN PHÒNG", "Chánh Văn phòng"), ("PHÓ TRƯỞNG PHÒNG PHỤ TRÁCH", "Phó Trưởng phòng phụ trách")],
)
def test_title_case_titles(printed: str, cased: str) -> None:
    assert vn.title_case(printed, capitalize_unknown=False) == cased


def test_locality_tail() -> None:
    assert vn.locality_tail("Ủy ban nhân dân tỉnh Đồng Nai") == "tỉnh Đồng Nai"
    assert vn.locality_tail("Phòng Nội vụ huyện Long Thành") == "huyện Long Thành"
    assert vn.locality_tail("Sở Nội vụ") is None
    assert vn.locality_tail("Bảo hiểm xã hội") is None  # "xã" inside a known phrase


def test_is_syllable() -> None:
    assert vn.is_syllable("Nguyễn") and vn.is_syllable("TRÃI") and vn.is_syllable("khuỷu")
    assert not vn.is_syllable("THPT") and not vn.is_syllable("SNV") and not vn.is_syllable("café")
