"""Identification by content: media types, fingerprints, and the stable code of every refusal."""
from __future__ import annotations

import hashlib
import time
import zipfile

import pytest
from PIL import Image

import hostile
from pipeline.config import Limits
from pipeline.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    FileTooLarge,
    UnsupportedType,
)
from pipeline.intake import DOCX, JPEG, PDF, PNG, TIFF, identify

LIMITS = Limits()


def test_text_pdf_is_identified_with_its_sha256_and_size(tmp_path):
    path = hostile.decision_pdf(tmp_path / "quyet-dinh.pdf")
    data = path.read_bytes()
    source = identify(path, LIMITS)
    assert source.media_type == PDF
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size == len(data)
    assert source.path == str(path)


def test_type_comes_from_content_not_extension(tmp_path):
    pdf = hostile.decision_pdf(tmp_path / "really-a-pdf.docx")
    docx = hostile.minimal_docx(tmp_path / "really-a-docx.pdf")
    image = hostile.png(tmp_path / "really-a-png.jpg")
    assert identify(pdf, LIMITS).media_type == PDF
    assert identify(docx, LIMITS).media_type == DOCX
    assert identify(image, LIMITS).media_type == PNG


def test_pdf_magic_may_follow_junk_within_1024_bytes(tmp_path):
    good = hostile.decision_pdf(tmp_path / "good.pdf").read_bytes()
    path = tmp_path / "prefixed.pdf"
    path.write_bytes(b"\x00" * 500 + good)
    assert identify(path, LIMITS).media_type == PDF
    late = tmp_path / "late.pdf"
    late.write_bytes(b"x" * 2000 + good)
    with pytest.raises(UnsupportedType):
        identify(late, LIMITS)


@pytest.mark.parametrize(
    ("save_format", "media_type"), [("JPEG", JPEG), ("PNG", PNG), ("TIFF", TIFF)]
)
def test_images_are_identified(tmp_path, save_format, media_type):
    path = tmp_path / "scan.bin"
    Image.new("RGB", (30, 20), "white").save(path, format=save_format)
    assert identify(path, LIMITS).media_type == media_type


@pytest.mark.parametrize(
    "make",
    [
        hostile.html_named_pdf,
        hostile.elf_named_docx,
        hostile.exe_named_docx,
        hostile.plain_zip_named_docx,
        hostile.legacy_doc,
    ],
)
def test_unsupported_content_is_refused_with_its_code(tmp_path, make):
    path = make(tmp_path / "input.pdf")
    with pytest.raises(UnsupportedType) as caught:
        identify(path, LIMITS)
    assert caught.value.code == "FILE-TYPE-UNSUPPORTED"


def test_other_office_zips_are_not_docx(tmp_path):
    path = tmp_path / "bang-luong.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedType):
        identify(path, LIMITS)


def test_empty_file(tmp_path):
    with pytest.raises(EmptyFile) as caught:
        identify(hostile.empty_file(tmp_path / "empty.pdf"), LIMITS)
    assert caught.value.code == "FILE-EMPTY"


def test_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(8 << 30)  # sparse: 8 GiB that would take many seconds to hash
    started = time.perf_counter()
    with pytest.raises(FileTooLarge) as caught:
        identify(path, LIMITS)
    assert time.perf_counter() - started < 1.0
    assert caught.value.code == "FILE-TOO-LARGE"


def test_small_limit_refuses_a_normal_file(tmp_path):
    path = hostile.decision_pdf(tmp_path / "normal.pdf")
    with pytest.raises(FileTooLarge):
        identify(path, Limits(max_bytes=1000))


def test_broken_docx_is_corrupt_not_unsupported(tmp_path):
    with pytest.raises(CorruptFile) as caught:
        identify(hostile.broken_zip_docx(tmp_path / "cut.docx"), LIMITS)
    assert caught.value.code == "FILE-CORRUPT"


def test_password_protected_office_file_is_encrypted(tmp_path):
    path = tmp_path / "protected.docx"
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000
    path.write_bytes(ole_header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100)
    with pytest.raises(EncryptedFile):
        identify(path, LIMITS)
