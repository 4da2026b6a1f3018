"""Marks that are not print (pipeline.marks): seal rings, faint ink and table rules, found and
removed on drawn pages (tests/ocr_samples.py), without Tesseract."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import ocr_samples
from pipeline import imaging, marks

DPI = 200
MM = DPI / 25.4


@pytest.fixture(scope="module")
def grey_page() -> ocr_samples.Sample:
    """The decision with its seal and signature, scanned grey: the seal prints as dark as text."""
    sample = ocr_samples.decision_page(DPI)
    return ocr_samples.Sample(sample.image.convert("L"), sample.text, DPI, sample.signer_box)


@pytest.fixture(scope="module")
def table() -> ocr_samples.Sample:
    return ocr_samples.table_page(DPI)


def _signer_area(image: Image.Image, name_box) -> tuple[Image.Image, tuple[int, int]]:
    """What `pipeline.ocr_signer` searches: the signer column and 25 mm left of it."""
    x0, y0, x1, y1 = name_box
    left, top = round(x0 - 45 * MM), round(y0 - 50 * MM)
    return image.crop((left, top, image.width, round(y1 + 20 * MM))), (left, top)


def test_find_seal_rings_finds_the_seal_of_a_grey_scan(grey_page):
    x0, y0, x1, y1 = grey_page.signer_box
    # Where ocr_samples stamps it: centred 4 mm right of the name's start, 8 mm above its middle.
    area, (left, top) = _signer_area(grey_page.image, grey_page.signer_box)
    centre = (x0 + 4 * MM - left, (y0 + y1) / 2 - 8 * MM - top)
    rings = marks.find_seal_rings(area, DPI)
    assert rings, "no ring found"
    outer = rings[0]
    assert outer.radius == pytest.approx(19 * MM, abs=1.5 * MM)
    assert abs(outer.x - centre[0]) < 1.5 * MM and abs(outer.y - centre[1]) < 1.5 * MM
    assert all(r.radius <= outer.radius for r in rings)


def test_find_seal_rings_finds_none_on_text_or_a_table(table):
    unsealed = ocr_samples.decision_page(DPI, seal=False)
    assert marks.find_seal_rings(_signer_area(unsealed.image.convert("L"), unsealed.signer_box)[0], DPI) == []
    assert marks.find_seal_rings(table.image.convert("L").crop(table.signer_box), DPI) == []


def test_keep_dark_ink_drops_grey_ink_and_keeps_black_text_with_its_marks():
    page = np.full((120, 300), 240, np.uint8)
    page[40:80, 20:80] = 10  # a bold black stroke
    page[34:38, 40:60] = 130  # a lighter tone mark right above it: anti-aliased, within reach
    page[40:80, 150:260] = 120  # a grey seal's ink, far from any text
    out = np.asarray(marks.keep_dark_ink(Image.fromarray(page), reach=8))
    assert (out[40:80, 20:80] == 10).all()
    assert (out[34:38, 40:60] == 130).all()
    assert (out[40:80, 150:260] == 255).all() and (out[:20] == 255).all()


def test_remove_rules_erases_a_tables_grid_and_keeps_its_text(table):
    gray = imaging.to_gray(table.image)
    cleaned, grid = marks.remove_rules(gray, DPI)
    assert grid is not None
    assert len(grid.rows) == 1 + len(ocr_samples.TABLE_ROWS) + 1  # top, under each row
    assert len(grid.columns) == len(ocr_samples.TABLE_HEADER) + 1
    x0, y0, x1, y1 = table.signer_box
    assert grid.box == pytest.approx((x0, y0, x1, y1), abs=MM)
    before, after = np.asarray(gray) < 128, np.asarray(cleaned) < 128
    inside = (slice(y0 - 5, y1 + 5), slice(x0 - 5, x1 + 5))
    for y in grid.rows:  # along every rule: paper now
        assert after[round(y), x0 + 10 : x1 - 10].mean() < 0.02
    for x, top, bottom in grid.columns:
        assert after[round(top) + 10 : round(bottom) - 10, round(x)].mean() < 0.02
    # The cells' text stays: most of the ink left is what was not on a rule.
    assert after[inside].sum() > 0.5 * before[inside].sum()
    assert (after[: y0 - 5] == before[: y0 - 5]).all()  # the caption is untouched


def test_remove_rules_leaves_pages_without_a_grid_alone(grey_page):
    gray = grey_page.image
    same, grid = marks.remove_rules(gray, DPI)
    assert grid is None and same is gray
