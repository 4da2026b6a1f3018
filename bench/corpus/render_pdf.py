"""Born-digital PDF of a spec (reportlab, Liberation Serif — the metric twin of Times New Roman).

A4 with Decree 30 margins (top/bottom 20 mm, left 30 mm, right 15 mm), the header and the signer
block laid out as borderless two-column tables, page numbers centred in the top margin from
page 2, the attached table ruled and repeating its header row across pages. `build_pdf` also
returns where the signature space landed, so the scan renderer can sign and seal it.
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from bench.corpus import layout as lay
from bench.corpus.fonts import serif_faces
from bench.corpus.spec import DecisionSpec

FONT = "CorpusSerif"
TEXT_WIDTH = 165 * mm
ALIGN = {"center": TA_CENTER, "justify": TA_JUSTIFY, "left": TA_LEFT}
FACE = {"r": FONT, "b": f"{FONT}-Bold", "i": f"{FONT}-Italic", "bi": f"{FONT}-BoldItalic"}


@dataclass(frozen=True)
class Mark:
    """The signature space: 1-based page and its box in PDF points (origin bottom-left)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float


@functools.cache
def register_fonts() -> None:
    for face, path in serif_faces().items():
        pdfmetrics.registerFont(TTFont(FACE[face], str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FACE["r"], bold=FACE["b"], italic=FACE["i"],
                                  boldItalic=FACE["bi"])


class SignatureSlot(Flowable):
    """Empty room for the handwritten signature; remembers where it was drawn."""

    def __init__(self, height: float, marks: list[Mark]):
        super().__init__()
        self.height, self.marks = height, marks

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.height

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        self.marks.append(Mark(self.canv.getPageNumber(), x, y, x + self.width, y + self.height))


class CentredRule(Flowable):
    def __init__(self, length: float):
        super().__init__()
        self.length = length

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, 7

    def draw(self):
        x0 = (self.width - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x0, 2, x0 + self.length, 2)


def _style(size: float, align: str = "center", indent: bool = False, left_mm: float = 0,
           space: float = 0) -> ParagraphStyle:
    return ParagraphStyle("s", fontName=FONT, fontSize=size, leading=size * 1.22,
                          alignment=ALIGN[align], firstLineIndent=10 * mm if indent else 0,
                          leftIndent=left_mm * mm, spaceBefore=space)


def _markup(runs) -> str:
    out = []
    for text, style in runs:
        t = escape(text)
        out.append({"r": t, "b": f"<b>{t}</b>", "i": f"<i>{t}</i>", "bi": f"<b><i>{t}</i></b>"}[style])
    return "".join(out)


def _para(p: lay.Para) -> Paragraph:
    return Paragraph(_markup(p.runs), _style(p.size, p.align, p.indent, p.left_mm, p.space_before))


def _lines(lines: tuple[lay.Line, ...], align: str = "center") -> list[Flowable]:
    out: list[Flowable] = []
    for ln in lines:
        style = "bi" if ln.bold and ln.italic else "b" if ln.bold else "i" if ln.italic else "r"
        out.append(Paragraph(_markup(((ln.text, style),)), _style(ln.size, align)))
        if ln.rule:
            width = pdfmetrics.stringWidth(ln.text, FACE[style], ln.size)
            out.append(CentredRule(width if ln.text == lay.MOTTO_2 else width * 0.45))
    return out


def _grid(rows, widths, extra=()) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), *extra]))
    return table


def _header(h: lay.Header) -> Table:
    rows = [[_lines(h.left_top), _lines(h.right_top)],
            [_lines(h.left_bottom), _lines(h.right_bottom)]]
    return _grid(rows, [72 * mm, 93 * mm], [("TOPPADDING", (0, 1), (-1, 1), 4)])


def _sign(s: lay.SignBlock, marks: list[Mark]) -> Table:
    right = _lines(s.signer) + [SignatureSlot(s.gap_mm * mm, marks)] + _lines((s.name,))
    table = _grid([[_lines(s.recipients, "left"), right]], [80 * mm, 85 * mm])
    table.spaceBefore = 10
    return table


def _table(t: lay.TableBlock) -> Table:
    total = sum(t.widths)
    head = ParagraphStyle("h", parent=_style(t.size), fontName=FACE["b"])
    cell = _style(t.size, "left")
    rows = [[Paragraph(escape(c), head) for c in t.columns]]
    rows += [[Paragraph(escape(c), cell) for c in r] for r in t.rows]
    table = Table(rows, colWidths=[w / total * TEXT_WIDTH for w in t.widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    table.spaceBefore = 8
    return table


def _story(spec: DecisionSpec, marks: list[Mark]) -> list[Flowable]:
    out: list[Flowable] = []
    for block in lay.layout(spec):
        if isinstance(block, lay.Header):
            out.append(_header(block))
        elif isinstance(block, lay.Para):
            out.append(_para(block))
        elif isinstance(block, lay.Rule):
            out.append(CentredRule(block.width_mm * mm))
        elif isinstance(block, lay.SignBlock):
            out.append(_sign(block, marks))
        elif isinstance(block, lay.PageBreak):
            out.append(PageBreak())
        elif isinstance(block, lay.TableBlock):
            out.append(_table(block))
    return out


def _page_number(canvas, doc) -> None:
    # Decree 30: numbered from page 2, centred in the top margin.
    canvas.setFont(FONT, 13)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))


def build_pdf(spec: DecisionSpec) -> tuple[bytes, list[Mark]]:
    register_fonts()
    buf, marks = io.BytesIO(), []
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm, invariant=1,
                            title=f"{spec.doc_type} {spec.number}", author=spec.issuer_display,
                            creator="sohoa bench.corpus")
    doc.build(_story(spec, marks), onFirstPage=lambda c, d: None, onLaterPages=_page_number)
    return buf.getvalue(), marks


def render_pdf(spec: DecisionSpec, path: str | Path) -> Path:
    """Write the born-digital PDF of `spec` to `path`."""
    path = Path(path)
    path.write_bytes(build_pdf(spec)[0])
    return path
