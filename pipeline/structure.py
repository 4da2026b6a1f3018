"""Parse a document's text into its formal parts (Decree 30/2020 Art. 8): `parse(Document) -> Structure`.

Lines are *classified*, not read in a fixed order, because the two-column header and signer
block reach us in several orders: left column then right (text PDFs and DOCX from the loaders),
right before left, both cells of a row on one line (DOCX tabs, or Tesseract joining columns with a
single space), and OCR text that drops or swaps tone marks ("QUYET ĐINH", "Sô:", "ngày O5").
Every keyword is matched on the diacritic-folded line (`vietnamese.fold_aligned`: same length, so a
span found there indexes the printed text); how far the printed keyword is from its proper
spelling lowers that field's confidence. All patterns and word lists live in
pipeline/data/structure_vi.toml.

Field rules:
- parent_body: the agency line(s) above the issuer, as printed ("UBND TỈNH ĐỒNG NAI").
- issuer: the issuing body's own line(s), abbreviations expanded and properly cased
  ("SỞ NỘI VỤ" → "Sở Nội vụ"); when that name has no administrative unit (tỉnh, huyện …) and the
  parent has one, the parent's is appended: "Sở Nội vụ tỉnh Đồng Nai". A header line starting with
  an agency word (SỞ, UBND, PHÒNG …) begins a new name; other upper-case lines continue the one
  above, so "ỦY BAN NHÂN DÂN" / "TỈNH ĐỒNG NAI" is one issuer with no parent.
- number: after "Số:", spaces around "/" and "-" removed, otherwise as printed.
- issued_place / issued_date / date_text: from "<place>, ngày dd tháng mm năm yyyy" or a numeric
  date; date_text is that line as printed; an impossible date leaves issued_date None.
- doc_type: the type-name line ("QUYẾT ĐỊNH" → "Quyết định"); "Công văn" when there is none and
  the subject is a "V/v …" block (or, less surely, the letter has "Kính gửi").
- subject: the "V/v …" block under the number (Công văn) or the lines under the type name, one
  line, as printed. body: from there to the signer block, lines as printed.
- signer: the innermost authority line (KT./TM./Q./TL./TUQ.) and its prefix; the title is the
  upper-case line under it, properly cased ("PHÓ GIÁM ĐỐC" → "Phó Giám đốc"; for "Q. GIÁM ĐỐC"
  with no line under it, "Quyền Giám đốc"); the name is the name-shaped line after the title.
- recipients: the "Nơi nhận:" items, leading "- " and trailing ";" / "." removed.
- field_confidence: per field, page confidence × how well its keyword was spelled; 0.0 if absent.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pipeline import vietnamese as vn
from pipeline.model import Document, Structure
from pipeline.structure_body import find_articles, find_grounds
from pipeline.structure_signer import Signer, find_zone, parse_signer
from pipeline.structure_text import (
    NOISE_PENALTY, Line, Rules, compiled_rules, is_upper, letters_only, lines_of, to_int, trim_noise,
    was_trimmed,
)

HEADER_LINES = 40  # the header never runs further down page 1 than this
MAX_SUBJECT_LINES = 6
CONTINUATION_MAX_CHARS = 80


@dataclass
class _Date:
    text: str
    place: str | None
    date: dt.date | None
    quality: float
    line: Line


@dataclass
class _Header:
    orgs: list[Line] = field(default_factory=list)
    noisy_orgs: bool = False  # OCR noise was cut from an agency line
    number: tuple[str, float, Line] | None = None
    date: _Date | None = None
    motto: dict[str, float] = field(default_factory=dict)
    vv: list[Line] = field(default_factory=list)
    doc_type: tuple[str, float, Line] | None = None
    subject: list[Line] = field(default_factory=list)
    body_start: int = 0


def parse(document: Document) -> Structure:
    """The formal parts of `document` (see the module docstring for each field's rule)."""
    r = compiled_rules()
    lines = lines_of(document, r)
    head = _parse_header(lines, r)
    zone_start, main_end, attachments = find_zone(lines, head.body_start, r)
    body = lines[head.body_start:zone_start if zone_start is not None else main_end]
    signer = parse_signer(lines[zone_start:main_end], r) if zone_start is not None else Signer()
    grounds = find_grounds(body, r)
    articles, articles_q = find_articles(body, r)
    articles_q = articles_q if articles else 0.0
    doc_type, type_q = _doc_type(head, body, r)
    issuer, parent, org_q = _issuer(head.orgs, r)
    org_q *= NOISE_PENALTY if head.noisy_orgs else 1.0
    conf = _confidences(head, signer, issuer, parent, org_q, doc_type, type_q, body,
                        grounds, articles_q, attachments)
    return Structure(
        parent_body=parent, issuer=issuer,
        number=head.number[0] if head.number else None,
        doc_type=doc_type,
        issued_place=head.date.place if head.date else None,
        issued_date=head.date.date if head.date else None,
        date_text=head.date.text if head.date else None,
        subject=_one_line(head.subject or head.vv),
        has_national_motto=bool(head.motto),
        grounds=tuple(grounds), articles=tuple(articles),
        body="\n".join(line.text for line in body),
        signer_authority=signer.authority, signer_authority_line=signer.authority_line,
        signer_title=signer.title, signer_name=signer.name,
        recipients=tuple(signer.recipients), attachments=tuple(a for a, _ in attachments),
        field_confidence=conf,
    )


def _one_line(lines: list[Line]) -> str | None:
    text = " ".join(" ".join(line.text for line in lines).split())
    return text or None


# ---------------------------------------------------------------- header


LATE_HEADER_LINES = 6  # how far past "Kính gửi:" the right header column may still turn up


def _parse_header(lines: list[Line], r: Rules) -> _Header:
    head = _Header()
    limit = min(len(lines), HEADER_LINES)
    found = _find_type(lines, limit, r)
    if found is not None:
        idx, name, quality, rest = found
        head.doc_type = (name, quality, lines[idx])
        _scan_header(lines, idx, head, r, typed=True)
        head.subject, head.body_start = _typed_subject(lines, idx, rest, r)
    else:
        head.body_start = _scan_header(lines, limit, head, r, typed=False)
    return head


def _find_type(lines: list[Line], limit: int, r: Rules) -> tuple[int, str, float, Line | None] | None:
    """The type-name line ("QUYẾT ĐỊNH", not the operative "QUYẾT ĐỊNH:") before any body text."""
    for idx in range(limit):
        line = lines[idx]
        if line.page != lines[0].page or any(p.match(line.fold) for p in r.body_starts):
            return None
        m = r.doc_type.match(line.fold)
        if not m or m.group("colon"):
            continue
        rest = line.fold[m.end("t"):].strip()
        if rest and not r.subject_start.match(rest):
            continue
        name = r.doc_type_names[re.sub(r"\s+", "", m.group("t"))]
        quality = vn.match_quality(line.text[:m.end("t")], name)
        return idx, name, quality, (line.part(m.end("t")) if rest else None)
    return None


def _scan_header(lines: list[Line], limit: int, head: _Header, r: Rules, typed: bool) -> int:
    """Classify the header lines before `limit`; returns where the body starts (Công văn)."""
    vv_open = False
    for idx in range(limit):
        queue, fed_vv = [lines[idx]], False
        while queue:
            part = queue.pop(0)
            kind, parts = _header_part(part, head, r, vv_open or fed_vv, typed)
            if kind == "stop":
                _late_right_column(lines, idx, limit, head, r)
                return idx
            queue[:0] = parts
            if kind == "vv":
                fed_vv = True
            elif kind in ("org", "number"):
                vv_open = fed_vv = False
        vv_open = fed_vv
    return limit


def _late_right_column(lines: list[Line], start: int, limit: int, head: _Header, r: Rules) -> None:
    """Pick up the motto and place/date when they come after the body's first line.

    On scans Tesseract may read the whole left column ("… V/v …", "Kính gửi:") before the right
    one, so the national motto and the place/date line follow the point where the body starts.
    """
    for idx in range(start, min(limit, start + LATE_HEADER_LINES)):
        part = lines[idx]
        for key, pattern, expected in r.mottos:
            if key not in head.motto and pattern.search(part.fold):
                head.motto[key] = vn.match_quality(letters_only(part.text), expected) * part.conf
        if head.date is None:
            _date_part(part, head, r)


def _split(part: Line, start: int, end: int) -> list[Line]:
    pieces = [part.part(0, start), part.part(start, end), part.part(end)]
    return [p for p in pieces if p is not None]


def _header_part(part: Line, head: _Header, r: Rules, vv_open: bool, typed: bool
                 ) -> tuple[str, list[Line]]:
    f = part.fold
    if r.rule_line.match(part.text) or not any(c.isalnum() for c in f):
        return "skip", []
    for key, pattern, expected in r.mottos:
        m = pattern.search(f)
        if m and (m.start() > 0 or f[m.end():].strip(" .:")):
            return "split", _split(part, m.start(), m.end())
        if m:
            head.motto[key] = vn.match_quality(letters_only(part.text), expected) * part.conf
            return "motto", []
    m = r.number.match(f)
    if m:
        if head.number is None:
            value = _number_value(part.text[m.start("value"):m.end("value")])
            quality = vn.match_quality(part.text[:m.end("kw")], r.keywords["number"])
            if not r.number_chars.fullmatch(value):
                quality *= NOISE_PENALTY  # "QĐÐ": a letter no symbol has
            head.number = (value, quality, part)
        rest = part.part(m.end())
        return "number", [rest] if rest else []
    dated = _date_part(part, head, r)
    if dated is not None:
        return dated
    return _header_text(part, head, r, vv_open, typed)


def _header_text(part: Line, head: _Header, r: Rules, vv_open: bool, typed: bool
                 ) -> tuple[str, list[Line]]:
    f = part.fold
    if r.subject_vv.match(f):
        if not head.vv:
            head.vv.append(part)
        return "vv", []
    if any(p.match(f) for p in r.body_starts):
        return "stop", []
    if " ".join(f.strip(" .:!").split()) in r.markings:
        return "skip", []
    org = _org_line(part)
    if org is not None:
        head.orgs.append(org)
        if was_trimmed(part, org):
            head.noisy_orgs = True
        return "org", []
    if vv_open and head.vv and len(part.text) <= 70 and len(head.vv) < MAX_SUBJECT_LINES:
        head.vv.append(part)
        return "vv", []
    found_any = head.orgs or head.number or head.date or head.motto
    return ("skip", []) if typed or not found_any else ("stop", [])


def _org_line(part: Line) -> Line | None:
    """An agency line: upper case once OCR noise around it (the rule under the name) is cut."""
    if is_upper(part.text):
        return trim_noise(part)
    trimmed = trim_noise(part)
    if trimmed is None or not is_upper(trimmed.text):
        return None
    start = part.text.index(trimmed.text)
    noise = part.text[:start] + part.text[start + len(trimmed.text):]
    return trimmed if not any(c.isupper() for c in noise) else None


def _number_value(raw: str) -> str:
    return re.sub(r"\s*([/\-–])\s*", r"\1", raw.strip()).rstrip(".,;")


def _date_part(part: Line, head: _Header, r: Rules) -> tuple[str, list[Line]] | None:
    f = part.fold
    m = r.date_full.match(f) or r.date_numeric.match(f)
    if m:
        rest = part.part(m.end())
        keep_rest = rest is not None and len(rest.text.strip(" .")) > 1
        if head.date is None:
            text = part.text[:m.end()] if keep_rest else part.text
            head.date = _read_date(part, text.strip(), m, r)
        return "date", [rest] if keep_rest else []
    if head.date is None and len(f) <= 120:
        m = r.date_full_inline.search(f)
        if m and m.start() > 0:
            cut = _place_start(part.text, m.start())
            if cut > 0:
                return "split", _split(part, cut, len(part.text))
    return None


def _place_start(text: str, pos: int) -> int:
    """Where the place name before "ngày" begins in a line holding other text too."""
    start = pos
    for tok in reversed(list(re.finditer(r"\S+", text[:pos]))):
        word = tok.group().strip(",.")
        if not word:
            continue
        all_caps = len(word) > 1 and word.isupper() and word not in ("TP", "TX")
        if not word[0].isupper() or all_caps or any(c.isdigit() or c == "/" for c in word):
            break
        start = tok.start()
    return start if start < pos else pos


def _read_date(part: Line, text: str, m: re.Match[str], r: Rules) -> _Date:
    quality = (vn.match_quality(part.text[m.start("kw"):m.end("kw")], r.keywords["date"])
               if m.group("kw") else 0.95)
    values = []
    for key in ("d", "m", "y"):
        value, exact = to_int(m.group(key), r) if m.group(key) else (None, True)
        values.append(value)
        quality = min(quality, 1.0 if exact else r.digit_score)
    day, month, year = values
    date = None
    if day and month and year and 1900 <= year <= 2100:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            date = None
    place = None
    if m.group("place"):
        place = part.text[m.start("place"):m.end("place")].strip(" ,.") or None
    return _Date(text, place, date, quality, part)


def _typed_subject(lines: list[Line], type_idx: int, rest: Line | None, r: Rules
                   ) -> tuple[list[Line], int]:
    """The trích yếu under the type name; returns it and where the body starts."""
    subject = [rest] if rest else []
    j = type_idx + 1
    while j < len(lines) and len(subject) < MAX_SUBJECT_LINES:
        line = lines[j]
        if r.rule_line.match(line.text):
            j += 1
            if subject:
                break
            continue
        if any(p.match(line.fold) for p in r.body_starts) or is_upper(line.text, 4):
            break
        if subject and _subject_ended(subject[-1], line, r):
            break
        subject.append(line)
        j += 1
    return subject, j


def _subject_ended(last: Line, line: Line, r: Rules) -> bool:
    """Whether `line` opens the body rather than continuing the subject above it."""
    if len(line.text) > CONTINUATION_MAX_CHARS or last.text.rstrip().endswith((".", ";", ":")):
        return True
    return line.text[:1].isupper() and bool(r.body_opening.match(line.fold))


# ---------------------------------------------------------------- issuer


def _issuer(orgs: list[Line], r: Rules) -> tuple[str | None, str | None, float]:
    groups: list[list[Line]] = []
    for line in orgs:
        prev_end = groups[-1][-1].fold.split()[-1] if groups else ""
        continues = groups and (prev_end in r.connectors or not r.org_start.match(line.fold))
        if continues:
            groups[-1].append(line)
        else:
            groups.append([line])
    if not groups:
        return None, None, 0.0
    own = " ".join(line.text for line in groups[-1])
    issuer, quality = vn.title_case_scored(own)
    parent = " ".join(" ".join(line.text for line in groups[-2]).split()) if len(groups) > 1 else None
    if parent and vn.locality_tail(issuer) is None:
        tail = vn.locality_tail(vn.title_case(parent))
        if tail and vn.fold(tail.split(" ", 1)[-1]) not in vn.fold(issuer):
            issuer = f"{issuer} {tail}"
    return " ".join(issuer.split()), parent, quality


# ---------------------------------------------------------------- type and confidence


def _doc_type(head: _Header, body: list[Line], r: Rules) -> tuple[str | None, float]:
    if head.doc_type:
        return head.doc_type[0], head.doc_type[1] * head.doc_type[2].conf
    if head.vv:
        return r.letter, 0.95 * head.vv[0].conf
    for line in body:
        m = r.operative.match(line.fold)
        if m:  # the type line was lost (OCR) but the operative heading names it
            name = r.doc_type_names.get(re.sub(r"\s+", "", m.group("t")))
            return name, 0.6 * line.conf
    if any(r.kinh_gui.match(line.fold) for line in body[:5]):
        return r.letter, 0.6 * body[0].conf
    return None, 0.0


# ---------------------------------------------------------------- confidence


def _confidences(head: _Header, signer: Signer, issuer: str | None, parent: str | None,
                 org_q: float, doc_type: str | None, type_q: float, body: list[Line],
                 grounds: list[str], articles_q: float, attachments: list[tuple[str, float]]
                 ) -> dict[str, float]:
    org_conf = min((line.conf for line in head.orgs), default=0.0)
    subject = head.subject or head.vv
    body_conf = min((line.conf for line in body), default=0.0)
    date_conf = head.date.quality * head.date.line.conf if head.date else 0.0
    conf = dict.fromkeys(("signer_authority", "signer_authority_line", "signer_title",
                          "signer_name", "recipients"), 0.0)
    conf |= {
        "parent_body": org_conf if parent else 0.0,
        "issuer": org_q * org_conf if issuer else 0.0,
        "number": head.number[1] * head.number[2].conf if head.number else 0.0,
        "doc_type": type_q if doc_type else 0.0,
        "issued_place": date_conf if head.date and head.date.place else 0.0,
        "issued_date": date_conf if head.date and head.date.date else 0.0,
        "date_text": date_conf,
        "subject": min(line.conf for line in subject) if subject else 0.0,
        "has_national_motto": (sum(head.motto.values()) / 2) if head.motto else 0.0,
        "grounds": body_conf if grounds else 0.0,
        "articles": articles_q * body_conf,
        "body": body_conf,
        "attachments": min((q for _, q in attachments), default=0.0),
    }
    conf.update(signer.confidence)
    return {k: round(max(0.0, min(1.0, v)), 3) for k, v in conf.items()}
