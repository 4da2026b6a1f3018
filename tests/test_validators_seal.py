"""pipeline.seal: red seals found on drawn pages; red text, blue signatures and grey scans are not seals.

Provenance: pages drawn here with Pillow (DejaVu Sans from fonts-dejavu): black body text, a red
round seal of 38 mm with lettering, a blue signature stroke, and a red header line."""
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import Box
from pipeline.seal import detect_red_seal, seal_near_signature

DPI = 150
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
RED, BLUE = (205, 35, 45), (25, 45, 175)


def mm(value: float) -> int:
    return round(value / 25.4 * DPI)


def page_image(seal_at=(0.62, 0.80), seal_mm=38.0, red_header=True, square=False) -> tuple[Image.Image, Box | None]:
    width, height = mm(210), mm(297)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, mm(4))
    for row in range(30):
        draw.text((mm(30), mm(40) + row * mm(6)), f"Điều {row}. Nội dung văn bản hành chính dòng số {row}",
                  fill="black", font=font)
    if red_header:
        draw.text((mm(30), mm(15)), "ĐẢNG CỘNG SẢN VIỆT NAM — TỈNH ỦY ĐỒNG NAI", fill=RED, font=font)
    seal = None
    if seal_at is not None:
        cx, cy, r = width * seal_at[0], height * seal_at[1], mm(seal_mm / 2)
        shape = draw.rectangle if square else draw.ellipse
        shape((cx - r, cy - r, cx + r, cy + r), outline=RED, width=mm(0.8))
        shape((cx - r + mm(4), cy - r + mm(4), cx + r - mm(4), cy + r - mm(4)), outline=RED, width=mm(0.4))
        draw.text((cx - mm(10), cy - mm(2)), "SỞ NỘI VỤ", fill=RED, font=font)
        draw.line((cx - mm(30), cy - mm(5), cx + mm(10), cy + mm(3)), fill=BLUE, width=mm(0.6))
        seal = Box(cx - r, cy - r, cx + r, cy + r)
    return image, seal


def overlap(a: Box, b: Box) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, w) * max(0.0, h) / ((b.x1 - b.x0) * (b.y1 - b.y0))


@pytest.mark.parametrize("square", [False, True])
def test_a_red_seal_is_found_where_it_is(square):
    image, truth = page_image(square=square)
    (found,) = detect_red_seal(image, DPI)
    assert overlap(found, truth) > 0.9
    assert found.x1 - found.x0 < (truth.x1 - truth.x0) * 1.1


def test_without_dpi_the_page_is_taken_as_a4():
    image, truth = page_image()
    (found,) = detect_red_seal(image)
    assert overlap(found, truth) > 0.9


def test_a_default_72_dpi_tag_is_not_taken_for_the_resolution():
    # A phone photo tagged 72 dpi: at 72 dpi this page would be 620 mm long and its seal 80 mm wide.
    image, truth = page_image()
    (found,) = detect_red_seal(image, 72)
    assert overlap(found, truth) > 0.9


def test_red_text_and_blue_ink_alone_are_not_seals():
    image, _ = page_image(seal_at=None)
    ImageDraw.Draw(image).line((mm(100), mm(250), mm(160), mm(262)), fill=BLUE, width=mm(0.6))
    assert detect_red_seal(image, DPI) == []


def test_too_small_or_too_large_red_marks_are_not_seals():
    small, _ = page_image(seal_mm=8)
    large, _ = page_image(seal_mm=120, seal_at=(0.5, 0.5))
    assert detect_red_seal(small, DPI) == []
    assert detect_red_seal(large, DPI) == []


@pytest.mark.parametrize("mode", ["L", "1"])
def test_grey_and_bilevel_pages_carry_no_colour(mode):
    image, _ = page_image()
    assert detect_red_seal(image.convert(mode), DPI) == []


def test_numpy_arrays_are_accepted_and_not_modified():
    image, truth = page_image()
    array = np.asarray(image).copy()
    before = array.copy()
    (found,) = detect_red_seal(array, DPI)
    assert overlap(found, truth) > 0.9 and np.array_equal(array, before)


def test_seal_near_signature():
    image, truth = page_image()
    seals = detect_red_seal(image, DPI)
    width, height = image.size
    signer = Box(truth.x0 + mm(5), truth.y1 + mm(2), truth.x1 + mm(20), truth.y1 + mm(8))  # name under it
    far = Box(mm(20), mm(20), mm(60), mm(30))
    assert seal_near_signature(seals, signer, width, height, DPI)
    assert not seal_near_signature(seals, far, width, height, DPI)
    assert seal_near_signature(seals, None, width, height, DPI)  # signer unknown: any seal counts
    assert not seal_near_signature([], signer, width, height, DPI)
