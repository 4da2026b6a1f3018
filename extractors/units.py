"""Units named in register decisions: the unit a restructuring is about, the units merged into it or
split from it, its new name, parent, kind or rank, and the units that receive an award.

A unit's name opens with a capitalised head word ("Trung tâm", "Phòng", "Bệnh viện": UNIT_HEAD)
and runs to the first lower-case word that cannot be part of it ("trực thuộc", "thành", "kể từ":
UNIT_END), a date, or a hard stop. Commas and "và" do not end a name ("Trung tâm Phòng, chống
HIV/AIDS", "Sở Giáo dục và Đào tạo"); a list of units is cut where a comma or "và" is followed by
another head word. All words come from patterns.toml and positions.toml.
"""
from __future__ import annotations

import re
from functools import cached_property

from extractors.fields import Reading, Value, repaired
from extractors.nlp import Analysis, Cue
from extractors.rules import rules
from extractors.text import clean_name

_HARD_STOP = re.compile(r"[.;:(\n“”\"]")
_ENDS = ("UNIT_END", "EFFECTIVE", "SIGNING", "DATE", "COUNCIL_TERM", "RECIPIENT")
_LOWER_ONLY = ("UNIT_END", "RECIPIENT", "EFFECTIVE", "ORGANISER_END", "COURSE_END", "PLACE_END")
_LIST_CUT = re.compile(r"(?:,|\bvà)\s*$")
_ROMAN = ("I", "II", "III", "IV")


def is_lower(cue: Cue) -> bool:
    return cue.text[:1].islower()


class UnitReader:
    """Reads unit names out of one analysed text."""

    def __init__(self, a: Analysis):
        self.a = a

    @cached_property
    def heads(self) -> list[Cue]:
        """Capitalised head words: "Phòng" opens a unit, "dự phòng" does not."""
        return [c for c in self.a.of("UNIT_HEAD") if c.text[:1].isupper()]

    @cached_property
    def _kept(self) -> list[Cue]:
        return self.a.of("UNIT_KEEP")

    def stops(self, labels: tuple[str, ...] = _ENDS) -> list[int]:
        """Where names end: cues of `labels` (lower-case ones only where case matters)."""
        out = []
        for cue in self.a.cues:
            if cue.label not in labels or (cue.label in _LOWER_ONLY and not is_lower(cue)):
                continue
            if any(k.start <= cue.start < k.end for k in self._kept):
                continue
            out.append(cue.start)
        return sorted(out)

    def end_of(self, start: int, limit: int, labels: tuple[str, ...] = _ENDS) -> int:
        stop = next((s for s in self.stops(labels) if s > start), limit)
        hard = _HARD_STOP.search(self.a.text, start, min(stop, limit))
        return hard.start() if hard else min(stop, limit)

    def head_after(self, pos: int, limit: int, gap: int | None = None) -> Cue | None:
        """The first head word in [pos, limit); with `gap`, only one at most `gap` characters on."""
        for head in self.heads:
            if pos <= head.start < limit:
                if gap is not None and head.start - pos > gap:
                    return None
                return head
        return None

    def read(self, start: int, limit: int, labels: tuple[str, ...] = _ENDS,
             confidence: float = 0.97) -> Value | None:
        """The unit name that starts at `start`."""
        end = self.end_of(start, limit, labels)
        text = self.a.text[start:end].rstrip(" ,-–\t")
        if len(text.split()) < 2:
            return None
        return Value(clean_name(repaired(self.a, start, start + len(text))), start, start + len(text),
                     confidence)

    def read_after(self, pos: int, limit: int, gap: int | None = None,
                   labels: tuple[str, ...] = _ENDS) -> Value | None:
        head = self.head_after(pos, limit, gap)
        return self.read(head.start, limit, labels) if head else None

    def split(self, value: Value) -> list[Value]:
        """A list of units ("A, B và C") cut where a comma or "và" comes before a head word."""
        cuts = [value.start]
        for head in self.heads:
            if value.start < head.start < value.end and _LIST_CUT.search(self.a.text[cuts[-1]:head.start]):
                cuts.append(head.start)
        cuts.append(value.end)
        parts = []
        for a, b in zip(cuts, cuts[1:]):
            piece = re.sub(r"(?:,|\s+và)\s*$", "", self.a.text[a:b].rstrip())
            if piece.strip():
                parts.append(Value(clean_name(repaired(self.a, a, a + len(piece))), a, a + len(piece),
                                   value.confidence))
        return parts

    def parent_split(self, value: Value) -> tuple[Value, Value | None]:
        """ "Phòng Tổ chức cán bộ, Sở Y tế" → (name, parent); a name without ", <head>" is whole."""
        for head in self.heads:
            if value.start < head.start < value.end and re.search(r",\s*$", self.a.text[value.start:head.start]):
                name = self.a.text[value.start:head.start].rstrip(" ,")
                end = value.start + len(name)
                return (Value(clean_name(repaired(self.a, value.start, end)), value.start, end, value.confidence),
                        Value(clean_name(repaired(self.a, head.start, value.end)), head.start, value.end,
                              value.confidence))
        return value, None

    def first(self, label: str, start: int, end: int, lower: bool = True) -> Cue | None:
        """The first `label` cue in [start, end), lower-case and outside kept words ("thành phố")."""
        for c in self.a.of(label):
            if start <= c.start < end and (not lower or is_lower(c)) \
                    and not any(k.start <= c.start < k.end for k in self._kept):
                return c
        return None


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _parent(r: UnitReader, after: int, limit: int) -> Value | None:
    """The unit right after "trực thuộc"/"thuộc"; one naming no unit ("tổ chức hành chính thuộc
    sở", a kind) is passed over for the next."""
    cue = r.first("UNIT_PARENT", after, limit)
    while cue is not None:
        found = r.read_after(cue.end, limit, gap=3)
        if found is not None:
            return found
        cue = r.first("UNIT_PARENT", cue.end, limit)
    return None


