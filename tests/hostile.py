"""Generators of bad (and the baseline good) inputs, written at test time into a folder.

Provenance: every file here is synthesised by this module (reportlab, zipfile, Pillow, raw bytes);
nothing is downloaded. The good builders exist because most bad inputs are a good file damaged in
one precise way (half its bytes, a password, a hostile zip member).
"""
from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

# DejaVu, not Liberation: Debian's Liberation fonts lack the Vietnamese letters with two marks
# (Ủ, Ộ, Ế …) and reportlab silently draws .notdef for them.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF, SERIF_BOLD = "DejaVuSerif", "DejaVuSerif-Bold"

HEADER_LEFT = ("ỦY BAN NHÂN DÂN", "TỈNH ĐỒNG NAI", "Số: 1234/QĐ-UBND")
HEADER_RIGHT = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Đồng Nai, ngày 05 tháng 3 năm 2024",
)
BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và các văn bản sửa đổi;",
    "Điều 1. Bổ nhiệm ông Nguyễn Văn An, sinh ngày 12/5/1980, giữ chức Phó Giám đốc Sở Y tế.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày 15 tháng 3 năm 2024 và thay thế các quy định trước.",
)
SIGNER_LEFT = ("Nơi nhận:", "- Như Điều 2;", "- Lưu: VT.")
SIGNER_RIGHT = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thị Bình")

_DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body>{body}</w:body></w:document>"
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def register_fonts() -> None:
    if SERIF not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SERIF, str(FONT_DIR / "DejaVuSerif.ttf")))
        pdfmetrics.registerFont(TTFont(SERIF_BOLD, str(FONT_DIR / "DejaVuSerif-Bold.ttf")))


# ---- good baselines -------------------------------------------------------------------------


def decision_pdf(path: Path, *, pages: int = 1, encrypt=None, normal_form: str = "NFC") -> Path:
    """A born-digital decision: two-column header, body, two-column signer block."""
    register_fonts()
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for number in range(1, pages + 1):
        _draw_decision_page(c, number, normal_form)
        c.showPage()
    c.save()
    return path


def _draw_decision_page(c: canvas.Canvas, number: int, form: str) -> None:
    def text(x: float, y: float, s: str, *, bold: bool = False, centre: bool = False) -> None:
        c.setFont(SERIF_BOLD if bold else SERIF, 12)
        s = unicodedata.normalize(form, s)
        (c.drawCentredString if centre else c.drawString)(x, y, s)

    y = 800
    for left, right in zip(HEADER_LEFT, HEADER_RIGHT):
        text(150, y, left, bold=True, centre=True)
        text(410, y, right, bold=True, centre=True)
        y -= 16
    text(297, y - 20, "QUYẾT ĐỊNH", bold=True, centre=True)
    text(297, y - 36, "Về việc bổ nhiệm ông Nguyễn Văn An", bold=True, centre=True)
    y -= 70
    for line in BODY:
        text(57, y, line)
        y -= 18
    text(57, y, f"Trang {number}.")
    y -= 40
    for index in range(max(len(SIGNER_LEFT), len(SIGNER_RIGHT))):
        if index < len(SIGNER_LEFT):
            text(57, y, SIGNER_LEFT[index], bold=index == 0)
        if index < len(SIGNER_RIGHT):
            text(430, y, SIGNER_RIGHT[index], bold=True, centre=True)
        y -= 16


def image_only_page(c: canvas.Canvas, *, dpi: int = 150) -> None:
    """A page that is only a scanned image (a two-column header and body lines drawn into pixels),
    placed at the given dpi."""
    width_px, height_px = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("RGB", (width_px, height_px), "white")
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), int(dpi * 12 / 72))
    font_body = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), int(dpi * 10 / 72))
    draw = ImageDraw.Draw(image)
    for i, (left, right) in enumerate(zip(HEADER_LEFT, HEADER_RIGHT)):
        y = int((0.6 + 0.25 * i) * dpi)
        draw.text((int(2.1 * dpi), y), left, fill="black", font=font, anchor="ma")
        draw.text((int(5.7 * dpi), y), right, fill="black", font=font, anchor="ma")
    for i, line in enumerate(BODY):
        draw.text((int(0.5 * dpi), int((1.8 + 0.3 * i) * dpi)), line, fill="black", font=font_body)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(buffer), 0, 0, width=A4[0], height=A4[1])


def text_and_scan_pdf(path: Path) -> Path:
    """Page 1 has a text layer; page 2 is only an image."""
    register_fonts()
    c = canvas.Canvas(str(path), pagesize=A4)
    _draw_decision_page(c, 1, "NFC")
    c.showPage()
    image_only_page(c)
    c.showPage()
    c.save()
    return path


