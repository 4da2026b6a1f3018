"""The printed arrangement of a document (Decree 30/2020 Phụ lục I), shared by every renderer.

`layout(spec)` lists blocks — the two-column header, title and subject, grounds, articles or body,
the signer block beside the recipients, the attached table — with the case, size and style the
decree gives each part. The DOCX and PDF renderers only draw these blocks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bench.corpus.spec import DecisionSpec

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
TITLES = {"Quyết định": "QUYẾT ĐỊNH", "Thông báo": "THÔNG BÁO", "Kế hoạch": "KẾ HOẠCH"}


@dataclass(frozen=True)
class Line:
    """One centred line of the header or signer block."""

    text: str
    bold: bool = False
    italic: bool = False
    size: float = 13
    rule: bool = False  # a short rule under it (issuer name, motto)


@dataclass(frozen=True)
class Para:
    runs: tuple[tuple[str, str], ...]  # (text, "r" | "b" | "i" | "bi")
    size: float = 14
    align: str = "justify"  # "center" | "justify" | "left"
    indent: bool = True  # first-line indent
    left_mm: float = 0.0
    space_before: float = 6.0

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


@dataclass(frozen=True)
class Header:
    left_top: tuple[Line, ...]
    right_top: tuple[Line, ...]
    left_bottom: tuple[Line, ...]
    right_bottom: tuple[Line, ...]


@dataclass(frozen=True)
class Rule:
    width_mm: float = 30.0


@dataclass(frozen=True)
class SignBlock:
    recipients: tuple[Line, ...]
    signer: tuple[Line, ...]
    name: Line
    gap_mm: float = 26.0


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class TableBlock:
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]
    size: float = 11


Block = Header | Para | Rule | SignBlock | PageBreak | TableBlock


def runs_of(text: str, base: str = "r") -> tuple[tuple[str, str], ...]:
    """'**bold** rest' -> runs; a paragraph wrapped in single '*' is italic."""
    if re.fullmatch(r"\*[^*].*[^*]\*", text):
        return ((text[1:-1], "i"),)
    parts = text.split("**")
    return tuple((p, "b" if i % 2 else base) for i, p in enumerate(parts) if p)


def split_upper(name: str) -> tuple[str, ...]:
    """'ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI' prints on two lines, as on real headers."""
    for lead in ("ỦY BAN NHÂN DÂN ", "BỆNH VIỆN "):
        if name.startswith(lead) and len(name) > 24:
            return (lead.strip(), name[len(lead):])
    return (name,)


def header(spec: DecisionSpec) -> Header:
    left = [Line(spec.parent_body, size=12)] if spec.parent_body else []
    issuer_lines = split_upper(spec.issuer)
    left += [Line(t, bold=True, size=12.5, rule=i == len(issuer_lines) - 1)
             for i, t in enumerate(issuer_lines)]
    bottom = [Line(f"Số: {spec.number}", size=13)]
    if spec.doc_type == "Công văn":
        bottom.append(Line(spec.subject, size=12))
    right = (Line(MOTTO_1, bold=True, size=12.5), Line(MOTTO_2, bold=True, size=13.5, rule=True))
    return Header(tuple(left), right, tuple(bottom), (Line(spec.place_date, italic=True, size=13.5),))


def _center(text: str, style: str = "b", size: float = 14, space: float = 6) -> Para:
    return Para(((text, style),), size=size, align="center", indent=False, space_before=space)


def _article(text: str) -> list[Para]:
    first, *rest = text.split("\n")
    m = re.match(r"^(Điều \d+\.)(.*)$", first)
    runs = ((m.group(1), "b"), (m.group(2), "r")) if m else runs_of(first)
    return [Para(runs)] + [Para(runs_of(r)) for r in rest]


def _body_para(text: str) -> Para:
    if re.match(r"^[IVX]+\. ", text):  # section headings of plans
        return Para(((text, "b"),))
    return Para(runs_of(text))


def _kinh_gui(spec: DecisionSpec) -> list[Para]:
    if len(spec.addressees) == 1:
        return [Para((("Kính gửi: ", "r"), (spec.addressees[0].rstrip(".;") + ".", "r")),
                     align="center", indent=False, space_before=12)]
    head = Para((("Kính gửi:", "r"),), align="left", indent=False, left_mm=25, space_before=12)
    return [head] + [Para(((f"- {a}", "r"),), align="left", indent=False, left_mm=45, space_before=0)
                     for a in spec.addressees]


def title_blocks(spec: DecisionSpec) -> list[Block]:
    if spec.doc_type == "Công văn":
        return _kinh_gui(spec)
    out: list[Block] = [_center(TITLES.get(spec.doc_type, spec.doc_type.upper()), space=14),
                        _center(spec.subject, space=0), Rule()]
    if spec.authority_line:
        out.append(_center(spec.authority_line, space=10))
    return out


def content_blocks(spec: DecisionSpec) -> list[Block]:
    out: list[Block] = [Para(((g, "i"),)) for g in spec.grounds]
    if spec.articles:
        # A People's Council resolution decides under "QUYẾT NGHỊ:" (registers corpus).
        out.append(_center("QUYẾT NGHỊ:" if spec.doc_type == "Nghị quyết" else "QUYẾT ĐỊNH:", space=10))
        for art in spec.articles:
            out += _article(art)
    out += [_body_para(b) for b in spec.body]
    return out


def sign_block(spec: DecisionSpec) -> SignBlock:
    recipients = (Line("Nơi nhận:", bold=True, italic=True, size=12),) + tuple(
        Line(f"- {r}", size=11) for r in spec.recipients)
    signer = tuple(Line(t, bold=True, size=13.5) for t in spec.signer_lines)
    return SignBlock(recipients, signer, Line(spec.signer_name, bold=True, size=14))


def attachment_blocks(spec: DecisionSpec) -> list[Block]:
    a = spec.attachment
    if a is None:
        return []
    size = 12 if len(a.columns) <= 4 else 10 if len(a.columns) <= 9 else 9
    return [PageBreak(), _center(a.title, size=13, space=0), _center(a.caption, "i", 13, 2),
            Rule(40), TableBlock(a.columns, a.widths, a.rows, size)]


def layout(spec: DecisionSpec) -> list[Block]:
    return ([header(spec)] + title_blocks(spec) + content_blocks(spec) + [sign_block(spec)]
            + attachment_blocks(spec))
