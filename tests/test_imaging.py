"""Image clean-up before OCR (pipeline.imaging): pure functions, checked on drawn pages without Tesseract."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import ocr_samples
from pipeline import imaging


@pytest.fixture(scope="module")
def page200() -> ocr_samples.Sample:
    return ocr_samples.decision_page(200)


@pytest.mark.parametrize("degrees", [3.0, -3.0, 1.7, -4.6, 0.0])
def test_estimate_skew_finds_the_tilt_within_a_few_tenths(page200, degrees):
    tilted = ocr_samples.skewed(page200, degrees)
    assert imaging.estimate_skew(imaging.to_gray(tilted.image)) == pytest.approx(degrees, abs=0.3)


def test_estimate_skew_survives_a_grainy_photocopy(page200):
    noisy = ocr_samples.photocopied(ocr_samples.skewed(page200, 2.5))
    assert imaging.estimate_skew(imaging.to_gray(noisy.image)) == pytest.approx(2.5, abs=0.3)


def test_estimate_skew_of_a_blank_page_is_zero():
    assert imaging.estimate_skew(Image.new("L", (1654, 2339), 250)) == 0.0


def test_rotate_fills_the_corners_with_paper_not_black_or_smeared_edges(page200):
    gray = imaging.to_gray(page200.image)
    turned = np.asarray(imaging.rotate(gray, 4.0))
    paper = imaging.paper_colour(gray)
    assert turned.shape == np.asarray(gray).shape
    for corner in (turned[:5, :5], turned[:5, -5:], turned[-5:, :5], turned[-5:, -5:]):
        assert abs(int(corner.mean()) - paper) <= 2


def test_deskewing_undoes_the_tilt(page200):
    gray = imaging.to_gray(ocr_samples.skewed(page200, 3.0).image)
    assert imaging.estimate_skew(imaging.rotate(gray, -3.0)) == pytest.approx(0.0, abs=0.15)


def _swatches() -> Image.Image:
    """Patches on paper: black text, seal red, pale pink, dark blue, black under seal ink."""
    colours = [(0, 0, 0), (215, 40, 45), (240, 150, 170), (20, 30, 120), (60, 10, 12)]
    image = Image.new("RGB", (120 * len(colours), 120), (250, 249, 245))
    for i, colour in enumerate(colours):
        image.paste(colour, (120 * i + 30, 30, 120 * i + 90, 90))
    return image


def test_suppress_red_seal_fades_red_and_pink_to_paper_and_keeps_dark_ink():
    out = np.asarray(imaging.suppress_red_seal(_swatches())).astype(int)
    paper = out[5, 5]
    black, red, pink, blue, under = (out[60, 120 * i + 60] for i in range(5))
    assert np.abs(red - paper).max() <= 3  # seal ink on bare paper is gone
    assert np.abs(pink - paper).max() <= 40  # a faded seal becomes nearly paper
    assert black.max() == 0 and tuple(blue) == (20, 30, 120)  # black and blue ink untouched
    assert under.max() < 90  # text under the seal stays dark


def test_suppress_red_seal_leaves_grey_and_seal_free_pages_alone(page200):
    gray = imaging.to_gray(page200.image)
    assert imaging.suppress_red_seal(gray) is gray
    unsealed = ocr_samples.decision_page(100, seal=False).image
    assert imaging.suppress_red_seal(unsealed) is unsealed


def test_to_gray_rescales_16_bit_scans_instead_of_clipping_them():
    values = np.tile(np.linspace(0, 60000, 256, dtype=np.uint16), (4, 1))
    gray = np.asarray(imaging.to_gray(Image.fromarray(values)))
    assert gray.dtype == np.uint8 and gray.min() == 0 and gray.max() == 255 and len(np.unique(gray)) > 200


def test_to_gray_puts_transparent_pixels_on_white():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    assert np.asarray(imaging.to_gray(image)).min() == 255


def test_denoise_contrast_stretches_faded_pages_and_leaves_crisp_ones(page200):
    crisp = imaging.to_gray(page200.image)
    assert imaging.denoise_contrast(crisp) is crisp
    faded = Image.fromarray((110 + np.asarray(crisp, dtype=np.float32) * 80 / 255).astype(np.uint8))
    stretched = np.asarray(imaging.denoise_contrast(faded))
    assert stretched.min() <= 5 and stretched.max() >= 250


def test_binarize_gives_black_and_white_and_removes_grain(page200):
    noisy = imaging.to_gray(ocr_samples.photocopied(page200).image)
    binary = np.asarray(imaging.binarize(noisy))
    assert set(np.unique(binary)) == {0, 255}
    ink = binary < 128
    assert 0.01 < ink.mean() < 0.15  # text survives, the grain does not blacken the page


def test_blank_sheets_are_flagged_and_not_stretched():
    grain = np.random.default_rng(3).normal(250, 3, (1000, 700)).clip(0, 255).astype(np.uint8)
    sheet = Image.fromarray(grain)
    assert imaging.contrast(sheet) < imaging.MIN_CONTRAST
    assert imaging.denoise_contrast(sheet) is sheet
    cleaned = imaging.clean_page(sheet, 100)
    assert cleaned.blank and cleaned.noise < 5
    sheet.paste(0, (300, 500, 420, 520))  # one short dark stroke is enough to read the page
    assert not imaging.clean_page(sheet, 100).blank


def test_estimate_noise_tells_grainy_copies_from_clean_scans(page200):
    clean = imaging.estimate_noise(imaging.to_gray(page200.image))
    grainy = imaging.estimate_noise(imaging.to_gray(ocr_samples.photocopied(page200).image))
    assert clean < 3 < imaging.GRAINY_NOISE < grainy


@pytest.mark.parametrize(("dpi", "factor"), [(300, 1), (150, 1), (120, 2), (100, 2), (72, 3)])
def test_upscale_if_low_uses_whole_factors(dpi, factor):
    image = Image.new("L", (100, 140), 255)
    out, got = imaging.upscale_if_low(image, dpi, 150)
    assert got == factor and out.size == (100 * factor, 140 * factor)


def test_unknown_dpi_is_judged_as_an_a4_page():
    assert imaging.effective_dpi(Image.new("L", (1240, 1754)), None) == pytest.approx(150, abs=1)
    assert imaging.effective_dpi(Image.new("L", (1240, 1754)), 300) == 300


def test_turn_makes_quarter_turns_clockwise(page200):
    image = page200.image
    assert imaging.turn(image, 0) is image
    turned = imaging.turn(image, 90)
    assert turned.size == (image.height, image.width)
    # The top-left pixel moves to the top-right corner under a clockwise quarter turn.
    marked = Image.new("L", (4, 2), 0)
    marked.putpixel((0, 0), 255)
    assert imaging.turn(marked, 90).getpixel((1, 0)) == 255
    assert imaging.turn(imaging.turn(image, 180), 180).tobytes() == image.tobytes()


def test_clean_page_composes_the_default_path(page200):
    sealed_tilted = ocr_samples.skewed(page200, -2.0)
    cleaned = imaging.clean_page(sealed_tilted.image, 200)
    assert cleaned.image.mode == "L" and cleaned.image.size == sealed_tilted.image.size
    assert cleaned.skew == pytest.approx(-2.0, abs=0.3) and cleaned.scale == 1
    assert "seal-suppressed" in cleaned.notes and any(n.startswith("deskewed") for n in cleaned.notes)
    low = imaging.clean_page(ocr_samples.resampled(page200, 100).image, 100)
    assert low.scale == 2 and "upscaled ×2" in low.notes
    assert low.image.size == tuple(2 * v for v in low.unscaled.size)
    assert cleaned.unscaled is cleaned.image


def test_suppress_colour_ink_fades_the_seal_and_the_pen_and_keeps_black_text():
    colours = [(0, 0, 0), (215, 40, 45), (28, 48, 150), (60, 10, 12), (5, 4, 7), (22, 5, 24)]
    image = Image.new("RGB", (120 * len(colours), 120), (250, 249, 245))
    for i, colour in enumerate(colours):
        image.paste(colour, (120 * i + 30, 30, 120 * i + 90, 90))
    out = np.asarray(imaging.suppress_colour_ink(image)).astype(int)
    paper = out[5, 5]
    black, red, pen, under_seal, jpeg_black, pen_over_seal = (out[60, 120 * i + 60] for i in range(6))
    assert np.abs(red - paper).max() <= 3 and np.abs(pen - paper).max() <= 3  # seal and signature gone
    assert black.max() == 0 and under_seal.max() < 90  # text, also under the seal, stays dark
    assert jpeg_black.max() < 20  # near-black with a tint of JPEG colour is still text
    assert pen_over_seal.max() < 60  # where pen crosses seal the inks are too dark to tell from text


def test_clean_page_fades_the_signature_and_removes_table_rules(page200):
    cleaned = imaging.clean_page(page200.image, 200)
    x0, y0, x1, y1 = (round(v) for v in page200.signer_box)
    scribble = (slice(y0 - 90, y0 - 10), slice(x0, x1))  # the signature, above the name
    before = (np.asarray(imaging.clean_page(page200.image, 200, suppress_seal=False).image)[scribble] < 128).mean()
    after = (np.asarray(cleaned.image)[scribble] < 128).mean()
    assert after < 0.1 * before and cleaned.grid is None  # where pen crosses seal, a few dark dots stay
    table = ocr_samples.table_page(200)
    ruled = imaging.clean_page(table.image, 200)
    assert ruled.grid is not None and "table rules removed" in ruled.notes


def test_opencv_pool_is_off_while_documents_are_read_in_parallel_and_restored_after_the_last():
    import threading

    import cv2

    before = cv2.getNumThreads()
    assert before > 1  # OpenCV's default on this machine: one per core
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def second():
        first_in.wait()
        with imaging.documents_in_parallel():
            second_in.set()
            first_out.wait()
            seen.append(cv2.getNumThreads())  # the first caller left: still off for this one

    helper = threading.Thread(target=second)
    helper.start()
    with imaging.documents_in_parallel():
        seen.append(cv2.getNumThreads())
        first_in.set()
        second_in.wait()
    first_out.set()
    helper.join()
    assert seen == [1, 1]
    assert cv2.getNumThreads() == before