def legacy_font_pdf(path: Path) -> Path:
    """A text layer as a TCVN3 (ABC) font document extracts: mojibake. (Drawn with a Unicode font,
    so the rendered page shows the mojibake too; only the page decision can be tested with it.)"""
    register_fonts()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(SERIF, 12)
    for i, line in enumerate(
        [
            "QuyÕt ®Þnh vÒ viÖc bæ nhiÖm «ng NguyÔn V¨n An",
            "gi÷ chøc vô Phã Gi¸m ®èc Së Y tÕ tØnh §ång Nai",
            "§iÒu 1. Bæ nhiÖm «ng NguyÔn V¨n An, sinh ngµy 12/5/1980.",
        ]
    ):
        c.drawString(57, 780 - 18 * i, line)
    c.showPage()
    c.save()
    return path


def scan_pdf(path: Path, *, dpi: int, page_inches: tuple[float, float], lines: tuple[str, ...]) -> Path:
    """One page that is only an image of `lines`, scanned at `dpi`, placed to fill the page."""
    width_px, height_px = int(page_inches[0] * dpi), int(page_inches[1] * dpi)
    image = Image.new("RGB", (width_px, height_px), "white")
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), int(dpi * 14 / 72))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((int(0.2 * dpi), int((0.2 + 0.35 * i) * dpi)), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    from reportlab.lib.utils import ImageReader

    size = (page_inches[0] * 72, page_inches[1] * 72)
    c = canvas.Canvas(str(path), pagesize=size)
    c.drawImage(ImageReader(buffer), 0, 0, width=size[0], height=size[1])
    c.showPage()
    c.save()
    return path


def minimal_docx(path: Path, body_xml: str | None = None, extra: dict[str, bytes] | None = None) -> Path:
    """A DOCX holding just the parts python-docx needs."""
    body = body_xml or "<w:p><w:r><w:t>Quyết định bổ nhiệm</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", _DOCUMENT_XML.format(body=body))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def png(path: Path, size: tuple[int, int] = (40, 30), dpi: tuple[int, int] | None = None) -> Path:
    image = Image.new("RGB", size, "white")
    image.save(path, format="PNG", **({"dpi": dpi} if dpi else {}))
    return path


def jpeg(path: Path, size: tuple[int, int] = (200, 100)) -> Path:
    Image.new("RGB", size, (200, 180, 160)).save(path, format="JPEG", quality=90)
    return path


# ---- bad inputs -----------------------------------------------------------------------------


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path) -> Path:
    good = decision_pdf(path.with_name("whole-" + path.name), pages=2).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def encrypted_pdf(path: Path) -> Path:
    """Needs a password to open (user password 'pw')."""
    return decision_pdf(path, encrypt="pw")


def owner_password_pdf(path: Path) -> Path:
    """Opens without a password; only printing/copying restrictions (owner password)."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    return decision_pdf(path, encrypt=StandardEncryption("", ownerPassword="owner", canPrint=0))


def _write_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF from raw object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    return _write_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def pdf_image_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A page showing one image XObject that claims width×height pixels (its stream is tiny)."""
    pixels = zlib.compress(b"\x00" * 64)
    draw = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    return _write_pdf(
        path,
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(pixels))
            + pixels
            + b"\nendstream",
        ],
    )


def garbage_body_pdf(path: Path) -> Path:
    """Starts and ends like a PDF; nothing in between is."""
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    return path


def html_named_pdf(path: Path) -> Path:
    path.write_text("<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>", encoding="utf-8")
    return path


def elf_named_docx(path: Path) -> Path:
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200)
    return path


def exe_named_docx(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 200)
    return path


def plain_zip_named_docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "không phải văn bản Word")
    return path


def legacy_doc(path: Path) -> Path:
    """OLE2 compound-file header, as a Word 97-2003 .doc starts."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return path


def zip_bomb_docx(path: Path, megabytes: int = 20) -> Path:
    """A valid-looking DOCX with a member of zeros that expands ~1000 times."""
    return minimal_docx(path, extra={"word/media/padding.bin": b"\x00" * (megabytes << 20)})


def traversal_docx(path: Path) -> Path:
    return minimal_docx(path, extra={"../../evil.sh": b"#!/bin/sh\necho pwned\n"})


def macro_docx(path: Path) -> Path:
    return minimal_docx(path, extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake macro project"})


def billion_laughs_docx(path: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    body = "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
    xml = _DOCUMENT_XML.format(body=body).replace(
        "?>", f"?><!DOCTYPE w:document [{entities}]>", 1
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", xml)
    return path


def broken_zip_docx(path: Path) -> Path:
    """A DOCX cut short: local headers survive, the central directory is gone."""
    good = minimal_docx(path.with_name("whole-" + path.name)).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def png_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A PNG whose header claims width×height pixels (valid CRCs), with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def truncated_jpeg(path: Path) -> Path:
    from PIL import ImageDraw

    image = Image.new("RGB", (800, 600), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 700, 500), outline="black", width=9)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path
