"""A page of a stored original as a PNG, with the evidence boxes of the values read on it drawn.

PDFs are rendered with pypdfium2, images opened with Pillow (the only two imports of them in the
web app); DOCX has no page image. Box coordinates are in the page's own unit (PDF points or image
pixels, top-left origin), so they are scaled by the rendered image's size over the page's size.
The sizes and boxes come from the outcome's `web` facts: an upload's as read (`jobs.page_facts`;
one kept before pages were numbered holds `page1` and boxes of page 1 only), a document read by
the CLI or the nightly batch as the records keep them (records.document_view), its type sniffed
from the stored bytes (`originals.stored_media_type`); one kept before the records held page sizes is
drawn without boxes.
"""
from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from pipeline.config import Paths
from pipeline.store import object_path

MAX_WIDTH = 1100


def _load(path, media_type: str, number: int) -> Image.Image | None:
    """Page `number` (1-based) rendered, or None when the file has no such page or no pages."""
    if number < 1:
        return None
    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            if number > len(pdf):
                return None
            page = pdf[number - 1]
            width = page.get_width()
            return page.render(scale=min(2.0, MAX_WIDTH / max(width, 1))).to_pil().convert("RGB")
        finally:
            pdf.close()
    if media_type.startswith("image/"):
        with Image.open(path) as img:  # a multi-page TIFF: one frame per page
            try:
                img.seek(number - 1)
            except EOFError:
                return None
            return img.convert("RGB")
    return None


def _frame(facts: dict[str, Any], number: int) -> tuple[list[float] | None, list[dict[str, Any]]]:
    """Page `number`'s size and the boxes read on it, from the outcome's `web` facts."""
    sizes = facts.get("page_sizes") or ([facts["page1"]] if facts.get("page1") else [])
    size = sizes[number - 1] if number <= len(sizes) else None
    return size, [b for b in facts.get("boxes") or () if b.get("page", 1) == number]


PART_MARGIN = 1.0  # around a part, in heights of the part's line: the words beside it give context


def _around(part: tuple[float, float, float, float], sx: float, sy: float,
            size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The pixel rectangle of `part` (page units) with its margin, inside the image."""
    x0, y0, x1, y1 = part[0] * sx, part[1] * sy, part[2] * sx, part[3] * sy
    margin = max(8.0, PART_MARGIN * (y1 - y0))
    return (max(0, round(x0 - 2 * margin)), max(0, round(y0 - margin)),
            min(size[0], round(x1 + 2 * margin)), min(size[1], round(y1 + margin)))


def render(sha256: str, outcome: dict[str, Any], paths: Paths, number: int = 1,
           part: tuple[float, float, float, float] | None = None) -> bytes | None:
    """Page `number` of the original as PNG with its boxes; None when there is no such page image.
    `part` (x0, y0, x1, y1 in page units): only that part, with a margin around it — the printed
    words a value was read from, shown beside it for review."""
    facts = outcome.get("web") or {}
    image = _load(object_path(sha256, paths), facts.get("media_type") or "", number)
    if image is None:
        return None
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)))
    page, boxes = _frame(facts, number)
    if part is not None:  # only the part's own frame: its neighbours' would be cut at the edges
        boxes = [{"box": list(part)}]
    if page and page[0] and page[1] and boxes:
        sx, sy = image.width / page[0], image.height / page[1]
        draw = ImageDraw.Draw(image)
        for item in boxes:
            x0, y0, x1, y1 = item["box"]
            draw.rectangle((x0 * sx - 2, y0 * sy - 2, x1 * sx + 2, y1 * sy + 2), outline=(220, 40, 40), width=3)
    if part is not None:
        if not (page and page[0] and page[1]):
            return None  # no frame to place the part in
        rect = _around(part, image.width / page[0], image.height / page[1], image.size)
        if rect[0] >= rect[2] or rect[1] >= rect[3]:
            return None  # the part lies off the page
        image = image.crop(rect)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
