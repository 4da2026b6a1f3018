"""Image clean-up before OCR: pure functions on Pillow images (numpy and OpenCV inside, no Tesseract).

What helps Tesseract's small Vietnamese model on scanned decisions (FACTS.md §Tesseract, and
measured again on the drawn pages of tests/ocr_samples.py and the corpus scans): fading coloured
ink — the red seal and the blue signature — so the signer's name under them stays readable;
deskewing by a projection-profile search (a 3° tilt took raw Tesseract to 35–45% CER by breaking
lines apart; deskewed, 0.5%); erasing a ruled table's rules (`pipeline.marks`); and, for grainy
photocopies only, a median filter plus Otsu binarisation (on good scans binarisation erases thin
tone marks). Scans under `min_dpi` are upscaled by a whole factor; at 150 dpi our pages read as
well without. Scans finer than OCR's reading resolution are reduced to it first (`reduce_to_dpi`):
every step here then works on less than half the pixels. Medians and percentiles of a page are
taken on a sparse sample of its pixels (`marks.sparse_sample`).

Angles follow Pillow: positive degrees turn the picture counter-clockwise. Nothing here mutates
its input.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from pipeline import marks
from pipeline.marks import sparse_sample
from pipeline.shared_setting import SharedSetting

A4_SHORT_SIDE_INCHES = 8.27
MAX_PAGE_MM = 600.0  # no scanned page is longer (A2 is 594 mm): a dpi making it longer is not one
SKEW_RANGE_DEG = 5.0
SKEW_STEP_DEG = 0.1
SKEW_COARSE_DEG = 0.5  # the first pass of the search (`estimate_skew`)
SKEW_MIN_DEG = 0.2  # a smaller tilt moves a line by < 2 px at 150 dpi; turning would only blur glyphs
MIN_CONTRAST = 48.0  # grey levels; below, a page holds no readable ink (a blank sheet's grain spans ~25)
GRAINY_NOISE = 10.0  # grain σ (grey levels) of a bad photocopy: read binarised, with a 5×5 median
_NOISE_MASK = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)

# Seal ink: saturated red to pink (OpenCV hue runs 0..180; red wraps around 0).
_RED_HUE_LOW, _RED_HUE_HIGH = 12, 160
_RED_MIN_SATURATION = 60
_RED_MIN_VALUE = 80
# Any coloured ink (blue pen, red seal): saturated pixels; black text and grey paper are not.
# A dark blue pen stroke reads V ≈ 90–150 on the corpus scans; darker saturated pixels are text.
_INK_MIN_SATURATION = 60
_INK_MIN_VALUE = 80
_PEN_HUE_LOW, _PEN_HUE_HIGH = 90, 165  # blue, violet, magenta; red seal ink and text under it lie above
_PEN_MIN_CHROMA = 40  # grey levels between a pen pixel's brightest and darkest channel (pen blue: ~120)
_INK_EDGE = np.ones((5, 5), np.uint8)  # 2 px around each ink pixel: the blended edge of a stroke


@dataclass(frozen=True)
class CleanedImage:
    """A page ready for Tesseract and what was done to it.

    `image` is greyscale, as upright as given, deskewed and possibly upscaled by `scale`; `native`
    is the same before upscaling (for the binarised fallback, which works best at the scan's own
    resolution). `skew` is the page's measured tilt in degrees (counter-clockwise positive) that
    was removed by turning the image by `-skew` about its centre, keeping its size.
    """

    image: Image.Image
    skew: float
    scale: float
    notes: tuple[str, ...]
    noise: float = 0.0  # grain σ in grey levels, measured before upscaling (see `estimate_noise`)
    blank: bool = False  # contrast below MIN_CONTRAST: nothing on the page to read
    native: Image.Image | None = None  # before upscaling; None when `scale` is 1 (then `image`)
    grid: marks.Grid | None = None  # a ruled table's rules, erased from the images (page frame)

    @property
    def unscaled(self) -> Image.Image:
        return self.native if self.native is not None else self.image

    def region(self, box: tuple[float, float, float, float], binary: bool) -> tuple[Image.Image, float]:
        """A part of the page (`box` in the page frame) as it is read: (grey image, `scale`), or
        binarised at the scan's own resolution (scale 1) when the page was read binarised."""
        scale = 1.0 if binary else self.scale
        pixels = tuple(round(v * scale) for v in box)
        if binary:
            return binarize(self.unscaled.crop(pixels), noise=self.noise), scale
        return self.image.crop(pixels), scale


