"""A phone photo of page 1 of a spec: a sheet on a desk, in perspective, under uneven light.

JPEG (with EXIF that may or may not carry a resolution, as phones differ) or PNG, by the suffix
of the output path. Only page 1 is photographed: the truth of a longer document is partial.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from bench.corpus.render_pdf import build_pdf
from bench.corpus.render_scan import inked_pages, rasterize
from bench.corpus.spec import DecisionSpec

DESKS = ((142, 104, 70), (118, 118, 122), (205, 200, 190), (92, 70, 52))


def _desk(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    base = np.array(DESKS[rng.integers(len(DESKS))], dtype=np.float32)
    grain = cv2.resize(rng.normal(0, 12, (max(2, h // 40), max(2, w // 8))).astype(np.float32), (w, h))
    return np.clip(base + grain[..., None], 0, 255)


def _corners(w: int, h: int, W: int, H: int, rng: np.random.Generator, tilt: float) -> np.ndarray:
    mx, my = (W - w) / 2, (H - h) / 2
    quad = np.array([[mx, my], [mx + w, my], [mx + w, my + h], [mx, my + h]], dtype=np.float32)
    return (quad + rng.uniform(-tilt, tilt, (4, 2)) * [w, h]).astype(np.float32)


def _light(h: int, w: int, rng: np.random.Generator, strength: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lx, ly = rng.uniform(0.2, 0.8) * w, rng.uniform(0.1, 0.6) * h
    falloff = ((xx - lx) ** 2 + (yy - ly) ** 2) / float(w * w + h * h)
    gain = 1.05 - strength * falloff * 2 - rng.uniform(0, strength / 3) * yy / h
    return np.clip(gain, 0.4, 1.1)[..., None]


def _exif(dpi: int | None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "samsung", "SM-A525F", 1
    if dpi:
        exif[0x011A], exif[0x011B], exif[0x0128] = float(dpi), float(dpi), 2
    return exif


def render_photo(spec: DecisionSpec, path: str | Path, *, base_dpi: int = 200, tilt: float = 0.05,
                 light: float = 0.35, exif_dpi: int | None = None, seed: int = 0) -> Path:
    """Write a photo of page 1; `tilt` is the corner jitter as a fraction of the page size."""
    rng = np.random.default_rng(seed)
    pdf, marks = build_pdf(spec)
    page = inked_pages(rasterize(pdf, base_dpi)[:1], marks, spec, base_dpi, rng, True, True)[0]
    page = page.astype(np.float32) * (np.array([250, 248, 240], dtype=np.float32) / 255)
    h, w = page.shape[:2]
    H, W = int(h * 1.18), int(w * 1.22)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    warp = cv2.getPerspectiveTransform(src, _corners(w, h, W, H, rng, tilt))
    sheet = cv2.warpPerspective(page, warp, (W, H), flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), warp, (W, H))[..., None]
    img = _desk(H, W, rng) * (1 - cover) + sheet * cover
    img = cv2.GaussianBlur(img * _light(H, W, rng, light), (0, 0), rng.uniform(0.6, 1.2))
    img += rng.standard_normal((H, W, 1), dtype=np.float32) * rng.uniform(2, 6)
    img *= np.array([1.0, rng.uniform(0.96, 1.0), rng.uniform(0.88, 0.97)], dtype=np.float32)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    path = Path(path)
    if path.suffix.lower() == ".png":
        # Sensor noise makes zlib slow: level 1 is 7x faster for 10% more bytes.
        out.save(path, "PNG", compress_level=1, **({"dpi": (exif_dpi, exif_dpi)} if exif_dpi else {}))
    else:
        extra = {"dpi": (exif_dpi, exif_dpi)} if exif_dpi else {}
        out.save(path, "JPEG", quality=88, exif=_exif(exif_dpi), **extra)
    return path
