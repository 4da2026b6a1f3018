"""Reading one person's fields from a stretch of operative text, using the cues of `nlp.analyse`.

A *segment* is the part of an article about one person (the whole article for a one-person
decision, one list item otherwise). Each value keeps the character span it came from, so the
caller can point at the page and words (evidence), and a rule confidence (how sure the rule is,
before OCR quality is taken into account).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from extractors.locate import Where
from extractors.names import person_name
from extractors.nlp import Analysis, Cue
from extractors.rules import rules
from extractors.text import clean_name, fold, parse_coefficient, parse_date, parse_int, parse_percent

# Labels that end a unit's name: the next clause of the sentence begins there.
_UNIT_STOPS = ("TO", "FROM", "EFFECTIVE", "SIGNING", "TRIGGER", "NGACH_CUE", "HONORIFIC", "BIRTH",
               "OLD", "NEW", "TERM", "NEXT_RAISE", "UNIT_STOP", "STEP", "COEF_CUE", "LIST_REF", "DATE")
_HARD_STOP = re.compile(r"[.;:(\n]")  # commas do not end a unit: "Phòng Công chức, viên chức, Sở Nội vụ"
_SEX = {"ong": "male", "ba": "female"}


@dataclass(frozen=True)
class Value:
    """One field's reading: the value, where it is in the analysed text, how sure the rule is."""

    value: Any
    start: int
    end: int
    confidence: float


Reading = dict[str, Value]  # field name ("person.name", "to.unit", …) → its reading


@dataclass(frozen=True)
class Located:
    """A value with the words it was read from and where those are on the pages."""

    value: Any
    confidence: float  # the rule's certainty, before OCR quality
    text: str
    where: Where


Found = dict[str, Located]  # one person's fields, located


def _in(cue: Cue, start: int, end: int) -> bool:
    return start <= cue.start < end


def read_person(a: Analysis, start: int, end: int, out: Reading) -> int | None:
    """Name (honorific removed) and sex; returns where the name ends."""
    person = a.first("PERSON", start, end)
    if person is None:
        return None
    name, repaired = person_name(person.text)
    out["person.name"] = Value(name, person.start, person.end, 0.85 if repaired else 0.99)
    honorific = next((c for c in a.of("HONORIFIC")
                      if c.end <= person.start and person.start - c.end <= 2), None)
    if honorific is not None and honorific.key in _SEX:
        out["person.sex"] = Value(_SEX[honorific.key], honorific.start, honorific.end, 0.97)
    return person.end


def _date_role(a: Analysis, date: Cue) -> str | None:
    """Which date this is, from the cue just before it ("sinh ngày", "kể từ ngày", "lần sau …")."""
    best: tuple[int, str] | None = None
    for cue in a.of("BIRTH", "EFFECTIVE", "NEXT_RAISE", "SIGNING"):
        if cue.start >= date.start or cue.end > date.end:
            continue
        gap = max(0, date.start - cue.end)
        window = 70 if cue.label == "NEXT_RAISE" else 4
        if gap > window or (cue.label == "NEXT_RAISE" and _date_between(a, cue.end, date.start)):
            continue
        role = {"BIRTH": "person.birth_date", "EFFECTIVE": "effective_date",
                "NEXT_RAISE": "next_raise_from", "SIGNING": "effective_date"}[cue.label]
        if cue.label == "NEXT_RAISE":
            return role  # "lần sau được tính kể từ ngày X": the raise cue rules over "kể từ ngày"
        if best is None or gap < best[0]:
            best = (gap, role)
    return best[1] if best else None


def _date_between(a: Analysis, start: int, end: int) -> bool:
    return any(start <= c.start and c.end <= end for c in a.of("DATE"))


def read_dates(a: Analysis, start: int, end: int, out: Reading) -> None:
    for cue in a.of("DATE", "YEAR"):
        if not _in(cue, start, end):
            continue
        role = _date_role(a, cue)
        if role is None or role in out:
            continue
        if cue.label == "YEAR":
            continue  # a birth year alone is not a date; the contract keeps dates exact
        value = parse_date(cue.text)
        if value is not None:
            out[role] = Value(value, cue.start, cue.end, 0.99)
    _next_raise_from_effective(a, start, end, out)