# Set through OpenCV's wrapper here, process-wide: restored when the last overlapping caller leaves.
_OPENCV_POOL_OFF = SharedSetting(cv2.getNumThreads, cv2.setNumThreads, 1)


def documents_in_parallel() -> AbstractContextManager[None]:
    """OpenCV's own thread pool off while inside: the caller reads several documents at once, one
    per core, so the cores are already busy and splitting one filter across them only costs.
    Measured on 16 scans of the batch corpus, one at a time: OpenCV's pool made them 3.7% faster
    for 1.3% more CPU — a gain for one document alone, pure cost beside another. The setting is
    the process's: the pool is restored when the last of any overlapping callers leaves."""
    return _OPENCV_POOL_OFF.held()


def paper_colour(img: Image.Image) -> tuple[int, ...] | int:
    """The page's background: the per-band median of its brighter half (paper is the bright majority)."""
    return _paper(np.asarray(img))


def _paper(values: np.ndarray) -> tuple[int, ...] | int:
    sample = sparse_sample(values)
    if sample.ndim == 2:
        return int(np.median(sample[sample >= np.median(sample)]))
    pixels = sample.reshape(-1, sample.shape[2])
    light = pixels[:, :3].astype(np.int32).sum(axis=1)
    return tuple(int(v) for v in np.median(pixels[light >= np.median(light)], axis=0))


def suppress_red_seal(img: Image.Image) -> Image.Image:
    """Fade red and pink ink (seals, red stamps) to paper colour, keeping dark text under it.

    Seal ink is translucent: where it covers black text the pixel stays dark; where it covers paper
    the pixel turns red. The red channel barely sees red ink, so every red pixel is replaced by its
    red value rescaled so that pure seal ink becomes paper and black text stays black. Black and
    dark-blue ink are not red and are left untouched. Images without colour are returned as given.
    """
    return _fade_ink(img, _red_mask, ((_red_mask, False),))


def suppress_colour_ink(img: Image.Image) -> Image.Image:
    """Fade every coloured ink — the red seal and the blue signature — to paper, keeping black text.

    Red and other translucent inks as in `suppress_red_seal`, each rescaled by its own level (a
    pixel's brightest channel is what its ink lets through). A pen's blue, violet or magenta is
    opaque — it hides what it covers, and where it crosses the seal the two inks make a dark
    purple that rescaling would keep as a black stroke — so it becomes paper outright. Measured
    on the corpus scans: the signer's name under the signature and seal is read where fading the
    red alone lost it.
    """
    return _fade_ink(img, _colour_mask, ((_ink_red_mask, False), (_pen_mask, True), (_other_ink_mask, False)))


_Hsv = tuple[np.ndarray, np.ndarray, np.ndarray]
_Family = tuple[Callable[[_Hsv], np.ndarray], bool]  # (which pixels, opaque: paper outright)


