"""Where an OCR'd page is read twice, and how the second reading replaces the first
(pipeline.ocr_layout): pure geometry on words laid out like a decision's last page at 300 dpi."""
from __future__ import annotations

import pytest

from pipeline import ocr_layout
from pipeline.model import Box, Word
from pipeline.ocr_layout import Line

WIDTH, HEIGHT, DPI = 2480.0, 3508.0, 300.0
MM = DPI / 25.4


def _line(y: float, *words: tuple[str, float], block: int = 1) -> Line:
    """Words starting at x (given per word as (text, x)), 40 px high at `y`, 26 px a letter."""
    return Line(block, tuple(Word(text, Box(x, y, x + 26 * len(text), y + 40), 0.95) for text, x in words))


def _words(text: str, x: float) -> list[tuple[str, float]]:
    """(word, x) for the words of `text` set from `x` on, 20 px apart."""
    out, at = [], x
    for word in text.split():
        out.append((word, at))
        at += 26 * len(word) + 20
    return out


BODY = _line(2000, *_words("hành Quyết định này có hiệu lực kể từ ngày ký và các ông bà liên quan", 350))
RECIPIENTS = _line(2200, ("Nơi", 350), ("nhận:", 440), ("KT.", 1600), ("GIÁM", 1700), ("ĐỐC", 1860))
ITEM = _line(2260, *_words("- Như Điều 3;", 350), ("PHÓ", 1640), ("GIÁM", 1760), ("ĐỐC", 1920))
ITEM2 = _line(2320, *_words("- Lưu: VT, TCCB.", 350))
NAME = _line(2700, *_words("Trương Tuấn Phúc", 1620))
PAGE = [BODY, RECIPIENTS, ITEM, ITEM2, NAME]


def test_signer_zone_starts_at_the_recipients_line_right_of_their_list():
    zone = ocr_layout.signer_zone(PAGE, WIDTH, HEIGHT, DPI)
    assert zone is not None
    assert zone.y0 < RECIPIENTS.top and zone.y1 > NAME.bottom and zone.y0 > BODY.bottom - 3 * MM
    list_end = max(w.box.x1 for line in (RECIPIENTS, ITEM, ITEM2) for w in line.words if w.box.x0 < 1000)
    assert list_end < zone.x0 < 1600 and zone.x1 == WIDTH


def test_signer_zone_from_an_authority_line_alone_and_none_without_clues():
    authority = _line(2300, ("TM.", 1500), ("ỦY", 1610), ("BAN", 1700))
    zone = ocr_layout.signer_zone([BODY, authority, NAME], WIDTH, HEIGHT, DPI)
    assert zone is not None and authority.top - 3 * MM < zone.y0 < authority.top
    assert ocr_layout.signer_zone([BODY, NAME], WIDTH, HEIGHT, DPI) is None


def test_signer_zone_stops_at_text_running_across_the_page():
    below = _line(2500, *_words("DANH SÁCH CÔNG CHỨC ĐƯỢC NÂNG BẬC LƯƠNG THƯỜNG XUYÊN NĂM NAY", 500))
    zone = ocr_layout.signer_zone([BODY, RECIPIENTS, ITEM, below], WIDTH, HEIGHT, DPI)
    assert zone is not None and zone.y1 < below.top


def test_replace_zone_swaps_the_columns_words_and_reads_the_left_column_first():
    zone = ocr_layout.signer_zone(PAGE, WIDTH, HEIGHT, DPI)
    reread = [_line(2200, ("KT.", 1600), ("GIÁM", 1700), ("ĐỐC", 1860), block=9),
              _line(2260, ("PHÓ", 1640), ("GIÁM", 1760), ("ĐỐC", 1920), block=9),
              _line(2700, *_words("Trương Tuấn Phúc", 1620), block=9)]
    out = ocr_layout.replace_zone(PAGE[:-1], zone, reread)  # the first reading lost the name
    texts = [line.text for line in out]
    assert texts == [BODY.text, "Nơi nhận:", "- Như Điều 3;", "- Lưu: VT, TCCB.",
                     "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trương Tuấn Phúc"]
    assert ocr_layout.text_of(out).count("\n\n") == 1  # the column is a block of its own


