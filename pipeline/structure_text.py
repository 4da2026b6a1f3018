"""Lines and compiled rules shared by the structure parser's modules (structure, structure_signer).

A `Line` is one printed line (or one cell of a printed row) with its diacritic-folded twin of the
same length, so a pattern matched on `fold` gives a span in `text`. `Rules` compiles
pipeline/data/structure_vi.toml once per process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline import vietnamese as vn
from pipeline.model import Document, nfc



@dataclass(frozen=True, slots=True)
class Line:
    text: str  # as printed, NFC, stripped
    fold: str  # vietnamese.fold_aligned(text): same length
    page: int
    conf: float  # the page's confidence

    def part(self, start: int = 0, end: int | None = None) -> Line | None:
        """The stripped slice [start:end] as a Line of its own; None when blank."""
        text = self.text[start:end]
        stripped = text.strip()
        if not stripped:
            return None
        s = start + len(text) - len(text.lstrip())
        return Line(stripped, self.fold[s:s + len(stripped)], self.page, self.conf)


@dataclass(frozen=True)
class Rules:
    cell_split: re.Pattern[str]
    rule_line: re.Pattern[str]
    page_number: re.Pattern[str]
    mottos: tuple[tuple[str, re.Pattern[str], str], ...]
    keywords: dict[str, str]  # proper spellings: number "Số", date "ngày", …
    gap_before: frozenset[str]
    gap_after: frozenset[str]
    number: re.Pattern[str]
    number_chars: re.Pattern[str]
    date_full: re.Pattern[str]
    date_full_inline: re.Pattern[str]
    date_numeric: re.Pattern[str]
    subject_vv: re.Pattern[str]
    subject_start: re.Pattern[str]
    kinh_gui: re.Pattern[str]
    body_opening: re.Pattern[str]
    ground: re.Pattern[str]
    operative: re.Pattern[str]
    article: re.Pattern[str]
    noi_nhan: re.Pattern[str]
    body_starts: tuple[re.Pattern[str], ...]
    authority: tuple[re.Pattern[str], ...]
    authority_prefix: dict[str, str]
    authority_inline: re.Pattern[str]
    signed_note: re.Pattern[str]
    attachment_head: re.Pattern[str]
    attachment_ref: re.Pattern[str]
    recipient_item: re.Pattern[str]
    recipient_plain: re.Pattern[str]
    doc_type: re.Pattern[str]
    doc_type_names: dict[str, str]  # folded name without spaces → proper name
    letter: str
    markings: frozenset[str]
    org_start: re.Pattern[str]
    connectors: frozenset[str]
    title_words: re.Pattern[str]  # on canonical lower-case text, diacritics kept
    surnames: frozenset[str]
    surname_spellings: dict[str, str]  # folded → the one spelling, where only one folds so
    name_prefixes: frozenset[str]
    digits: dict[int, str]
    digit_score: float


def _alternation(phrases: list[str]) -> str:
    keys = sorted({vn.fold(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s*".join(re.escape(w) for w in k.split()) for k in keys)


def _unique_by_fold(words: list[str]) -> dict[str, str]:
    spellings: dict[str, set[str]] = {}
    for word in words:
        spellings.setdefault(vn.fold(word), set()).add(vn.canonical(word))
    return {key: next(iter(found)) for key, found in spellings.items() if len(found) == 1}


@lru_cache(maxsize=1)
def compiled_rules() -> Rules:
    data = vn.rules()
    p = {k: v for k, v in data["patterns"].items()}
    c = {k: re.compile(v) for k, v in p.items() if isinstance(v, str)}
    types = data["doc_types"]
    org = data["org"]
    ocr = data["ocr"]
    kw = data["keywords"]
    return Rules(
        cell_split=c["cell_split"], rule_line=c["rule_line"], page_number=c["page_number"],
        mottos=(("motto_1", c["motto_1"], kw["motto_1"]), ("motto_2", c["motto_2"], kw["motto_2"])),
        keywords={k: v for k, v in kw.items() if isinstance(v, str)},
        gap_before=frozenset(vn.fold(w) for w in kw["blank_gap_before"]),
        gap_after=frozenset(vn.fold(w) for w in kw["blank_gap_after"]),
        number=c["number"], number_chars=c["number_chars"], date_full=c["date_full"],
        date_full_inline=c["date_full_inline"],
        date_numeric=c["date_numeric"], subject_vv=c["subject_vv"],
        subject_start=c["subject_start"], kinh_gui=c["kinh_gui"], ground=c["ground"],
        body_opening=c["body_opening"],
        operative=c["operative"], article=c["article"], noi_nhan=c["noi_nhan"],
        body_starts=(c["kinh_gui"], c["ground"], c["article"], c["operative"], c["noi_nhan"]),
        authority=tuple(re.compile(x) for x in p["authority"]),
        authority_prefix=dict(data["authority_prefix"]), authority_inline=c["authority_inline"],
        signed_note=c["signed_note"], attachment_head=c["attachment_head"],
        attachment_ref=c["attachment_ref"], recipient_item=c["recipient_item"],
        recipient_plain=c["recipient_plain"],
        doc_type=re.compile(rf"^(?P<t>{_alternation(types['names'])})(?![a-z])\s*(?P<colon>[:;])?"),
        doc_type_names={re.sub(r"\s+", "", vn.fold(n)): n for n in types["names"]},
        letter=types["letter"],
        markings=frozenset(vn.fold(m) for m in types["markings"]),
        org_start=re.compile(rf"^(?:{_alternation(org['starts'])})(?![a-z])"),
        connectors=frozenset(vn.fold(w) for w in org["connectors"]) | {"-", "–"},
        title_words=re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(vn.canonical(w)) for w in org["title_words"]) + r")(?!\w)"),
        surnames=frozenset(vn.fold(n) for n in data["names"]["surnames"]),
        surname_spellings=_unique_by_fold(data["names"]["surnames"]),
        name_prefixes=frozenset(vn.fold(n).rstrip(".") for n in data["names"]["prefixes"]),
        digits=str.maketrans(ocr["digit_confusions"]),
        digit_score=float(ocr["digit_confusion_score"]),
    )


def _cells(raw: str, r: Rules) -> list[str]:
    """Split a printed row into its cells at tabs or wide gaps — except the gaps left blank
    for the number and date of a document not yet numbered: "Số:      /QĐ-UBND",
    "ngày     tháng     năm 2024"."""
    cells, start = [], 0
    for m in r.cell_split.finditer(raw):
        before = vn.fold(raw[start:m.start()]).split()[-1:]
        after = vn.fold(raw[m.end():m.end() + 8]).split()[:1]
        blank = (before and before[0] in r.gap_before
                 or after and (after[0] in r.gap_after or after[0].startswith("/")))
        if blank and "\t" not in m.group():
            continue
        cells.append(raw[start:m.start()])
        start = m.end()
    cells.append(raw[start:])
    return cells


def lines_of(document: Document, r: Rules) -> list[Line]:
    """Every non-blank line (or tab-separated cell) of every page, minus page numbers atop pages 2+."""
    lines: list[Line] = []
    for index, page in enumerate(document.pages):
        first = True
        for raw in nfc(page.text).replace("\f", "\n").split("\n"):
            for cell in _cells(raw, r):
                text = cell.strip()
                if not text:
                    continue
                if first and index > 0 and r.page_number.match(text):
                    first = False
                    continue
                first = False
                lines.append(Line(text, vn.fold_aligned(text), page.number, page.confidence))
    return lines


def is_upper(text: str, min_letters: int = 2) -> bool:
    """Mostly upper-case letters: agency names, type names, titles."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= min_letters and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


