"""The semi-annual report as a DOCX laid out per Decree 30/2020 (Phụ lục I): A4, Times New Roman,
issuer block and national motto side by side, number, place and date, title, subject, body with
tables and charts, then "Nơi nhận" and the signer block side by side. The one module that imports
python-docx for reports.
"""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pipeline.model import nfc
from reports import charts, text
from reports.figures import ReportFigures

_CENTER, _LEFT, _JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY


def _setup(doc) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.paragraph_format.space_after = Pt(0)


def _para(cell_or_doc, words: str, *, bold=False, italic=False, size=None, align=_CENTER,
          indent=False, after=0, underline=False):
    p = cell_or_doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    run = p.add_run(nfc(words))
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return p


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _two_columns(doc, widths=(Cm(6.2), Cm(10.3))):
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    row_pr = table.rows[0]._tr.get_or_add_trPr()  # the signer block never splits across pages
    row_pr.append(OxmlElement("w:cantSplit"))
    for cell in table.rows[0].cells:
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)  # no empty first line
    return table.rows[0].cells


def _header(doc, meta) -> None:
    left, right = _two_columns(doc)
    _para(left, meta.issuer_parent, size=13)
    _para(left, meta.issuer, bold=True, size=13, underline=True)
    _para(left, f"Số: {meta.number}", size=13)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True)
    _para(right, "")
    _para(right, f"{meta.place}, {text.vn_date(meta.date)}", italic=True, size=13)
    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, size=14)
    _para(doc, meta.subject, bold=True, size=14, after=12)


def _table(doc, columns, rows, widths) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, columns):
        _cell(cell, heading, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row)):
            _cell(cell, value, bold=row[0] == "" and i == 1, align=_LEFT if i == 1 else _CENTER)
    _widths(table, [Cm(w) for w in widths])
    _para(doc, "", after=6)


def _widths(table, widths) -> None:
    """Fixed column widths: LibreOffice reads the grid, Word the cells — set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _cell(cell, value: str, bold=False, align=_CENTER) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    run = p.add_run(nfc(value))
    run.bold, run.font.size = bold, Pt(10)


def _chart(doc, png: bytes, caption: str) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(15.5))
    doc.paragraphs[-1].alignment = _CENTER
    _para(doc, caption, italic=True, size=12, after=6)


def _body(doc, f: ReportFigures, meta) -> None:
    _para(doc, "I. TÌNH HÌNH CHUNG", bold=True, align=_JUSTIFY, indent=True, after=3)
    for sentence in text.summary_paragraphs(f):
        _para(doc, sentence, align=_JUSTIFY, indent=True, after=3)
    _para(doc, "II. KẾT QUẢ CỤ THỂ THEO ĐƠN VỊ", bold=True, align=_JUSTIFY, indent=True, after=3)
    _para(doc, "1. Hồ sơ điện tử và mức độ đầy đủ", bold=True, align=_JUSTIFY, indent=True, after=3)
    total = [""] + text.files_row(0, f.total)[1:]
    total[1] = "Tổng cộng"
    _table(doc, text.FILES_COLUMNS, [text.files_row(i + 1, u) for i, u in enumerate(f.units)] + [total],
           (1.2, 5.3, 1.8, 1.8, 1.9, 4.5))
    _para(doc, "2. Cập nhật quyết định vào hồ sơ", bold=True, align=_JUSTIFY, indent=True, after=3)
    total = [""] + text.update_row(0, f.total)[1:]
    total[1] = "Tổng cộng"
    _table(doc, text.UPDATE_COLUMNS, [text.update_row(i + 1, u) for i, u in enumerate(f.units)] + [total],
           (1.2, 4.3, 1.6, 1.4, 1.3, 1.7, 1.5, 1.6, 2))
    if f.units:
        _chart(doc, charts.timeliness_chart(f.units), "Biểu đồ 1. Tình hình cập nhật quyết định theo đơn vị")
    _para(doc, "3. Sử dụng hệ thống", bold=True, align=_JUSTIFY, indent=True, after=3)
    total = [""] + text.use_row(0, f.total)[1:]
    total[1] = "Tổng cộng"
    _table(doc, text.USE_COLUMNS, [text.use_row(i + 1, u) for i, u in enumerate(f.units)] + [total],
           (1.2, 5.3, 2.1, 1.9, 2.0, 1.9, 1.8))
    _para(doc, "III. XẾP HẠNG CÁC ĐƠN VỊ", bold=True, align=_JUSTIFY, indent=True, after=3)
    _para(doc, "Điểm xếp hạng là trung bình cộng của tỷ lệ cập nhật đúng hạn và tỷ lệ hồ sơ đầy đủ.",
          align=_JUSTIFY, indent=True, after=3)
    _table(doc, text.RANK_COLUMNS, [text.rank_row(u) for u in f.units], (1.4, 5.1, 1.7, 1.9, 1.9, 1.7, 2.2))
    if f.units:
        _chart(doc, charts.rates_chart(f.units), "Biểu đồ 2. Tỷ lệ cập nhật đúng hạn và tỷ lệ hồ sơ đầy đủ")
    _para(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True, align=_JUSTIFY, indent=True, after=3)
    for sentence in meta.proposals if meta.proposals is not None else text.proposals(f):
        _para(doc, sentence, align=_JUSTIFY, indent=True, after=3)
    closing = _para(doc, f"Trên đây là báo cáo của {meta.issuer_title} về {meta.subject_tail}./.",
                    align=_JUSTIFY, indent=True, after=12)
    closing.paragraph_format.keep_with_next = True  # never a signer block alone on a page


def _footer(doc, meta) -> None:
    left, right = _two_columns(doc, (Cm(8), Cm(8.5)))
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=_LEFT)
    for line in meta.recipients:
        _para(left, f"- {line};", size=11, align=_LEFT)
    _para(left, "- Lưu: VT.", size=11, align=_LEFT)
    _para(right, meta.signer_title, bold=True, size=13)
    for _ in range(4):
        _para(right, "")
    _para(right, meta.signer_name, bold=True, size=13)


def write_docx(f: ReportFigures, path: Path, meta) -> Path:
    doc = new_docx()
    _setup(doc)
    _header(doc, meta)
    _body(doc, f, meta)
    _footer(doc, meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
