"""Findings about the digital signatures a PDF carries (verified on reading by pipeline.signatures).

A signature whose signed bytes changed, or whose file was changed after signing beyond adding
signatures or form data, is an error (SIGNATURE-INVALID). An intact signature whose certificate
does not chain to a trusted root is at most a warning (SIGNATURE-UNTRUSTED); a trusted one is
reported for the record (SIGNATURE-VALID). A born-digital PDF with no signature at all gets an info
(SIGNATURE-ABSENT): its org-signature component cannot be verified from the file.
"""
from __future__ import annotations

from pipeline.model import Document, Finding, SignatureInfo, Structure
from validators import catalogue

UNKNOWN_SIGNER = "người ký chưa xác định"


def _reason(signature: SignatureInfo) -> str:
    if not signature.intact:
        if signature.problem:
            return "không kiểm tra được chữ ký (tệp hoặc chữ ký bị hỏng)"
        return "nội dung đã ký bị sửa đổi (mã băm không khớp)"
    return "tệp bị thay đổi nội dung sau khi ký"


def _time(signature: SignatureInfo) -> str:
    if signature.signing_time is None:
        return "không rõ thời điểm"
    return signature.signing_time.isoformat(timespec="seconds")


def check_signature(signature: SignatureInfo) -> Finding:
    common = {"page": signature.page, "box": signature.box}
    signer = signature.signer or UNKNOWN_SIGNER
    if signature.altered_after_signing:
        return catalogue.make("SIGNATURE-INVALID", **common, field=signature.field_name, signer=signer,
                              reason=_reason(signature))
    if not signature.trusted:
        return catalogue.make("SIGNATURE-UNTRUSTED", **common, field=signature.field_name,
                              signer=signer, time=_time(signature))
    return catalogue.make("SIGNATURE-VALID", **common, field=signature.field_name, signer=signer,
                          time=_time(signature))


def check(document: Document, structure: Structure) -> list[Finding]:
    """One finding per signature; SIGNATURE-ABSENT for an unsigned born-digital PDF."""
    if not document.signatures:
        return [catalogue.make("SIGNATURE-ABSENT")] if document.kind == "text_pdf" else []
    return [check_signature(signature) for signature in document.signatures]
