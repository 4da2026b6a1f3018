"""The fields the register families add to a reading (docs/registers.md): a council post and its
term, a commune official's staff group, an award's form and year, a class and its dates.

Each reader takes the analysed text and the stretch [start, end) to read, like `fields.read_*`,
and fills a `Reading`; `read_extras` runs those that the event type's family calls for.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.fields import Reading, Value, read_post
from extractors.nlp import Analysis, Cue
from extractors.rules import rules
from extractors.text import clean_name, fold, parse_date
from extractors.units import UnitReader, is_lower
from pipeline.families import family_of

_AWARD_TYPES = ("award", "collective_award", "emulation_registration")
_QUOTED = re.compile(r"danh\s+hi[eệ]u\s*[“\"‘']+([^”\"’'\n]{3,80})[”\"’']")
_COURSE_ENDS = ("COURSE_END", "EFFECTIVE", "DATE", "SIGNING", "RECIPIENT")
_ORGANISER_ENDS = ("UNIT_END", "EFFECTIVE", "DATE", "ORGANISER_END", "RECIPIENT")
_PLACE_ENDS = ("PLACE_END", "EFFECTIVE", "DATE", "SIGNING")


def _data() -> dict:
    return rules().registers


def family(etype: str) -> str | None:
    """The register family of a type; None for types outside every register."""
    try:
        return family_of(etype)
    except KeyError:
        return None


def _in(cue: Cue, start: int, end: int) -> bool:
    return start <= cue.start < end


# ── Local government ───────────────────────────────────────────────────────────────────────────────

def council_side(etype: str) -> str | None:
    return _data()["council"]["side"].get(etype)


def read_council_post(a: Analysis, start: int, end: int, side: str, out: Reading) -> bool:
    """A post in a People's Council or Committee ("Phó Chủ tịch Ủy ban nhân dân xã Bình An",
    "đại biểu Hội đồng nhân dân tỉnh") into `side`.position/unit; True when one was read."""
    council = _data()["council"]
    bodies = [h for h in a.of("UNIT_HEAD") if h.key in council["bodies"]]
    for position in a.of("POSITION"):
        if not _in(position, start, end) or position.key not in council["positions"]:
            continue
        if any(0 <= body.start - position.end <= 2 for body in bodies):
            post, _ = read_post(a, position.start, end, side)
            if f"{side}.unit" in post:
                out.update(post)
                return True
    return False


def read_term(a: Analysis, start: int, end: int, out: Reading) -> None:
    """ "nhiệm kỳ 2021 - 2026" as the event's detail."""
    cue = a.first("COUNCIL_TERM", start, end)
    if cue is not None:
        years = re.findall(r"\d{4}", cue.text)
        if len(years) == 2:
            out["detail"] = Value(f"nhiệm kỳ {years[0]} - {years[1]}", cue.start, cue.end, 0.95)


@lru_cache(maxsize=1)
def _staff_groups() -> dict[str, str]:
    return {fold(phrase): group for phrase, group in _data()["staff_groups"].items()}


def read_staff_group(a: Analysis, start: int, end: int, out: Reading) -> None:
    cue = a.first("STAFF_GROUP", start, end)
    if cue is not None and cue.key in _staff_groups():
        out["staff_group"] = Value(_staff_groups()[cue.key], cue.start, cue.end, 0.93)


# ── Awards and emulation ───────────────────────────────────────────────────────────────────────────

def _authority(a: Analysis, after: int, end: int) -> str | None:
    """ "… của Chủ tịch Ủy ban nhân dân tỉnh cho …": who grants a form of award."""
    m = re.match(r"\s+(c[uủ]a)\s+", a.text[after:end])
    if not m:
        return None
    start = after + m.end()
    stop = UnitReader(a).end_of(start, end)
    text = a.text[start:stop].rstrip(" ,")
    return clean_name(text) if text else None


