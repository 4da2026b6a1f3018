"""Phone photos (pipeline.photo), the reading resolution and the stated dpi (pipeline.imaging).

The photo is made here from a drawn decision page (tests/ocr_samples.py): set on a brown desk in
perspective, lit from one side, as bench/corpus/render_photo.py does for the benchmark corpus.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

import ocr_samples
from pipeline import imaging, photo
from pipeline.config import OcrConfig, Paths, PipelineConfig
from pipeline.intake import identify
from pipeline.loaders import load

CORNERS = ((0.16, 0.08), (0.86, 0.12), (0.90, 0.93), (0.10, 0.89))  # of the photo, clockwise from top left


@pytest.fixture(scope="module")
def page() -> ocr_samples.Sample:
    return ocr_samples.decision_page(150)


def _photo(sample: ocr_samples.Sample) -> Image.Image:
    """The page on a desk, in perspective, its light falling off to the lower right."""
    sheet = np.asarray(sample.image.convert("RGB"), dtype=np.float32)
    h, w = sheet.shape[:2]
    width, height = int(w * 1.3), int(h * 1.15)
    target = np.array([(x * width, y * height) for x, y in CORNERS], dtype=np.float32)
    source = np.array([(0, 0), (w, 0), (w, h), (0, h)], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    warped = cv2.warpPerspective(sheet, matrix, (width, height))
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (width, height))[..., None]
    desk = np.array([142, 104, 70], dtype=np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = (1.05 - 0.45 * ((xx / width) ** 2 + (yy / height) ** 2) / 2)[..., None]
    out = (desk * (1 - cover) + warped * cover) * light
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "RGB")


def test_the_sheet_is_found_flattened_and_evenly_lit(page):
    shot = _photo(page)
    corners = photo.find_sheet(np.asarray(shot))
    expected = np.array([(x * shot.width, y * shot.height) for x, y in CORNERS])
    assert corners is not None and np.abs(corners - expected).max() < 0.02 * shot.width
    sheet = photo.sheet_of(shot)
    assert sheet is not None and sheet.mode == "RGB"
    ratio = sheet.height / sheet.width
    assert ratio == pytest.approx(page.image.height / page.image.width, rel=0.08)
    grey = np.asarray(sheet.convert("L"))
    margins = [grey[20:60, 20:60], grey[-60:-20, -60:-20]]  # paper at both ends of the light
    assert all(abs(float(np.median(m)) - 250) < 12 for m in margins)


def test_scans_and_plain_images_have_no_sheet(page):
    assert photo.sheet_of(page.image.convert("RGB")) is None  # a scan: paper to the edges
    assert photo.sheet_of(Image.new("RGB", (1200, 1600), (142, 104, 70))) is None  # a bare desk


def test_a_photo_file_is_read_as_its_flattened_sheet(page, tmp_path):
    path = tmp_path / "anh-chup.jpg"
    _photo(page).save(path, quality=90, dpi=(72, 72))  # phones write 72 dpi: not a resolution
    config = PipelineConfig(paths=Paths(tmp_path / "home"), ocr=OcrConfig(workers=1))
    [read] = load(path, identify(path, config.limits), config).pages
    assert read.dpi is None and read.size_mm is None  # the sheet's own frame, judged as A4
    assert read.width < _photo(page).width  # the desk is cut away
    expected, found = ocr_samples.normalized(page.text).split(), set(ocr_samples.normalized(read.text).split())
    assert sum(word in found for word in expected) >= 0.97 * len(expected)


def test_a_fine_scan_is_reduced_to_the_reading_resolution():
    scan = Image.new("RGB", (2480, 3508), "white")
    reduced, factor = imaging.reduce_to_dpi(scan, 300, OcrConfig().reading_dpi(300))
    assert factor == pytest.approx(2 / 3) and reduced.size == (1653, 2339)
    assert imaging.reduce_to_dpi(scan, 220, OcrConfig().reading_dpi(220))[1] == 1.0  # close enough: as it is


def test_a_default_dpi_that_would_make_a_poster_is_not_believed():
    shot = Image.new("RGB", (3024, 4032))
    assert imaging.effective_dpi(shot, 72) == pytest.approx(3024 / 8.27)
    assert imaging.effective_dpi(Image.new("L", (2480, 3508)), 300) == 300
