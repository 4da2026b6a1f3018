"""The synthetic corpus (bench.corpus): deterministic, complete, faithful to Decree 30, and
rendered into files whose measurable properties (text, true dpi, colour mode) match the truth."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import docx
import pdfplumber
import pytest
from PIL import Image

from bench.corpus import DecisionSpec, letter_spec, make_specs
from bench.corpus.build import build, page_count
from bench.corpus.events import EVENT_TYPES
from bench.corpus.render import render_docx, render_pdf, render_photo, render_scan
from bench.corpus.vocab import load

SAMPLES = Path(__file__).parent / "samples"
NUMBER = re.compile(r"^(0[1-9]|[1-9]\d+)/[A-ZĐ]+(-[A-ZĐ]+)+$")


@pytest.fixture(scope="module")
def specs() -> list[DecisionSpec]:
    return make_specs(20, 0)


@pytest.fixture(scope="module")
def one_pager(specs) -> DecisionSpec:
    return next(s for s in specs if s.attachment is None and page_count(s) == 1)


@pytest.fixture(scope="module")
def long_table() -> DecisionSpec:
    return next(s for s in make_specs(60, 5) if s.attachment and len(s.attachment.rows) >= 25)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def test_generation_is_deterministic_and_prefix_stable(specs):
    assert make_specs(20, 0) == specs
    assert make_specs(35, 0)[:20] == specs
    assert make_specs(20, 1) != specs


@pytest.mark.parametrize("seed", [0, 7])
def test_twenty_documents_cover_every_event_type_and_family(seed):
    specs = make_specs(20, seed)
    assert {e["type"] for s in specs for e in s.events} == set(EVENT_TYPES)
    assert {s.doc_type for s in specs} == {"Quyết định", "Công văn", "Thông báo", "Kế hoạch"}
    for topic in ("bhxh", "asset_declaration"):
        docs = [s for s in specs if s.topic == topic]
        assert docs and all(not s.events for s in docs)
    assert any(s.attachment and len(s.attachment.rows) == len(s.events) >= 5 for s in specs)


def test_truth_follows_decree_30_and_the_contract():
    grids = load("people")["grids"]
    codes = {c: g for c, _, g in load("people")["ngach"]}
    for s in make_specs(60, 2):
        assert NUMBER.match(s.number), s.number
        assert dt.date(2019, 1, 1) <= s.issued_date <= dt.date(2026, 10, 31)
        if s.header_padded:
            assert re.search(r"ngày \d\d tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$", s.place_date)
        assert all(unicodedata.is_normalized("NFC", t) for t in _strings(s.to_dict()))
        assert s.subject.startswith("V/v") == (s.doc_type == "Công văn")
        meta = s.expected()["metadata"]
        assert meta["issuer"] == s.issuer_display and meta["issued_date"] == s.issued_date.isoformat()
        for e in s.events:
            assert set(e) == {"type", "person", "from", "to", "salary", "effective_date"}
            assert not e["person"]["name"].startswith(("ông ", "bà "))
            dt.date.fromisoformat(e["effective_date"])
            if e["salary"]:
                sal = e["salary"]
                assert grids[codes[sal["scale_code"]]][sal["step"] - 1] == sal["coefficient"]


def test_signer_title_is_the_line_under_the_prefix():
    for s in make_specs(40, 4):
        if s.signer_authority == "KT.":
            assert s.signer_lines[-1] == s.signer_title.upper() and s.signer_title.startswith("Phó")
        if s.signer_authority == "Q.":
            assert s.signer_title.startswith("Quyền ")
        if s.signer_authority is None:
            assert s.signer_lines == (s.signer_title.upper(),)


def test_text_pdf_carries_the_number_and_spans_pages(tmp_path, one_pager, long_table):
    for spec in (one_pager, long_table):
        path = render_pdf(spec, tmp_path / f"{spec.doc_id}.pdf")
        with pdfplumber.open(path) as pdf:
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
            pages = len(pdf.pages)
            top_of_2 = pdf.pages[1].crop((0, 0, pdf.pages[1].width, 50)).extract_text() if pages > 1 else ""
        assert f"Số: {spec.number}" in text and spec.signer_name in text
        assert unicodedata.is_normalized("NFC", text)
    assert pages >= 3 and top_of_2.strip() == "2"  # the list spans pages; numbered from page 2
    assert long_table.attachment.rows[-1][1] in text


@pytest.mark.parametrize("dpi,mode,colorspace,bits", [(300, "color", "DeviceRGB", 8),
                                                      (150, "gray", "DeviceGray", 8),
                                                      (100, "bilevel", "DeviceGray", 1)])
def test_scan_has_its_true_dpi_and_mode(tmp_path, one_pager, dpi, mode, colorspace, bits):
    path = render_scan(one_pager, tmp_path / "s.pdf", dpi=dpi, mode=mode, skew=1.5, seed=1)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        image = page.images[0]
        assert not page.chars
        assert image["srcsize"][0] / (float(page.width) / 72) == pytest.approx(dpi, abs=0.5)
        assert image["srcsize"][1] / (float(page.height) / 72) == pytest.approx(dpi, abs=0.5)
        assert colorspace in str(image["colorspace"]) and image["bits"] == bits


def test_scan_turns_pages(tmp_path, long_table):
    path = render_scan(long_table, tmp_path / "r.pdf", dpi=100, rotate={2: 90, 3: 180}, seed=2)
    with pdfplumber.open(path) as pdf:
        sizes = [(p.width, p.height) for p in pdf.pages]
    assert sizes[0][0] < sizes[0][1] and sizes[1][0] > sizes[1][1] and sizes[2][0] < sizes[2][1]


def test_photo_is_an_image_with_or_without_dpi(tmp_path, one_pager):
    jpg = render_photo(one_pager, tmp_path / "p.jpg", base_dpi=100, seed=3)
    png = render_photo(one_pager, tmp_path / "p.png", base_dpi=100, exif_dpi=96, seed=3)
    with Image.open(jpg) as im:
        assert im.format == "JPEG" and 0x011A not in im.getexif() and im.info["jfif_unit"] == 0
        assert im.width > 900 and im.height > im.width
    with Image.open(png) as im:
        assert im.format == "PNG" and round(im.info["dpi"][0]) == 96


@pytest.mark.parametrize("header", ["table", "tabs"])
def test_docx_holds_the_text_in_paragraphs_and_tables(tmp_path, long_table, header):
    path = render_docx(long_table, tmp_path / "d.docx", header=header)
    doc = docx.Document(path)
    texts = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any(f"Số: {long_table.number}" in t for t in texts + cells)
    assert any(long_table.signer_name in c for c in cells)
    assert len(doc.tables) == (3 if header == "table" else 2)  # header?, signer, attached list
    assert len(doc.tables[-1].rows) == len(long_table.attachment.rows) + 1


def test_build_writes_round_tripping_truth_deterministically(tmp_path):
    kinds = ("docx", "pdf", "scan100", "photo")
    first = build(tmp_path / "a", n=1, seed=9, kinds=kinds)
    second = build(tmp_path / "b", n=1, seed=9, kinds=kinds)
    assert first == second and len(first["files"]) == 4
    specs = make_specs(1, 9)
    for entry in first["files"]:
        data = json.loads((tmp_path / "a" / entry["truth"]).read_text(encoding="utf-8"))
        spec = DecisionSpec.from_dict(data["spec"])
        assert spec in specs
        assert {k: data[k] for k in ("metadata", "events")} == spec.expected()
        assert data["kind"] in ("docx", "text_pdf", "scanned_pdf", "image")
        assert (tmp_path / "a" / data["file"]).exists()


def test_letter_3647_is_a_cong_van_without_events():
    spec = letter_spec()
    meta = spec.expected()["metadata"]
    assert "Sở Nội vụ" in meta["issuer"] and meta["number"] == "3647/SNV-VP"
    assert (meta["doc_type"], meta["issued_place"], meta["issued_date"]) == (
        "Công văn", "Đồng Nai", "2020-08-31")
    assert meta["subject"].startswith("V/v kiểm tra, nhắc nhở tình hình cập nhật")
    assert (meta["signer_name"], meta["signer_title"]) == ("Nguyễn Thanh Tú", "Giám đốc")
    assert spec.events == () and spec.recipients[0] == "Như trên;" and len(spec.addressees) == 2
    assert any("Bảo hiểm xã hội và kê khai tài sản" in b for b in spec.body)
    assert spec.body[-1].endswith("tổng hợp xử lý./.")


def test_letter_samples_match_the_spec():
    spec = letter_spec()
    for name in ("letter_3647.pdf", "letter_3647.scan300.pdf", "letter_3647.docx"):
        data = json.loads((SAMPLES / f"{name}.truth.json").read_text(encoding="utf-8"))
        assert DecisionSpec.from_dict(data["spec"]) == spec
        assert (SAMPLES / name).stat().st_size > 10_000
    with pdfplumber.open(SAMPLES / "letter_3647.pdf") as pdf:
        assert "Số: 3647/SNV-VP" in pdf.pages[0].extract_text()
