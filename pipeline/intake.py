"""Identify a received file by its content (magic bytes, never its extension) and fingerprint it.

`identify` answers a `SourceFile` (sha256, media type, size) or raises the `InputError` that says why
the file cannot enter the pipeline: empty, too large (checked before anything is read), or not one of
the accepted kinds (PDF, DOCX, JPEG, PNG, TIFF). A DOCX is a ZIP holding `word/document.xml` and
`[Content_Types].xml`; any other zip (XLSX, ODT, plain archives) and legacy `.doc` are refused.
The `filetype` library is used here, and only here, for the image signatures.
"""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import filetype

from pipeline.config import Limits
from pipeline.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    FileTooLarge,
    StorageError,
    UnsupportedType,
)
from pipeline.model import SourceFile, nfc

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
MEDIA_TYPES = (PDF, DOCX, JPEG, PNG, TIFF)

_HEAD_BYTES = 8192
_CHUNK = 1 << 20
_PDF_MAGIC_WINDOW = 1024  # Acrobat accepts "%PDF-" anywhere in the first 1024 bytes
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCX_REQUIRED = ("word/document.xml", "[Content_Types].xml")
# filetype answers these for the image kinds we accept (APNG is a PNG whose first frame Pillow reads).
_IMAGE_MIMES = {"image/jpeg": JPEG, "image/png": PNG, "image/apng": PNG, "image/tiff": TIFF}


def identify(path: Path, limits: Limits) -> SourceFile:
    """Fingerprint `path` and name its media type from its bytes; raise the InputError that applies."""
    path = Path(path)
    size = _size_of(path)
    if size == 0:
        raise EmptyFile()
    if size > limits.max_bytes:
        raise FileTooLarge(
            f"Tệp nặng {size:,} byte, vượt giới hạn {limits.max_bytes:,} byte. "
            "Hãy tách hoặc nén lại văn bản rồi gửi lại."
        )
    head = _read_head(path)
    media_type = _media_type(path, head)
    return SourceFile(path=nfc(str(path)), sha256=sha256_of(path), media_type=media_type, size=size)


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in chunks so large files never sit in memory."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise StorageError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def _size_of(path: Path) -> int:
    try:
        stat = path.stat()
    except OSError as exc:
        raise StorageError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise UnsupportedType("Đây không phải là một tệp thông thường (thư mục hoặc thiết bị).")
    return stat.st_size


def _read_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_HEAD_BYTES)
    except OSError as exc:
        raise StorageError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}") from exc


def sniff(path: Path) -> str | None:
    """The media type the first bytes suggest (PDF, a ZIP taken for DOCX, an image kind) or None:
    the magic alone, none of identify's checks — a hint, e.g. for the order of a batch."""
    try:
        head = _read_head(path)
    except StorageError:
        return None
    if b"%PDF-" in head[:_PDF_MAGIC_WINDOW]:
        return PDF
    if head.startswith(_ZIP_MAGIC):
        return DOCX
    return _image_type(head)


def _image_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    return _IMAGE_MIMES.get(kind.mime) if kind is not None else None


def _media_type(path: Path, head: bytes) -> str:
    if b"%PDF-" in head[:_PDF_MAGIC_WINDOW]:
        return PDF
    if head.startswith(_ZIP_MAGIC):
        return _zip_media_type(path, head)
    if head.startswith(_OLE_MAGIC):
        _refuse_ole(path)
    if (image := _image_type(head)) is not None:
        return image
    kind = filetype.guess(head)
    found = f" (nhận ra: {kind.mime})" if kind is not None else ""
    raise UnsupportedType(
        f"Nội dung tệp không phải PDF, DOCX, JPG, PNG hay TIFF{found}, dù tên tệp là '{path.name}'."
    )


def _zip_media_type(path: Path, head: bytes) -> str:
    """A ZIP is a DOCX only when it holds the Word main part and the OOXML content-types part."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        if _first_member_is_ooxml(head):
            raise CorruptFile() from exc
        raise UnsupportedType("Tệp nén ZIP bị hỏng hoặc không phải văn bản Word (DOCX).") from exc
    if all(name in names for name in _DOCX_REQUIRED):
        return DOCX
    if "[Content_Types].xml" in names or "mimetype" in names:
        raise UnsupportedType("Tệp văn phòng này không phải văn bản Word (DOCX): có thể là Excel, ODT.")
    raise UnsupportedType("Tệp nén ZIP không phải văn bản Word (DOCX).")


def _first_member_is_ooxml(head: bytes) -> bool:
    """A damaged archive whose first local header names an OOXML part is a broken DOCX, not a zip."""
    name_length = int.from_bytes(head[26:28], "little")
    name = head[30 : 30 + name_length]
    return name == b"[Content_Types].xml" or name.startswith((b"word/", b"_rels/", b"docProps/"))


def _refuse_ole(path: Path) -> None:
    """OLE2 is legacy .doc/.xls, or an OOXML file wrapped in password encryption."""
    marker = "EncryptedPackage".encode("utf-16-le")
    try:
        with open(path, "rb") as handle:
            tail = b""
            while chunk := handle.read(_CHUNK):
                if marker in tail + chunk:
                    raise EncryptedFile()
                tail = chunk[-len(marker) :]
    except OSError as exc:
        raise StorageError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}") from exc
    raise UnsupportedType(
        "Tệp Word/Excel định dạng cũ (.doc/.xls) không được hỗ trợ. Hãy lưu lại thành DOCX hoặc PDF."
    )
