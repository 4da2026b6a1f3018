"""Digitization checks on real files: scans saved as PDFs by Pillow at 100/200/300 dpi in colour, grey
and bilevel, a PDF 1.3, signed scans; the file facts are read the way the loaders read them."""
import io
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageDraw

from pipeline.model import Word, Box
from pipeline.signatures import read_pdf_version, read_signatures
from validators import digitization
from tests import validators_samples as samples
from tests.validators_samples import clean_structure, document, page

A4_INCHES = (8.27, 11.69)


def scan_pdf(path: Path, dpi: int, mode: str = "RGB", inches=A4_INCHES, version: str | None = None) -> Path:
    """A one-page scan: a page image of the given size at `dpi`, saved as a PDF by Pillow."""
    size = (round(inches[0] * dpi), round(inches[1] * dpi))
    picture = Image.new("RGB", size, "white")
    ImageDraw.Draw(picture).rectangle((size[0] // 8, size[1] // 8, size[0] // 2, size[1] // 6), fill="black")
    picture = picture.convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, "PDF", resolution=dpi)
    data = buffer.getvalue()
    if version is not None:  # same length header: the cross-reference offsets stay valid
        data = data.replace(b"%PDF-1.4", f"%PDF-{version}".encode(), 1)
    path.write_bytes(data)
    return path


def scanned_document(path: Path, **fields):
    """The Document facts the PDF loader reports for a scanned PDF (text and words aside)."""
    with pdfplumber.open(path) as pdf:
        pdf_page = pdf.pages[0]
        image = pdf_page.images[0]
        placed_inches = (image["x1"] - image["x0"]) / 72.0
        dpi = image["srcsize"][0] / placed_inches
        colorspace = str(image["colorspace"])
        mode = "1" if image["bits"] == 1 else ("L" if "Gray" in colorspace else "RGB")
        size_mm = (float(pdf_page.width) * 25.4 / 72, float(pdf_page.height) * 25.4 / 72)
    scan = page(1, scanned=True, dpi=dpi, image_mode=mode, size_mm=size_mm)
    return document("scanned_pdf", pages=(scan,), pdf_version=read_pdf_version(path),
                    signatures=read_signatures(path), **fields)


def codes(findings):
    return [f.rule for f in findings]


def test_a_colour_200_dpi_a4_scan_in_pdf_1_4_passes(tmp_path):
    doc = scanned_document(scan_pdf(tmp_path / "ok.pdf", 200))
    assert codes(digitization.check_pdf_version(doc) + digitization.check_scan_pages(doc)) == []


def test_a_100_dpi_scan_is_too_coarse(tmp_path):
    doc = scanned_document(scan_pdf(tmp_path / "coarse.pdf", 100))
    (finding,) = digitization.check_scan_pages(doc)
    assert finding.rule == "SCAN-DPI-LOW" and finding.severity == "error"
    assert "100 dpi" in finding.message and finding.page == 1


@pytest.mark.parametrize("mode, words", [("1", "đen trắng"), ("L", "thang xám")])
def test_bilevel_and_grey_scans_are_not_colour(tmp_path, mode, words):
    doc = scanned_document(scan_pdf(tmp_path / f"{mode}.pdf", 300, mode))
    (finding,) = digitization.check_scan_pages(doc)
    assert finding.rule == "SCAN-NOT-COLOUR" and finding.severity == "error" and words in finding.message


def test_pdf_older_than_1_4_is_refused_for_scans(tmp_path):
    doc = scanned_document(scan_pdf(tmp_path / "old.pdf", 300, version="1.3"))
    assert doc.pdf_version == "1.3"
    (finding,) = digitization.check_pdf_version(doc)
    assert finding.rule == "PDF-VERSION-OLD" and "1.3" in finding.message
    assert digitization.check_pdf_version(replace(doc, kind="text_pdf")) == []  # born-digital: not asked


def test_a_letter_size_scan_is_not_100_percent_a4(tmp_path):
    doc = scanned_document(scan_pdf(tmp_path / "letter.pdf", 300, inches=(8.5, 11.0)))
    (finding,) = digitization.check_scan_pages(doc)
    assert finding.rule == "SCAN-SCALE-NOT-A4" and finding.severity == "warning"
    assert digitization.is_a4((210.5, 296.0)) and digitization.is_a4((297.0, 210.0))


def test_pages_with_the_same_problem_make_one_finding():
    scans = tuple(page(n, scanned=True, dpi=150.0) for n in (1, 2, 3))
    (finding,) = digitization.check_scan_pages(document("scanned_pdf", pages=scans))
    assert "Trang 1, 2, 3" in finding.message


def test_an_image_without_dpi_is_measured_against_a4():
    coarse = page(1, scanned=True, dpi=None, size_mm=None, width=827.0, height=1169.0)
    fine = page(1, scanned=True, dpi=None, size_mm=None, width=1654.0, height=2339.0)
    assert codes(digitization.check_scan_pages(document("image", pages=(coarse,)))) == ["SCAN-DPI-LOW"]
    assert codes(digitization.check_scan_pages(document("image", pages=(fine,)))) == []
    unknown = page(1, scanned=True, dpi=None, size_mm=None)
    assert codes(digitization.check_scan_pages(document("scanned_pdf", pages=(unknown,)))) == ["SCAN-DPI-UNKNOWN"]


def test_text_pages_are_not_scans():
    assert digitization.check_scan_pages(document("text_pdf")) == []


# ── The digitizing agency's signature ──────────────────────────────────────────────────────────────

@pytest.fixture(scope="module")
def credentials(tmp_path_factory):
    return samples.make_credentials(tmp_path_factory.mktemp("ca"))


def signed_scan(tmp_path: Path, credentials, box) -> Path:
    scan = scan_pdf(tmp_path / "scan.pdf", 200)
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(samples.sign(scan.read_bytes(), credentials, box=box))
    return signed


def test_a_signed_scan_with_the_signature_top_right_of_page_1_passes(tmp_path, credentials):
    doc = scanned_document(signed_scan(tmp_path, credentials, (420, 760, 580, 830)))
    assert digitization.claims_digitized_copy(doc)
    assert digitization.check_digitizer_signature(doc) == []


def test_a_signed_scan_with_the_signature_elsewhere_is_flagged(tmp_path, credentials):
    doc = scanned_document(signed_scan(tmp_path, credentials, (300, 100, 450, 160)))
    (finding,) = digitization.check_digitizer_signature(doc)
    assert finding.rule == "DIGITIZER-SIGNATURE-POSITION" and finding.severity == "warning"
    assert finding.page == 1 and finding.box is not None


def _with_copy_notation(doc, phrase: str):
    scan = doc.pages[0]
    x0 = scan.width * 0.7
    words = tuple(Word(token, Box(x0 + 120 * i, 60, x0 + 120 * i + 100, 100), 0.9)
                  for i, token in enumerate(phrase.split()))
    return replace(doc, pages=(replace(scan, words=scan.words + words),))


def test_a_scan_marked_as_electronic_copy_needs_a_signature(tmp_path):
    doc = _with_copy_notation(scanned_document(scan_pdf(tmp_path / "copy.pdf", 300)), "SAO Y")
    (finding,) = digitization.check_digitizer_signature(doc)
    assert finding.rule == "DIGITIZER-SIGNATURE-MISSING" and finding.severity == "error"
    plain = scanned_document(scan_pdf(tmp_path / "plain.pdf", 300))
    assert not digitization.claims_digitized_copy(plain)
    assert digitization.check_digitizer_signature(plain) == []


def test_the_copy_notation_counts_only_top_right_of_page_1(tmp_path):
    doc = scanned_document(scan_pdf(tmp_path / "copy.pdf", 300))
    scan = doc.pages[0]
    low = Word("SAO", Box(100, scan.height * 0.8, 200, scan.height * 0.82), 0.9), \
        Word("Y", Box(210, scan.height * 0.8, 240, scan.height * 0.82), 0.9)
    doc = replace(doc, pages=(replace(scan, words=scan.words + low),))
    assert digitization.copy_notation(doc) is None


# ── TT 02/2019 metadata ────────────────────────────────────────────────────────────────────────────

def test_metadata_complete_is_reported_as_info():
    (finding,) = digitization.check_metadata(document(), clean_structure())
    assert finding.rule == "METADATA-COMPLETE" and finding.severity == "info"
    values = digitization.tt02_metadata(document(), clean_structure())
    assert values["CodeNumber"] == "05" and values["CodeNotation"] == "QĐ-SNV"
    assert values["Language"] == "vi" and values["PageAmount"] == "1"


def test_missing_metadata_is_listed():
    (finding,) = digitization.check_metadata(document(), clean_structure(number=None, subject=None))
    assert finding.rule == "METADATA-INCOMPLETE" and finding.severity == "warning"
    missing = finding.message.split("Đã có:")[0]
    assert "CodeNumber" in missing and "CodeNotation" in missing and "Subject" in missing
    assert "IssuedDate" not in missing


def test_language_detection():
    assert digitization.detect_language("Quyết định về việc bổ nhiệm cán bộ lãnh đạo") == "vi"
    assert digitization.detect_language("The quick brown fox jumps over the lazy dog") is None
    assert digitization.detect_language("") is None


def test_a_photo_tagged_72_dpi_is_measured_by_its_pixels():
    # 1654 × 2339 px tagged 72 dpi would be a 583 × 825 mm poster: the tag is a phone's default.
    photo = page(1, scanned=True, dpi=72.0, size_mm=(583.5, 825.2), width=1654.0, height=2339.0)
    assert codes(digitization.check_scan_pages(document("image", pages=(photo,)))) == []
    small = page(1, scanned=True, dpi=72.0, size_mm=(291.7, 412.6), width=827.0, height=1170.0)
    assert codes(digitization.check_scan_pages(document("image", pages=(small,)))) == ["SCAN-DPI-LOW", "SCAN-SCALE-NOT-A4"]