_TOKEN = re.compile(r"[^\W_]+")


def _printed_word(token: str) -> bool:
    """An upper-case word or abbreviation as printed in an agency name or title — not OCR noise
    from a seal, a signature or the rule under a name ("nan .naana", "ẤS", "Zz›")."""
    if not token.isupper():
        return False
    return vn.is_syllable(token) or vn.fold(token).upper() == token.replace("Đ", "D")


_RULE_NOISE = re.compile(r"[._=~—–\-]{2,}")  # the rule drawn under a name, as OCR reads it
_BETWEEN_RULES = re.compile(r"(?:(?![._=~—–\-]{2,}).)+")
NOISE_PENALTY = 0.85  # confidence factor for a line OCR noise had to be cut from


def trim_noise(line: Line) -> Line | None:
    """`line` without the OCR noise before its first and after its last printed upper-case word,
    cut at a rule read as text ("SỞ Y TẾ .....Ặ.Ặ.")."""
    pieces = [p for p in (line.part(m.start(), m.end()) for m in _BETWEEN_RULES.finditer(line.text)) if p]
    line = max(pieces, key=lambda p: sum(map(_printed_word, _TOKEN.findall(p.text))), default=line)
    words = [m for m in _TOKEN.finditer(line.text) if _printed_word(m.group())]
    if not words:
        return None
    end = words[-1].end()
    if line.text[end:end + 1] in (".", ")"):
        end += 1  # "TP.", "(b/c)"
    return line.part(words[0].start(), end)


def was_trimmed(before: Line, after: Line) -> bool:
    return letters_only(before.text) != letters_only(after.text)


def letters_only(text: str) -> str:
    return " ".join("".join(c if c.isalpha() else " " for c in text).split())


def to_int(raw: str, r: Rules) -> tuple[int | None, bool]:
    """A number as printed, reading OCR's O/l/I as 0/1; (value, whether it needed that)."""
    fixed = raw.translate(r.digits)
    if not fixed.isdigit():
        return None, False
    return int(fixed), fixed == raw
