"""The semi-annual report as a document (issue 9): the DOCX read back for its Decree 30/2020
parts and figures, rendered by LibreOffice (headless) to PDF and by pdftoppm to PNG — the image
kept under test-artifacts/ for a person to look at — and `sohoa report semiannual` end to end."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import click
import docx
import pytest
from click.testing import CliRunner

from app import cli_records, cli_reports
from flows.stores import open_records
from records import department_admin
from reports import ReportMeta, semiannual

from test_reports import ADMIN, SYT_HEAD, scenario  # noqa: F401  (the hand-computed half year)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_docx_has_the_decree_30_parts_and_the_figures(scenario, tmp_path):
    meta = ReportMeta(2026, 1, dt.date(2026, 6, 12), signer_name="Nguyễn Văn Giám")
    semiannual(scenario, ADMIN, 2026, 1, tmp_path / "bc.docx", meta=meta)
    d = docx.Document(str(tmp_path / "bc.docx"))
    header = [p.text for c in d.tables[0].rows[0].cells for p in c.paragraphs]
    assert header == ["UBND TỈNH ĐỒNG NAI", "SỞ NỘI VỤ", "Số:       /BC-SNV",
                      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
                      "Đồng Nai, ngày 12 tháng 6 năm 2026"]
    body = [p.text for p in d.paragraphs if p.text]
    assert body[:2] == ["BÁO CÁO", "Tình hình cập nhật, quản lý hồ sơ điện tử CBCCVC 6 tháng đầu năm 2026"]
    text = _all_text(d)
    assert "tiếp nhận 4 quyết định" in text and "tỷ lệ đúng hạn 50,0%" in text
    update = [[c.text for c in r.cells] for r in d.tables[2].rows]
    assert ["Sở Y tế", "3", "1", "1", "1", "0", "33,3%", "5,5"] in [r[1:] for r in update]
    assert update[-1][1:] == ["Tổng cộng", "4", "2", "1", "1", "0", "50,0%", "4"]
    use = [[c.text for c in r.cells] for r in d.tables[3].rows]
    assert use[0][2:] == ["Tài khoản đã đăng nhập", "Lượt đăng nhập", "Văn bản tiếp nhận", "Thay đổi hồ sơ",
                          "Lượt tra cứu"]
    assert use[-1][1] == "Tổng cộng" and use[-1][4] == "4"  # the four decisions of the period read in
    ranks = [[c.text for c in r.cells][:2] for r in d.tables[4].rows[1:]]
    assert ranks == [["1", "Sở Tài chính"], ["2", "Sở Y tế"], ["—", "Sở Nội vụ"]]
    # Section IV names the units each request is for (drafted from the figures).
    iv = body[body.index("IV. ĐỀ XUẤT, KIẾN NGHỊ") + 1:]
    assert iv[0].startswith("Đề nghị Sở Y tế (1) khẩn trương cập nhật")  # its overdue decision
    assert iv[1].startswith("Đề nghị Sở Y tế (1) giải quyết các mục")  # its review item
    assert iv[2].startswith("Đề nghị Sở Y tế rà soát") and "thấp hơn mức chung 50,0%" in iv[2]
    assert iv[3].startswith("Đề nghị Sở Tài chính, Sở Y tế sử dụng hệ thống")  # no login in the period
    assert not any("Sở Nội vụ" in p for p in iv[:4])  # no files, no decisions: nothing to ask of it
    signer = [p.text for c in d.tables[-1].rows[0].cells for p in c.paragraphs if p.text]
    assert signer[0] == "Nơi nhận:" and "- Lưu: VT." in signer
    assert signer[-2:] == ["GIÁM ĐỐC", "Nguyễn Văn Giám"]
    assert len(d.inline_shapes) == 2  # the two charts
    _render(tmp_path / "bc.docx", tmp_path, "semiannual-province")


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_unit_heads_docx_holds_only_their_subtree(scenario, tmp_path):
    semiannual(scenario, SYT_HEAD, 2026, 1, tmp_path / "syt.docx")
    text = _all_text(docx.Document(str(tmp_path / "syt.docx")))
    assert "CBCCVC tại Sở Y tế 6 tháng đầu năm 2026" in text
    assert "Phòng Tổ chức cán bộ, Sở Y tế" in text
    assert "Sở Tài chính" not in text and "Đỗ Văn Tài" not in text


def _render(docx_path: Path, work: Path, name: str) -> None:
    """DOCX → PDF (LibreOffice headless, a private profile so parallel runs do not clash) → PNG."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (libreoffice-writer-nogui) is needed to render the report"
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{work}/lo-profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(work), str(docx_path)],
                          capture_output=True, text=True, timeout=180)
    pdf = work / (docx_path.stem + ".pdf")
    assert pdf.exists(), done.stderr
    words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "BÁO CÁO" in words and "GIÁM ĐỐC" in words and "Nơi nhận:" in words
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(ARTIFACTS / name)], check=True, timeout=120)
    pages = sorted(ARTIFACTS.glob(f"{name}-*.png"))
    assert pages and pages[0].stat().st_size > 10_000


def _cli() -> click.Group:
    group = click.Group("sohoa")
    cli_records.register(group)
    cli_reports.register(group)
    return group


def test_the_command_writes_the_report_in_each_format(tmp_path, build):
    store = open_records(tmp_path)
    store.apply(build.decision("1/QĐ-SYT", dt.date(2026, 1, 15), [build.event(
        "recruitment", "Nguyễn Văn An", dt.date(2026, 1, 15), birth=dt.date(1990, 1, 2),
        to=("Phòng Tổ chức cán bộ, Sở Y tế", "Chuyên viên"))]), department_admin("test"))
    store.close()
    env = {"SOHOA_HOME": str(tmp_path)}
    run = CliRunner().invoke
    done = run(_cli(), ["report", "semiannual", "--year", "2026", "--half", "1", "--out", str(tmp_path / "a.docx"),
                        "--signer", "Trần Văn Ký"], env=env)
    assert done.exit_code == 0, done.output
    text = _all_text(docx.Document(str(tmp_path / "a.docx")))
    assert "Trần Văn Ký" in text and "Sở Y tế" in text and "6 tháng đầu năm 2026" in text
    done = run(_cli(), ["report", "semiannual", "--year", "2026", "--half", "1", "--out", str(tmp_path / "a.xlsx"),
                        "--unit", "DN.STC"], env=env)
    assert done.exit_code == 0, done.output
    import openpyxl
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["Hồ sơ"]
    assert "Sở Tài chính" in sheet["A2"].value and not any(
        "Y tế" in str(c) for r in sheet.iter_rows(min_row=4, values_only=True) for c in r)
    store = open_records(tmp_path)
    try:  # each export is in the audit log (R7.1)
        exports = [a["after"] for a in store.audit_trail(department_admin()) if a["action"] == "export_report"]
    finally:
        store.close()
    assert sorted((e["format"], e["unit"]) for e in exports) == [("docx", None), ("xlsx", "DN.STC")]
    done = run(_cli(), ["report", "semiannual", "--year", "2026", "--half", "3", "--out", str(tmp_path / "a.docx")], env=env)
    assert done.exit_code == 2
    done = run(_cli(), ["report", "semiannual", "--year", "2026", "--half", "1", "--out", str(tmp_path / "a.pdf")], env=env)
    assert done.exit_code == 2
    done = run(_cli(), ["report", "semiannual", "--year", "2026", "--half", "1", "--out", str(tmp_path / "b.xlsx"),
                        "--unit", "NOPE"], env=env)
    assert done.exit_code == 1 and "RECORDS-NOT-FOUND" in done.output
