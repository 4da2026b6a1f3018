"""Vietnamese OCR (pipeline.ocr) with the real Tesseract on drawn decision pages (tests/ocr_samples.py).

CER is the Levenshtein distance over the true text's length, whitespace collapsed (ocr_samples.cer).
"""
from __future__ import annotations

import os
import threading
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import ocr_samples
from ocr_samples import SIGNER, cer
from pipeline import imaging, ocr, ocr_reading, tesseract_lib
from pipeline.config import OcrConfig
from pipeline.errors import DependencyMissing, OcrTimeout
from pipeline.model import nfc

CONFIG = OcrConfig(workers=2)


@pytest.fixture(scope="module")
def page300() -> ocr_samples.Sample:
    return ocr_samples.decision_page(300)


@pytest.fixture(scope="module")
def page200(page300) -> ocr_samples.Sample:
    return ocr_samples.resampled(page300, 200)


def _words_in(page, box, slack: float = 4.0) -> list[str]:
    """Words whose box lies inside `box` (grown by `slack` pixels)."""
    x0, y0, x1, y1 = box
    return [w.text for w in page.words
            if w.box.x0 >= x0 - slack and w.box.y0 >= y0 - slack and w.box.x1 <= x1 + slack and w.box.y1 <= y1 + slack]


def _name_error(text: str) -> float:
    """How far the signer's name is from being read: CER of the best-matching stretch of the text."""
    words = text.split()
    size = len(SIGNER.split())
    spans = [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))]
    return min(cer(SIGNER, span) for span in spans) if words else 1.0


def test_clean_page_is_read_almost_exactly(page300):
    page = ocr.recognize_page(page300.image, number=3, dpi=300, config=CONFIG)
    assert cer(page300.text, page.text) < 0.02
    assert page.number == 3 and page.origin == "ocr" and page.dpi == 300
    assert (page.width, page.height) == page300.image.size and page.rotated == 0 and page.skew == 0
    assert 0.85 < page.confidence <= 1 and all(0 <= w.confidence <= 1 for w in page.words)
    assert page.text == nfc(page.text) and "QUYẾT ĐỊNH" in page.text and "Nguyễn Văn An" in page.text


def test_red_seal_over_the_signer_is_faded_so_the_name_is_read(page300):
    page = ocr.recognize_page(page300.image, number=1, dpi=300, config=CONFIG)
    assert SIGNER in page.text
    # Word boxes are in the image's pixels and sit where the name was drawn.
    assert _words_in(page, page300.signer_box) == SIGNER.split()
    # Without suppression the same clean-up and Tesseract read the name no better.
    unsuppressed = imaging.clean_page(page300.image, 300, suppress_seal=False)
    text, _ = ocr.ocr_image(unsuppressed.image, CONFIG)
    assert _name_error(text) >= _name_error(page.text) == 0


def test_word_boxes_lie_inside_the_image_and_are_ordered(page200):
    page = ocr.recognize_page(page200.image, number=1, dpi=200, config=CONFIG)
    width, height = page200.image.size
    assert len(page.words) > 150
    for word in page.words:
        assert 0 <= word.box.x0 < word.box.x1 <= width and 0 <= word.box.y0 < word.box.y1 <= height
    texts = [w.text for w in page.words]
    assert texts.index("QUYẾT") < texts.index("Điều") < texts.index("Bình")


def test_skewed_page_is_deskewed_and_read(page200):
    tilted = ocr_samples.skewed(page200, 3.0)
    page = ocr.recognize_page(tilted.image, number=1, dpi=200, config=CONFIG)
    assert page.skew == pytest.approx(3.0, abs=0.3)
    assert cer(page200.text, page.text) < 0.02


def test_upside_down_page_is_turned_and_read(page200):
    flipped = ocr_samples.upside_down(page200)
    assert ocr.detect_orientation(flipped.image, dpi=200) == 180
    page = ocr.recognize_page(flipped.image, number=1, dpi=200, config=CONFIG)
    assert page.rotated == 180
    assert cer(page200.text, page.text) < 0.02


