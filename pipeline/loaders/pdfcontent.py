"""One pass over a pdfplumber page's content stream: glyphs with boxes, images, drawings.

Why not `page.chars`/`page.extract_words`: pdfplumber turns every glyph into a dict of ~20 resolved
attributes (fonts, colours, matrices), about 60 ms for a dense decision page; `page.layout` (the
pdfminer LTPage under pdfplumber) still builds an LTChar object per glyph, about 20 ms. Here the same
pdfminer interpreter, on pdfplumber's own resource manager and page object, feeds a device that
records for each glyph only its text and box (about 14 ms), while images and vector drawings are
collected as pdfminer layout objects as usual. Coordinates are converted exactly as pdfplumber does
(top-left origin, MediaBox offset), so boxes match `page.chars`.

This leans on pdfminer.six's `PDFLayoutAnalyzer.render_char` signature (stable since 2019); the
tests compare the result with `page.extract_words` so that a change shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import apply_matrix_rect

# The Pillow mode a scan's colour space amounts to (the validators check colour scans by it).
_MODES = {"DeviceGray": "L", "CalGray": "L", "G": "L", "DeviceRGB": "RGB", "CalRGB": "RGB",
          "RGB": "RGB", "Lab": "RGB", "DeviceCMYK": "CMYK", "CMYK": "CMYK", "Indexed": "P", "I": "P"}
_ICC_MODES = {1: "L", 3: "RGB", 4: "CMYK"}
_BILEVEL_FILTERS = {"CCITTFaxDecode", "CCF", "JBIG2Decode"}


@dataclass
class PageContent:
    """What a page holds, in pdfplumber's coordinates (points, top-left origin)."""

    chars: list[dict] = field(default_factory=list)  # {"text", "x0", "x1", "top", "bottom"}
    images: list[dict] = field(default_factory=list)  # {"srcsize": (w_px, h_px), "area": pt², "mode"}
    edges: int = 0  # rectangles and straight lines: candidates for table rulings
    curves: int = 0
    rulings: list[dict] = field(default_factory=list)  # their sides as pdfplumber's edges (`_edges`)


class _GlyphDevice(PDFPageAggregator):
    """A pdfminer layout device that keeps glyphs as plain tuples instead of LTChar objects."""

    def __init__(self, rsrcmgr) -> None:
        super().__init__(rsrcmgr, pageno=1, laparams=None)
        self.glyphs: list[tuple[str, float, float, float, float]] = []

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = f"(cid:{cid})"  # what pdfminer/pdfplumber write for an unmapped glyph
        advance = font.char_width(cid) * fontsize * scaling
        descent = font.get_descent() * fontsize
        x0, y0, x1, y1 = apply_matrix_rect(matrix, (0, descent + rise, advance, descent + rise + fontsize))
        self.glyphs.append((text, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        return advance


def read_content(page) -> PageContent:
    """Interpret a pdfplumber page once; raises whatever pdfminer raises on damaged content."""
    device = _GlyphDevice(page.pdf.rsrcmgr)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    content = PageContent(
        chars=[
            {"text": text, "x0": x0 + mb_x0, "x1": x1 + mb_x0, "top": height - y1 + mb_top, "bottom": height - y0 + mb_top}
            for text, x0, y0, x1, y1 in device.glyphs
        ]
    )
    pending = list(device.get_result())
    while pending:
        obj = pending.pop()
        if isinstance(obj, LTImage):
            width, height_px = obj.srcsize if obj.srcsize else (0, 0)
            area = max(0.0, (obj.x1 - obj.x0) * (obj.y1 - obj.y0))
            content.images.append(
                {"srcsize": (width or 0, height_px or 0), "area": area, "mode": image_mode(obj)}
            )
        elif isinstance(obj, LTCurve):  # LTRect and LTLine are curves too
            if isinstance(obj, (LTRect, LTLine)):
                content.edges += 1
            else:
                content.curves += 1
            content.rulings.extend(_edges(obj, lambda x, y: (x + mb_x0, height - y + mb_top)))
        elif isinstance(obj, LTContainer):
            pending.extend(obj)
    return content


def _edges(obj: LTCurve, to_page) -> list[dict]:
    """The straight sides of a drawn rectangle, line or path as pdfplumber's edge dicts (the keys
    its table finder reads), in page coordinates: what `page.edges` gives, without pdfplumber
    resolving every object of the page a second time. `to_page(x, y)` converts a point."""
    if isinstance(obj, LTRect):
        (x0, bottom), (x1, top) = to_page(obj.x0, obj.y0), to_page(obj.x1, obj.y1)
        sides = [((x0, top), (x1, top)), ((x0, bottom), (x1, bottom)), ((x0, top), (x0, bottom)),
                 ((x1, top), (x1, bottom))]
        kind = "rect_edge"
    else:
        points = [to_page(x, y) for x, y in obj.pts]
        sides = list(zip(points, points[1:]))
        kind = "line_edge" if isinstance(obj, LTLine) else "curve_edge"
    out = []
    for (ax, ay), (bx, by) in sides:
        if ay == by:
            orientation = "h"
        elif ax == bx or kind == "line_edge":  # pdfplumber calls every non-horizontal line vertical
            orientation = "v"
        else:
            continue  # a slanted side rules nothing
        top, bottom = min(ay, by), max(ay, by)
        out.append({"object_type": kind, "orientation": orientation, "x0": min(ax, bx), "x1": max(ax, bx),
                    "top": top, "bottom": bottom, "doctop": top, "width": abs(bx - ax), "height": bottom - top})
    return out


def image_mode(image: LTImage) -> str | None:
    """The Pillow mode ("1", "L", "RGB", "CMYK", "P") of an embedded image, None when unknown."""
    try:
        filters = {_name(f) for f, _ in image.stream.get_filters()}
        if image.imagemask or image.bits == 1 or filters & _BILEVEL_FILTERS:
            return "1"
        space = resolve1(image.colorspace[0]) if image.colorspace else None
        if isinstance(space, list) and space:
            if _name(space[0]) == "ICCBased" and len(space) > 1:
                return _ICC_MODES.get(resolve1(resolve1(space[1]).get("N")))
            return _MODES.get(_name(space[0]))
        return _MODES.get(_name(space)) if space is not None else None
    except Exception:  # a damaged colour-space entry only loses this detail, never the page
        return None


def _name(value) -> str:
    value = resolve1(value)
    return value.name if isinstance(value, PSLiteral) else str(value)
