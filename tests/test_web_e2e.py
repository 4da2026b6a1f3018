"""End to end in a real browser: Debian's chromium, headless, driven by Playwright, against a real
uvicorn server — log in, upload a DOCX, watch it finish, open the document, approve the event in
the review queue, find it by a name typed without diacritics, open the person's timeline; then
drop a scanned PDF on the page and open its page image with the fields' evidence boxes.
Screenshots of each step go to test-artifacts/web-e2e/ (gitignored)."""
from __future__ import annotations

import base64
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from app.settings import Settings
from app.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "web-e2e"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    settings = Settings.from_env({"SOHOA_HOME": str(tmp_path), "SOHOA_WORKERS": "2"})
    app = create_app(settings)
    app.state.web.accounts.add("can.bo.syt", "DN.SYT", "officer", "mat-khau-dai-1")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
def test_browser_journey(server):
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
    page.fill("input[name=password]", "mat-khau-dai-1")
    _shot(page, "01-login")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tải văn bản lên")

    page.set_input_files("#files", str(ROOT / "app" / "samples" / "qd-bo-nhiem.docx"))
    row = page.locator("#jobs tr.job").first
    expect(row).to_have_attribute("data-status", "done", timeout=60_000)
    expect(row.locator(".result")).to_contain_text("1 chờ duyệt")
    _shot(page, "02-upload-done")

    row.locator("a").click()
    expect(page.locator("h1")).to_contain_text("1194/QĐ-BVĐK")
    expect(page.locator("#events")).to_contain_text("Trương Quốc Huy")
    expect(page.locator("#download")).to_be_visible()
    _shot(page, "03-document")

    page.click("text=Hàng chờ duyệt")
    item = page.locator("#review tbody tr", has_text="Trương Quốc Huy")
    expect(item).to_contain_text("Không tìm thấy hồ sơ")
    _shot(page, "04-review-queue")
    item.locator("button", has_text="Duyệt").click()
    expect(page.locator("[role=status]")).to_have_text("Đã duyệt.")
    expect(page.locator("#review")).not_to_contain_text("Trương Quốc Huy")
    _shot(page, "05-review-approved")

    page.click("header >> text=Tra cứu")
    page.fill("input[name=q]", "truong quoc huy")
    page.press("input[name=q]", "Enter")
    expect(page.locator("#hits li")).to_have_count(1)
    expect(page.locator("#people")).to_contain_text("Trương Quốc Huy")
    _shot(page, "06-search-unaccented")

    page.locator("#people a").first.click()
    expect(page.locator("h1")).to_have_text("Hồ sơ: Trương Quốc Huy")
    expect(page.locator("#timeline")).to_contain_text("1194/QĐ-BVĐK")
    _shot(page, "07-person-timeline")
    page.locator("#timeline a").first.click()
    expect(page.locator("h1")).to_contain_text("1194/QĐ-BVĐK")
    page.click("header >> text=Theo dõi")
    expect(page.locator("#incomplete")).to_contain_text("Trương Quốc Huy")
    _shot(page, "08-dashboard")
    _drop_scan(page, base)


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
    _shot(page, "09-scan-dropped-done")
    row.locator("a").click()
    image = page.locator(".page img")
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('.page img').naturalWidth > 500")
    expect(page.locator("#events")).to_contain_text("bổ nhiệm")
    _shot(page, "10-scan-document-with-boxes")