def test_page_lying_on_its_side_is_turned_and_boxes_are_upright(page200):
    lying = page200.image.rotate(90, expand=True)  # counter-clockwise: needs 90° clockwise
    page = ocr.recognize_page(lying, number=1, dpi=200, config=CONFIG)
    assert page.rotated == 90 and (page.width, page.height) == page200.image.size
    assert cer(page200.text, page.text) < 0.02
    assert _words_in(page, page200.signer_box) == SIGNER.split()


@pytest.mark.parametrize("clockwise", [0, 90, 270])
def test_detect_orientation_finds_quarter_turns(page200, clockwise):
    # A page turned counter-clockwise by `clockwise` degrees needs that many degrees clockwise.
    image = page200.image.rotate(clockwise, expand=True)
    assert ocr.detect_orientation(image, dpi=200) == clockwise


def test_detect_orientation_of_a_blank_page_is_zero():
    assert ocr.detect_orientation(Image.new("L", (1240, 1754), 250), dpi=150) == 0


def test_150_dpi_scan_is_upscaled_and_boxes_map_back(page300):
    low = ocr_samples.resampled(page300, 150)
    page = ocr.recognize_page(low.image, number=1, dpi=150, config=replace(CONFIG, min_dpi=200))
    assert cer(page300.text, page.text) < 0.02
    assert (page.width, page.height) == low.image.size and page.dpi == 150
    assert _words_in(page, low.signer_box) == SIGNER.split()


def test_noisy_low_contrast_copy_is_rescued_by_binarisation(page200):
    noisy = ocr_samples.photocopied(page200)
    grey = imaging.clean_page(noisy.image, 200)
    raw_text, _ = ocr.ocr_image(grey.image, CONFIG)
    assert cer(page200.text, raw_text) > 0.5  # Tesseract alone reads (almost) nothing
    page = ocr.recognize_page(noisy.image, number=1, dpi=200, config=CONFIG)
    assert cer(page200.text, page.text) < 0.05


def test_blank_page_is_not_read_but_a_single_line_is():
    grain = np.random.default_rng(3).normal(250, 3, (2339, 1654)).clip(0, 255).astype(np.uint8)
    blank = ocr.recognize_page(Image.fromarray(grain), number=2, dpi=200, config=CONFIG)
    assert blank.text == "" and blank.words == () and blank.confidence == 0 and blank.number == 2
    sheet = Image.fromarray(grain)
    font = ImageFont.truetype(ocr_samples.FONT_DIR + "DejaVuSerif.ttf", 36)
    ImageDraw.Draw(sheet).text((300, 1100), "Trang này để trống", font=font, fill=0)
    page = ocr.recognize_page(sheet, number=2, dpi=200, config=CONFIG)
    assert page.text == "Trang này để trống"


def test_missing_language_raises_dependency_missing_with_the_apt_command(page200):
    config = OcrConfig(lang="qaa")  # ISO 639 private-use code: no traineddata can exist
    with pytest.raises(DependencyMissing, match="apt-get install tesseract-ocr-qaa"):
        ocr.ensure_available(config)
    with pytest.raises(DependencyMissing):
        ocr.recognize_page(page200.image, number=1, dpi=200, config=config)
    ocr.ensure_available(OcrConfig(lang="vie"))  # the installed one passes


def test_page_over_its_time_raises_ocr_timeout(page200):
    with pytest.raises(OcrTimeout) as caught:
        ocr.recognize_page(page200.image, number=1, dpi=200, config=replace(CONFIG, page_timeout_s=0.05))
    assert caught.value.retryable and caught.value.code == "OCR-TIMEOUT"


def test_recognize_pages_keeps_the_order(page200):
    image = page200.image
    third = image.height // 3
    parts = [image.crop((0, i * third, image.width, (i + 1) * third)) for i in (2, 0, 1)]
    pages = ocr.recognize_pages([(part, 200) for part in parts], CONFIG)
    assert [p.number for p in pages] == [1, 2, 3]
    assert os.environ["OMP_THREAD_LIMIT"] == "1"  # one OpenMP thread per Tesseract process
    assert "Bình" in pages[0].text and "QUYẾT ĐỊNH" in pages[1].text and "Điều 1." in pages[2].text
    assert ocr.recognize_pages([], CONFIG) == []