def test_drop_marks_removes_stroke_words_and_the_seals_lettering():
    ring = (1500.0, 2500.0, 200.0)  # a seal's disc: centre and radius
    line = _line(2480, ("~", 1400), ("SỞ", 1460), ("Tuấn", 1650), ("Phúc", 1780))
    kept = ocr_layout.drop_marks([line, _line(2550, ("—=", 1450))], [ring])
    assert [l.text for l in kept] == ["Tuấn Phúc"]


def test_ragged_lines_finds_a_centred_line_with_garbage_in_front_and_better_line_takes_the_clean_one():
    authority = _line(2200, ("KT.", 1600), ("GIÁM", 1700), ("ĐỐC", 1860))  # 1600..1938
    tail = _line(2700, ("Hoài", 1720), ("Mai", 1860)).words
    name = Line(1, (Word("—Ính", Box(1400, 2700, 1700, 2740), 0.5), *tail))  # ring and "Đ" as one
    axis = ocr_layout.column_axis([authority, name], 0.85)
    assert axis == pytest.approx((1600 + 1938) / 2)
    (index, band), = ocr_layout.ragged_lines([authority, name], axis, 0.85, MM)
    assert index == 1 and band.x0 == pytest.approx(2 * axis - name.words[-1].box.x1 - 0.3 * MM)
    start = band.x0 + 0.3 * MM
    fresh = [Word("Đinh", Box(start, 2700, start + 104, 2740), 0.07), *tail]
    assert ocr_layout.better_line(name, fresh, start, 0.85).text == "Đinh Hoài Mai"  # unsure but whole
    worse = [Word("P#", Box(start, 2700, start + 52, 2740), 0.9), Word("H#ài", tail[0].box, 0.9), tail[1]]
    assert ocr_layout.better_line(name, worse, start, 0.85) is name


# ---- the header's issuer block (read again when unsure) ------------------------------------

def _unsure(line: Line, *texts: str) -> Line:
    return Line(line.block, tuple(Word(w.text, w.box, 0.1 if w.text in texts else w.confidence) for w in line.words))


MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
PARENT = _line(270, *_words("ỦY BAN NHÂN DÂN TỈNH ĐỒNG", 400), *_words(MOTTO, 1214))
# The wrapped "NAI" run into the motto's second line and read as garbage, as Tesseract does.
GARBAGE = (("l", 644), ("CÀ", 692), ("bu", 870))
GLUED = _unsure(_line(340, *GARBAGE, *_words("Độc lập - Tự do - Hạnh phúc", 1412)), "l", "CÀ", "bu")
ISSUER = _line(400, *_words("SỞ TÀI CHÍNH", 600))
NUMBER = _line(520, ("Số:", 594), ("349/QĐ-STC", 678), *_words("Đồng Nai, ngày 25 tháng 3 năm 2022", 1329))
HEADER = [PARENT, GLUED, ISSUER, NUMBER, BODY]


def test_header_zone_is_the_issuer_block_left_of_the_motto_down_to_the_number():
    zone = ocr_layout.header_zone(HEADER, WIDTH, HEIGHT, DPI)
    assert zone is not None
    assert zone.x0 == 0 and 1156 < zone.x1 < 1214  # up to the motto, "ĐỒNG" inside
    assert zone.y0 < PARENT.top and ISSUER.bottom < zone.y1 < NUMBER.top  # "SỞ" is not "Số:"
    assert ocr_layout.unsure_inside(HEADER, zone, 0.85)
    assert not ocr_layout.unsure_inside([PARENT, ISSUER, NUMBER], zone, 0.85)


def test_replacing_the_header_zone_puts_the_issuer_block_first_and_keeps_the_motto():
    zone = ocr_layout.header_zone(HEADER, WIDTH, HEIGHT, DPI)
    block = [_line(270, *_words("ỦY BAN NHÂN DÂN TỈNH ĐỒNG", 400)), _line(335, ("NAI", 700)), ISSUER]
    lines = ocr_layout.replace_zone(HEADER, zone, block)
    assert [line.text for line in lines[:5]] == [
        "ỦY BAN NHÂN DÂN TỈNH ĐỒNG", "NAI", "SỞ TÀI CHÍNH", MOTTO, "Độc lập - Tự do - Hạnh phúc"]


def test_no_header_zone_without_a_motto_near_the_top():
    assert ocr_layout.header_zone([ISSUER, NUMBER, BODY], WIDTH, HEIGHT, DPI) is None
    low = _line(2400, *_words(MOTTO, 1214))
    assert ocr_layout.header_zone([BODY, low], WIDTH, HEIGHT, DPI) is None
