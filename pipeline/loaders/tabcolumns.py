"""Two-column blocks typed with tabs in DOCX paragraphs, read left column first.

Without a layout table, Word users put the header on tab stops — "<tab>SỞ NỘI VỤ<tab>Độc lập - Tự do
- Hạnh phúc" (centre stops) or "SỞ NỘI VỤ<tab><tab>Độc lập …" — and the signer block likewise
("Nơi nhận:<tab><tab>KT. GIÁM ĐỐC"). Read paragraph by paragraph the two columns interleave; here a
run of such lines becomes its left parts, then its right parts, like the PDF and table readers.

Where a part stands is told by how many separators (a run of tabs, or three spaces or more) come
before it: in a line with two parts, the second part's count marks the right column; a line with a
single part counting as many is right-only ("<tab><tab>Nguyễn Văn A"), one counting fewer is
left-only. Only two places are reordered, never lists ("1.<tab>Ông …"): a run opening the
document (the header) and a run whose first left part starts with a signer-block marker
(`layout.toml`). Each part is short (`max_column_chars`); a longer line is body text and ends the
run. A plain line (no separator) ends a header run; inside a signer block it is a left-only
recipient line when the block goes on below it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.loaders.layout import layout_rules

_SEPARATOR = re.compile(r"\t+| {3,}")


@dataclass(frozen=True)
class _Line:
    segments: tuple[tuple[int, str], ...]  # (separators before it, text) for each non-empty part

    @property
    def plain(self) -> bool:
        return len(self.segments) == 1 and self.segments[0][0] == 0


def _parse(raw: str) -> _Line:
    segments: list[tuple[int, str]] = []
    index = position = 0
    for match in _SEPARATOR.finditer(raw):
        text = raw[position : match.start()].strip()
        if text:
            segments.append((index, text))
        index += 1
        position = match.end()
    tail = raw[position:].strip()
    if tail:
        segments.append((index, tail))
    return _Line(tuple(segments))


def reorder(lines: list[str], at_start: bool) -> list[str]:
    """The lines with every two-column run read as left parts, then right parts (tabs kept)."""
    rules = layout_rules()
    parsed = [_parse(line) for line in lines]
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = parsed[i]
        signer = len(line.segments) >= 2 and line.segments[0][1].startswith(
            tuple(rules["signer_block_markers"])
        )
        if not (_two_parts(line, rules) and (signer or (at_start and i == 0))):
            out.append(lines[i])
            i += 1
            continue
        lefts, rights, i = _read_run(parsed, i, signer, rules)
        out.extend(lefts + rights)
    return out


def _read_run(parsed: list[_Line], start: int, signer: bool, rules: dict) -> tuple[list[str], list[str], int]:
    lefts: list[str] = []
    rights: list[str] = []
    right_index = parsed[start].segments[1][0]
    j = start
    while j < len(parsed):
        line = parsed[j]
        if not line.segments or not _short(line, rules):
            break
        if _two_parts(line, rules):
            lefts.append(line.segments[0][1])
            rights.append(" ".join(text for _, text in line.segments[1:]))
            right_index = min(right_index, line.segments[1][0])
        elif not line.plain:
            index, text = line.segments[0]
            (rights if index >= right_index else lefts).append(text)
        elif signer and _more_columns(parsed, j, rules):
            lefts.append(line.segments[0][1])
        else:
            break
        j += 1
    return lefts, rights, j


def _two_parts(line: _Line, rules: dict) -> bool:
    return len(line.segments) >= 2 and _short(line, rules)


def _short(line: _Line, rules: dict) -> bool:
    return all(len(text) <= rules["max_column_chars"] for _, text in line.segments)


def _more_columns(parsed: list[_Line], j: int, rules: dict) -> bool:
    """Whether a line with a separator follows before any long line: the block goes on."""
    for line in parsed[j + 1 :]:
        if not _short(line, rules):
            return False
        if line.segments and not line.plain:
            return True
    return False
