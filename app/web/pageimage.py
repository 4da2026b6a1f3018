"""Page 1 of a stored original as a PNG, with the evidence boxes of the read fields drawn on it.

PDFs are rendered with pypdfium2, images opened with Pillow (the only two imports of them in the
web app); DOCX has no page image. Box coordinates are in the page's own unit (PDF points or image
pixels, top-left origin), so they are scaled by the rendered image's size over the page's size.
A document that never passed through the web app (CLI, nightly batch) has its page geometry from
the records (records.document_view) and its type sniffed from the stored bytes
(`stored_media_type`); one kept before the records held page sizes is drawn without boxes.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from pipeline.config import Limits, Paths
from pipeline.errors import SohoaError
from pipeline.intake import identify
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


# The original was within the limits of the day it was kept; only its type is wanted here.
_ANY_SIZE = Limits(max_bytes=sys.maxsize)


# Originals are content-addressed and write-once, so a type once sniffed never changes; sniffing
# hashes the whole file, which each view of a large scan would otherwise repeat.
_TYPES: dict[Path, str] = {}
_TYPES_KEPT = 1024


def stored_media_type(sha256: str, paths: Paths) -> str | None:
    """The media type of a kept original, from its bytes (never a name); None when it is not kept
    or cannot be read now (a failure is not remembered: it may be passing)."""
    path = object_path(sha256, paths)
    if path in _TYPES:
        return _TYPES[path]
    try:
        media_type = identify(path, _ANY_SIZE).media_type
    except SohoaError:
        return None
    if len(_TYPES) >= _TYPES_KEPT:
        _TYPES.clear()
    _TYPES[path] = media_type
    return media_type


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