def _fade_ink(img: Image.Image, find: Callable[[_Hsv], np.ndarray], families: tuple[_Family, ...]) -> Image.Image:
    if img.mode not in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
        return img
    rgb = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    # Look at every 4th pixel first: most pages carry no coloured ink at all, and where there is
    # some it covers a small part of the page, so the full-resolution work stays near it.
    coarse = find(_hsv(rgb[::4, ::4]))
    if not coarse.any():
        return img
    rows, cols = np.nonzero(coarse.any(axis=1))[0], np.nonzero(coarse.any(axis=0))[0]
    y0, y1 = max(0, rows[0] * 4 - 8), min(rgb.shape[0], rows[-1] * 4 + 12)
    x0, x1 = max(0, cols[0] * 4 - 8), min(rgb.shape[1], cols[-1] * 4 + 12)
    window = rgb[y0:y1, x0:x1]
    hsv = _hsv(window)
    paper = np.asarray(_paper(rgb), dtype=np.float32)
    bright = hsv[2]  # the brightest channel: the one the ink lets through
    faded = window.copy()
    for family, opaque in families:
        ink = family(hsv)
        if not ink.any():
            continue
        # The ink's own level: most ink pixels lie on bare paper, the rest over text (darker); the
        # lower quartile stays on the bare-ink side and fades lighter inks too.
        level = max(float(np.percentile(bright[ink], 25)), 1.0)
        # Stroke edges blend ink with paper and fall under the saturation bar, leaving a ghost
        # outline of the signature that Tesseract reads as letters: the edges go too. The shading
        # keeps any black text among them (its brightest channel stays dark).
        edge = cv2.dilate(ink.view(np.uint8), _INK_EDGE).astype(bool)
        shade = np.minimum(bright[edge].astype(np.float32) / level, 1.0)
        if opaque:
            shade[ink[edge]] = 1.0
        faded[edge] = (shade[:, None] * paper[None, :]).round().astype(np.uint8)
    out = rgb.copy()
    out[y0:y1, x0:x1] = faded
    return Image.fromarray(out)


def _hsv(rgb: np.ndarray) -> _Hsv:
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV)
    return hsv[..., 0], hsv[..., 1], hsv[..., 2]


def _red_mask(hsv: _Hsv) -> np.ndarray:
    hue, sat, val = hsv
    red = (hue <= _RED_HUE_LOW) | (hue >= _RED_HUE_HIGH)
    return red & (sat >= _RED_MIN_SATURATION) & (val >= _RED_MIN_VALUE)


def _colour_mask(hsv: _Hsv) -> np.ndarray:
    _, sat, val = hsv
    return (sat >= _INK_MIN_SATURATION) & (val >= _INK_MIN_VALUE)


def _pen_mask(hsv: _Hsv) -> np.ndarray:
    """Blue to magenta with real colour in it: pen ink. Saturation alone will not do for dark
    pixels — JPEG noise on black text, (5, 4, 7), is "saturated" — so the spread between the
    brightest and darkest channel must be wide too."""
    hue, sat, val = hsv
    chroma = sat.astype(np.uint16) * val // 255
    return (hue >= _PEN_HUE_LOW) & (hue < _PEN_HUE_HIGH) & (sat >= _INK_MIN_SATURATION) & (chroma >= _PEN_MIN_CHROMA)


def _ink_red_mask(hsv: _Hsv) -> np.ndarray:
    hue = hsv[0]
    return _colour_mask(hsv) & ((hue <= _RED_HUE_LOW) | (hue >= _PEN_HUE_HIGH))


def _other_ink_mask(hsv: _Hsv) -> np.ndarray:
    hue = hsv[0]
    return _colour_mask(hsv) & (hue > _RED_HUE_LOW) & (hue < _PEN_HUE_LOW)


