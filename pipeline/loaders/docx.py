"""Read a DOCX into a one-page Document (DOCX has no pages), with its data tables.

The container is checked first (`zipguard.py`: zip bombs, path tricks, DTDs, macros); python-docx
(wrapped here) then opens the package and this module walks the body XML in document order:
paragraphs, tables (cells included — `doc.paragraphs` alone misses the header, signer and
recipients, which usually sit in borderless tables), content controls, text boxes, tracked
insertions, smart tags. The first section's header is read too when it holds a block of text
(some templates put the issuer block there).

Reading order: a layout table (every row two cells, at most four rows — the header or signer
block) is read column by column: left cell lines, then right cell lines, like the PDF loader reads
the two columns. A table of that shape is a short data list instead when its content says so — a
first row of column headings ("STT | Tên tập thể") or numbered rows ("1 | Phòng Nội vụ"), and no
national motto or "Nơi nhận" (`layout.toml`). Data tables are read one line per row and also
returned as `Document.tables`.
Paragraphs laid out with tabs ("SỞ NỘI VỤ<tab><tab>Độc lập - Tự do - Hạnh phúc") get the same
left-then-right treatment at the start of the document and in the signer block (`tabcolumns.py`).
"""
from __future__ import annotations

from pathlib import Path

import re
from functools import lru_cache

import docx
from docx.oxml.ns import qn

from pipeline.config import PipelineConfig
from pipeline.errors import CorruptFile, EmptyFile, SohoaError, UnsupportedType
from pipeline.loaders import tabcolumns
from pipeline.loaders.layout import layout_rules
from pipeline.loaders.zipguard import check_docx_container
from pipeline.model import Document, Page, SourceFile, Table, nfc
from pipeline.vietnamese import fold

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NB_HYPHEN = qn("w:noBreakHyphen")
_TXBX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:smartTag")}
_SKIPPED = {qn("w:del"), qn("w:moveFrom"), _FALLBACK, qn("w:pPr"), qn("w:rPr"), qn("w:tblPr")}
_INLINE = {_T: None, _TAB: "\t", _BR: "\n", _CR: "\n", _NB_HYPHEN: "-"}
_MAX_LAYOUT_ROWS = 4
_MAX_HEADING_CHARS = 40  # a column heading is a few words; the issuer block is longer
_ORDINAL = re.compile(r"^\d{1,3}$")  # "1", "02", "3." (keyed: no dot) in a list's first column
_NON_WORD = re.compile(r"[^a-z0-9]+")


def load_docx(path: Path, source: SourceFile, config: PipelineConfig) -> Document:
    """Read a DOCX; raise the InputError that says why when it cannot be read."""
    check_docx_container(Path(path), config.limits)
    document = _open(Path(path))
    walker = _Walker()
    lines = walker.header_lines(document) + walker.block_lines(document.element.body)
    text = nfc("\n".join(line for line in lines if line))
    if not text.strip():
        raise EmptyFile(
            "Tệp DOCX không có chữ nào (có thể chỉ chứa ảnh quét). Hãy gửi bản PDF hoặc ảnh quét."
        )
    page = Page(number=1, text=text, origin="docx", confidence=1.0)
    return Document(source=source, kind="docx", pages=(page,), tables=tuple(walker.tables))


def _open(path: Path):
    try:
        return docx.Document(str(path))
    except ValueError as exc:
        # python-docx refuses a package whose main part is not a document (template, macro file).
        raise UnsupportedType(f"Không phải văn bản Word (DOCX): {exc}") from exc
    except SohoaError:
        raise
    except Exception as exc:  # the library boundary: zip, OPC and lxml errors all mean damage
        raise CorruptFile() from exc


class _Walker:
    """Turns WordprocessingML into text lines in reading order, collecting data tables on the way."""

    def __init__(self) -> None:
        self.tables: list[Table] = []

    def header_lines(self, document) -> list[str]:
        """The first section's header, when it holds a block of text (two lines or more)."""
        if not document.sections:
            return []
        section = document.sections[0]
        header = section.first_page_header if section.different_first_page_header_footer else section.header
        if header.is_linked_to_previous:
            return []
        lines = [line for line in self.block_lines(header._element) if line]
        return lines if len(lines) >= 2 else []

    def block_lines(self, parent) -> list[str]:
        """Lines of the paragraphs and tables under `parent`, in document order."""
        paragraphs: list[list[str]] = []  # raw lines (tabs kept) of consecutive top paragraphs
        lines: list[str] = []
        first = True
        for element in _blocks(parent):
            if element.tag == _P:
                own, boxes = _paragraph(element)
                paragraphs.append(own)
                if boxes:
                    lines.extend(_flush(paragraphs, first))
                    first = False
                    for box in boxes:
                        lines.extend(self.block_lines(box))
                continue
            lines.extend(_flush(paragraphs, first))
            first = False
            lines.extend(self._table_lines(element))
        lines.extend(_flush(paragraphs, first))
        return lines

    def _table_lines(self, tbl) -> list[str]:
        rows = [list(tr.iterchildren(_TC)) for tr in _rows(tbl)]
        cell_lines = {id(tc): self.block_lines(tc) for row in rows for tc in row}
        if _is_layout(rows, cell_lines):
            return [line for col in (0, 1) for row in rows for line in cell_lines[id(row[col])]]
        self.tables.append(_data_table(rows, cell_lines))
        # One line per row, as a PDF reads a table; merged cells once, in their first row.
        row_lines = (
            " ".join(line for tc in row if not _continues_merge(tc) for line in cell_lines[id(tc)])
            for row in rows
        )
        return [line for line in row_lines if line.strip()]


