"""Page 1 of a stored original as a PNG, with the evidence boxes of the read fields drawn on it.

PDFs are rendered with pypdfium2, images opened with Pillow (the only two imports of them in the
web app); DOCX has no page image. Box coordinates are in the page's own unit (PDF points or image
pixels, top-left origin), so they are scaled by the rendered image's size over the page's size.
"""
from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from pipeline.config import Paths
from pipeline.store import object_path

MAX_WIDTH = 1100


def _load(path, media_type: str) -> Image.Image | None:
    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[0]
            width = page.get_width()
            return page.render(scale=min(2.0, MAX_WIDTH / max(width, 1))).to_pil().convert("RGB")
        finally:
            pdf.close()
    if media_type.startswith("image/"):
        with Image.open(path) as img:
            img.seek(0)
            return img.convert("RGB")
    return None


def render(sha256: str, outcome: dict[str, Any], paths: Paths) -> bytes | None:
    facts = outcome.get("web") or {}
    image = _load(object_path(sha256, paths), facts.get("media_type") or "")
    if image is None:
        return None
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)))
    page = facts.get("page1") or [0, 0]
    if page[0] and page[1] and facts.get("boxes"):
        sx, sy = image.width / page[0], image.height / page[1]
        draw = ImageDraw.Draw(image)
        for item in facts["boxes"]:
            x0, y0, x1, y1 = item["box"]
            draw.rectangle((x0 * sx - 2, y0 * sy - 2, x1 * sx + 2, y1 * sy + 2), outline=(220, 40, 40), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
