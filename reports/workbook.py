"""The semi-annual report's per-unit tables as an XLSX workbook (openpyxl): one sheet per table,
raw numbers (rates as fractions formatted as percentages) so a reader can sort and sum. The one
module that imports openpyxl.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipeline.model import nfc
from reports import text
from reports.figures import ReportFigures, UnitFigures

_PCT = "0.0%"


def _files(i, u: UnitFigures) -> list:
    return [i, u.unit, u.name, u.files, u.complete, u.complete_share, text.top_gaps(u, 3)]


def _updates(i, u: UnitFigures) -> list:
    return [i, u.unit, u.name, u.decisions, u.on_time, u.late, u.overdue, u.pending, u.on_time_rate, u.median_delay]


def _use(i, u: UnitFigures) -> list:
    return [i, u.unit, u.name, u.accounts, u.logins, u.received, u.changes, u.lookups]


def _ranks(_, u: UnitFigures) -> list:
    return [u.rank, u.unit, u.name, u.score, u.on_time_rate, u.complete_share, u.review_open, u.review_oldest]


_SHEETS = (  # title, headings (STT/Hạng, code, then the DOCX's columns), row builder, percent columns
    ("Hồ sơ", ("STT", "Mã đơn vị") + text.FILES_COLUMNS[1:], _files, {6}),
    ("Cập nhật", ("STT", "Mã đơn vị") + text.UPDATE_COLUMNS[1:], _updates, {9}),
    ("Sử dụng", ("STT", "Mã đơn vị") + text.USE_COLUMNS[1:], _use, set()),
    ("Xếp hạng", ("Hạng", "Mã đơn vị") + text.RANK_COLUMNS[1:], _ranks, {4, 5, 6}),
)


def write_xlsx(f: ReportFigures, path: Path, title: str) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, headings, build, percent in _SHEETS:
        ws = wb.create_sheet(name)
        ws.append([nfc(title)])
        ws.append([nfc(f"Kỳ báo cáo: {text.short_date(f.start)} – {text.short_date(f.end)}; "
                       f"số liệu đến {text.short_date(f.today)}; phạm vi: {f.root_name}")])
        ws.append([nfc(h) for h in headings])
        ws["A1"].font = Font(bold=True, size=13)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for i, u in enumerate(f.units, 1):
            ws.append([nfc(v) if isinstance(v, str) else v for v in build(i, u)])
        if name != "Xếp hạng":
            ws.append(["", f.root, "Tổng cộng", *build("", f.total)[3:]])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if cell.column in percent:
                    cell.number_format = _PCT
        ws.column_dimensions["C"].width = 48
        for col in range(4, len(headings) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 14
        ws.freeze_panes = "D4"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path
