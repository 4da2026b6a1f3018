"""People named inside the operative article: one person, or a list ("1. Ông …", "- Bà …").

A list article has an introduction stated once for everyone ("Điều động các công chức có tên sau
đây … kể từ ngày …:"), one item per person, and sometimes a closing sentence ("Thời gian xét nâng
bậc lương lần sau … được tính kể từ ngày được hưởng bậc lương mới"). Items are read on their own;
what an item does not say is taken from the introduction and the closing sentence.
"""
from __future__ import annotations

import re

from extractors.classify import Operative
from extractors.fields import Found, Located, Reading, Value, read_segment, read_shared
from extractors.locate import Anchor, Where
from extractors.nlp import Analysis
from extractors.names import person_name
from extractors.register_fields import read_extras
from extractors.text import fold

_ITEM = re.compile(r"(?m)^[ \t]*(?:\d{1,3}[.)]|[a-zđ][)]|[-–•+])[ \t]*")
_BARE_NAME = re.compile(r"((?:[^\W\d_]+[ \t]+){1,5}[^\W\d_]+)[ \t]*,")


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _bare_names(a: Analysis) -> list[Value]:
    """List items that name a person without "ông/bà": "2. Nguyễn Văn An, sinh ngày …"."""
    people = a.of("PERSON")
    found = []
    for item in _ITEM.finditer(a.text):
        line_end = _line_end(a.text, item.end())
        if any(item.end() <= p.start < line_end for p in people):
            continue
        match = _BARE_NAME.match(a.text, item.end(), line_end)
        if match and all(w.istitle() for w in match.group(1).split()):
            name, repaired = person_name(match.group(1))
            found.append(Value(name, match.start(1), match.end(1), 0.8 if repaired else 0.9))
    return found


def _segments(a: Analysis) -> tuple[list[tuple[int, int, Value | None]], list[tuple[int, int]]]:
    """(start, end, bare name) per person, and the shared stretches of a list article."""
    seen: dict[str, tuple[int, Value | None]] = {}
    for person in a.of("PERSON"):
        seen.setdefault(fold(person.text), (person.start, None))
    for bare in _bare_names(a):
        seen.setdefault(fold(bare.value), (bare.start, bare))
    if not seen:
        return [], []
    if len(seen) == 1:
        (_, bare), = seen.values()
        return [(0, len(a.text), bare)], []
    starts = sorted(seen.values(), key=lambda s: s[0])
    segments = []
    for i, (pos, bare) in enumerate(starts):
        line = _line_start(a.text, pos)
        begin = line if _ITEM.match(a.text, line) or a.text[line:pos].strip() == "" else pos
        if i + 1 < len(starts):
            nxt = starts[i + 1][0]
            end = _line_start(a.text, nxt) if _line_start(a.text, nxt) > begin else nxt
        else:
            end = _line_end(a.text, pos)
        segments.append((begin, end, bare))
    shared = [(0, segments[0][0]), (segments[-1][1], len(a.text))]
    return segments, shared


def locate(reading: Reading, a: Analysis, anchor: Anchor | None, page: int | None) -> Found:
    out: Found = {}
    for key, value in reading.items():
        where = anchor.where(value.start, value.end) if anchor else Where(page)
        out[key] = Located(value.value, value.confidence, a.text[value.start:value.end], where)
    return out


def people_in_article(op: Operative, anchor: Anchor | None, page: int | None) -> list[Found]:
    """One `Found` per person the operative article names (none: the people are in a table)."""
    a = op.analysis
    segments, shared_spans = _segments(a)
    shared: Reading = {}
    for start, end in shared_spans:
        found = read_shared(a, start, end, op.event_type)
        read_extras(a, start, end, op.event_type, found)
        for key, value in found.items():
            shared.setdefault(key, value)
    people = []
    for start, end, bare in segments:
        reading = read_segment(a, start, end, op.event_type, bare)
        read_extras(a, start, end, op.event_type, reading)
        for key, value in shared.items():
            reading.setdefault(key, value)
        if "person.name" in reading:
            people.append(locate(reading, a, anchor, page))
    return people


def shared_fields(op: Operative, anchor: Anchor | None, page: int | None) -> Found:
    """What the article states for everyone when the people are in an attached table."""
    a = op.analysis
    reading = read_shared(a, 0, len(a.text), op.event_type)
    read_extras(a, 0, len(a.text), op.event_type, reading)
    return locate(reading, a, anchor, page)
