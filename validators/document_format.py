"""Checks against the format of administrative documents, Decree 30/2020/NĐ-CP (thể thức văn bản).

The nine mandatory components of Điều 8 (national motto, issuer, number and symbol, place and date,
type and subject, content, signer's title/name/signature, seal or digital signature, recipients),
the grammar of the number and date (`numbering.py`), the signer block against its authority prefix
(KT. → a deputy signs), and on scans a red seal at the signature (the loaders set
`Page.seal_near_signature`). Pure: "today" is a parameter, never read from the clock here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.model import Document, Finding, Structure, nfc
from validators import catalogue, locate, numbering, rules
from validators.digitization import SCAN_KINDS


def _signer_data() -> dict[str, Any]:
    return rules.load("decree30")["signer"]


def check(document: Document, structure: Structure, today: dt.date) -> list[Finding]:
    """Every Decree 30 check, in the order of the components."""
    findings: list[Finding] = []
    findings += check_header(document, structure)
    findings += numbering.check_number(document, structure)
    findings += numbering.check_date(document, structure, today)
    findings += check_type_and_content(document, structure)
    findings += check_signer(document, structure)
    findings += check_seal(document)
    findings += check_recipients(document, structure)
    return findings


def check_header(document: Document, structure: Structure) -> list[Finding]:
    first = locate.first_page(document)
    findings: list[Finding] = []
    if not structure.has_national_motto:
        findings.append(catalogue.make("MOTTO-MISSING", page=first))
    if not (structure.issuer or "").strip():
        findings.append(catalogue.make("ISSUER-MISSING", page=first))
    return findings


def check_type_and_content(document: Document, structure: Structure) -> list[Finding]:
    first = locate.first_page(document)
    findings: list[Finding] = []
    if not (structure.doc_type or "").strip():
        findings.append(catalogue.make("TYPE-MISSING", page=first))
    if not (structure.subject or "").strip():
        findings.append(catalogue.make("SUBJECT-MISSING", page=first))
    if not structure.body.strip() and not structure.articles and not structure.grounds:
        findings.append(catalogue.make("CONTENT-MISSING", page=first))
    return findings


def _prefixes(structure: Structure) -> set[str]:
    """Authority prefixes in the signer block (a block may nest two: "TM. UBND" over "KT. CHỦ TỊCH")."""
    known = _signer_data()["prefixes"]
    words = nfc(f"{structure.signer_authority or ''} {structure.signer_authority_line or ''}").upper().split()
    return {p for p in known if p in words}


def _signer_page_text(document: Document, structure: Structure) -> str:
    page, _ = locate.find_phrase(document, structure.signer_name)
    pages = [p for p in document.pages if p.number == page] or list(document.pages[-1:])
    return " ".join(p.text for p in pages)


def _authority_mismatch(document: Document, structure: Structure) -> str | None:
    data = _signer_data()
    title = nfc(structure.signer_title or "").strip()
    if not title:
        return None
    deputy = title.casefold().startswith(nfc(data["deputy_title_word"]).casefold())
    prefixes = _prefixes(structure)
    if data["deputy_prefix"] in prefixes and not deputy:
        return "ký thay (KT.) thì người ký phải là cấp phó"
    allowed = set(data["deputy_may_sign_under"]) | {data["deputy_prefix"]}
    if deputy and not prefixes & allowed:
        # The parser may keep only one line of a nested block: look for KT. on the signer's page.
        if data["deputy_prefix"] not in nfc(_signer_page_text(document, structure)).upper().split():
            return "cấp phó ký thay người đứng đầu phải ghi \"KT.\" trước chức vụ người đứng đầu"
    return None


def _signer_page_is_scanned(document: Document, structure: Structure) -> bool:
    """Whether the signer block was read by OCR: the page holding what was read of it (else the last)."""
    page, _ = locate.find_phrase(document, structure.signer_name or structure.signer_title
                                 or structure.signer_authority_line)
    pages = [p for p in document.pages if p.number == page] or list(document.pages[-1:])
    return any(p.origin == "ocr" for p in pages)


def check_signer(document: Document, structure: Structure) -> list[Finding]:
    """SIGNER-MISSING and SIGNER-AUTHORITY-MISMATCH."""
    page, box = locate.find_phrase(document, structure.signer_name)
    missing = []
    if not (structure.signer_title or structure.signer_authority_line or "").strip():
        missing.append("chức vụ")
    if not (structure.signer_name or "").strip():
        missing.append("họ tên")
    if len(missing) == 1 and _signer_page_is_scanned(document, structure):
        where = page or locate.last_page(document)
        return [catalogue.make("SIGNER-UNREAD", page=where, box=box, missing=missing[0], pages=where or "?")]
    if missing:
        return [catalogue.make("SIGNER-MISSING", page=page or locate.last_page(document), box=box,
                               missing=" và ".join(missing))]
    reason = _authority_mismatch(document, structure)
    if reason is None:
        return []
    authority = structure.signer_authority_line or structure.signer_authority or "(không ghi)"
    return [catalogue.make("SIGNER-AUTHORITY-MISMATCH", page=page, box=box, authority=authority,
                           title=structure.signer_title, reason=reason)]


def check_seal(document: Document) -> list[Finding]:
    """SEAL-MISSING on a colour scan whose signer block shows no red seal.

    Not raised when no page was examined (None), when any page shows the seal, or when the pages
    without it are grey or bilevel: a seal cannot look red there, and SCAN-NOT-COLOUR says why.
    """
    if document.kind not in SCAN_KINDS:
        return []
    flags = [p.seal_near_signature for p in document.pages]
    if True in flags or False not in flags:
        return []
    non_colour = set(rules.load("digitization")["bilevel_modes"]) | set(rules.load("digitization")["grey_modes"])
    pages = [p for p in document.pages if p.seal_near_signature is False and p.image_mode not in non_colour]
    if not pages:
        return []
    return [catalogue.make("SEAL-MISSING", page=pages[0].number,
                           pages=", ".join(str(p.number) for p in pages))]


def check_recipients(document: Document, structure: Structure) -> list[Finding]:
    if any(r.strip() for r in structure.recipients):
        return []
    return [catalogue.make("RECIPIENTS-MISSING", page=locate.last_page(document))]
