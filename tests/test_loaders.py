"""Loaders: every bad input gets its exact stable code; good inputs come out in reading order, NFC.

OCR-dependent cases (scanned pages, images) run the real OCR module and Tesseract.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import docx
import pdfplumber
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

import hostile
from pipeline.config import Limits, Paths, PipelineConfig
from pipeline.errors import SohoaError
from pipeline.intake import DOCX, identify
from pipeline.loaders import load, textcheck
from pipeline.loaders.image import read_frames
from pipeline.model import SourceFile


@pytest.fixture
def config(tmp_path):
    return PipelineConfig(paths=Paths(home=tmp_path / "home"))


def _load(path: Path, config: PipelineConfig):
    return load(path, identify(path, config.limits), config)


def _code_of(path: Path, config: PipelineConfig) -> str:
    """The stable code of the failure; anything other than a SohoaError fails the test."""
    with pytest.raises(SohoaError) as caught:
        _load(path, config)
    return caught.value.code


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


# ---- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "code"),
    [
        (hostile.empty_file, "empty.pdf", "FILE-EMPTY"),
        (hostile.truncated_pdf, "half.pdf", "FILE-CORRUPT"),
        (hostile.garbage_body_pdf, "garbage.pdf", "FILE-CORRUPT"),
        (hostile.encrypted_pdf, "locked.pdf", "FILE-ENCRYPTED"),
        (hostile.zero_page_pdf, "no-pages.pdf", "FILE-EMPTY"),
        (hostile.pdf_image_bomb, "bomb.pdf", "IMAGE-TOO-LARGE"),
        (hostile.html_named_pdf, "page.pdf", "FILE-TYPE-UNSUPPORTED"),
        (hostile.elf_named_docx, "program.docx", "FILE-TYPE-UNSUPPORTED"),
        (hostile.exe_named_docx, "setup.docx", "FILE-TYPE-UNSUPPORTED"),
        (hostile.plain_zip_named_docx, "archive.docx", "FILE-TYPE-UNSUPPORTED"),
        (hostile.legacy_doc, "old.doc", "FILE-TYPE-UNSUPPORTED"),
        (hostile.zip_bomb_docx, "bomb.docx", "FILE-HOSTILE"),
        (hostile.traversal_docx, "escape.docx", "FILE-HOSTILE"),
        (hostile.macro_docx, "macro.docx", "FILE-HOSTILE"),
        (hostile.billion_laughs_docx, "laughs.docx", "FILE-HOSTILE"),
        (hostile.broken_zip_docx, "cut.docx", "FILE-CORRUPT"),
        (hostile.png_bomb, "bomb.png", "IMAGE-TOO-LARGE"),
        (hostile.truncated_jpeg, "cut.jpg", "FILE-CORRUPT"),
    ],
)
def test_bad_input_gets_its_stable_code(tmp_path, config, make, name, code):
    assert _code_of(make(tmp_path / name), config) == code


def test_too_many_pages(tmp_path, config):
    path = hostile.decision_pdf(tmp_path / "long.pdf", pages=3)
    small = PipelineConfig(paths=config.paths, limits=Limits(max_pages=2))
    assert _code_of(path, small) == "FILE-TOO-MANY-PAGES"


def test_docx_over_the_uncompressed_limit_is_hostile(tmp_path, config):
    path = hostile.minimal_docx(tmp_path / "big.docx", extra={"word/media/a.bin": bytes(range(256)) * 64})
    small = PipelineConfig(paths=config.paths, limits=Limits(max_docx_uncompressed=10_000))
    assert _code_of(path, small) == "FILE-HOSTILE"


def test_docx_loader_checks_the_container_itself(tmp_path, config):
    """Called without identify (a caller that trusts a media type): still no parser sees the zip."""
    path = hostile.plain_zip_named_docx(tmp_path / "x.docx")
    source = SourceFile(path=str(path), sha256="0" * 64, media_type=DOCX, size=path.stat().st_size)
    with pytest.raises(SohoaError) as caught:
        load(path, source, config)
    assert caught.value.code == "FILE-TYPE-UNSUPPORTED"
    cut = hostile.broken_zip_docx(tmp_path / "cut.docx")
    with pytest.raises(SohoaError) as caught:
        load(cut, SourceFile(str(cut), "0" * 64, DOCX, cut.stat().st_size), config)
    assert caught.value.code == "FILE-CORRUPT"


def test_file_gone_since_identification_is_a_storage_error(tmp_path, config):
    path = hostile.decision_pdf(tmp_path / "qd.pdf")
    source = identify(path, config.limits)
    path.unlink()
    with pytest.raises(SohoaError) as caught:
        load(path, source, config)
    assert caught.value.code == "STORAGE-FAILED"


def test_owner_password_only_pdf_is_read(tmp_path, config):
    document = _load(hostile.owner_password_pdf(tmp_path / "restricted.pdf"), config)
    assert document.kind == "text_pdf"
    assert "Nguyễn Thị Bình" in document.text


# ---- text PDFs ------------------------------------------------------------------------------


def test_two_column_header_and_signer_are_not_interleaved(tmp_path, config):
    document = _load(hostile.decision_pdf(tmp_path / "qd.pdf"), config)
    lines = _lines(document.pages[0].text)
    header = list(hostile.HEADER_LEFT + hostile.HEADER_RIGHT)
    assert lines[: len(header)] == header
    assert lines[len(header)] == "QUYẾT ĐỊNH"
    signer = list(hostile.SIGNER_LEFT + hostile.SIGNER_RIGHT)
    assert lines[-len(signer) :] == signer
    body = lines[len(header) + 2 : -len(signer)]
    assert body[:3] == list(hostile.BODY)
    assert document.kind == "text_pdf"
    assert document.pages[0].origin == "text-layer"


def test_words_carry_boxes_like_pdfplumber_extract_words(tmp_path, config):
    path = hostile.decision_pdf(tmp_path / "qd.pdf")
    page = _load(path, config).pages[0]
    with pdfplumber.open(path) as pdf:
        reference = pdf.pages[0].extract_words()
    assert sorted(w.text for w in page.words) == sorted(w["text"] for w in reference)
    for word in reference:
        assert any(
            w.text == word["text"]
            and abs(w.box.x0 - word["x0"]) < 0.5
            and abs(w.box.x1 - word["x1"]) < 0.5
            and abs(w.box.y0 - word["top"]) < 0.5
            and abs(w.box.y1 - word["bottom"]) < 0.5
            for w in page.words
        ), word
    assert {w.confidence for w in page.words} == {1.0}
    assert (page.width, page.height) == pytest.approx(A4)


def test_nfd_typed_pdf_comes_out_nfc(tmp_path, config):
    path = hostile.decision_pdf(tmp_path / "nfd.pdf", normal_form="NFD")
    with pdfplumber.open(path) as pdf:
        raw = "".join(c["text"] for c in pdf.pages[0].chars)
    assert any(unicodedata.combining(ch) for ch in raw)  # the file really is decomposed
    document = _load(path, config)
    assert unicodedata.is_normalized("NFC", document.text)
    assert all(unicodedata.is_normalized("NFC", w.text) for w in document.pages[0].words)
    assert _lines(document.text)[:3] == list(hostile.HEADER_LEFT)


def test_drawn_table_becomes_a_document_table(tmp_path, config):
    hostile.register_fonts()
    path = tmp_path / "danh-sach.pdf"
    rows = [
        ["STT", "Họ và tên", "Chức vụ"],
        ["1", "Nguyễn Văn An", "Trưởng phòng"],
        ["2", "Trần Thị Bình", "Phó Trưởng phòng"],
    ]
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONT", (0, 0), (-1, -1), hostile.SERIF)]))
    SimpleDocTemplate(str(path), pagesize=A4).build([table])
    document = _load(path, config)
    assert [t.rows for t in document.tables] == [tuple(tuple(r) for r in rows)]
    assert document.tables[0].page == 1


def test_multi_page_text_pdf_numbers_its_pages(tmp_path, config):
    document = _load(hostile.decision_pdf(tmp_path / "two.pdf", pages=2), config)
    assert [p.number for p in document.pages] == [1, 2]
    assert "Trang 2." in document.pages[1].text


# ---- the garbage detector -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "QuyÕt ®Þnh vÒ viÖc bæ nhiÖm «ng NguyÔn V¨n An gi÷ chøc vô Phã Gi¸m ®èc Së Y tÕ",  # TCVN3
        "Quyeát ñònh veà vieäc boå nhieäm oâng Nguyeãn Vaên An giöõ chöùc vuï Phoù Giaùm ñoác",  # VNI
        "~'.,|_ -=: ;'` ^^ .,, ''' |||| ... ___ ~~~ ,.;' ",  # junk OCR layer
    ],
)
def test_legacy_font_and_junk_text_layers_are_garbage(text):
    assert textcheck.is_garbage(list(text))


def test_unmapped_glyphs_are_garbage():
    assert textcheck.is_garbage(["(cid:%d)" % i for i in range(40)])


def test_real_vietnamese_is_not_garbage():
    text = "Điều 1. Bổ nhiệm ông Nguyễn Văn An, sinh ngày 12/5/1980, giữ chức Phó Giám đốc Sở Y tế (từ 15/3/2024)."
    assert not textcheck.is_garbage(list(text))


# ---- DOCX -----------------------------------------------------------------------------------


def _decision_docx(path: Path) -> Path:
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = hostile.HEADER_LEFT[0]
    for line in hostile.HEADER_LEFT[1:]:
        left.add_paragraph(line)
    right.text = hostile.HEADER_RIGHT[0]
    for line in hostile.HEADER_RIGHT[1:]:
        right.add_paragraph(line)
    document.add_paragraph("QUYẾT ĐỊNH")
    for line in hostile.BODY:
        document.add_paragraph(line)
    people = document.add_table(rows=3, cols=3)
    for row, values in zip(people.rows, [("STT", "Họ và tên", "Đơn vị"), ("1", "Nguyễn Văn An", "Sở Y tế"), ("2", "Trần Thị Bình", "")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    people.cell(1, 2).merge(people.cell(2, 2))  # one unit for both people
    signer = document.add_table(rows=1, cols=2)
    signer.rows[0].cells[0].text = "\n".join(hostile.SIGNER_LEFT)
    signer.rows[0].cells[1].text = "\n".join(hostile.SIGNER_RIGHT)
    document.save(path)
    return path


def test_docx_reads_header_table_column_by_column(tmp_path, config):
    document = _load(_decision_docx(tmp_path / "qd.docx"), config)
    lines = _lines(document.text)
    header = list(hostile.HEADER_LEFT + hostile.HEADER_RIGHT)
    assert lines[: len(header)] == header
    assert lines[len(header)] == "QUYẾT ĐỊNH"
    assert lines[-6:] == list(hostile.SIGNER_LEFT + hostile.SIGNER_RIGHT)
    assert document.kind == "docx"
    assert [(p.number, p.origin, p.confidence) for p in document.pages] == [(1, "docx", 1.0)]


def test_docx_data_tables_are_returned_with_merged_cells_repeated(tmp_path, config):
    document = _load(_decision_docx(tmp_path / "qd.docx"), config)
    assert [t.rows for t in document.tables] == [
        (("STT", "Họ và tên", "Đơn vị"), ("1", "Nguyễn Văn An", "Sở Y tế"), ("2", "Trần Thị Bình", "Sở Y tế"))
    ]
    assert document.text.count("Sở Y tế") == 2  # once in the body sentence, once in the table
    assert "1 Nguyễn Văn An Sở Y tế" in _lines(document.text)  # a table row reads as one line


def test_docx_tab_laid_out_header_is_read_left_then_right(tmp_path, config):
    document = docx.Document()
    for left, right in zip(hostile.HEADER_LEFT, hostile.HEADER_RIGHT):
        document.add_paragraph(f"{left}\t\t{right}")
    document.add_paragraph("QUYẾT ĐỊNH")
    document.add_paragraph("1.\tÔng Nguyễn Văn An")
    document.add_paragraph("2.\tBà Trần Thị Bình")
    document.save(tmp_path / "tabs.docx")
    lines = _lines(_load(tmp_path / "tabs.docx", config).text)
    assert lines == [*hostile.HEADER_LEFT, *hostile.HEADER_RIGHT, "QUYẾT ĐỊNH", "1. Ông Nguyễn Văn An", "2. Bà Trần Thị Bình"]


def test_docx_reads_content_controls_insertions_and_smart_tags_but_not_deletions(tmp_path, config):
    body = (
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Số: 15/QĐ-SNV</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t xml:space=\"preserve\">Bổ nhiệm </w:t></w:r>"
        "<w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t xml:space=\"preserve\">ông </w:t></w:r></w:ins>"
        "<w:del w:id=\"2\" w:author=\"a\"><w:r><w:delText>bà </w:delText></w:r></w:del>"
        "<w:smartTag w:uri=\"urn:x\" w:element=\"place\"><w:r><w:t>Nguyễn Văn An</w:t></w:r></w:smartTag></w:p>"
    )
    path = hostile.minimal_docx(tmp_path / "xml.docx", body_xml=body)
    assert _lines(_load(path, config).text) == ["Số: 15/QĐ-SNV", "Bổ nhiệm ông Nguyễn Văn An"]


def test_docx_without_text_is_empty(tmp_path, config):
    path = hostile.minimal_docx(tmp_path / "blank.docx", body_xml="<w:p/>")
    assert _code_of(path, config) == "FILE-EMPTY"


def test_docx_text_is_nfc(tmp_path, config):
    document = docx.Document()
    document.add_paragraph(unicodedata.normalize("NFD", "Quyết định bổ nhiệm"))
    document.save(tmp_path / "nfd.docx")
    assert _load(tmp_path / "nfd.docx", config).text == "Quyết định bổ nhiệm"


# ---- images (decoding side; OCR below) ------------------------------------------------------


def test_image_dpi_comes_from_the_file_or_is_none(tmp_path):
    [(_, dpi)] = read_frames(hostile.png(tmp_path / "a.png", dpi=(300, 300)), Limits())
    assert dpi == pytest.approx(300, abs=0.5)
    [(_, dpi)] = read_frames(hostile.png(tmp_path / "b.png"), Limits())
    assert dpi is None


def test_exif_orientation_is_applied(tmp_path):
    image = Image.new("RGB", (300, 100), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # rotated 90° clockwise when shown
    image.save(tmp_path / "phone.jpg", exif=exif.tobytes())
    [(frame, _)] = read_frames(tmp_path / "phone.jpg", Limits())
    assert frame.size == (100, 300)


def test_multi_frame_tiff_gives_one_frame_per_page(tmp_path):
    frames = [Image.new("L", (60, 80), shade) for shade in (255, 200, 150)]
    frames[0].save(tmp_path / "scan.tiff", save_all=True, append_images=frames[1:], dpi=(200, 200))
    read = read_frames(tmp_path / "scan.tiff", Limits())
    assert [im.getpixel((0, 0)) for im, _ in read] == [255, 200, 150]
    assert {round(dpi) for _, dpi in read} == {200}
    with pytest.raises(SohoaError) as caught:
        read_frames(tmp_path / "scan.tiff", Limits(max_pages=2))
    assert caught.value.code == "FILE-TOO-MANY-PAGES"


def test_image_over_the_pixel_limit(tmp_path):
    path = hostile.png(tmp_path / "big.png", size=(400, 300))
    with pytest.raises(SohoaError) as caught:
        read_frames(path, Limits(max_pixels=100_000))
    assert caught.value.code == "IMAGE-TOO-LARGE"


def test_docx_tab_laid_out_signer_block_is_read_left_then_right(tmp_path, config):
    document = docx.Document()
    document.add_paragraph(hostile.BODY[2])
    document.add_paragraph(f"{hostile.SIGNER_LEFT[0]}\t\t\t{hostile.SIGNER_RIGHT[0]}")
    document.add_paragraph(f"{hostile.SIGNER_LEFT[1]}\t\t\t{hostile.SIGNER_RIGHT[1]}")
    document.add_paragraph(hostile.SIGNER_LEFT[2])
    document.add_paragraph(f"\t\t\t{hostile.SIGNER_RIGHT[2]}")
    document.save(tmp_path / "signer.docx")
    lines = _lines(_load(tmp_path / "signer.docx", config).text)
    assert lines == [hostile.BODY[2], *hostile.SIGNER_LEFT, *hostile.SIGNER_RIGHT]


def test_docx_page_header_holding_the_issuer_block_comes_first(tmp_path, config):
    document = docx.Document()
    header = document.sections[0].header
    header.paragraphs[0].text = hostile.HEADER_LEFT[0]
    header.add_paragraph(hostile.HEADER_LEFT[1])
    document.add_paragraph("QUYẾT ĐỊNH")
    document.save(tmp_path / "header.docx")
    assert _lines(_load(tmp_path / "header.docx", config).text) == [*hostile.HEADER_LEFT[:2], "QUYẾT ĐỊNH"]
    document.sections[0].header.paragraphs[1].text = ""  # a one-line header (a page number) is ignored
    document.save(tmp_path / "page-number.docx")
    assert _lines(_load(tmp_path / "page-number.docx", config).text) == ["QUYẾT ĐỊNH"]


# ---- pages that need OCR (real Tesseract) ---------------------------------------------------


def _words(text: str) -> set[str]:
    return set(text.split())


def test_each_pdf_page_is_decided_on_its_own(tmp_path, config):
    """One text page and one image-only page: a text-layer page and an OCR page, kind scanned_pdf."""
    document = _load(hostile.text_and_scan_pdf(tmp_path / "mixed.pdf"), config)
    assert document.kind == "scanned_pdf"
    text_page, scanned = document.pages
    assert (text_page.number, text_page.origin, text_page.confidence) == (1, "text-layer", 1.0)
    assert (scanned.number, scanned.origin) == (2, "ocr")
    assert scanned.dpi == pytest.approx(150, abs=1)  # the scan's own resolution
    assert scanned.image_mode == "RGB"
    assert scanned.size_mm == pytest.approx((210.0, 297.0), abs=0.5)
    assert scanned.seal_near_signature is False  # checked: there is no red seal on it
    assert text_page.seal_near_signature is None
    expected = _words(" ".join(hostile.BODY))
    assert len(_words(scanned.text) & expected) >= 0.7 * len(expected)
    assert unicodedata.is_normalized("NFC", scanned.text)
    # Tesseract runs the two header columns together line by line; the loader reads them apart.
    lines = _lines(scanned.text)
    number = next(i for i, line in enumerate(lines) if "1234" in line)
    motto = next(i for i, line in enumerate(lines) if "VIỆT NAM" in line)
    assert number < motto and "1234" not in lines[motto] and "Hạnh phúc" in lines[motto + 1]


def test_garbage_text_layer_is_ocrd(tmp_path, config):
    document = _load(hostile.legacy_font_pdf(tmp_path / "tcvn3.pdf"), config)
    assert document.kind == "scanned_pdf"
    assert document.pages[0].origin == "ocr"
    page = document.pages[0]
    assert page.dpi == 300  # no scan inside: the resolution it was rendered at, its boxes' frame
    assert page.image_mode is None and page.size_mm == pytest.approx((210.0, 297.0), abs=0.5)


def test_fine_scan_is_read_at_the_reading_resolution_with_boxes_in_its_own_frame(tmp_path, config):
    path = hostile.scan_pdf(tmp_path / "fine.pdf", dpi=600, page_inches=(4.0, 1.0), lines=("Quyết định số 15",))
    for ocr_config in (config.ocr, replace(config.ocr, read_dpi=1000, max_render_dpi=300)):
        # rendered at 200 dpi (the reading resolution), or at 300 (the render cap) when reading finer
        [page] = _load(path, PipelineConfig(paths=config.paths, ocr=ocr_config)).pages
        assert page.origin == "ocr"
        assert page.dpi == pytest.approx(600, abs=1)  # reported: the true scan resolution
        assert {page.width, page.height} == {2400.0, 600.0}  # the frame: 4 × 1 inch at 600 dpi
        assert "Quyết" in page.text
        quyet = next(w for w in page.words if w.text == "Quyết")
        assert 0 <= quyet.box.x0 < quyet.box.x1 <= 2400 and quyet.box.y1 - quyet.box.y0 > 40  # a 600-dpi word


def test_image_file_is_ocrd_with_its_dpi(tmp_path, config):
    image = Image.new("RGB", (1000, 200), "white")
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(str(hostile.FONT_DIR / "DejaVuSerif.ttf"), 40)
    ImageDraw.Draw(image).text((30, 60), "Bổ nhiệm ông Nguyễn Văn An", fill="black", font=font)
    image.save(tmp_path / "anh.png", dpi=(200, 200))
    document = _load(tmp_path / "anh.png", config)
    assert document.kind == "image"
    [page] = document.pages
    assert (page.number, page.origin) == (1, "ocr")
    assert page.dpi == pytest.approx(200, abs=0.5)
    assert len(_words(page.text) & {"Bổ", "nhiệm", "ông", "Nguyễn", "Văn", "An"}) >= 4


# ---- the project's synthetic corpus (bench/corpus), three renderings of the same decisions ---


@pytest.mark.parametrize("index", range(8))
def test_corpus_header_and_signer_read_in_order_in_every_rendering(tmp_path, config, index):
    from bench.corpus.generate import make_specs
    from bench.corpus.render import render_docx, render_pdf

    spec = make_specs(8, seed=11)[index]
    renderings = [
        render_pdf(spec, tmp_path / "born-digital.pdf"),
        render_docx(spec, tmp_path / "table.docx", header="table"),
        render_docx(spec, tmp_path / "tabs.docx", header="tabs"),
    ]
    for path in renderings:
        lines = _lines(_load(path, config).text)
        motto = lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        assert lines[motto + 1] == "Độc lập - Tự do - Hạnh phúc", path.name
        assert any(line.startswith("Số:") for line in lines[:motto]), path.name  # issuer column first
        start = lines.index("Nơi nhận:")
        recipients = [i for i, line in enumerate(lines) if line.startswith("- ") and i > start]
        last = next(i for i in recipients if not lines[i + 1].startswith("- "))
        assert last - start == len([i for i in recipients if i <= last]), path.name  # not interleaved


def test_reading_order_keeps_a_two_column_list_in_the_body_row_by_row():
    """Only the header (page top) and the block with "Nơi nhận" are read column by column."""
    from pipeline.loaders import layout

    def phrase(text: str, x0: float, top: float) -> list[dict]:
        words = []
        for token in text.split():
            words.append({"text": token, "x0": x0, "x1": x0 + 7 * len(token), "top": top, "bottom": top + 12})
            x0 += 7 * len(token) + 3.5
        return words

    body = phrase("Điều 1. Các ông bà sau đây được khen thưởng vì thành tích xuất sắc trong năm 2024:", 60, 20)
    rows = phrase("Nguyễn An", 60, 40) + phrase("Trưởng phòng", 360, 40)
    rows += phrase("Trần Bình", 60, 60) + phrase("Phó phòng", 360, 60)
    lines = [layout.line_text(line) for line in layout.reading_order(body + rows, 595)]
    assert lines[1:] == ["Nguyễn An Trưởng phòng", "Trần Bình Phó phòng"]
    signer = phrase("Nơi nhận:", 60, 80) + phrase("KT. CHỦ TỊCH", 380, 80)
    signer += phrase("- Lưu: VT.", 60, 100) + phrase("Nguyễn Bình", 380, 100)
    lines = [layout.line_text(line) for line in layout.reading_order(body + rows + signer, 595)]
    assert lines[1:] == [
        "Nguyễn An Trưởng phòng", "Trần Bình Phó phòng", "Nơi nhận:", "- Lưu: VT.", "KT. CHỦ TỊCH", "Nguyễn Bình"
    ]


def test_multi_page_tiff_is_ocrd_page_by_page(tmp_path, config):
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(str(hostile.FONT_DIR / "DejaVuSerif.ttf"), 36)
    frames = []
    for text in ("Quyết định số 15", "Điều 2 thi hành"):
        frame = Image.new("L", (700, 140), 255)
        ImageDraw.Draw(frame).text((20, 40), text, fill=0, font=font)
        frames.append(frame)
    frames[0].save(tmp_path / "scan.tif", save_all=True, append_images=frames[1:], dpi=(200, 200))
    document = _load(tmp_path / "scan.tif", config)
    assert document.kind == "image"
    assert [(p.number, p.origin, p.image_mode) for p in document.pages] == [(1, "ocr", "L"), (2, "ocr", "L")]
    assert "Quyết" in document.pages[0].text and "hành" in document.pages[1].text
    assert document.pages[0].size_mm == pytest.approx((88.9, 17.8), abs=0.1)  # pixels / dpi
