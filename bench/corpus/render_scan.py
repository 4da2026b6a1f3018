"""Scanned PDFs and phone photos of a spec, with known degradations.

A scan: the text PDF rasterised at the scanner's dpi (pypdfium2), signed in blue and sealed in red,
then paper tint, blur, noise, skew, optional turned pages, colour/grey/bilevel mode and JPEG
artefacts; each page image is embedded in a PDF page sized so that pixels / inches = the true dpi.
A photo: page 1 on a desk, seen in perspective under uneven light, as JPEG or PNG.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from bench.corpus import ink
from bench.corpus.render_pdf import Mark, build_pdf
from bench.corpus.spec import DecisionSpec

MM = 72 / 25.4  # points per millimetre


def rasterize(pdf: bytes, dpi: float) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def _seal_text(spec: DecisionSpec) -> tuple[str, str]:
    ring = spec.issuer_display.upper()
    centre = spec.issuer if len(spec.issuer) <= 16 else "\n".join(_halves(spec.issuer))
    return f"{ring} *", centre


def _halves(text: str) -> tuple[str, str]:
    words = text.split()
    cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(text) / 2))
    return " ".join(words[:cut]), " ".join(words[cut:])


def inked_pages(pages: list[Image.Image], marks: list[Mark], spec: DecisionSpec, dpi: float,
                rng: np.random.Generator, seal: bool, sign: bool) -> list[np.ndarray]:
    """Sign and seal the signature space of each page; returns uint8 RGB arrays."""
    out = []
    px = dpi / 72
    for number, img in enumerate(pages, 1):
        here = [m for m in marks if m.page == number]
        for m in here if sign else ():
            cx = (m.x0 + m.x1) / 2 * px
            box = (int(cx - 24 * MM * px), int(img.height - m.y1 * px),
                   int(cx + 20 * MM * px), int(img.height - m.y0 * px))
            ink.signature(img, box, rng, dpi)
        arr = np.array(img, dtype=np.uint8)
        for m in here if seal else ():
            d = int(36 * MM * px)
            mask = ink.seal_mask(d, *_seal_text(spec), rng)
            cx = (m.x0 + m.x1) / 2 * px - 20 * MM * px + rng.normal(0, 2 * MM * px)
            cy = img.height - (m.y0 + m.y1) / 2 * px + rng.normal(0, 2 * MM * px)
            ink.stamp(arr, mask, int(cx), int(cy))
        out.append(arr)
    return out


def degrade(arr: np.ndarray, rng: np.random.Generator, *, paper=(247, 245, 238), noise: float = 6.0,
            blur: float = 0.6, skew: float = 0.0, dpi: float = 300) -> np.ndarray:
    """Paper tint and contrast loss (one lookup table), optical blur, sensor noise, then skew.

    Works on uint8 throughout: a 300-dpi A4 page is 26 M samples, and float copies cost seconds.
    """
    contrast, bright = rng.uniform(0.88, 0.98), rng.uniform(-6, 2)
    levels = np.arange(256, dtype=np.float32)[:, None] * (np.array(paper, np.float32) / 255)
    lut = np.clip((levels - 128) * contrast + 128 + bright, 0, 255).astype(np.uint8)
    out = cv2.LUT(arr, lut.reshape(256, 1, 3))
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur * dpi / 300)
    if noise > 0:
        # OpenCV's generator, seeded from ours, fills 9 M samples ~10x faster than numpy here.
        cv2.setRNGSeed(int(rng.integers(2**31)))
        grain = np.empty(out.shape[:2], np.int16)
        cv2.randn(grain, 0, noise)
        out = cv2.add(out, cv2.merge([grain] * out.shape[2]), dtype=cv2.CV_8U)
    if skew:
        h, w = out.shape[:2]
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        out = cv2.warpAffine(out, rot, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=tuple(int(c) for c in paper))
    return out


def _to_mode(rgb: np.ndarray, mode: str) -> Image.Image:
    if mode == "color":
        return Image.fromarray(rgb, "RGB")
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if mode == "gray":
        return Image.fromarray(grey, "L")
    _, bw = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(bw, "L").convert("1", dither=Image.Dither.NONE)


def _scanned_on(spec: DecisionSpec) -> dt.datetime:
    return dt.datetime.combine(spec.issued_date + dt.timedelta(days=3), dt.time(9, 30))


def render_scan(spec: DecisionSpec, path: str | Path, *, dpi: int = 300, mode: str = "color",
                skew: float = 0.0, noise: float = 6.0, blur: float = 0.6, jpeg_quality: int = 75,
                seal: bool = True, signature: bool = True, rotate: dict[int, int] | None = None,
                seed: int = 0) -> Path:
    """Write a scanned PDF of `spec`. `mode`: "color" | "gray" | "bilevel"; `skew` in degrees
    (each page varies ±0.15° around it); `rotate` maps 1-based page numbers to 90/180/270."""
    rng = np.random.default_rng(seed)
    pdf, marks = build_pdf(spec)
    pages = inked_pages(rasterize(pdf, dpi), marks, spec, dpi, rng, seal, signature)
    images = []
    for number, arr in enumerate(pages, 1):
        page_skew = skew + (rng.normal(0, 0.15) if skew else 0.0)
        rgb = degrade(arr, rng, noise=noise, blur=blur, skew=page_skew, dpi=dpi)
        turn = (rotate or {}).get(number, 0)
        if turn:
            rgb = np.ascontiguousarray(np.rot90(rgb, k=turn // 90))
        images.append(_to_mode(rgb, mode))
    path = Path(path)
    stamp = _scanned_on(spec).timetuple()
    # Bilevel pages are stored CCITT G4 (no JPEG quality); the others as JPEG.
    quality = {} if mode == "bilevel" else {"quality": jpeg_quality}
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi),
                   title=f"{spec.doc_type} {spec.number}", creationDate=stamp, modDate=stamp,
                   **quality)
    return path
