"""Digital signatures embedded in PDFs: detect, verify, report signer and time (the only pyHanko user).

`read_signatures(path)` opens the file read-only and, for every signature field that is filled,
checks that the signed bytes still hash to the signed digest and the signature verifies
(`intact`), whether anything was appended after signing and of what kind (`covers_whole_file`,
`modification_level`, from pyHanko's difference analysis), and whether the certificate chains to
one of the trust roots the caller passes (`trusted`; no roots → untrusted). Nothing is fetched from
the network and the file is never written: a signed file must stay byte-identical.

`read_pdf_version(path)` gives the effective PDF version (the catalogue's /Version when it raises
the header's), for the digitization check.

Caveats: widget boxes ignore page rotation; pyHanko runs its validation through `asyncio.run`, so
call these from synchronous code (threads are fine), not from inside a running event loop.
"""
from __future__ import annotations

import logging
import mmap
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import CorruptFile
from pipeline.model import Box, SignatureInfo, nfc

log = logging.getLogger(__name__)


class _NoTraceback(logging.Filter):
    """pyHanko logs every untrusted chain as a warning with a full traceback. For us an untrusted
    chain is an expected result (reported as a finding), so keep its one-line message only."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        return True


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_NoTraceback())


def _reader(handle) -> Any:
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(handle, strict=False)
        if reader.encrypted:
            reader.decrypt("")  # owner-password-only files open with the empty user password
        return reader
    except (PdfReadError, ValueError, KeyError) as exc:
        raise CorruptFile(f"Không đọc được cấu trúc PDF để kiểm tra chữ ký số ({exc}).") from exc


def read_pdf_version(path: Path | str) -> str | None:
    """The effective PDF version, e.g. "1.4"; None when the file states none."""
    with open(path, "rb") as handle:
        version = _reader(handle).input_version
    return f"{version[0]}.{version[1]}" if version else None


def _validation_context(trust_roots: Sequence[bytes]):
    from asn1crypto import pem, x509
    from pyhanko_certvalidator import ValidationContext

    certs = []
    for data in trust_roots:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        certs.append(x509.Certificate.load(data))
    # No fetching: the machines may be offline, and a check must not depend on the network.
    return ValidationContext(trust_roots=certs, allow_fetching=False)


def _pages(node, inherited_box=None) -> Iterator[tuple[Any, Any]]:
    """(page dict, media box) in document order, walking the page tree."""
    box = node.get("/MediaBox", inherited_box)
    if node.get("/Type") == "/Pages" or "/Kids" in node:
        for kid in node["/Kids"]:
            yield from _pages(kid.get_object(), box)
    else:
        yield node, box


def _widget_field_name(annot) -> str | None:
    if "/T" in annot:
        return str(annot["/T"])
    parent = annot.get("/Parent")
    if parent is not None and "/T" in parent.get_object():
        return str(parent.get_object()["/T"])
    return None


def _widgets(reader) -> dict[str, tuple[int, Box | None, tuple[float, float]]]:
    """Signature field name → (1-based page, widget box top-left origin, page size in points)."""
    found: dict[str, tuple[int, Box | None, tuple[float, float]]] = {}
    for number, (page, media) in enumerate(_pages(reader.root["/Pages"]), start=1):
        mx0, my0, mx1, my1 = (float(v) for v in (media or (0, 0, 595.28, 841.89)))
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                continue
            name = _widget_field_name(annot)
            if name is None or name in found:
                continue
            x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect", (0, 0, 0, 0)))
            box = Box(min(x0, x1) - mx0, my1 - max(y0, y1), max(x0, x1) - mx0, my1 - min(y0, y1))
            found[name] = (number, box, (mx1 - mx0, my1 - my0))
    return found


def _common_name(name) -> str | None:
    native = name.native
    value = native.get("common_name") or native.get("organization_name")
    if value is None:
        return nfc(name.human_friendly) or None
    return nfc(value if isinstance(value, str) else ", ".join(value))


def _verify(embedded, context) -> dict[str, Any]:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = validate_pdf_signature(embedded, signer_validation_context=context)
    level = status.modification_level
    when = status.signer_reported_dt
    if when is None and status.timestamp_validity is not None:
        when = status.timestamp_validity.timestamp
    return {
        "signer": _common_name(status.signing_cert.subject),
        "certificate_issuer": _common_name(status.signing_cert.issuer),
        "signing_time": when,
        "intact": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
        "covers_whole_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        "modification_level": level.name.lower() if level is not None else None,
    }


def read_signatures(path: Path | str, trust_roots: Sequence[bytes] = ()) -> tuple[SignatureInfo, ...]:
    """Every filled signature field of the PDF at `path`, verified; () for an unsigned file.

    `trust_roots`: DER or PEM certificates of the certification authorities the province trusts.
    Raises CorruptFile when the PDF structure cannot be read at all.
    """
    context = _validation_context(trust_roots)
    result: list[SignatureInfo] = []
    with open(path, "rb") as handle:
        reader = _reader(handle)
        signatures = reader.embedded_regular_signatures
        widgets = _widgets(reader) if signatures else {}
        for embedded in signatures:
            name = nfc(str(embedded.field_name))
            page, box, size = widgets.get(name, (None, None, None))
            try:
                facts = _verify(embedded, context)
            except Exception as exc:  # any failure to verify is a content result: not intact
                log.info("signature %s of %s could not be verified: %s", name, path, exc)
                facts = {"intact": False, "problem": f"{type(exc).__name__}: {exc}"}
            result.append(SignatureInfo(field_name=name, page=page, box=box, page_size=size, **facts))
    return tuple(result)


_HEADER = re.compile(rb"%PDF-(\d)\.(\d)")


def read_pdf_facts(path: Path | str) -> tuple[str | None, tuple[SignatureInfo, ...]]:
    """(version, signatures) with cheap byte checks first: most files are unsigned and state their
    version in the header, and opening them with pyHanko would cost ~20–70 ms each."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        found = _HEADER.search(data[:1024])
        header = found.groups() if found else None
        needs_catalog = data.find(b"/Version") != -1
        maybe_signed = data.find(b"/ByteRange") != -1
    if header and not needs_catalog:
        version: str | None = f"{header[0].decode()}.{header[1].decode()}"
    else:
        version = read_pdf_version(path)
    return version, (read_signatures(path) if maybe_signed else ())
