"""Tables of text PDFs from the one content pass (pipeline.loaders.pdftables) against pdfplumber's own.

The loader hands pdfplumber's table finder the ruling edges it already read and takes the cells'
text from the glyphs it already has, instead of letting pdfplumber resolve the page again. These
tests pin that shortcut to pdfplumber's own `page.edges` and `page.extract_tables()`, so that a
change in either library shows here.
"""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

import hostile
from pipeline.loaders.pdfcontent import read_content
from pipeline.loaders.pdftables import find_tables
from pipeline.model import nfc

SAMPLES = Path(__file__).resolve().parents[1] / "app" / "samples"


def _spanned_table_pdf(path: Path) -> Path:
    """A list with a header cell spanning two columns, an empty cell and a two-line cell."""
    hostile.register_fonts()
    rows = [["STT", "Họ và tên", "Lương", ""],
            ["", "", "Ngạch", "Bậc"],
            ["1", "Nguyễn Văn An", "01.003", "4"],
            ["2", "Trần Thị Bình\nPhó Trưởng phòng", "", "3"]]
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("SPAN", (2, 0), (3, 0)),
                               ("FONT", (0, 0), (-1, -1), hostile.SERIF)]))
    SimpleDocTemplate(str(path), pagesize=A4).build([table])
    return path


def _pdfplumber_tables(page) -> list[tuple[tuple[str, ...], ...]]:
    found = []
    for table in page.find_tables():
        rows = tuple(tuple(nfc(" ".join((cell or "").split())) for cell in row) for row in table.extract())
        if len(rows) >= 2 or (rows and len(rows[0]) >= 2):
            found.append(rows)
    return found


def _edge_key(edge: dict) -> tuple:
    return (edge["orientation"], *(round(float(edge[k]), 2) for k in ("x0", "x1", "top", "bottom")))


@pytest.fixture(params=["sample", "spanned"])
def table_pdf(request, tmp_path) -> Path:
    if request.param == "sample":
        return SAMPLES / "qd-nang-bac-luong-danh-sach.pdf"  # 33 people in a ruled list
    return _spanned_table_pdf(tmp_path / "spanned.pdf")


def test_rulings_are_pdfplumbers_edges(table_pdf):
    with pdfplumber.open(table_pdf) as pdf:
        for page in pdf.pages:
            ours = sorted(_edge_key(e) for e in read_content(page).rulings)
            theirs = sorted(_edge_key(e) for e in page.edges if e["orientation"] in ("h", "v"))
            assert ours == theirs


def test_tables_are_pdfplumbers_tables(table_pdf):
    with pdfplumber.open(table_pdf) as pdf:
        found = 0
        for number, page in enumerate(pdf.pages, start=1):
            content = read_content(page)
            ours = [t.rows for t in find_tables(page, number, content.chars, content.rulings)]
            assert ours == _pdfplumber_tables(page)
            found += len(ours)
    assert found >= 1


def test_each_cell_with_text_has_the_box_of_its_words(table_pdf):
    """A cell's box is where its text is printed: inside pdfplumber's cell, and around exactly the
    page words whose centre lies in that cell (the evidence box drawn for a value read from it)."""
    with pdfplumber.open(table_pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            content = read_content(page)
            ours = find_tables(page, number, content.chars, content.rulings)
            theirs = [t for t in page.find_tables() if len(t.rows) >= 2 or (t.rows and len(t.rows[0].cells) >= 2)]
            words = page.extract_words()
            for table, plumbers in zip(ours, theirs, strict=True):
                assert len(table.boxes) == len(table.rows)
                for r, (row, cells) in enumerate(zip(table.rows, plumbers.rows, strict=True)):
                    for c, (text, cell) in enumerate(zip(row, cells.cells, strict=True)):
                        box = table.box(r, c)
                        if not text:
                            assert box is None
                            continue
                        x0, top, x1, bottom = cell
                        assert x0 <= box.x0 < box.x1 <= x1 and top <= box.y0 < box.y1 <= bottom, (text, box, cell)
                        inside = [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 < x1
                                  and top <= (w["top"] + w["bottom"]) / 2 < bottom]
                        assert box.x0 == pytest.approx(min(w["x0"] for w in inside), abs=0.01)
                        assert box.x1 == pytest.approx(max(w["x1"] for w in inside), abs=0.01)
                        assert box.y0 == pytest.approx(min(w["top"] for w in inside), abs=0.01)
                        assert box.y1 == pytest.approx(max(w["bottom"] for w in inside), abs=0.01)
    assert table.box(99, 0) is None  # out of the table: no box


def test_a_page_without_rules_has_no_tables(tmp_path):
    with pdfplumber.open(hostile.decision_pdf(tmp_path / "plain.pdf")) as pdf:
        content = read_content(pdf.pages[0])
        assert find_tables(pdf.pages[0], 1, content.chars, content.rulings) == []
