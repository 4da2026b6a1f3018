"""Attached lists: one person per table row ("Danh sách … kèm theo Quyết định số …").

Columns are recognised from their header labels (tables.toml), not their order, so a list with
"Bậc cũ / Hệ số cũ / Bậc mới / Hệ số mới" and one with a two-row header "Mức lương hiện hưởng /
Bậc" read the same. A table that runs across pages comes as several tables; one without a header
continues the previous table's columns. Cells come from DOCX and PDF tables (`Document.tables`)
or from OCR word boxes (`wordrows`), with their page, box and OCR confidence.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.fields import Found, Located, read_post
from extractors.locate import Where
from extractors.names import is_family_name, person_name
from extractors.nlp import analyse
from extractors.rules import rules
from extractors.text import fold, parse_date, parse_percent
from pipeline.model import Box

_HONORIFIC = re.compile(r"^\s*(ông|bà|Ông|Bà|ÔNG|BÀ)\s+")
_CODE = re.compile(r"\b(\d{2})[.,](\d{3})\b")
_INDEX = re.compile(r"^\s*\d{1,3}\s*[.)]?\s*$")


@dataclass(frozen=True)
class Cell:
    text: str
    page: int | None
    box: Box | None = None
    ocr: float = 1.0


Grid = list[list[Cell]]  # rows of cells, one table as printed on one page


def column_role(label: str) -> str | None:
    """The role a header label names ("Bậc cũ" → "old_step"), or None."""
    data = rules()
    folded = " ".join(fold(label).replace("\n", " ").split())
    bare = folded.strip(" .:")
    for role in data.roles:
        hit = (bare in role.keywords) if role.exact else any(k in folded for k in role.keywords)
        if hit:
            old = any(m in folded for m in data.old_markers)
            if old and role.key in ("step", "coefficient", "effective"):
                return f"old_{role.key}"
            return role.key
    return None


_KEY_ROLES = ("name", "collective")  # a person's name, or a unit's (collective awards, pledges)


def _is_header(row: list[Cell]) -> bool:
    return any(column_role(c.text) in _KEY_ROLES for c in row)


def _columns(header: list[list[Cell]], width: int) -> list[str | None]:
    labels = []
    for col in range(width):
        parts = []
        for row in header:
            if col < len(row) and row[col].text.strip() and row[col].text not in parts:
                parts.append(row[col].text)
        labels.append(" ".join(parts))
    return [column_role(label) for label in labels]


def opens_with_unit(text: str) -> bool:
    """ "Phòng Tổ chức cán bộ": a unit's head word as printed ("Trương" is a family name, "Trường"
    a school; "Tô" a family name, "Tổ" a team)."""
    stripped = text.strip(" |[]().,")
    return any(stripped.startswith(head + " ") for head in rules().unit_heads)


def looks_like_name(text: str) -> bool:
    """A cell that holds a person's name: a family name (after at most two stray OCR marks)
    followed by capitalised words, and not a unit ("Phòng Tư pháp")."""
    if opens_with_unit(text):
        return False
    name, _ = person_name(text)
    words = name.split()
    return len(words) >= 2 and is_family_name(words[0]) and sum(w[:1].isupper() for w in words) >= 2


def _is_data(row: list[Cell], roles: list[str | None]) -> bool:
    key = next((r for r in _KEY_ROLES if r in roles), None)
    if key is None:
        return False
    i = roles.index(key)
    if i >= len(row) or not any(ch.isalpha() for ch in row[i].text):
        return False
    if "index" in roles:
        j = roles.index("index")
        # OCR may misread the row number; a family name (a capital, for a unit) still marks a row.
        fallback = looks_like_name(row[i].text) if key == "name" else row[i].text.strip()[:1].isupper()
        return (j < len(row) and bool(_INDEX.match(row[j].text))) or fallback
    return True


def _header(grid: Grid) -> tuple[int, list[str | None]] | None:
    """(index of the first data row, column roles) when `grid` starts with a header."""
    top = next((i for i, row in enumerate(grid[:6]) if _is_header(row)), None)
    if top is None:
        return None
    width = max(len(r) for r in grid)
    first_roles = _columns([grid[top]], width)
    first_data = top + 1
    while first_data < len(grid) and not _is_data(grid[first_data], first_roles):
        first_data += 1
    return first_data, _columns(grid[top:first_data], width)


def rows_with_roles(grids: list[Grid]) -> list[tuple[list[Cell], list[str | None]]]:
    """Data rows of every person table, each with the roles of its columns."""
    out = []
    roles: list[str | None] | None = None
    for grid in grids:
        header = _header(grid)
        if header is not None:
            first_data, roles = header
            body = grid[first_data:]
        elif roles is not None and grid and len(grid[0]) == len(roles):
            body = grid  # a continuation on the next page: same columns, no header
        else:
            continue
        out.extend((row, roles) for row in body if _is_data(row, roles))
    return out


def _located(value, cell: Cell, confidence: float) -> Located:
    return Located(value, confidence, cell.text, Where(cell.page, box=cell.box, ocr=cell.ocr))


def _read_post(cell: Cell, prefix: str, found: Found) -> None:
    a = analyse(cell.text.replace("\n", " "))
    post, _ = read_post(a, 0, len(a.text), prefix)
    for key, value in post.items():
        found[key] = _located(value.value, cell, value.confidence)


def _code(text: str) -> str | None:
    """A ngạch code in a cell; OCR's look-alikes ("o1.oo3") are mapped, then only known codes pass
    unless the cell was read cleanly."""
    exact = _CODE.search(text)
    if exact:
        return f"{exact.group(1)}.{exact.group(2)}"
    digits = re.sub(r"\D", "", _numeric(text))
    if len(digits) != 5:
        return None
    code = f"{digits[:2]}.{digits[2:]}"
    return code if rules().ngach_by_code(code) else None


def _read_ngach(cell: Cell, found: Found) -> None:
    code = _code(cell.text)
    if code:
        found["salary.scale_code"] = _located(code, cell, 0.96 if _CODE.search(cell.text) else 0.85)
    name = re.sub(r"\(.*?\)", "", cell.text).strip()
    by_name = rules().ngach_by_name(name) if name else None
    if by_name and not code:
        found["salary.scale_code"] = _located(by_name.code, cell, 0.9)
    ngach = (rules().ngach_by_code(code) if code else None) or by_name
    if ngach:
        found["ngach.name"] = _located(ngach.name, cell, 0.93)


# OCR reads digits in ruled cells as look-alike letters and catches the rules as "|".
_DIGIT_LOOKALIKES = str.maketrans({"o": "0", "O": "0", "D": "0", "l": "1", "I": "1", "i": "1", "!": "1",
                                   "s": "5", "S": "5", "B": "8", "Z": "2", "z": "2", "g": "9", "q": "9"})
_JUNK = re.compile(r"[|\[\]{}()'\"`‘’“”_~*+]")


def _numeric(text: str) -> str:
    return _JUNK.sub("", text).strip().translate(_DIGIT_LOOKALIKES)


_LOOSE_DATE = (re.compile(r"(\d{1,2})\s*[/.\-⁄]\s*(\d{1,2})\s*[/.\-⁄]\s*(\d{4})"),
               re.compile(r"(?<!\d)(\d{2})(\d{2})\s*[/.\-⁄]?\s*(\d{4})(?!\d)"),  # "0109/2019", "01092019"
               re.compile(r"(?<!\d)(\d{2})\s*[/.\-⁄]\s*(\d{2})(\d{4})(?!\d)"))  # "08/054976"


def lenient_date(text: str) -> dt.date | None:
    """A table date, also when OCR turned 1973 into 4973, lost a slash or caught a rule as "|"."""
    exact = parse_date(text)
    if exact is not None and 1930 <= exact.year <= 2060:
        return exact
    numeric = _numeric(text)
    m = next((m for p in _LOOSE_DATE if (m := p.search(numeric))), None)
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    for candidate in (year, "1" + year[1:], "2" + year[1:]):
        try:
            value = dt.date(int(candidate), month, day)
        except ValueError:
            return None
        if 1930 <= value.year <= 2060:
            return value
    return None


def lenient_int(text: str) -> int | None:
    m = re.fullmatch(r"\s*(\d{1,2})\s*[.,]?\s*", _numeric(text))
    return int(m.group(1)) if m else None


def lenient_coefficient(text: str) -> float | None:
    """ "3,33", and OCR's "333", "3/33", "3.33" in a coefficient cell."""
    m = re.fullmatch(r"\s*(\d{1,2})\s*[,./]?\s*(\d{2})\s*", _numeric(text))
    if not m or (len(m.group(1)) == 2 and not re.search(r"[,./]", text)):
        return None
    return float(f"{m.group(1)}.{m.group(2)}")


