"""Decree 30/2020 grammar of the number/symbol and of the written date.

Number and symbol: Arabic digits with a leading zero below 10, "/", then upper-case groups joined by
"-": the type abbreviation (Phụ lục III) and the issuer's abbreviation for typed documents, the
issuer's and the drafting unit's for a Công văn. Date: "ngày 05 tháng 02 năm 2024" — a real
calendar date, not after today, leading zero for days below 10 and for months 1 and 2 only.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.model import Document, Finding, Structure, nfc
from validators import catalogue, locate, rules


def _data() -> dict[str, Any]:
    return rules.load("decree30")


@dataclass(frozen=True)
class NumberParts:
    digits: str  # as written, e.g. "05"
    groups: tuple[str, ...]  # symbol groups, e.g. ("QĐ", "UBND")


def clean_number(number: str) -> str:
    """NFC, trimmed, with look-alike letters replaced (OCR reads Đ as the Icelandic Ð, U+00D0:
    the same glyph on paper, so not a fault of the document)."""
    text = nfc(number.strip())
    for wrong, right in _data()["number"]["look_alikes"].items():
        text = text.replace(wrong, right)
    return text


def parse_number(number: str) -> NumberParts | None:
    match = re.fullmatch(_data()["number"]["pattern"], clean_number(number))
    if match is None:
        return None
    return NumberParts(match.group("digits"), tuple(match.group("symbol").split("-")))


def _malformed_reason(number: str) -> str:
    if "/" not in number:
        return "thiếu dấu \"/\" giữa số và ký hiệu"
    digits, _, symbol = number.partition("/")
    if not digits.strip().isdigit():
        return "phần số phải là chữ số Ả Rập"
    if any(c.isspace() for c in number.strip()):
        return "không được có khoảng trắng"
    if not symbol:
        return "thiếu ký hiệu sau dấu \"/\""
    return "ký hiệu chỉ gồm chữ in hoa, chữ số và dấu \"-\" giữa các nhóm chữ viết tắt"


def fold(text: str) -> str:
    """Upper-case ASCII letters and digits only; Đ counts as D (OCR and typists mix them up)."""
    text = nfc(text).upper().replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "".join(c for c in stripped if c.isalnum())


@lru_cache(maxsize=1)
def _type_table() -> dict[str, str]:
    data = _data()
    table = {nfc(k).casefold(): nfc(v) for k, v in data["type_abbreviations"].items()}
    for alias, key in data["type_aliases"].items():
        table[nfc(alias).casefold()] = table[nfc(key).casefold()]
    return table


def expected_type_abbreviation(doc_type: str) -> str | None:
    """The Phụ lục III abbreviation of a document type; None for Công văn and unknown types."""
    return _type_table().get(" ".join(nfc(doc_type).split()).casefold())


def _is_untyped(doc_type: str) -> bool:
    return " ".join(nfc(doc_type).split()).casefold() == nfc(_data()["untyped"]).casefold()


def _type_mismatch(groups: tuple[str, ...], doc_type: str) -> str | None:
    """Why the type abbreviation does not fit the type, or None when it does (or can't be judged)."""
    first = groups[0]
    retired = _data()["retired_abbreviations"]
    if _is_untyped(doc_type):
        if first in set(_type_table().values()) | set(retired):
            return "công văn không có chữ viết tắt tên loại; ký hiệu là tên cơ quan - đơn vị soạn thảo"
        return None
    expected = expected_type_abbreviation(doc_type)
    if expected is None or first == expected:
        return None
    if first in retired:
        return f"chữ viết tắt \"{first}\" đã được thay bằng \"{retired[first]}\" từ năm 2020"
    return f"tên loại \"{doc_type}\" viết tắt là \"{expected}\""


def initials(name: str) -> str:
    """Folded first letters of the words of a name, skipping linking words ("và", "của")."""
    skip = {nfc(w).casefold() for w in _data()["issuer_abbreviation"]["skip_words"]}
    words = re.split(r"[\s,\-–()]+", nfc(name))
    return "".join(fold(w)[:1] for w in words if w and w.casefold() not in skip and fold(w))


def plausible_issuer_abbreviation(abbrev: str, issuer: str) -> bool:
    """The abbreviation's letters are initials of the issuer's words, in order (or a known one)."""
    known = {fold(k) for k in _data()["issuer_abbreviation"]["known"]}
    letters = "".join(c for c in fold(abbrev) if c.isalpha())
    if not letters or fold(abbrev) in known:
        return True
    pool = iter(initials(issuer))
    return all(letter in pool for letter in letters)  # subsequence test: `in` consumes the iterator


def check_number(document: Document, structure: Structure) -> list[Finding]:
    """NUMBER-MISSING, NUMBER-MALFORMED, NUMBER-LEADING-ZERO, TYPE-ABBREV-MISMATCH, ISSUER-ABBREV-ODD."""
    if not structure.number or not structure.number.strip():
        return [catalogue.make("NUMBER-MISSING", page=locate.first_page(document))]
    page, box = locate.find_phrase(document, nfc(structure.number.strip()), document.pages[:1])
    number = clean_number(structure.number)
    parts = parse_number(number)
    if parts is None:
        return [catalogue.make("NUMBER-MALFORMED", page=page, box=box, number=number,
                               reason=_malformed_reason(number))]
    value = int(parts.digits)
    if value == 0:
        return [catalogue.make("NUMBER-MALFORMED", page=page, box=box, number=number,
                               reason="số văn bản bắt đầu từ 01")]
    findings: list[Finding] = []
    expected = f"{value:02d}" if value < _data()["number"]["leading_zero_below"] else str(value)
    if parts.digits != expected:
        findings.append(catalogue.make("NUMBER-LEADING-ZERO", page=page, box=box, number=number,
                                       expected=expected + number[len(parts.digits):]))
    findings += _check_symbol(parts, number, structure, page, box)
    return findings


def _check_symbol(parts: NumberParts, number: str, structure: Structure, page, box) -> list[Finding]:
    doc_type = structure.doc_type
    if not doc_type:
        return []
    findings: list[Finding] = []
    reason = _type_mismatch(parts.groups, doc_type)
    if reason is not None:
        findings.append(catalogue.make("TYPE-ABBREV-MISMATCH", page=page, box=box,
                                       abbrev=parts.groups[0], doc_type=doc_type, expected=reason))
    typed = not _is_untyped(doc_type)
    if not typed and reason is not None:
        return findings  # the first group is a type abbreviation, not the issuer's: said already
    issuer_index = 1 if typed else 0
    if typed and len(parts.groups) < 2:
        findings.append(catalogue.make("NUMBER-MALFORMED", page=page, box=box, number=number,
                                       reason="thiếu chữ viết tắt tên cơ quan ban hành sau tên loại"))
    elif structure.issuer and not plausible_issuer_abbreviation(parts.groups[issuer_index],
                                                                structure.issuer):
        findings.append(catalogue.make("ISSUER-ABBREV-ODD", page=page, box=box,
                                       abbrev=parts.groups[issuer_index], issuer=structure.issuer))
    return findings


# ── Date ───────────────────────────────────────────────────────────────────────────────────────────

def _written_date(day: int, month: int, year: int) -> str:
    padded = _data()["date"]["padded_months"]
    day_text = f"{day:02d}" if day < 10 else str(day)
    month_text = f"{month:02d}" if month in padded else str(month)
    return f"ngày {day_text} tháng {month_text} năm {year}"


def _impossible(day: int, month: int, year: int) -> str | None:
    if year < _data()["date"]["earliest_year"]:
        return f"năm {year} quá sớm"
    if not 1 <= month <= 12:
        return f"không có tháng {month}"
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"tháng {month} năm {year} không có ngày {day}"
    return None


def check_date(document: Document, structure: Structure, today: dt.date) -> list[Finding]:
    """DATE-MISSING, DATE-INVALID, DATE-FUTURE, DATE-FORMAT, PLACE-MISSING."""
    findings: list[Finding] = []
    text = nfc(structure.date_text or "")
    page, box = locate.find_phrase(document, text, document.pages[:1]) if text else (None, None)
    if not structure.issued_place:
        findings.append(catalogue.make("PLACE-MISSING", page=page or locate.first_page(document), box=box))
    match = re.search(_data()["date"]["pattern"], text, flags=re.IGNORECASE)
    issued = structure.issued_date
    if match:
        day, month, year = (int(match.group(k)) for k in ("day", "month", "year"))
        reason = _impossible(day, month, year)
        if reason:
            return findings + [catalogue.make("DATE-INVALID", page=page, box=box,
                                              date_text=match.group(0), reason=reason)]
        issued = dt.date(year, month, day)
        expected = _written_date(day, month, year)
        if " ".join(match.group(0).split()).casefold() != expected.casefold():
            findings.append(catalogue.make("DATE-FORMAT", page=page, box=box,
                                           date_text=match.group(0), expected=expected))
    elif issued is not None and text:
        findings.append(catalogue.make("DATE-FORMAT", page=page, box=box, date_text=text,
                                       expected=_written_date(issued.day, issued.month, issued.year)))
    if issued is None:
        return findings + [catalogue.make("DATE-MISSING", page=page or locate.first_page(document))]
    if issued > today:
        findings.append(catalogue.make("DATE-FUTURE", page=page, box=box, date=issued, today=today))
    return findings
