"""DOCX of a spec (python-docx), as a clerk would type it in Word.

A4, Decree 30 margins, Times New Roman. The header is a borderless two-column table (or, with
`header="tabs"`, paragraphs aligned by centred tab stops, as many offices still do); the
recipients and the signer sit side by side in a borderless table; the attached table is a real
ruled table after a page break; page numbers from page 2. Output is byte-stable for a spec.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bench.corpus import layout as lay
from bench.corpus.spec import DecisionSpec

FONT = "Times New Roman"
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
         "left": WD_ALIGN_PARAGRAPH.LEFT}
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _run(par, text: str, style: str = "r", size: float = 14, underline: bool = False) -> None:
    run = par.add_run(text)
    run.bold, run.italic = "b" in style, "i" in style
    run.underline = underline or None
    run.font.size = Pt(size)


def _fmt(par, align: str = "center", indent: bool = False, left_mm: float = 0,
         before: float = 0) -> None:
    pf = par.paragraph_format
    par.alignment = ALIGN[align]
    pf.first_line_indent = Mm(10) if indent else None
    pf.left_indent = Mm(left_mm) if left_mm else None
    pf.space_before, pf.space_after, pf.line_spacing = Pt(before), Pt(0), 1.1


def _line_style(ln: lay.Line) -> str:
    return ("b" if ln.bold else "") + ("i" if ln.italic else "") or "r"


def _lines(cell, lines, align: str = "center") -> None:
    for i, ln in enumerate(lines):
        par = cell.paragraphs[0] if i == 0 and not cell.paragraphs[0].text else cell.add_paragraph()
        _fmt(par, align)
        _run(par, ln.text, _line_style(ln), ln.size, underline=ln.rule and ln.text == lay.MOTTO_2)


def _widths(table, widths_mm) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, w in zip(table.columns, widths_mm, strict=True):  # the grid: what LibreOffice honours
        column.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _no_cell_margins(table) -> None:
    # Header and signer tables use the full column width, as the layout assumes.
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def _header_table(doc, h: lay.Header) -> None:
    table = doc.add_table(rows=2, cols=2)
    _widths(table, (74, 93))
    _no_cell_margins(table)
    for cell, lines in zip(table._cells, (h.left_top, h.right_top, h.left_bottom, h.right_bottom),
                           strict=True):
        _lines(cell, lines)


def _header_tabs(doc, h: lay.Header) -> None:
    """Left and right halves on one line each, centred on tab stops at 36 mm and 118 mm."""
    left = list(h.left_top) + list(h.left_bottom)
    right = list(h.right_top) + [lay.Line("")] * (len(h.left_top) - len(h.right_top)) + list(h.right_bottom)
    for i in range(max(len(left), len(right))):
        par = doc.add_paragraph()
        _fmt(par, "left", before=6 if i == len(h.left_top) else 0)
        stops = par.paragraph_format.tab_stops
        stops.add_tab_stop(Mm(36), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(Mm(118), WD_TAB_ALIGNMENT.CENTER)
        for ln in (left[i] if i < len(left) else None, right[i] if i < len(right) else None):
            _run(par, "\t")
            if ln is not None:
                _run(par, ln.text, _line_style(ln), ln.size,
                     underline=ln.rule and ln.text == lay.MOTTO_2)


def _para(doc, p: lay.Para) -> None:
    par = doc.add_paragraph()
    _fmt(par, p.align, p.indent, p.left_mm, p.space_before)
    for text, style in p.runs:
        _run(par, text, style, p.size)


def _sign(doc, s: lay.SignBlock) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _widths(table, (80, 85))
    _no_cell_margins(table)
    left, right = table.rows[0].cells
    _lines(left, s.recipients, "left")
    _lines(right, s.signer)
    for _ in range(int(s.gap_mm // 7)):
        right.add_paragraph()
    _lines(right, (s.name,))


def _table(doc, t: lay.TableBlock) -> None:
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    table.style = "Table Grid"
    total = sum(t.widths)
    _widths(table, [w / total * 165 for w in t.widths])
    for r, values in enumerate([t.columns] + list(t.rows)):
        for cell, value in zip(table.rows[r].cells, values, strict=True):
            par = cell.paragraphs[0]
            _fmt(par, "center" if r == 0 else "left")
            _run(par, value, "b" if r == 0 else "r", t.size)


def _page_numbers(section) -> None:
    # Decree 30: no number on page 1; from page 2, centred at the top.
    section.different_first_page_header_footer = True
    par = section.header.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    par._p.append(field)


def _setup(doc, spec: DecisionSpec) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_numbers(section)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    props = doc.core_properties
    props.author, props.title = spec.issuer_display, f"{spec.doc_type} {spec.number}"
    stamp = dt.datetime.combine(spec.issued_date, dt.time(8, 0))
    props.created = props.modified = stamp
    props.last_modified_by, props.revision = spec.signer_name, 1


def _stable_zip(data: bytes) -> bytes:
    """python-docx stamps zip entries with the current time; fix it so a seed gives equal bytes."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def render_docx(spec: DecisionSpec, path: str | Path, *, header: str = "table") -> Path:
    """Write the DOCX of `spec`; `header` is "table" (two-column table) or "tabs"."""
    doc = Document()
    _setup(doc, spec)
    for block in lay.layout(spec):
        if isinstance(block, lay.Header):
            (_header_tabs if header == "tabs" else _header_table)(doc, block)
        elif isinstance(block, lay.Para):
            _para(doc, block)
        elif isinstance(block, lay.SignBlock):
            _sign(doc, block)
        elif isinstance(block, lay.PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, lay.TableBlock):
            _table(doc, block)
    # Rules (lay.Rule) are drawn shapes in Word; a typed document has none to extract.
    buf = io.BytesIO()
    doc.save(buf)
    path = Path(path)
    path.write_bytes(_stable_zip(buf.getvalue()))
    return path
