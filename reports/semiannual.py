"""The semi-annual report on electronic CBCCVC records (R9.3: due before 15 June and 15 December):
figures for the half year, written as a Decree 30/2020 DOCX or an XLSX workbook.

`ReportMeta` carries what a clerk fills in: the issuer, the number (left blank for the
registry to fill: "…/BC-SNV"), place and date, the signer, the recipients; the proposals are
drafted from the figures, naming the units each is for, unless the clerk gives their own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from records import Actor, RecordsStore
from reports import docx_report, text, workbook
from reports.figures import ReportFigures, compute_figures, half_year

_RECIPIENTS = ("Bộ Nội vụ (để báo cáo)", "Thường trực Tỉnh ủy (để báo cáo)", "UBND tỉnh (để báo cáo)",
               "Các sở, ban, ngành tỉnh", "UBND các xã, phường")


@dataclass(frozen=True)
class ReportMeta:
    year: int
    half: int
    date: dt.date
    issuer_parent: str = "UBND TỈNH ĐỒNG NAI"
    issuer: str = "SỞ NỘI VỤ"
    issuer_title: str = "Sở Nội vụ"
    number: str = "      /BC-SNV"
    place: str = "Đồng Nai"
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = "[Họ và tên người ký]"
    recipients: tuple[str, ...] = _RECIPIENTS
    proposals: tuple[str, ...] | None = None  # None: drafted from the figures (text.proposals)
    scope_name: str | None = None  # set for a unit's own report: named in the subject

    @property
    def subject_tail(self) -> str:
        where = f" tại {self.scope_name}" if self.scope_name else ""
        return f"tình hình cập nhật, quản lý hồ sơ điện tử CBCCVC{where} {text.half_label(self.half)} {self.year}"

    @property
    def subject(self) -> str:
        tail = self.subject_tail
        return tail[0].upper() + tail[1:]


def write_docx(f: ReportFigures, path: Path, meta: ReportMeta) -> Path:
    return docx_report.write_docx(f, path, meta)


def write_xlsx(f: ReportFigures, path: Path, meta: ReportMeta) -> Path:
    return workbook.write_xlsx(f, path, f"Báo cáo {meta.subject_tail}")


def semiannual(store: RecordsStore, actor: Actor, year: int, half: int, out: Path,
               unit: str | None = None, meta: ReportMeta | None = None) -> ReportFigures:
    """Compute the half year's figures for `unit` (default: the actor's scope) and write `out`
    (.docx or .xlsx). Returns the figures written."""
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise ValueError(f"Định dạng báo cáo không hỗ trợ: {out.suffix or '(không có)'} (dùng .docx hoặc .xlsx).")
    start, end = half_year(year, half)
    figures = compute_figures(store, actor, start, end, unit)
    meta = meta or ReportMeta(year, half, store.config.clock().date())
    if not store.tree.is_root(figures.root) and meta.scope_name is None:
        meta = replace(meta, scope_name=figures.root_name)
    (write_docx if suffix == ".docx" else write_xlsx)(figures, out, meta)
    return figures