def lenient_percent(text: str) -> float | None:
    return parse_percent(text) or (float(v) if (v := lenient_int(text)) is not None else None)


_SIMPLE = {
    "birth": ("person.birth_date", lenient_date, 0.98),
    "effective": ("effective_date", lenient_date, 0.99),
    "next_raise": ("next_raise_from", lenient_date, 0.95),
    "step": ("salary.step", lenient_int, 0.95),
    "coefficient": ("salary.coefficient", lenient_coefficient, 0.95),
    "old_step": ("previous_salary.step", lenient_int, 0.95),
    "old_coefficient": ("previous_salary.coefficient", lenient_coefficient, 0.95),
    "percent": ("allowance_percent", lenient_percent, 0.95),
}


def read_row(row: list[Cell], roles: list[str | None], event_type: str) -> Found:
    """One person's fields from one table row."""
    found: Found = {}
    post_prefix = "to" if event_type in rules().post_is_new_for else "from"
    for cell, role in zip(row, roles):
        text = cell.text.strip()
        if not role or not text:
            continue
        if role == "name":
            name, repaired = person_name(_HONORIFIC.sub("", text))
            found["person.name"] = _located(name, cell, 0.8 if repaired else 0.99)
        elif role in _SIMPLE:
            key, parse, confidence = _SIMPLE[role]
            value = parse(text)
            if value is not None:
                found[key] = _located(value, cell, confidence)
        elif role == "post":
            _read_post(cell, post_prefix, found)
        elif role == "to_post":
            _read_post(cell, "to", found)
        elif role == "ngach":
            _read_ngach(cell, found)
        elif role == "form":
            found["detail"] = _located(text, cell, 0.9)
    return found


def units_in_tables(grids: list[Grid]) -> list[Found]:
    """One unit per row of a list of units: its name (the "Tên tập thể" column, or the unit column
    of a scan whose header was not read) and the title or form of its row."""
    out = []
    for row, roles in rows_with_roles(grids):
        if "name" in roles:
            continue
        key = "collective" if "collective" in roles else "post"
        found: Found = {}
        for cell, role in zip(row, roles):
            text = " ".join(cell.text.split())
            if role == key and text:
                found["unit.name"] = _located(text.strip(" ,;."), cell, 0.97)
            elif role == "form" and text:
                found["detail"] = _located(text.strip(" “”\"'"), cell, 0.9)
        if "unit.name" in found:
            out.append(found)
    return out


def people_in_tables(grids: list[Grid], event_type: str) -> list[Found]:
    return [read_row(row, roles, event_type) for row, roles in rows_with_roles(grids)
            if any(r == "name" for r in roles)]