def to_gray(img: Image.Image) -> Image.Image:
    """8-bit greyscale; 16-bit scans are rescaled rather than clipped to white."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(img, dtype=np.float64)
        top = values.max() or 1.0
        return Image.fromarray((values * (255.0 / top)).round().astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img)
    return img if img.mode == "L" else img.convert("L")


def estimate_skew(gray: Image.Image) -> float:
    """The page's tilt in degrees (counter-clockwise positive), within ±5°, to 0.1°.

    Projection-profile search on a reduced image (a quarter of a 300-dpi A4 page, never under
    ~600 px on the short side): for each candidate angle the ink pixels are
    projected onto the page's vertical axis; text lines line up — and the profile is most peaked
    (largest sum of squares) — at the true angle. Unlike minAreaRect this survives noise.
    """
    factor = max(1, min(4, min(gray.size) // 600))
    small = np.asarray(gray.reduce(factor) if factor > 1 else gray)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(ys) < 100 or ink.mean() > 0.5:  # blank page, or a mostly dark one: nothing to measure
        return 0.0
    xs = xs.astype(np.float64) - small.shape[1] / 2
    ys = ys.astype(np.float64)
    margin = abs(small.shape[1] * math.tan(math.radians(SKEW_RANGE_DEG))) + 2

    def peak(angles: list[float]) -> float:
        scores = [float(np.square(np.bincount(np.rint(ys + xs * math.tan(math.radians(a)) + margin)
                                              .astype(np.int64)).astype(np.float64)).sum()) for a in angles]
        return angles[int(np.argmax(scores))]

    # Coarse to fine: a text line's profile stays peaked over ±0.3° or so (its height over its
    # length), so the 0.5° grid lands next to the best angle and 0.1° steps around it find it
    # (30 profiles instead of 101).
    coarse = peak([k * SKEW_COARSE_DEG for k in range(-round(SKEW_RANGE_DEG / SKEW_COARSE_DEG),
                                                         round(SKEW_RANGE_DEG / SKEW_COARSE_DEG) + 1)])
    reach = round(SKEW_COARSE_DEG / SKEW_STEP_DEG)
    fine = [coarse + k * SKEW_STEP_DEG for k in range(-reach + 1, reach)]
    return round(peak([a for a in fine if abs(a) <= SKEW_RANGE_DEG + 1e-9]), 1)


def rotate(img: Image.Image, degrees: float) -> Image.Image:
    """Turn counter-clockwise about the centre, same size, corners filled with the paper colour.

    A replicated border would smear edge pixels into stripes that Tesseract reads as text.
    """
    if abs(degrees) < 1e-9:
        return img
    if img.mode not in ("L", "RGB"):
        return img.rotate(degrees, resample=Image.BICUBIC, expand=False, fillcolor=paper_colour(img))
    # OpenCV's warp is several times faster than Pillow's on a 300-dpi page, same convention.
    values = np.asarray(img)
    fill = _paper(values)
    matrix = cv2.getRotationMatrix2D(((img.width - 1) / 2, (img.height - 1) / 2), degrees, 1.0)
    border = fill if isinstance(fill, tuple) else (fill,)
    turned = cv2.warpAffine(values, matrix, img.size, flags=cv2.INTER_CUBIC,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    return Image.fromarray(turned, img.mode)


def turn(img: Image.Image, clockwise: int) -> Image.Image:
    """Lossless quarter turns (orientation correction), clockwise as Tesseract's OSD reports them."""
    method = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return img.transpose(method[clockwise % 360]) if clockwise % 360 else img


def contrast(gray: Image.Image) -> float:
    """Grey levels from the darkest ink to the paper: 0.05th to 99.5th percentile, so that a
    single short line on an empty page (~0.1% of its pixels) still counts as ink."""
    low, high = np.percentile(np.asarray(gray)[::2, ::2], (0.05, 99.5))  # not sparser: a lone line is ~0.1%
    return float(high - low)


def denoise_contrast(gray: Image.Image) -> Image.Image:
    """Mild clean-up for the default pass: stretch faded ink and greyed paper to the full range.

    Deliberately no filtering here: a median filter or a threshold thins the tone marks Vietnamese
    depends on (bổ→bố); those belong to the fallback pass (`binarize`). Pages with less than
    MIN_CONTRAST levels are left alone: stretching a blank sheet only magnifies its grain.
    """
    values = np.asarray(gray)
    low, high = np.percentile(sparse_sample(values, 250_000), (0.5, 99.5))
    if high - low < MIN_CONTRAST or high - low >= 200:  # blank, or contrast enough already
        return gray
    lut = np.clip((np.arange(256) - low) * 255.0 / (high - low), 0, 255).round().astype(np.uint8)
    return Image.fromarray(lut[values], "L")


def estimate_noise(gray: Image.Image) -> float:
    """Grain σ in grey levels (Immerkær's fast estimate: a Laplacian-difference mask that cancels
    smooth shading). Clean scans measure 0.5–2, grainy photocopies 10–40."""
    values = np.asarray(gray)
    if min(values.shape) < 3:
        return 0.0
    # Integer arithmetic (the mask's weights are whole, ±4080 fits int16): a float copy of a
    # 300-dpi page is 35 MB more for the same figure.
    response = cv2.filter2D(values, cv2.CV_16S, _NOISE_MASK)[1:-1, 1:-1]
    return float(math.sqrt(math.pi / 2) * cv2.norm(response, cv2.NORM_L1) / response.size / 6)


