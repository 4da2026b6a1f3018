"""Check a DOCX's ZIP container before any XML parser sees it.

Refused as FILE-HOSTILE: member names that could escape a folder (`../`, absolute paths, drive
letters, backslashes, NUL), duplicate names, too many members, zip bombs (total uncompressed size
over `Limits.max_docx_uncompressed`, or an expansion ratio over `Limits.max_docx_ratio`), XML parts
carrying a DTD (`<!DOCTYPE`/`<!ENTITY`: OOXML never needs one; it is how "billion laughs" entity
expansion starts — python-docx's parser does not resolve entities, this makes sure none reach it),
and macro-enabled documents (`vbaProject.bin`).

Decision on macros: a decision never needs a macro, and although nothing here would run it, a file
carrying active content is quarantined (FILE-HOSTILE) so that a person looks at it; the fix for a
legitimate sender is to save it as a plain .docx.

A damaged archive is FILE-CORRUPT; a ZIP without `word/document.xml` is FILE-TYPE-UNSUPPORTED.
Declared sizes can be trusted as upper bounds: Python's zipfile stops at the declared size and
checks the CRC, and python-docx reads parts through it.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from pipeline.config import Limits
from pipeline.errors import CorruptFile, HostileFile, UnsupportedType

MAX_MEMBERS = 10_000  # a 3-page decision has ~20; a million tiny members is a resource attack
_SMALL_MEMBER = 1 << 20  # members below this may compress very well (XML boilerplate): ratio ignored
_CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def check_docx_container(path: Path, limits: Limits) -> None:
    """Raise the InputError that applies, or return when the container is safe to parse."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_names(infos)
            _check_sizes(infos, Path(path).stat().st_size, limits)
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                raise UnsupportedType("Tệp ZIP không chứa phần nội dung văn bản Word (word/document.xml).")
            if any(PurePosixPath(name).name.lower() == "vbaproject.bin" for name in names):
                raise HostileFile(
                    "Văn bản Word chứa macro (mã lệnh tự động); đã được cách ly. "
                    "Hãy lưu lại thành tệp .docx thông thường rồi gửi lại."
                )
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    _check_no_dtd(archive, info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        # RuntimeError: encrypted members; NotImplementedError: exotic compression methods;
        # OSError: seeks to offsets that a damaged directory points outside the file.
        raise CorruptFile() from exc


def _check_names(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise HostileFile(f"Tệp DOCX có {len(infos)} thành phần, bất thường; đã được cách ly.")
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.split("/")
        if (
            name.startswith("/")
            or "\\" in name
            or "\x00" in name
            or _DRIVE.match(name)
            or ".." in parts
        ):
            raise HostileFile(f"Tệp DOCX chứa đường dẫn nguy hiểm ({name!r}); đã được cách ly.")
        if name in seen:
            raise HostileFile(f"Tệp DOCX chứa thành phần trùng tên ({name!r}); đã được cách ly.")
        seen.add(name)


def _check_sizes(infos: list[zipfile.ZipInfo], file_size: int, limits: Limits) -> None:
    total = sum(info.file_size for info in infos)
    if total > limits.max_docx_uncompressed:
        raise HostileFile(
            f"Tệp DOCX giải nén ra {total:,} byte, vượt giới hạn {limits.max_docx_uncompressed:,} byte "
            "(nghi ngờ bom nén); đã được cách ly."
        )
    if total / max(file_size, 1) > limits.max_docx_ratio:
        raise HostileFile("Tỷ lệ nén của tệp DOCX bất thường (nghi ngờ bom nén); đã được cách ly.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _SMALL_MEMBER and ratio > limits.max_docx_ratio:
            raise HostileFile(
                f"Thành phần {info.filename!r} có tỷ lệ nén bất thường (nghi ngờ bom nén); đã được cách ly."
            )


def _check_no_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    overlap = max(len(m) for m in _DTD_MARKERS)
    with archive.open(info) as member:
        tail = b""
        while chunk := member.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                raise HostileFile(
                    f"Thành phần {info.filename!r} khai báo DTD/thực thể XML (có thể gây bom thực thể); "
                    "đã được cách ly."
                )
            tail = window[-overlap:]
