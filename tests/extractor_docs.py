"""Builders of hand-made read documents for the extractor tests (no files, no OCR).

`decision(articles, …)` gives the (Document, Structure) a loader and the structure parser would
give for a decision whose page text holds those articles; `word_table(…)` lays out an attached
list as OCR word boxes the way Tesseract returns them for a scan (cells centred vertically, a
two-line cell on two lines, the row number and rule marks sometimes misread).
"""
from __future__ import annotations

import datetime as dt

from pipeline.model import Article, Box, Document, Page, SourceFile, Structure, Table, Word

ISSUED = dt.date(2024, 3, 5)
SOURCE = SourceFile("mem://test", "0" * 64, "application/pdf", 1)


def decision(articles: list[str], *, doc_type: str = "Quyết định", subject: str = "",
             tables: tuple[Table, ...] = (), extra_pages: tuple[Page, ...] = (),
             issued: dt.date = ISSUED, origin: str = "text-layer") -> tuple[Document, Structure]:
    body = "\n".join(f"Điều {i}. {text}" for i, text in enumerate(articles, 1))
    text = f"{doc_type.upper()}\n{subject}\n{body}"
    page = Page(1, text, origin, 1.0 if origin != "ocr" else 0.93)
    document = Document(SOURCE, "text_pdf", (page,) + extra_pages, tables)
    structure = Structure(doc_type=doc_type, issued_date=issued, subject=subject or None,
                          articles=tuple(Article(i, t) for i, t in enumerate(articles, 1)))
    return document, structure


def _words(text: str, x: float, y: float, conf: float = 0.95) -> list[Word]:
    out = []
    for token in text.split():
        width = 18 * len(token)
        out.append(Word(token, Box(x, y, x + width, y + 30), conf))
        x += width + 14
    return out


def word_page(number: int, title: bool, header: list[str], rows: list[list[str]],
              columns: list[float]) -> Page:
    """A scanned page of a list: optional title and caption, a header row, rows 120 px apart.

    A cell text with "\\n" is printed on two lines around the row's middle, as in a ruled table
    whose cells are centred vertically."""
    words: list[Word] = []
    y = 200.0
    if title:
        words += _words("DANH SÁCH CÔNG CHỨC ĐƯỢC NÂNG BẬC LƯƠNG THƯỜNG XUYÊN", 400, y)
        words += _words("(Kèm theo Quyết định số 12/QĐ-SNV ngày 05 tháng 3 năm 2024)", 420, y + 60)
        y += 200
    else:
        words += _words("2", 1230, 80)  # the page number in the top margin
        y += 60
    for label, x in zip(header, columns):
        words += _words(label, x, y)
    y += 160
    for row in rows:
        for cell, x in zip(row, columns):
            lines = cell.split("\n")
            top = y - 22 * (len(lines) - 1)
            for i, line in enumerate(lines):
                words += _words(line, x, top + 46 * i)
        y += 120
    words.sort(key=lambda w: (w.box.x0 // 600, w.box.y0))  # Tesseract's block order, not rows
    text = "\n".join(w.text for w in words)
    return Page(number, text, "ocr", 0.93, width=2480, height=3508, dpi=300.0, words=tuple(words))