def test_signer_column_is_read_again_where_a_grey_seal_covers_the_name(page300):
    # Scanned grey, the seal prints as dark as the text over the name's first letters: the
    # page's own reading loses the name, the second reading of the signer column finds it.
    grey = page300.image.convert("L")
    page = ocr.recognize_page(grey, number=1, dpi=300, config=CONFIG)
    lines = page.text.splitlines()
    at = lines.index("KT. CHỦ TỊCH")
    assert lines[at + 1 : at + 3] == ["PHÓ CHỦ TỊCH", SIGNER]  # authority, title, name in order
    # Boxes in the page's frame; the seal's ink that touches the name may widen a box by ~1 mm.
    assert _words_in(page, page300.signer_box, slack=15) == SIGNER.split()
    assert cer(page300.text, page.text) < 0.03


def test_ruled_table_is_read_one_row_a_line_cells_in_column_order():
    table = ocr_samples.table_page(200)
    page = ocr.recognize_page(table.image, number=1, dpi=200, config=CONFIG)
    assert cer(table.text, page.text) < 0.01
    lines = page.text.splitlines()
    for row in ocr_samples.TABLE_ROWS:
        assert " ".join(row) in lines
    # Every word of a row lies in the table, in the band of its row.
    x0, y0, x1, y1 = table.signer_box
    first = next(line for line in lines if line.startswith("2 Trần"))
    words = [w for w in page.words if w.text in first.split() and y0 < w.box.y0 and w.box.y1 < y1]
    assert all(x0 <= w.box.x0 and w.box.x1 <= x1 for w in words)
    # Tesseract alone, rules and all, reads none of the rows whole.
    raw, _ = ocr.ocr_image(imaging.to_gray(table.image), CONFIG)
    assert not any(" ".join(row) in raw for row in ocr_samples.TABLE_ROWS)


@pytest.mark.parametrize(("read", "meant"), [("158/QĐÐ-SNV", "158/QĐ-SNV"), ("QÐ-UBND", "QĐ-UBND"),
                                             ("ðồng", "đồng"), ("ĐĐBQH", "ĐĐBQH")])
def test_eth_read_for_d_is_mapped_back(read, meant):
    # Tesseract's Vietnamese model reads Đ as the look-alike Ð (U+00D0), sometimes both for one glyph.
    assert ocr_reading.repair_word(read) == meant


def test_in_process_tesseract_reads_exactly_what_the_program_reads(page200, monkeypatch):
    """pipeline.tesseract_lib (libtesseract through its C API) against the `tesseract` program."""
    assert tesseract_lib.load("vie") is not None  # the library installed with tesseract-ocr loads
    in_process = ocr.recognize_page(page200.image, number=1, dpi=200, config=CONFIG)
    monkeypatch.setattr(tesseract_lib, "load", lambda lang: None)  # as where the library is missing
    program = ocr.recognize_page(page200.image, number=1, dpi=200, config=CONFIG)
    assert [w.text for w in in_process.words] == [w.text for w in program.words]
    assert [w.box for w in in_process.words] == [w.box for w in program.words]
    assert in_process.text == program.text and cer(page200.text, in_process.text) < 0.03


def test_documents_read_in_parallel_threads_use_every_core_whatever_the_first_config(page200, monkeypatch):
    """The process-wide bound on Tesseract runs is one per core, not the first configuration's
    page workers: documents read one page at a time each (workers=1) in two threads of a batch
    still run two Tesseracts at once."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(ocr, "_slots", None)
    single = replace(CONFIG, workers=1)
    strip = page200.image.crop((0, 0, page200.image.width, page200.image.height // 4))
    ocr.recognize_page(strip, number=1, dpi=200, config=single)  # the first configuration seen

    engines = tesseract_lib.load("vie")
    together = threading.Barrier(2, timeout=15)  # broken if the second run cannot start
    real_read, met = engines.read, []

    def read(*args, **kwargs):
        if threading.current_thread().name.startswith("doc"):
            met.append(together.wait())
        return real_read(*args, **kwargs)

    monkeypatch.setattr(engines, "read", read)
    pages: dict[str, object] = {}
    threads = [threading.Thread(name=f"doc{i}", target=lambda i=i: pages.__setitem__(
        i, ocr.recognize_page(strip, number=1, dpi=200, config=single))) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(pages) == 2 and met, "two documents' Tesseract runs never ran at the same time"
    assert all("QUYẾT" in page.text or "Bình" in page.text for page in pages.values())