def _is_layout(rows: list[list], cell_lines: dict[int, list[str]]) -> bool:
    """A header or signer block set in a table: two cells a row, at most four rows, and either the
    motto or "Nơi nhận" in a cell, or nothing of a data list (column headings, numbered rows)."""
    if not (0 < len(rows) <= _MAX_LAYOUT_ROWS and all(len(row) == 2 for row in rows)):
        return False
    cells = [[_key(" ".join(cell_lines[id(tc)])) for tc in row] for row in rows]
    markers = _layout_markers()
    if any(marker in cell for row in cells for cell in row for marker in markers):
        return True
    return not (_headings(cells[0]) or sum(bool(_ORDINAL.match(row[0])) for row in cells) >= 2)


def _headings(cells: list[str]) -> bool:
    """A row of column headings: every cell short and filled, one of them a known heading."""
    known = _heading_words()
    return all(0 < len(c) <= _MAX_HEADING_CHARS for c in cells) and \
        any(c == h or c.startswith(h + " ") for c in cells for h in known)


def _key(text: str) -> str:
    """Folded, lower case, punctuation as single spaces: "Số TT:" → "so tt"."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


@lru_cache(maxsize=1)
def _layout_markers() -> tuple[str, ...]:
    rules = layout_rules()
    return tuple(_key(m) for m in (*rules["header_block_markers"], *rules["signer_block_markers"]))


@lru_cache(maxsize=1)
def _heading_words() -> tuple[str, ...]:
    return tuple(_key(h) for h in layout_rules()["data_table_headings"])


def _blocks(parent):
    """w:p and w:tbl children in order, looking through content controls and similar wrappers."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _blocks(child)


def _rows(tbl):
    for child in tbl:
        if child.tag == _TR:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _rows(child)


def _paragraph(p) -> tuple[list[str], list]:
    """The paragraph's text split at line breaks (tabs kept), and its text boxes."""
    parts: list[str] = []
    boxes: list = []
    _collect(p, parts, boxes)
    return "".join(parts).split("\n"), boxes


def _collect(element, parts: list[str], boxes: list) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag == _TXBX:
            boxes.append(child)
        elif tag in _INLINE:
            parts.append(child.text or "" if tag == _T else _INLINE[tag])
        else:
            _collect(child, parts, boxes)


def _continues_merge(tc) -> bool:
    """A cell that continues a vertical merge from the row above (its text lives there)."""
    vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return vmerge is not None and vmerge.get(qn("w:val"), "continue") != "restart"


def _grid_span(tc) -> int:
    span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    try:
        return max(1, int(span.get(qn("w:val")))) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _data_table(rows: list[list], cell_lines: dict[int, list[str]]) -> Table:
    """Rows of cell strings; a vertically merged cell repeats its text in every row it spans."""
    above: dict[int, str] = {}
    out: list[tuple[str, ...]] = []
    for row in rows:
        column = 0
        cells: list[str] = []
        for tc in row:
            if _continues_merge(tc):
                text = above.get(column, "")
            else:
                text = nfc(" ".join(" ".join(cell_lines[id(tc)]).split()))
            above[column] = text
            cells.append(text)
            column += _grid_span(tc)
        out.append(tuple(cells))
    return Table(page=1, rows=tuple(out))


def _flush(paragraphs: list[list[str]], at_start: bool) -> list[str]:
    """Turn pending paragraph lines into clean lines, reordering tab-laid-out column runs."""
    raw = [line for para in paragraphs for line in para if line.strip()]
    paragraphs.clear()
    return [_clean(line) for line in tabcolumns.reorder(raw, at_start)]


def _clean(line: str) -> str:
    return nfc(" ".join(line.split()))