def read_award(a: Analysis, start: int, end: int, out: Reading) -> None:
    """The form or title ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Chiến sĩ thi đua cơ sở")
    and the year of the achievement or the pledge ("năm 2023")."""
    title = a.first("AWARD_TITLE", start, end)
    form = a.first("AWARD_FORM", start, end)
    if title is not None and (form is None or title.start <= form.start):
        out["detail"] = Value(rules().phrase("AWARD_TITLE", title.key), title.start, title.end, 0.95)
    elif form is not None:
        name = rules().phrase("AWARD_FORM", form.key)
        authority = _authority(a, form.end, end)
        value = f"{name[:1].upper()}{name[1:]}" + (f" của {authority}" if authority else "")
        out["detail"] = Value(value, form.start, form.end, 0.93 if authority else 0.9)
    else:
        quoted = _QUOTED.search(a.text, start, end)
        if quoted:
            out["detail"] = Value(clean_name(quoted.group(1)), quoted.start(1), quoted.end(1), 0.85)
    births = [c.end for c in a.of("BIRTH")]
    for cue in a.of("YEAR"):
        if _in(cue, start, end) and not any(0 <= cue.start - b <= 2 for b in births):
            year = re.search(r"\d{4}", cue.text)
            out["year"] = Value(int(year.group()), cue.start, cue.end, 0.95)
            return


# ── Training ───────────────────────────────────────────────────────────────────────────────────────

def _date_range(a: Analysis, start: int, end: int) -> tuple[Cue, Cue | None] | None:
    """ "từ ngày D1 đến ngày D2": the first date after a "từ ngày" and the one after "đến ngày"."""
    dates = [c for c in a.of("DATE") if _in(c, start, end)]
    froms = [c for c in a.of("EFFECTIVE") if c.key.endswith("tu ngay") and _in(c, start, end)]
    tos = a.of("RANGE_END")
    for first in dates:
        if not any(f.start <= first.start <= f.end + 4 for f in froms):
            continue
        last = next((d for d in dates if d.start > first.end and any(
            first.end <= t.start <= first.end + 4 and t.start <= d.start <= t.end + 4 for t in tos)), None)
        return first, last
    return None


def _organiser(a: Analysis, start: int, end: int) -> Value | None:
    r = UnitReader(a)
    for cue in a.of("ORGANISER"):
        if _in(cue, start, end) and (is_lower(cue) or cue.key == "giao"):
            skip = re.match(r"[\s:]*", a.text[cue.end:end]).end()
            value = r.read_after(cue.end + skip, end, gap=0, labels=_ORGANISER_ENDS)
            if value is not None:
                return value
    return None


def _place(a: Analysis, start: int, end: int) -> Value | None:
    r = UnitReader(a)
    for cue in a.of("PLACE"):
        if not _in(cue, start, end) or (cue.key == "tai" and not is_lower(cue)):
            continue
        begin = cue.end + re.match(r"[\s:]*", a.text[cue.end:end]).end()
        stop = r.end_of(begin, end, _PLACE_ENDS)
        text = a.text[begin:stop].rstrip(" ,.")
        if len(text.split()) >= 2:
            return Value(clean_name(text), begin, begin + len(text), 0.9)
    return None


def read_course(a: Analysis, start: int, end: int, out: Reading) -> None:
    """The class: its name after "lớp", organiser after "do"/"Giao", place, start and end dates."""
    r = UnitReader(a)
    cue = a.first("COURSE", start, end)
    if cue is not None:
        begin = cue.end + re.match(r"\s*", a.text[cue.end:end]).end()
        value = r.read(begin, end, _COURSE_ENDS, 0.93)
        if value is not None:
            out["course.name"] = value
    organiser = _organiser(a, start, end)
    if organiser is not None:
        out["course.organiser"] = organiser
    place = _place(a, start, end)
    if place is not None:
        out["course.place"] = place
    span = _date_range(a, start, end)
    if span is not None:
        first, last = span
        for key, cue in (("course.start_date", first), ("course.end_date", last)):
            day = parse_date(cue.text) if cue is not None else None
            if day is not None:
                out[key] = Value(day, cue.start, cue.end, 0.97)


def read_organiser(a: Analysis) -> Value | None:
    """The organiser named in another article ("Giao Trường Chính trị tỉnh … chủ trì …")."""
    return _organiser(a, 0, len(a.text))


# ── All together ───────────────────────────────────────────────────────────────────────────────────

def read_extras(a: Analysis, start: int, end: int, etype: str, out: Reading) -> None:
    """Every register field the family of `etype` calls for, read from [start, end) into `out`
    (a council post overrides the generic post reading: it is the post the event is about)."""
    fam = family(etype)
    side = council_side(etype)
    if side is not None:
        read_council_post(a, start, end, side, out)
    if fam == "local_government" or etype == "dismissal":
        read_term(a, start, end, out)
    if fam in _data()["staff_group_families"]:
        read_staff_group(a, start, end, out)
    if etype in _AWARD_TYPES:
        read_award(a, start, end, out)
    if fam == "training":
        read_course(a, start, end, out)
