"""The real letter 3647/SNV-VP (Sở Nội vụ Đồng Nai, 31/8/2020) as a `DecisionSpec`.

Its text lives in tests/samples/letter_3647.md (with a provenance note); the header missing from
that transcription is rebuilt here from the standard layout, so the same renderers can print it as
DOCX, text PDF or scan. It is a Công văn: no personnel events, although it mentions BHXH and asset
declarations (as things never to update).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bench.corpus.spec import DecisionSpec, nfc

LETTER_MD = Path(__file__).resolve().parents[2] / "tests" / "samples" / "letter_3647.md"
SUBJECT = ("V/v kiểm tra, nhắc nhở tình hình cập nhật và khai thác dữ liệu trên phần mềm quản lý "
           "ngành Nội vụ")


def _clean(line: str) -> str:
    """Markdown headings become bold paragraphs; '**' (bold) and '*' (italic) marks are kept."""
    line = line.strip()
    heading = re.match(r"^#+\s*(.*)$", line)
    if heading:
        inner = heading.group(1).strip()
        line = inner if inner.startswith("**") else f"**{inner}**"
    return re.sub(r"\s+", " ", line)


def _sections(text: str) -> tuple[list[str], list[str], list[str]]:
    """(addressees, body paragraphs, recipients) of the transcription."""
    text = text.split("\n---\n", 1)[1]
    head, rest = text.split("Kính gửi:", 1)
    rest_lines = [ln for ln in rest.splitlines() if ln.strip()]
    addressees = []
    while rest_lines and rest_lines[0].lstrip().startswith("- "):
        addressees.append(rest_lines.pop(0).strip()[2:].strip())
    body_text, tail = "\n".join(rest_lines).split("Nơi nhận:", 1)
    body = [_clean(ln) for ln in body_text.splitlines() if ln.strip()]
    if body and re.fullmatch(r"\**\s*#*\s*", body[-1]):
        body.pop()
    body = [b for b in body if b.strip("#* ")]
    recipients = [ln.strip()[2:].strip() for ln in tail.splitlines() if ln.strip().startswith("- ")]
    return addressees, body, recipients


def letter_spec(path: Path = LETTER_MD) -> DecisionSpec:
    addressees, body, recipients = _sections(nfc(path.read_text(encoding="utf-8")))
    return DecisionSpec(
        doc_id="letter_3647", parent_body="UBND TỈNH ĐỒNG NAI", issuer="SỞ NỘI VỤ",
        issuer_display="Sở Nội vụ tỉnh Đồng Nai", number="3647/SNV-VP", doc_type="Công văn",
        issued_place="Đồng Nai", issued_date=dt.date(2020, 8, 31), date_style="numeric",
        subject=SUBJECT, authority_line=None, grounds=(), articles=(), body=tuple(body),
        addressees=tuple(addressees), signer_authority=None, signer_authority_line=None,
        signer_title="Giám đốc", signer_name="Nguyễn Thanh Tú", signer_lines=("GIÁM ĐỐC",),
        recipients=tuple(recipients), events=(), attachment=None, topic="general")