def _kind(a: Analysis, start: int, end: int) -> Value | None:
    rank = a.first("UNIT_RANK", start, end)
    if rank is not None:
        words = rank.text.rstrip(".").split()
        tail = words[-1] if words[-1] in _ROMAN else "đặc biệt"
        return Value(f"hạng {tail}", rank.start, rank.start + len(rank.text.rstrip(".")), 0.93)
    kinds = [c for c in a.of("UNIT_KIND") if start <= c.start < end]
    if not kinds:
        return None
    best = max(kinds, key=lambda c: c.end - c.start)
    return Value(rules().phrase("UNIT_KIND", best.key), best.start, best.end, 0.93)


def _restructured(r: UnitReader, etype: str, after: int, limit: int, out: Reading) -> Value | None:
    """The unit and the units around it, by the shape of the sentence; returns the unit's reading."""
    basis = r.first("UNIT_BASIS", after, limit)
    into = r.first("UNIT_INTO", after, limit)
    if etype == "unit_merger" and basis is None and into is not None:
        merged = r.read_after(after, into.start + 1)
        name = r.read_after(into.end, limit, gap=3)
        if merged:
            out["unit.related"] = Value(tuple(v.value for v in r.split(merged)), merged.start,
                                        merged.end, merged.confidence)
        return name
    name = r.read_after(after, limit)
    if name is None:
        return None
    if etype == "unit_merger" and basis is not None:
        merged = r.read_after(basis.end, limit, gap=3)
        if merged:
            out["unit.related"] = Value(tuple(v.value for v in r.split(merged)), merged.start,
                                        merged.end, merged.confidence)
    elif etype in ("unit_split", "unit_rename") and into is not None and into.start >= name.end:
        other = r.read_after(into.end, limit)
        if other and etype == "unit_split":
            out["unit.related"] = Value(tuple(v.value for v in r.split(other)), other.start,
                                        other.end, other.confidence)
        elif other:
            out["unit.new_name"] = other
    return name


def read_organisation(a: Analysis, etype: str, after: int) -> Reading:
    """The fields of a restructuring whose verb ends at `after` in the article `a`."""
    r = UnitReader(a)
    limit = _paragraph_end(a.text, after)
    out: Reading = {}
    name = _restructured(r, etype, after, limit, out)
    if name is None:
        return out
    name, parent = r.parent_split(name) if etype != "unit_regulation" else (name, None)
    out["unit.name"] = name
    # "… là đơn vị sự nghiệp công lập trực thuộc Sở Y tế" may come in the next paragraph.
    parent = _parent(r, name.end, limit) or parent
    if parent is None and etype == "unit_founding":
        parent = _parent(r, limit, len(a.text))
    if parent is not None:
        out["unit.parent"] = parent
    kind = _kind(a, 0, len(a.text))  # "Xếp hạng II đối với …": the rank shares the verb's words
    if kind is not None:
        out["unit.kind"] = kind
    regulation = a.first("REGULATION", after, limit)
    if regulation is not None:
        out["detail"] = Value(rules().phrase("REGULATION", regulation.key), regulation.start,
                              regulation.end, 0.95)
    return out


def recipient_unit(a: Analysis, start: int, end: int) -> Reading:
    """The unit right after "cho", "đối với" or "của" in [start, end): an award's or a pledge's
    recipient; or a list item that is a unit ("1. Phòng Tổ chức cán bộ, Sở Y tế;")."""
    r = UnitReader(a)
    item = re.match(r"[ \t]*(?:\d{1,3}[.)]|[a-zđ][)]|[-–•+])[ \t]*", a.text[start:end])
    value = r.read_after(start + item.end(), end, gap=0) if item else None
    # "cho" and "đối với" name the recipient; "của" only when they do not ("đăng ký thi đua của
    # Phòng …"), since a form's grantor follows it too ("Cờ thi đua của Ủy ban nhân dân tỉnh").
    cues = sorted((c for c in a.of("RECIPIENT") if start <= c.start < end and is_lower(c)),
                  key=lambda c: (c.key.startswith("cua"), c.start))
    for cue in cues if value is None else ():
        value = r.read_after(cue.end, end, gap=3)
        if value is not None:
            break
    if value is None:
        return {}
    name, parent = r.parent_split(value)
    out: Reading = {"unit.name": name}
    if parent is not None:
        out["unit.parent"] = parent
    return out


def unit_items(a: Analysis) -> list[tuple[int, int]]:
    """The list items of an article that name a unit: (start, end) of each, up to the next item (a
    line ending in ":" or "," goes on on the next line: "2. Văn phòng …:\nđăng ký danh hiệu …")."""
    r = UnitReader(a)
    marks = list(re.finditer(r"(?m)^[ \t]*(?:\d{1,3}[.)]|[a-zđ][)]|[-–•+])[ \t]*", a.text))
    spans = []
    for i, m in enumerate(marks):
        if r.head_after(m.end(), m.end() + 1) is None:
            continue
        end = _paragraph_end(a.text, m.end())
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(a.text)
        while end < stop and a.text[:end].rstrip()[-1:] in (":", ","):
            end = _paragraph_end(a.text, end + 1)
        spans.append((m.start(), min(end, stop)))
    return spans
