"""What a pen and a stamp add to a printed page: a blue scribbled signature and a red round seal.

Decree 30 Art. 33: the seal is red, upright, and covers about the left third of the signature.
Both are drawn on page images (PIL/numpy) before the scan is degraded.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bench.corpus.fonts import sans_bold

SEAL_RED = np.array([196, 28, 40], dtype=np.float32)
PEN_BLUE = (28, 48, 150)


def _ring_text(mask: Image.Image, text: str, radius: float, size: int) -> None:
    """Upper-case letters around the ring, reading clockwise from the left."""
    font = ImageFont.truetype(str(sans_bold()), size)
    cx = cy = mask.size[0] / 2
    step = min(1.8 * math.pi / max(len(text), 1), 0.2)
    start = -math.pi / 2 - step * (len(text) - 1) / 2
    for i, ch in enumerate(text):
        angle = start + i * step
        tile = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(tile).text((size, size), ch, fill=255, font=font, anchor="mm")
        tile = tile.rotate(-math.degrees(angle + math.pi / 2), resample=Image.BILINEAR)
        x, y = cx + radius * math.cos(angle) - size, cy + radius * math.sin(angle) - size
        mask.paste(255, (int(x), int(y)), tile)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(pts, fill=255)


def seal_mask(diameter: int, ring: str, centre: str, rng: np.random.Generator) -> np.ndarray:
    """Ink coverage 0..1 of a round seal: two rings, text between them, star and name inside."""
    d = diameter
    mask = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(mask)
    w = max(2, d // 40)
    draw.ellipse((w, w, d - w, d - w), outline=255, width=w)
    inner = int(d * 0.17)
    draw.ellipse((inner, inner, d - inner, d - inner), outline=255, width=max(1, w // 2))
    _ring_text(mask, ring, d * 0.41, max(8, int(d * 0.085)))
    _star(draw, d / 2, d * 0.36, d * 0.07)
    font = ImageFont.truetype(str(sans_bold()), max(8, int(d * 0.075)))
    for k, part in enumerate(centre.split("\n")):
        draw.text((d / 2, d * (0.52 + 0.09 * k)), part, fill=255, font=font, anchor="mm")
    ink = np.asarray(mask.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32) / 255
    # Uneven stamping: ink thins in blotches.
    blotch = rng.uniform(0.55, 1.0, size=(max(2, d // 24), max(2, d // 24))).astype(np.float32)
    blotch = np.asarray(Image.fromarray((blotch * 255).astype(np.uint8)).resize((d, d), Image.BILINEAR),
                        dtype=np.float32) / 255
    return ink * blotch * rng.uniform(0.75, 0.92)


def stamp(page: np.ndarray, mask: np.ndarray, cx: int, cy: int) -> None:
    """Multiply red ink into `page` (H, W, 3 uint8) around (cx, cy), clipped to the page."""
    d = mask.shape[0]
    x0, y0 = cx - d // 2, cy - d // 2
    px0, py0 = max(0, x0), max(0, y0)
    px1, py1 = min(page.shape[1], x0 + d), min(page.shape[0], y0 + d)
    if px1 <= px0 or py1 <= py0:
        return
    m = mask[py0 - y0:py1 - y0, px0 - x0:px1 - x0, None]
    region = page[py0:py1, px0:px1].astype(np.float32)
    page[py0:py1, px0:px1] = np.clip(region * (1 - m * (1 - SEAL_RED / 255)), 0, 255).astype(np.uint8)


def signature(page: Image.Image, box: tuple[int, int, int, int], rng: np.random.Generator,
              dpi: float) -> None:
    """A cursive-looking blue scribble inside `box` (x0, y0, x1, y1) with a flourish under it."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    t = np.linspace(0, 1, 240)
    f1, f2, f3 = rng.uniform(2.5, 5.5), rng.uniform(5, 9), rng.uniform(1, 2)
    p = rng.uniform(0, 2 * math.pi, 3)
    xs = x0 + w * (0.05 + 0.8 * t) + 0.06 * w * np.sin(2 * math.pi * f2 * t + p[0])
    ys = (y0 + h * 0.45 + 0.28 * h * np.sin(2 * math.pi * f1 * t + p[1])
          + 0.1 * h * np.sin(2 * math.pi * f3 * t + p[2]))
    draw = ImageDraw.Draw(page)
    width = max(1, int(round(dpi / 110)))
    draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=PEN_BLUE, width=width, joint="curve")
    fx = np.linspace(x0 + 0.1 * w, x1 - 0.05 * w, 60)
    fy = y0 + h * 0.8 + 0.08 * h * np.sin(np.linspace(0, math.pi, 60)) * rng.choice([-1, 1])
    draw.line(list(zip(fx.tolist(), fy.tolist(), strict=True)), fill=PEN_BLUE, width=width, joint="curve")
