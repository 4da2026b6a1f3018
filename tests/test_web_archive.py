"""The document page and API for files that never passed through the web app: decisions read by
the CLI (`sohoa ingest`) or the nightly batch, and outcomes applied straight to the records.

Search hits, person files and registers link to `/documents/{sha256}` for every document the
records hold; these tests read the samples through `flows.compose.process_file` on the app's own
data folder and stores (as `sohoa ingest` does, no upload row), then open them as the owning
unit, another unit and the Department. One app for the module.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.labels import RECORD_STATUS
from app.web.security import NOT_FOUND
from flows.compose import process_file
from flows.runtime import build_context
from pipeline.intake import DOCX as DOCX_TYPE
from records import department_admin
from tests.web_support import login, make_app

ROOT = Path(__file__).resolve().parents[1]
DOCX = ROOT / "app" / "samples" / "qd-bo-nhiem.docx"  # 1194/QĐ-BVĐK: Bệnh viện Đa khoa (under Sở Y tế)
LETTER = ROOT / "app" / "samples" / "cv-3647-snv-vp.pdf"  # 3647/SNV-VP: Sở Nội vụ, no events
SCAN = ROOT / "app" / "samples" / "qd-bo-nhiem-lai-ban-quet.pdf"  # a reappointment scanned at 200 dpi
RAISES = ROOT / "app" / "samples" / "qd-nang-bac-luong-danh-sach.pdf"  # text PDF, 5 pages: 33 raises listed from page 3
USERS = {"syt": ("DN.SYT", "officer"), "stc": ("DN.STC", "officer"), "snv": ("DN.SNV", "dept_admin")}
ABSENT = "0" * 64


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    home = tmp_path_factory.mktemp("archive")
    app = make_app(home, USERS, SOHOA_WORKERS="1")
    web = app.state.web
    # As `sohoa ingest` does: the Department reads the files into the same stores, no web upload.
    ctx = build_context(home, records=web.records, search=web.search)
    shas = {}
    for key, path in (("docx", DOCX), ("letter", LETTER), ("scan", SCAN), ("raises", RAISES)):
        outcome = process_file(path, ctx)
        assert outcome.ok, outcome.error_message
        assert web.uploads.document(outcome.sha256) is None  # the web app never saw it
        shas[key] = outcome.sha256
    clients = {name: login(app, name) for name in USERS}
    yield app, clients, shas
    web.close()


def test_owning_unit_opens_the_page(archive):
    _, clients, shas = archive
    page = clients["syt"].get(f"/documents/{shas['docx']}")
    assert page.status_code == 200, page.text
    assert "1194/QĐ-BVĐK" in page.text and "Trương Quốc Huy" in page.text
    assert "Bệnh viện Đa khoa Đồng Nai" in page.text and "04/11/2022" in page.text
    assert f'data-status="needs_review">{RECORD_STATUS["needs_review"]}' in page.text  # "chờ duyệt"
    assert "METADATA-COMPLETE" in page.text  # the findings the records kept
    assert f"/api/documents/{shas['docx']}/original" in page.text


def test_owning_unit_reads_it_through_the_api(archive):
    _, clients, shas = archive
    sha = shas["docx"]
    r = clients["syt"].get(f"/api/documents/{sha}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["uploader"] is None
    assert body["name"] == DOCX.name  # the name it was read under, kept by the records
    meta = body["outcome"]["metadata"]
    assert meta["number"] == "1194/QĐ-BVĐK" and meta["issuer"] == "Bệnh viện Đa khoa Đồng Nai"
    assert meta["issued_date"] == "2022-11-04"
    assert meta["subject"] == "Về việc bổ nhiệm ông Trương Quốc Huy"
    assert meta["signer_name"] == "Trương Tuấn Phúc"
    [event] = body["outcome"]["events"]
    assert event["type"] == "appointment" and event["person"]["name"] == "Trương Quốc Huy"
    assert event["effective_date"] == "2022-11-12" and event["to"]["position"] == "Phó Trưởng phòng"
    assert body["outcome"]["update_due"] == "2022-11-11"
    assert [f["rule"] for f in body["outcome"]["validation"]] == ["METADATA-COMPLETE"]
    assert [e["status"] for e in body["records_now"]] == ["needs_review"]


def test_an_archived_docx_shows_its_text_read_again_from_the_original(archive):
    """A DOCX has no page image: its page shows the text, read again from the kept original as the
    records keep none — the same text an upload of it shows."""
    from docx import Document as Docx

    _, clients, shas = archive
    syt = clients["syt"]
    outcome = syt.get(f"/api/documents/{shas['docx']}").json()["outcome"]
    body = [p.text for p in Docx(str(DOCX)).paragraphs if p.text.strip().startswith("Điều 1")]
    assert body and " ".join(body[0].split()) in " ".join(outcome["text"].split())
    page = syt.get(f"/documents/{shas['docx']}").text
    assert 'id="text"' in page and "đọc lại từ bản gốc" in page and 'id="archived"' not in page
    assert "Điều 1" in page and ".png" not in page
    assert syt.get(f"/api/documents/{shas['scan']}").status_code == 404  # not Sở Y tế's
    assert clients["snv"].get(f"/api/documents/{shas['scan']}").json()["outcome"]["text"] is None  # a PDF: its pages


def test_other_unit_gets_the_same_404_as_for_nothing(archive):
    _, clients, shas = archive
    stc = clients["stc"]
    for suffix in ("", "/original", "/page1.png"):
        outside = stc.get(f"/api/documents/{shas['docx']}{suffix}")
        absent = stc.get(f"/api/documents/{ABSENT}{suffix}")
        assert outside.status_code == absent.status_code == 404, suffix
        assert outside.content == absent.content and outside.json()["detail"] == NOT_FOUND, suffix
    outside, absent = stc.get(f"/documents/{shas['docx']}"), stc.get(f"/documents/{ABSENT}")
    assert outside.status_code == absent.status_code == 404
    assert outside.text == absent.text and NOT_FOUND in outside.text and "1194" not in outside.text


def test_department_admin_sees_every_unit(archive):
    _, clients, shas = archive
    snv = clients["snv"]
    assert snv.get(f"/api/documents/{shas['docx']}").json()["outcome"]["metadata"]["number"] == "1194/QĐ-BVĐK"
    assert "1194/QĐ-BVĐK" in snv.get(f"/documents/{shas['docx']}").text
    letter = snv.get(f"/documents/{shas['letter']}")
    assert letter.status_code == 200 and "3647/SNV-VP" in letter.text
    assert clients["syt"].get(f"/documents/{shas['letter']}").status_code == 404  # Sở Nội vụ's, not Sở Y tế's


def test_original_is_the_exact_bytes_typed_by_content(archive):
    _, clients, shas = archive
    r = clients["syt"].get(f"/api/documents/{shas['docx']}/original")
    assert r.status_code == 200
    assert r.content == DOCX.read_bytes() and hashlib.sha256(r.content).hexdigest() == shas["docx"]
    assert r.headers["content-type"] == DOCX_TYPE
    pdf = clients["snv"].get(f"/api/documents/{shas['letter']}/original")
    assert pdf.content == LETTER.read_bytes() and pdf.headers["content-type"] == "application/pdf"


def test_page_image_of_an_archived_pdf(archive):
    """A letter with no events: page 1 is drawn, with no evidence to box."""
    _, clients, shas = archive
    page = clients["snv"].get(f"/documents/{shas['letter']}")
    assert f"/api/documents/{shas['letter']}/pages/1.png" in page.text
    png = clients["snv"].get(f"/api/documents/{shas['letter']}/page1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    docx = clients["syt"].get(f"/api/documents/{shas['docx']}/page1.png")  # DOCX: no page image
    assert docx.status_code == 404


def test_search_hit_and_person_file_lead_to_the_page(archive):
    _, clients, shas = archive
    sha, syt = shas["docx"], clients["syt"]
    hits = syt.get("/search", params={"q": "1194"})
    link = f'href="/documents/{sha}"'
    assert link in hits.text
    assert syt.get(f"/documents/{sha}").status_code == 200
    # A reviewer opens a file for the person; the person page links back to the decision.
    item = [i for i in syt.get("/api/review").json()["items"] if i["person_name"] == "Trương Quốc Huy"][0]
    done = syt.post(f"/api/review/{item['id']}/approve")
    assert done.status_code == 200 and done.json()["status"] == "applied", done.text
    person = syt.get(f"/people/{done.json()['person_id']}")
    assert person.status_code == 200 and link in person.text
    page = syt.get(f"/documents/{sha}")
    assert page.status_code == 200
    assert f'data-status="applied">{RECORD_STATUS["applied"]}' in page.text  # where it stands now
    assert f'href="/people/{done.json()["person_id"]}"' in page.text


def test_document_only_in_the_records(archive, build):
    """An outcome applied straight to the records (no original kept): the page still renders."""
    app, clients, _ = archive
    decision = build.decision("31/QĐ-SYT", build.date(2024, 5, 2), [
        build.event("appointment", "Phạm Thu Hà", build.date(2024, 5, 6),
                    to=("Trưởng phòng", "Sở Y tế tỉnh Đồng Nai"))],
        errors=("FORMAT-NUMBER",))
    app.state.web.records.apply(decision, department_admin())
    page = clients["syt"].get(f"/documents/{decision.sha256}")
    assert page.status_code == 200, page.text
    assert "31/QĐ-SYT" in page.text and "Phạm Thu Hà" in page.text and "FORMAT-NUMBER" in page.text
    assert 'id="archived"' in page.text and ".png" not in page.text and 'id="text"' not in page.text
    api = clients["syt"].get(f"/api/documents/{decision.sha256}").json()
    assert api["uploader"] is None and api["outcome"]["events"][0]["person"]["name"] == "Phạm Thu Hà"
    for suffix in ("/original", "/page1.png"):  # nothing kept to send
        assert clients["syt"].get(f"/api/documents/{decision.sha256}{suffix}").status_code == 404
    assert clients["stc"].get(f"/documents/{decision.sha256}").status_code == 404


def test_reading_a_file_a_document_and_a_search_are_in_the_audit_log(archive):
    """R7.1: every action logged — reading too: who opened which file or document, downloaded
    which original, searched for what. A 404 outside the scope reads nothing and logs no read."""
    app, clients, shas = archive
    sha, syt, stc = shas["docx"], clients["syt"], clients["stc"]
    records = app.state.web.records
    assert syt.get(f"/documents/{sha}").status_code == 200
    assert syt.get(f"/api/documents/{sha}/original").status_code == 200
    assert stc.get(f"/documents/{sha}").status_code == 404
    trail = records.audit_trail(department_admin(), sha256=sha)
    reads = [(a["user"], a["action"]) for a in trail if a["action"] in ("read_document", "download_original")]
    assert ("syt", "read_document") in reads and ("syt", "download_original") in reads
    assert not [a for a in trail if a["user"] == "stc"]
    syt.get("/api/search", params={"q": "nang bac luong", "year": "2025"})
    [search] = [a for a in records.audit_trail(department_admin(), limit=50) if a["action"] == "search"][:1]
    assert search["user"] == "syt" and search["after"]["q"] == "nang bac luong" and search["after"]["year"] == "2025"


def test_an_archived_scan_shows_where_its_values_were_read(archive):
    """The records keep page 1's size and each value's box, so a scan read by the CLI or the
    nightly batch is drawn with its evidence boxed, as an upload is; a document kept before the
    records held page sizes (revision 0002) is drawn without boxes."""
    import io

    from PIL import Image
    from sqlalchemy import update

    from records.schema import Document

    app, clients, shas = archive
    snv, sha = clients["snv"], shas["scan"]
    outcome = snv.get(f"/api/documents/{sha}").json()["outcome"]
    web = outcome["web"]
    assert web["media_type"] == "application/pdf" and "page_geometry" not in outcome
    [(width, height)] = web["page_sizes"]
    assert height / width == pytest.approx(297 / 210, rel=0.02)  # A4, in the scan's own pixels
    fields = {b["field"] for b in web["boxes"]}
    assert {"person.name", "effective_date"} <= fields, fields
    name = next(b for b in web["boxes"] if b["field"] == "person.name")
    x0, y0, x1, y1 = name["box"]
    assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height and name["event"] == 0 and name["page"] == 1
    image = Image.open(io.BytesIO(snv.get(f"/api/documents/{sha}/page1.png").content)).convert("RGB")
    assert red_frame_at(image, name["box"], width)  # the red frame around the person's name

    records = app.state.web.records
    with records.engine.begin() as conn:
        conn.execute(update(Document).where(Document.sha256 == sha).values(page_sizes=None))
    try:
        old = snv.get(f"/api/documents/{sha}").json()["outcome"]["web"]
        assert old["page_sizes"] == [] and old["boxes"] == []
        plain = Image.open(io.BytesIO(snv.get(f"/api/documents/{sha}/page1.png").content)).convert("RGB")
        assert not red_frame_at(plain, name["box"], width)
    finally:
        with records.engine.begin() as conn:
            conn.execute(update(Document).where(Document.sha256 == sha).values(page_sizes=[[width, height]]))


def red_frame_at(image, box, page_width) -> bool:
    """Whether the red evidence frame is drawn just above the top edge of `box` (page units)."""
    x0, y0, x1, _ = box
    scale = image.width / page_width
    r, g, b = image.getpixel((round((x0 + x1) / 2 * scale), round(y0 * scale) - 1))
    return r > 180 and g < 80 and b < 80


def test_each_page_of_an_archived_list_is_shown_with_its_boxes(archive):
    """A decision whose attached list starts on page 3: the document page pages through the file,
    each event links to the page it was read on, each page is drawn with the names listed on it
    boxed, the review queue links to that page and shows the printed words beside each value, and
    a person's file links to the page."""
    import io
    import re

    import numpy as np
    from PIL import Image

    app, clients, shas = archive
    snv, sha = clients["snv"], shas["raises"]
    outcome = snv.get(f"/api/documents/{sha}").json()["outcome"]
    web = outcome["web"]
    assert outcome["pages"] == len(web["page_sizes"]) == 5
    names = [b for b in web["boxes"] if b["field"] == "person.name"]
    assert len(names) == len(outcome["events"]) == 33
    on_page = {n: [b for b in names if b["page"] == n] for n in range(1, 6)}
    assert not on_page[1] and not on_page[2] and on_page[3] and on_page[5], {n: len(v) for n, v in on_page.items()}
    width = web["page_sizes"][2][0]
    page3 = Image.open(io.BytesIO(snv.get(f"/api/documents/{sha}/pages/3.png").content)).convert("RGB")
    assert all(red_frame_at(page3, b["box"], width) for b in on_page[3])
    listed = [b for b in web["boxes"] if b["event"] == on_page[3][0]["event"]]  # every value read from its row
    assert {b["field"] for b in listed} >= {"person.name", "person.birth_date", "salary.step",
                                            "salary.coefficient", "effective_date"}, listed
    assert all(red_frame_at(page3, b["box"], width) for b in listed if b["field"] == "salary.step")
    page5 = Image.open(io.BytesIO(snv.get(f"/api/documents/{sha}/pages/5.png").content)).convert("RGB")
    assert all(red_frame_at(page5, b["box"], width) for b in on_page[5])
    page1 = Image.open(io.BytesIO(snv.get(f"/api/documents/{sha}/pages/1.png").content)).convert("RGB")
    assert not any(red_frame_at(page1, b["box"], width) for b in on_page[3])  # nothing listed on page 1
    assert snv.get(f"/api/documents/{sha}/pages/6.png").status_code == 404  # no such page
    assert snv.get(f"/api/documents/{sha}/pages/0.png").status_code == 404
    assert clients["syt"].get(f"/api/documents/{shas['docx']}/pages/1.png").status_code == 404  # DOCX

    html = snv.get(f"/documents/{sha}").text
    assert f"/api/documents/{sha}/pages/1.png" in html and '<nav class="pages" id="pages">' in html
    assert sum(html.count(f'class="event-page">{n}</a>') for n in (3, 4, 5)) == 33
    assert html.count('<span class="salary">ngạch ') == 33  # a raise shows the step it raises to
    assert '<span class="salary">ngạch 01.005 bậc 10 (hệ số 3,66)</span>' in html  # Bùi Trọng Tuấn, as printed
    assert html.count('class="event-page">3</a>') == len(on_page[3])
    third = snv.get(f"/documents/{sha}?page=3").text
    assert f"/api/documents/{sha}/pages/3.png" in third and "<strong>3</strong>" in third
    assert f"/api/documents/{sha}/pages/5.png" in snv.get(f"/documents/{sha}?page=9").text  # the last page

    # The listed people have no file yet: the reviewer sees the page, then approves a new file.
    [last] = [e for e in snv.get(f"/api/documents/{sha}").json()["records_now"] if e["index"] == names[-1]["event"]]
    assert last["status"] == "needs_review"
    assert re.search(rf'href="/documents/{sha}\?page=5" class="source-page">trang 5</a>', snv.get("/review").text)
    # ... and, beside each value, the printed words it was read from: a crop of the page.
    [item] = [i for i in snv.get("/api/review").json()["items"] if i["id"] == last["review_id"]]
    name = next(e for e in item["evidence"] if e["field"] == "person.name")
    assert name["page"] == 5 and name["text"] == item["person_name"] == names[-1]["text"]
    assert {e["field"] for e in item["evidence"]} >= {"person.birth_date", "salary.step", "effective_date"}
    crop_url = f"/api/documents/{sha}/pages/5.png?box={','.join(str(v) for v in name['box'])}"
    assert crop_url in snv.get("/review").text
    crop = Image.open(io.BytesIO(snv.get(crop_url).content)).convert("RGB")
    full = Image.open(io.BytesIO(snv.get(f"/api/documents/{sha}/pages/5.png").content))
    assert crop.width < full.width / 2 and crop.height < full.height / 10  # the words, not the page
    pixels = np.asarray(crop)
    assert ((pixels[..., 0] > 180) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)).any()  # with its red frame
    born = next(e for e in item["evidence"] if e["field"] == "person.birth_date")  # the next cell is boxed too
    born_crop = snv.get(f"/api/documents/{sha}/pages/5.png?box={','.join(str(v) for v in born['box'])}")
    born_px = np.asarray(Image.open(io.BytesIO(born_crop.content)).convert("RGB"))
    red = (born_px[..., 0] > 180) & (born_px[..., 1] < 80) & (born_px[..., 2] < 80)
    edge = red.shape[1] // 8
    assert red[:, edge:-edge].any() and not red[:, -edge:].any()  # only its own frame, not its neighbour's cut
    assert snv.get(f"/api/documents/{sha}/pages/5.png?box=1,2,3").status_code == 422
    assert snv.get(f"/api/documents/{sha}/pages/5.png?box=9,9,1,1").status_code == 422
    assert snv.get(f"/api/documents/{sha}/pages/5.png?box=9000,9000,9100,9100").status_code == 404  # off the page
    approved = app.state.web.records.approve(last["review_id"], department_admin())
    file = snv.get(f"/people/{approved.person_id}").text
    assert re.search(rf'href="/documents/{sha}\?page=5" class="source-page">trang 5</a>', file)
    assert f'<q>{names[-1]["text"]}</q> <span class="muted">(<a href="/documents/{sha}?page=5">trang 5</a>)' in file
