"""DOCX tables of two cells a row and at most four rows: the header and signer blocks set in such
tables are read column by column, while short data lists of the same shape ("STT | Tên tập thể"
with three units, numbered rows without headings) stay tables, read row by row."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest

import hostile
from pipeline.config import Paths, PipelineConfig
from pipeline.intake import identify
from pipeline.loaders import load


@pytest.fixture
def config(tmp_path):
    return PipelineConfig(paths=Paths(home=tmp_path / "home"))


def _table(document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=len(rows), cols=2)
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)


def _decision(path: Path, *lists: list[tuple[str, str]]) -> Path:
    """A decision with its header in a 2×2 table (issuer | motto, number | date), the lists after
    the articles, and the signer block in a 1×2 table."""
    document = docx.Document()
    _table(document, [("\n".join(hostile.HEADER_LEFT[:2]), "\n".join(hostile.HEADER_RIGHT)),
                      (hostile.HEADER_LEFT[2], "Đồng Nai, ngày 05 tháng 3 năm 2024")])
    document.add_paragraph("QUYẾT ĐỊNH")
    document.add_paragraph("Điều 1. Tặng Bằng khen cho các tập thể có tên sau đây:")
    for rows in lists:
        _table(document, rows)
    _table(document, [("\n".join(hostile.SIGNER_LEFT), "\n".join(hostile.SIGNER_RIGHT))])
    document.save(path)
    return path


def _read(path: Path, config: PipelineConfig):
    document = load(path, identify(path, config.limits), config)
    return document, [line for line in document.text.split("\n") if line]


UNITS = [("STT", "Tên tập thể"), ("1", "Phòng Tổ chức cán bộ, Sở Y tế"), ("2", "Văn phòng Sở Tài chính"),
         ("3", "Chi cục Văn thư - Lưu trữ")]


def test_a_short_list_with_column_headings_stays_a_table(tmp_path, config):
    document, lines = _read(_decision(tmp_path / "qd.docx", UNITS), config)
    assert [t.rows for t in document.tables] == [tuple(UNITS)]
    at = lines.index("STT Tên tập thể")
    assert lines[at:at + 4] == ["STT Tên tập thể", "1 Phòng Tổ chức cán bộ, Sở Y tế", "2 Văn phòng Sở Tài chính",
                                "3 Chi cục Văn thư - Lưu trữ"]


def test_numbered_rows_without_headings_stay_a_table(tmp_path, config):
    rows = [("1.", "Ông Nguyễn Văn An, Trưởng phòng Nội vụ"), ("2.", "Bà Trần Thị Bình, Chuyên viên")]
    document, lines = _read(_decision(tmp_path / "qd.docx", rows), config)
    assert [t.rows for t in document.tables] == [tuple(rows)]
    assert "1. Ông Nguyễn Văn An, Trưởng phòng Nội vụ" in lines


def test_header_and_signer_tables_are_still_read_column_by_column(tmp_path, config):
    document, lines = _read(_decision(tmp_path / "qd.docx", UNITS), config)
    header = [*hostile.HEADER_LEFT, *hostile.HEADER_RIGHT, "Đồng Nai, ngày 05 tháng 3 năm 2024"]
    assert lines[:len(header)] == header
    assert lines[-6:] == [*hostile.SIGNER_LEFT, *hostile.SIGNER_RIGHT]
    assert len(document.tables) == 1  # neither block is taken for data


def test_a_two_cell_block_without_motto_or_list_shape_is_still_layout(tmp_path, config):
    """Headers typed without the motto in the table (issuer | number and date) keep the old rule."""
    document = docx.Document()
    _table(document, [("SỞ NỘI VỤ", "Số: 12/QĐ-SNV"), ("Phòng Tổ chức", "Đồng Nai, ngày 05 tháng 3 năm 2024")])
    document.add_paragraph("QUYẾT ĐỊNH")
    document.save(tmp_path / "bare.docx")
    document, lines = _read(tmp_path / "bare.docx", config)
    assert document.tables == ()
    assert lines == ["SỞ NỘI VỤ", "Phòng Tổ chức", "Số: 12/QĐ-SNV", "Đồng Nai, ngày 05 tháng 3 năm 2024",
                     "QUYẾT ĐỊNH"]