def _next_raise_from_effective(a: Analysis, start: int, end: int, out: Reading) -> None:
    """ "… lần sau được tính kể từ ngày được hưởng bậc lương mới": the next raise counts from the
    effective date, which may be read later (table rows), so only the cue is remembered here."""
    for cue in a.of("NEXT_RAISE"):
        if _in(cue, start, end) and "next_raise_from" not in out:
            tail = fold(a.text[cue.end:cue.end + 80])
            if re.search(r"ngay (duoc )?huong", tail) and not re.search(r"\d{1,2}/\d{1,2}/\d{4}", tail):
                out["next_raise_from"] = Value("effective_date", cue.start, cue.end, 0.9)


def _skip(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " ,:\t-–":
        pos += 1
    return pos


def _unit_end(a: Analysis, start: int, end: int) -> int:
    stop = end
    for cue in a.cues:
        if cue.label in _UNIT_STOPS and start < cue.start < stop:
            if cue.label == "TRIGGER" and cue.text[:1].isupper():
                continue  # part of the unit's name: "Ban Thi đua - Khen thưởng"
            stop = cue.start
            break
    hard = _HARD_STOP.search(a.text, start, stop)
    return hard.start() if hard else stop


def repaired(a: Analysis, start: int, end: int) -> str:
    """The text of [start, end) with each unit head word spelt as the data spells it: OCR confuses
    tone marks ("Ủy ban nhân dần"), and head words are few and distinct once folded."""
    out, pos = [], start
    for cue in a.of("UNIT_HEAD"):
        if start <= cue.start and cue.end <= end and cue.text != cue.key and cue.text[:1].isupper() \
                and fold(cue.text) == fold(cue.key):
            out += [a.text[pos:cue.start], cue.key]
            pos = cue.end
    return "".join(out + [a.text[pos:end]])


def read_post(a: Analysis, pos: int, end: int, prefix: str) -> tuple[Reading, int]:
    """A post phrase at `pos`: "Trưởng phòng Tổ chức cán bộ, Sở Y tế" → position and unit.

    The title's fused head word goes back onto the unit ("Phòng Tổ chức cán bộ, Sở Y tế") unless
    the unit already starts with it ("Chi cục trưởng Chi cục Văn thư - Lưu trữ")."""
    out: Reading = {}
    pos = _skip(a.text, pos, end)
    title = next((c for c in a.of("POSITION") if c.start == pos), None)
    unit_start = pos
    fused = ""
    if title is not None:
        position = rules().position(title.key)
        out[f"{prefix}.position"] = Value(title.key, title.start, title.end, 0.95)
        fused = position.fused if position else ""
        unit_start = _skip(a.text, title.end, end)
        if a.text.startswith("tại ", unit_start):  # "vào làm Chuyên viên tại Phòng …"
            unit_start += 4
    elif not any(c.start == pos and a.text[pos:pos + 1].isupper() for c in a.of("UNIT_HEAD")):
        return out, pos
    unit_end = _unit_end(a, unit_start, end)
    unit = repaired(a, unit_start, unit_end).strip(" ,")
    # After a fused title the rest may be just a locality: "Phó Chánh Thanh tra huyện Long Thành".
    if unit and (unit[:1].isupper() or fused):
        if fused and not fold(unit).startswith(fold(fused)):
            unit = f"{fused} {unit}"
        out[f"{prefix}.unit"] = Value(clean_name(unit), unit_start, unit_end, 0.93)
    return out, max(unit_end, title.end if title else pos)


def read_from_post(a: Analysis, start: int, end: int, after_person: int | None, out: Reading) -> None:
    """The current post: after a FROM cue ("thôi giữ chức vụ …"), or right after the name/birth date."""
    anchors = [c.end for c in a.of("FROM") if _in(c, start, end)]
    if after_person is not None:
        birth = out.get("person.birth_date")
        anchors.append(birth.end if birth and birth.start >= after_person else after_person)
    for anchor in anchors:
        found, _ = read_post(a, anchor, end, "from")
        if found:
            out.update({k: v for k, v in found.items() if k not in out})
            return


def read_to_post(a: Analysis, start: int, end: int, out: Reading) -> None:
    """The new post: after the last of a chain of TO cues ("đến nhận công tác và giữ chức vụ …")."""
    froms = [c for c in a.of("FROM") if _in(c, start, end)]
    tos = [c for c in a.of("TO") if _in(c, start, end)
           and not any(f.start <= c.start < f.end for f in froms)]
    i = 0
    while i < len(tos):
        j = i
        while j + 1 < len(tos) and tos[j + 1].start - tos[j].end <= 25 \
                and not re.search(r"[.;\n]", a.text[tos[j].end:tos[j + 1].start]):
            j += 1
        found, _ = read_post(a, tos[j].end, end, "to")
        if found:
            out.update({k: v for k, v in found.items() if k not in out})
            return
        i = j + 1


def _mode_at(a: Analysis, pos: int) -> str:
    """ "old" after "từ bậc"/"hiện hưởng", "new" after "lên bậc" — whichever cue came last."""
    mode = "new"
    for cue in a.of("OLD", "NEW"):
        if cue.start <= pos:
            mode = "old" if cue.label == "OLD" else "new"
    return mode


def read_salary(a: Analysis, start: int, end: int, out: Reading) -> None:
    code = a.first("CODE", start, end)
    if code is not None:
        out["salary.scale_code"] = Value(code.text, code.start, code.end, 0.97)
    else:
        for name in a.of("NGACH"):
            if _in(name, start, end) and any(0 <= name.start - c.end <= 3 for c in a.of("NGACH_CUE")):
                out["salary.scale_code"] = Value(name.key, name.start, name.end, 0.9)
                break
    for cue in a.of("STEP"):
        if _in(cue, start, end):
            key = "previous_salary.step" if _mode_at(a, cue.start) == "old" else "salary.step"
            if key not in out:
                out[key] = Value(parse_int(cue.text.split()[-1]), cue.start, cue.end, 0.95)
    cue_ends = [c.end for c in a.of("COEF_CUE")]
    for cue in a.of("COEF"):
        if _in(cue, start, end) and any(0 <= cue.start - e <= 3 for e in cue_ends):
            key = "previous_salary.coefficient" if _mode_at(a, cue.start) == "old" else "salary.coefficient"
            if key not in out:
                out[key] = Value(parse_coefficient(cue.text), cue.start, cue.end, 0.95)
    percent = a.first("PERCENT", start, end)
    if percent is not None:
        out["allowance_percent"] = Value(parse_percent(percent.text), percent.start, percent.end, 0.95)


def read_term(a: Analysis, start: int, end: int, out: Reading) -> None:
    for term in a.of("TERM"):
        if not _in(term, start, end):
            continue
        for cue in a.of("YEARS", "MONTHS"):
            if term.end <= cue.start <= term.end + 12:
                n = parse_int(cue.text)
                if n:
                    months = n * 12 if cue.label == "YEARS" else n
                    out["term_months"] = Value(months, term.start, cue.end, 0.93)
                    return


def read_detail(a: Analysis, start: int, end: int, out: Reading, event_type: str) -> None:
    label = {"discipline": "DISCIPLINE_FORM", "award": "AWARD_FORM"}.get(event_type)
    if label:
        cue = a.first(label, start, end)
        if cue is not None:
            out["detail"] = Value(cue.text.lower() if label == "DISCIPLINE_FORM" else cue.text,
                                  cue.start, cue.end, 0.93)


def read_segment(a: Analysis, start: int, end: int, event_type: str, bare: Value | None = None) -> Reading:
    """Every field of one person's segment [start, end) of the analysed text. `bare`: the name of a
    list item written without "ông/bà", found by the caller."""
    out: Reading = {}
    after_person = read_person(a, start, end, out)
    if after_person is None and bare is not None:
        out["person.name"] = bare
        after_person = bare.end
    read_dates(a, start, end, out)
    read_from_post(a, start, end, after_person, out)
    read_to_post(a, start, end, out)
    read_salary(a, start, end, out)
    read_term(a, start, end, out)
    read_detail(a, start, end, out, event_type)
    return out


def read_shared(a: Analysis, start: int, end: int, event_type: str) -> Reading:
    """Fields stated once for everyone in a list ("… đến nhận công tác kể từ ngày …:")."""
    out: Reading = {}
    read_dates(a, start, end, out)
    read_to_post(a, start, end, out)
    read_salary(a, start, end, out)
    read_term(a, start, end, out)
    read_detail(a, start, end, out, event_type)
    out.pop("person.birth_date", None)
    return out


def signing_date(a: Analysis, issued: dt.date | None) -> Value | None:
    """ "Quyết định này có hiệu lực kể từ ngày ký": the effective date is the issue date."""
    cue = next(iter(a.of("SIGNING")), None)
    if cue is None or issued is None:
        return None
    return Value(issued, cue.start, cue.end, 0.97)
