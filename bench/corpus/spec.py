"""The ground truth of one synthetic document, and the Decree 30/2020 ways of writing its dates.

A `DecisionSpec` holds every formal part as printed (parent line, issuer, number, place/date,
title, subject, grounds, articles or body, signer block, recipients, attached table) plus the
personnel events it carries in the CONTRACT.md shape. `expected()` is what a correct reading of
the document must produce (the contract's "metadata" and "events"), whatever the file kind.

Conventions of the truth (decided here, relied on by the tests of other parts):
- `issuer_display` is the issuing body's own name in normal case, never the parent line; a
  provincial department gets the province appended ("Sở Y tế tỉnh Đồng Nai"), a People's Committee
  already names its locality ("Ủy ban nhân dân phường Trấn Biên").
- Units and positions are as written in the document: in running text the unit carries its parent
  ("Phòng Tổ chức cán bộ, Sở Y tế"); in an attached table it is the cell text ("Phòng Tổ chức cán bộ").
- `from`/`to` that the text does not state are nulls: a salary raise, award, discipline, retirement
  or resignation has only `from`; a transfer states no new position unless the person leads.
- `signer_title` is the title under the authority prefix: "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" gives
  "Phó Giám đốc"; "Q. GIÁM ĐỐC" gives "Quyền Giám đốc"; "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" gives "Chủ tịch".
- An effective date not printed ("có hiệu lực kể từ ngày ký") is the issue date.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any

DOC_TYPE_ABBR = {"Quyết định": "QĐ", "Thông báo": "TB", "Kế hoạch": "KH", "Công văn": ""}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _day(d: dt.date, padded: bool) -> str:
    # Decree 30: a day below 10 and the months 1 and 2 take a leading zero; months 3-12 never do.
    return f"{d.day:02d}" if padded else str(d.day)


def _month(d: dt.date, padded: bool) -> str:
    return f"{d.month:02d}" if padded and d.month <= 2 else str(d.month)


def date_words(d: dt.date, padded: bool = True) -> str:
    """'05 tháng 3 năm 2024' (callers put 'ngày' in front)."""
    return f"{_day(d, padded)} tháng {_month(d, padded)} năm {d.year}"


def date_numeric(d: dt.date) -> str:
    """'05/3/2024', '24/01/2019': the body style of real decisions."""
    return f"{_day(d, True)}/{_month(d, True)}/{d.year}"


def date_table(d: dt.date) -> str:
    """'05/03/2024': the fully padded style of attached tables."""
    return d.strftime("%d/%m/%Y")


def place_date_line(place: str, d: dt.date, padded: bool = True) -> str:
    return f"{place}, ngày {date_words(d, padded)}"


def format_number(seq: int, symbol: str) -> str:
    """'05/QĐ-SNV': numbers below 10 get a leading zero (Decree 30 Phụ lục I)."""
    return f"{seq:02d}/{symbol}"


def coef_text(value: float) -> str:
    """Vietnamese decimal comma: 3.33 -> '3,33'."""
    return f"{value:.2f}".replace(".", ",")


@dataclass(frozen=True)
class AttachedTable:
    """The list attached to a multi-person decision ("DANH SÁCH … (Kèm theo Quyết định số …)")."""

    title: str
    caption: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative column widths
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DecisionSpec:
    """Everything printed on one document, and what reading it must yield."""

    doc_id: str
    parent_body: str | None
    issuer: str  # as printed, upper case
    issuer_display: str  # the contract's metadata.issuer
    number: str
    doc_type: str
    issued_place: str
    issued_date: dt.date
    date_style: str  # body dates: "words" ("15 tháng 3 năm 2024") or "numeric" ("15/3/2024")
    subject: str
    authority_line: str | None  # "GIÁM ĐỐC SỞ Y TẾ": who decides, printed above the grounds
    grounds: tuple[str, ...]
    articles: tuple[str, ...]  # "Điều 1. …"; "\n" separates the paragraphs of one article
    body: tuple[str, ...]  # paragraphs of letters, notices, plans ("**…**" marks bold)
    addressees: tuple[str, ...]  # "Kính gửi" of a letter
    signer_authority: str | None  # "KT.", "TM.", "Q.", "TL.", "TUQ." or None
    signer_authority_line: str | None  # the last printed line with a prefix: "KT. GIÁM ĐỐC"
    signer_title: str
    signer_name: str
    signer_lines: tuple[str, ...]  # every upper-case line above the signature
    recipients: tuple[str, ...]
    events: tuple[dict, ...] = field(default=(), hash=False)
    attachment: AttachedTable | None = None
    topic: str = "personnel"  # personnel | general | bhxh | asset_declaration
    event_notes: tuple[dict, ...] = field(default=(), hash=False)  # old salary, term, percent …
    defects: tuple[str, ...] = ()  # deliberate Decree 30 deviations, e.g. "date-not-padded"

    @property
    def header_padded(self) -> bool:
        return "date-not-padded" not in self.defects

    @property
    def place_date(self) -> str:
        return place_date_line(self.issued_place, self.issued_date, self.header_padded)

    def expected(self) -> dict[str, Any]:
        """The contract-shaped truth: {"metadata": {...}, "events": [...]}."""
        return {
            "metadata": {
                "issuer": self.issuer_display,
                "number": self.number,
                "doc_type": self.doc_type,
                "issued_place": self.issued_place,
                "issued_date": self.issued_date.isoformat(),
                "subject": self.subject,
                "signer_name": self.signer_name,
                "signer_title": self.signer_title,
            },
            "events": [dict(e) for e in self.events],
        }

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["issued_date"] = self.issued_date.isoformat()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecisionSpec:
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            if f.name == "issued_date":
                value = dt.date.fromisoformat(value)
            elif f.name == "attachment" and value is not None:
                value = AttachedTable(
                    title=value["title"], caption=value["caption"],
                    columns=tuple(value["columns"]), widths=tuple(value["widths"]),
                    rows=tuple(tuple(r) for r in value["rows"]))
            elif isinstance(value, list):
                value = tuple(value)
            kwargs[f.name] = value
        return cls(**kwargs)
