"""`sohoa report semiannual`: the semi-annual report on electronic CBCCVC records (issue 9, R9.3).

`register(cli_group)` adds the command to the `report` group that `app.cli_records` registered
(call it after `cli_records.register`). The CLI acts as the Department of Home Affairs (the whole
province); `--unit` narrows the report to one unit's subtree, as a unit head would get it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli_records import records_session
from reports import ReportMeta, semiannual


@click.command("semiannual")
@click.option("--year", type=int, required=True, help="Năm báo cáo.")
@click.option("--half", type=click.IntRange(1, 2), required=True, help="1: 6 tháng đầu năm; 2: 6 tháng cuối năm.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Tệp kết quả: .docx (văn bản báo cáo) hoặc .xlsx (bảng số liệu).")
@click.option("--unit", default=None, help="Mã đơn vị (mặc định: toàn tỉnh).")
@click.option("--signer", default=None, help="Họ và tên người ký (mặc định: để trống chờ điền).")
def report_semiannual(year: int, half: int, out: Path, unit: str | None, signer: str | None) -> None:
    """Báo cáo 6 tháng về cập nhật, quản lý hồ sơ điện tử CBCCVC (DOCX hoặc XLSX)."""
    if out.suffix.lower() not in (".docx", ".xlsx"):
        click.echo("✗ --out phải là tệp .docx hoặc .xlsx.", err=True)
        sys.exit(2)
    with records_session() as (store, actor):
        meta = ReportMeta(year, half, store.config.clock().date())
        if signer:
            meta = ReportMeta(year, half, meta.date, signer_name=signer)
        figures = semiannual(store, actor, year, half, out, unit, meta)
        store.log_action(actor, "export_report", {"report": "semiannual", "format": out.suffix.lstrip(".").lower(),
                                                  "year": year, "half": half, "unit": unit, "via": "cli"})
    t = figures.total
    click.echo(f"Đã ghi {out}: {len(figures.units)} đơn vị, {t.files} hồ sơ, {t.decisions} quyết định.", err=True)


def register(cli_group: click.Group) -> None:
    """Add `semiannual` to the existing `report` group (registered by app.cli_records)."""
    group = cli_group.commands.get("report")
    if not isinstance(group, click.Group):
        raise RuntimeError("app.cli_records.register must run before app.cli_reports.register")
    group.add_command(report_semiannual)