def binarize(gray: Image.Image, *, noise: float | None = None) -> Image.Image:
    """Median filter then Otsu: rescues noisy low-contrast photocopies (hurts good scans).

    The median is 3×3, or 5×5 on grainy pages (`noise`, measured if not given, above 10):
    on our grainy copies 3×3 left 5–9% CER where 5×5 gave 1.7–2.6%; on clean pages 5×5
    erodes tone marks.
    """
    grain = estimate_noise(gray) if noise is None else noise
    size = 5 if grain > GRAINY_NOISE else 3
    values = cv2.medianBlur(np.asarray(gray), size)
    _, binary = cv2.threshold(values, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(binary, "L")


def effective_dpi(img: Image.Image, dpi: float | None) -> float:
    """The dpi to reason with: the given one, else as if the page's short side were A4 (8.27 in).
    A stated dpi that would make the image longer than MAX_PAGE_MM is a software default (phones
    write 72 or 96), not a resolution: trusting it had a 12-megapixel photo upscaled threefold."""
    if dpi and dpi > 0 and max(img.size) / dpi * 25.4 <= MAX_PAGE_MM:
        return float(dpi)
    return min(img.size) / A4_SHORT_SIDE_INCHES


def reduce_to_dpi(img: Image.Image, dpi: float | None, to_dpi: float) -> tuple[Image.Image, float]:
    """A scan finer than `to_dpi` reduced to it by area averaging: (image, factor ≤ 1). 8-bit grey
    and RGB only; other modes, and coarser scans, are returned as given with factor 1."""
    actual = effective_dpi(img, dpi)
    if actual <= to_dpi or img.mode not in ("L", "RGB"):
        return img, 1.0
    factor = to_dpi / actual
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    reduced = cv2.resize(np.asarray(img), size, interpolation=cv2.INTER_AREA)
    return Image.fromarray(reduced, img.mode), factor


def upscale_if_low(img: Image.Image, dpi: float | None, min_dpi: float) -> tuple[Image.Image, int]:
    """Enlarge scans below `min_dpi` by a whole factor (2× for 100–149 dpi); returns (image, factor).

    Tesseract's LSTM wants an x-height of ~20 px; 13-pt text at 150 dpi or less has fewer.
    """
    actual = effective_dpi(img, dpi)
    if actual >= min_dpi:
        return img, 1
    factor = max(2, math.ceil(min_dpi / actual))
    return img.resize((img.width * factor, img.height * factor), Image.BICUBIC), factor


def clean_page(img: Image.Image, dpi: float | None, *, min_dpi: float = 150, suppress_seal: bool = True) -> CleanedImage:
    """The default clean-up: coloured ink faded → grey → deskew → contrast stretch → a ruled
    table's rules erased (`grid` says where they ran) → upscale if low-res."""
    notes: list[str] = []
    if suppress_seal:
        faded = suppress_colour_ink(img)
        if faded is not img:
            notes.append("seal-suppressed")
        img = faded
    gray = to_gray(img)
    skew = estimate_skew(gray)
    if abs(skew) >= SKEW_MIN_DEG:
        gray = rotate(gray, -skew)
        notes.append(f"deskewed {skew:+.1f}°")
    else:
        skew = 0.0
    blank = contrast(gray) < MIN_CONTRAST
    gray = denoise_contrast(gray)
    grid = None
    if not blank:
        gray, grid = marks.remove_rules(gray, effective_dpi(gray, dpi))
        if grid is not None:
            notes.append("table rules removed")
    noise = estimate_noise(gray)
    larger, factor = upscale_if_low(gray, dpi, min_dpi)
    if factor == 1:
        return CleanedImage(gray, skew, 1.0, tuple(notes), noise, blank, grid=grid)
    notes.append(f"upscaled ×{factor}")
    return CleanedImage(larger, skew, float(factor), tuple(notes), noise, blank, native=gray, grid=grid)
