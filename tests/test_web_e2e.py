"""End to end in a real browser: Debian's chromium, headless, driven by Playwright, against a real
uvicorn server — log in, upload a DOCX, watch it finish (and still see it after a reload), open
the document, correct the event in the review queue (its birth date), find it by a name typed
without diacritics, open the person's timeline with the corrected value, look at the dashboard's
figures and charts; then drop a scanned PDF on the page and open its page image with the fields'
evidence boxes. Screenshots of each step go to test-artifacts/web-e2e/ (gitignored)."""
from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.web_support import PASSWORD, make_app, served

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "web-e2e"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(tmp_path):
    app = make_app(tmp_path, {"can.bo.syt": ("DN.SYT", "officer")}, SOHOA_WORKERS="2")
    with served(app) as port:
        yield f"http://127.0.0.1:{port}"
    app.state.web.close()


@pytest.mark.slow
def test_browser_journey(server):
    shutil.rmtree(SHOTS, ignore_errors=True)  # only this run's steps: no stale screenshots beside them
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        try:
            _journey(page, server)
        finally:
            browser.close()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _journey(page, base: str) -> None:
    page.goto(base + "/")
    expect(page).to_have_url(base + "/login")
    page.fill("input[name=username]", "can.bo.syt")
    page.fill("input[name=password]", PASSWORD)
    _shot(page, "01-login")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tải văn bản lên")

    page.set_input_files("#files", str(ROOT / "app" / "samples" / "qd-bo-nhiem.docx"))
    row = page.locator("#jobs tr.job").first
    expect(row).to_have_attribute("data-status", "done", timeout=60_000)
    expect(row.locator(".result")).to_contain_text("1 chờ duyệt")
    _shot(page, "02-upload-done")
    page.reload()  # the job list comes back from the server
    row = page.locator("#jobs tr.job", has_text="qd-bo-nhiem.docx")
    expect(row).to_have_attribute("data-status", "done")
    _shot(page, "03-upload-after-reload")

    row.locator("a").click()
    expect(page.locator("h1")).to_contain_text("1194/QĐ-BVĐK")
    expect(page.locator("#events")).to_contain_text("Trương Quốc Huy")
    expect(page.locator("#download")).to_be_visible()
    _shot(page, "04-document")
    _correct_in_review_queue(page)

    page.click("header >> text=Tra cứu")
    page.fill("input[name=q]", "truong quoc huy")
    page.press("input[name=q]", "Enter")
    expect(page.locator("#hits li")).to_have_count(1)
    expect(page.locator("#people")).to_contain_text("Trương Quốc Huy")
    expect(page.locator("#people")).to_contain_text("12/02/1990")  # the corrected birth date
    _shot(page, "08-search-unaccented")

    page.locator("#people a").first.click()
    expect(page.locator("h1")).to_have_text("Hồ sơ: Trương Quốc Huy")
    expect(page.locator("#timeline")).to_contain_text("1194/QĐ-BVĐK")
    expect(page.locator("dl")).to_contain_text("12/02/1990")
    _shot(page, "09-person-timeline")
    page.locator("#timeline a").first.click()
    expect(page.locator("h1")).to_contain_text("1194/QĐ-BVĐK")
    page.click("header >> text=Theo dõi")
    expect(page.locator("#incomplete")).to_contain_text("Trương Quốc Huy")
    page.fill("#period input[name=from]", "2022-01-01")  # the decision's year: its figures
    page.fill("#period input[name=to]", "2022-12-31")
    page.click("#period button[type=submit]")
    expect(page.locator("#scope")).to_contain_text("01/01/2022")
    expect(page.locator("#totals")).to_contain_text("1 quyết định nhận trong kỳ")
    expect(page.locator(".charts img")).to_have_count(2)
    page.wait_for_function("[...document.querySelectorAll('.charts img')].every(i => i.naturalWidth > 300)")
    _shot(page, "10-dashboard")
    _drop_scan(page, base)


def _correct_in_review_queue(page) -> None:
    """Open the event's correction form, fix the birth date, save: audited, then applied."""
    page.click("text=Hàng chờ duyệt")
    item = page.locator("#review tbody tr", has_text="Trương Quốc Huy")
    expect(item).to_contain_text("Không tìm thấy hồ sơ")
    _shot(page, "05-review-queue")
    item.locator("summary", has_text="Sửa").click()
    form = item.locator("form.correction")
    expect(form.locator("input[name='f.person.birth_date']")).to_have_value("1990-02-10")
    form.locator("input[name='f.person.birth_date']").fill("1990-02-12")
    form.locator("input[name='note']").fill("Đối chiếu bản gốc")
    _shot(page, "06-review-correction-form")
    form.locator("button[type=submit]").click()
    expect(page.locator("[role=status]")).to_have_text("Đã sửa và cập nhật vào hồ sơ.")
    expect(page.locator("#review")).not_to_contain_text("Trương Quốc Huy")
    _shot(page, "07-review-corrected")


def _drop_scan(page, base: str) -> None:
    """Drag and drop: a real `drop` event carrying a File, as the browser makes from a desktop drag."""
    page.click("header >> text=Tải văn bản lên")
    scan = ROOT / "app" / "samples" / "qd-bo-nhiem-lai-ban-quet.pdf"
    transfer = page.evaluate_handle("""([b64, name]) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, {type: "application/pdf"}));
        return dt;
    }""", [base64.b64encode(scan.read_bytes()).decode(), scan.name])
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    row = page.locator("#jobs tr.job", has_text=scan.name)
    expect(row).to_have_attribute("data-status", "done", timeout=90_000)
    _shot(page, "11-scan-dropped-done")
    row.locator("a").click()
    image = page.locator(".page img")
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('.page img').naturalWidth > 500")
    expect(page.locator("#events")).to_contain_text("bổ nhiệm")
    _shot(page, "12-scan-document-with-boxes")
