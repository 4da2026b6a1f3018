"""`sohoa ingest` end to end through the real command: contract, bad inputs in a batch, idempotence."""
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from pipeline.contract import schema

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "samples"
SOHOA = str(Path(sys.executable).with_name("sohoa"))


def run_sohoa(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOHOA_HOME=str(home), SOHOA_WORKERS="2")
    return subprocess.run([SOHOA, *args], env=env, capture_output=True, text=True, timeout=600)


def json_lines(stdout: str) -> list[dict]:
    objects = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    for obj in objects:
        jsonschema.validate(obj, schema(), cls=jsonschema.Draft202012Validator)
    return objects


LETTER_EXPECTED = {
    "number": "3647/SNV-VP",
    "doc_type": "Công văn",
    "issued_place": "Đồng Nai",
    "issued_date": "2020-08-31",
    "signer_name": "Nguyễn Thanh Tú",
    "signer_title": "Giám đốc",
}


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["letter_3647.pdf", "letter_3647.docx", "letter_3647.scan300.pdf"])
def test_real_letter_reads_right_in_every_rendering(tmp_path, sample):
    done = run_sohoa("ingest", "--json", str(SAMPLES / sample), home=tmp_path)
    assert done.returncode == 0, done.stderr
    [doc] = json_lines(done.stdout)
    meta = doc["metadata"]
    assert "Sở Nội vụ" in meta["issuer"]
    for key, value in LETTER_EXPECTED.items():
        assert meta[key] == value, (key, meta[key])
    assert meta["subject"].startswith("V/v kiểm tra, nhắc nhở tình hình cập nhật")
    assert doc["events"] == []
    assert doc["update_due"] == "2020-09-09"  # 5 working days, Quốc khánh 2-3/9/2020 skipped
    expected_kind = "scanned_pdf" if ".scan" in sample else {"pdf": "text_pdf", "docx": "docx"}[sample[-4:].lstrip(".")]
    assert doc["kind"] == expected_kind


def _bad_batch(folder: Path) -> None:
    folder.mkdir()
    (folder / "a_good.docx").write_bytes((SAMPLES / "letter_3647.docx").read_bytes())
    (folder / "b_empty.pdf").write_bytes(b"")
    (folder / "c_page.pdf").write_text("<html><body>not a pdf</body></html>")
    truncated = (SAMPLES / "letter_3647.pdf").read_bytes()
    (folder / "d_truncated.pdf").write_bytes(truncated[: len(truncated) // 2])
    (folder / "e_program.docx").write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 200)


def test_one_bad_file_never_stops_a_batch(tmp_path):
    batch = tmp_path / "inbox"
    _bad_batch(batch)
    home = tmp_path / "home"
    done = run_sohoa("ingest", "--json", str(batch), home=home)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    by_name = {Path(o["source"]).name: o for o in json_lines(done.stdout)}
    assert list(by_name) == ["a_good.docx", "b_empty.pdf", "c_page.pdf", "d_truncated.pdf", "e_program.docx"]
    assert by_name["a_good.docx"]["metadata"]["number"] == "3647/SNV-VP"
    assert by_name["b_empty.pdf"]["error"]["code"] == "FILE-EMPTY"
    assert by_name["c_page.pdf"]["error"]["code"] == "FILE-TYPE-UNSUPPORTED"
    assert by_name["d_truncated.pdf"]["error"]["code"] == "FILE-CORRUPT"
    assert by_name["e_program.docx"]["error"]["code"] == "FILE-TYPE-UNSUPPORTED"
    reasons = sorted((home / "quarantine").glob("*.reason.json"))
    assert len(reasons) == 4
    codes = sorted(json.loads(r.read_text(encoding="utf-8"))["code"] for r in reasons)
    assert codes == ["FILE-CORRUPT", "FILE-EMPTY", "FILE-TYPE-UNSUPPORTED", "FILE-TYPE-UNSUPPORTED"]
    # The good file is kept byte for byte under its sha256.
    good = by_name["a_good.docx"]
    kept = [p for p in (home / "originals").rglob(good["sha256"])]
    assert kept and kept[0].read_bytes() == (batch / "a_good.docx").read_bytes()


def test_same_bytes_twice_give_the_same_output(tmp_path):
    sample = SAMPLES / "letter_3647.docx"
    copy = tmp_path / "renamed.docx"
    copy.write_bytes(sample.read_bytes())
    first = run_sohoa("ingest", "--json", str(sample), home=tmp_path / "home")
    second = run_sohoa("ingest", "--json", str(copy), home=tmp_path / "home")
    a, b = json_lines(first.stdout)[0], json_lines(second.stdout)[0]
    a.pop("source"), b.pop("source")
    # The reading is identical; the records part says what this run did: nothing, the second time.
    first_records, second_records = a.pop("records"), b.pop("records")
    assert a == b
    assert first_records["changed"] and not second_records["changed"]
    assert second_records["document_status"] == first_records["document_status"]
    assert len(list((tmp_path / "home" / "originals").rglob(a["sha256"]))) == 1


def test_dry_run_stores_nothing(tmp_path):
    home = tmp_path / "home"
    done = run_sohoa("ingest", "--json", "--dry-run", str(SAMPLES / "letter_3647.docx"), home=home)
    assert done.returncode == 0
    assert not (home / "originals").exists() or not any((home / "originals").rglob("*"))


def test_human_output_is_vietnamese(tmp_path):
    done = run_sohoa("ingest", str(SAMPLES / "letter_3647.docx"), home=tmp_path)
    assert done.returncode == 0
    assert "ngày 31 tháng 8 năm 2020" in done.stdout
    assert "hạn cập nhật ngày 09 tháng 9 năm 2020" in done.stdout
    raise_list = run_sohoa("ingest", str(ROOT / "app" / "samples" / "qd-nang-bac-luong-danh-sach.pdf"),
                           home=tmp_path)
    # what became of the file, in words a clerk reads: no English status or policy keys
    assert "→ hồ sơ: chờ duyệt: 33 chờ duyệt" in raise_list.stdout  # people the new store does not know yet
    assert "(theo Công văn 3647/SNV-VP)" in raise_list.stdout
    assert not any(word in raise_list.stdout for word in ("applied", "in_review", "provincial"))


@pytest.mark.slow
def test_demo_reads_every_bundled_sample(tmp_path):
    done = run_sohoa("demo", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã đọc 5/5 văn bản." in done.stdout


def test_progress_shows_on_a_terminal_only(tmp_path):
    import pty

    batch = tmp_path / "batch"
    batch.mkdir()
    for i in range(3):
        (batch / f"v{i}.docx").write_bytes((SAMPLES / "letter_3647.docx").read_bytes())
    (batch / "x_empty.pdf").write_bytes(b"")
    env = dict(os.environ, SOHOA_HOME=str(tmp_path / "home"), SOHOA_WORKERS="1")
    controller, terminal = pty.openpty()
    done = subprocess.run([SOHOA, "ingest", "--json", str(batch)], env=env, stdout=subprocess.PIPE,
                          stderr=terminal, timeout=300)
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(controller)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "4/4" in shown and "tệp/phút" in shown and "lỗi 1" in shown
    assert len(done.stdout.splitlines()) == 4  # stdout stays pure JSON Lines
    piped = run_sohoa("ingest", "--json", str(batch), home=tmp_path / "home2")
    assert "tệp/phút" not in piped.stderr


def test_ingest_applies_indexes_and_a_second_run_changes_nothing(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    samples = ROOT / "app" / "samples"
    for name in ("qd-bo-nhiem.docx", "qd-nang-bac-luong-danh-sach.pdf"):
        (batch / name).write_bytes((samples / name).read_bytes())
    home = tmp_path / "home"
    first = json_lines(run_sohoa("ingest", "--json", str(batch), home=home).stdout)
    table = next(o for o in first if o["source"].endswith(".pdf"))
    assert len(table["events"]) == 33 and table["records"]["changed"]
    assert {e["status"] for e in table["records"]["events"]} <= {"applied", "needs_review"}
    second = json_lines(run_sohoa("ingest", "--json", str(batch), home=home).stdout)
    assert all(not o["records"]["changed"] for o in second)
    assert all(e["status"] == "unchanged" for o in second for e in o["records"]["events"])
    found = run_sohoa("search", "--json", "nang bac luong thuong xuyen", home=home)
    hits = json_lines_plain(found.stdout)
    assert hits and hits[0]["sha256"] == table["sha256"]


def json_lines_plain(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_dry_run_checks_a_draft_against_the_files_it_would_change(tmp_path, build):
    """A raise 9 months after the person's last one is caught before the decision is signed — and
    the dry run writes nothing: no document, no new event, no database where there was none."""
    import datetime as dt

    from flows.stores import open_records
    from records import department_admin

    draft = ROOT / "app" / "samples" / "qd-nang-bac-luong-danh-sach.pdf"  # raises Dương Thùy Hằng to step 3
    fresh = tmp_path / "fresh"
    alone = json_lines(run_sohoa("ingest", "--json", "--dry-run", str(draft), home=fresh).stdout)[0]
    assert "RAISE-INTERVAL-SHORT" not in [f["rule"] for f in alone["validation"]]
    assert not (fresh / "records.db").exists()  # nothing to check against, and none made

    home, name, birth = tmp_path / "home", "Dương Thùy Hằng", dt.date(1985, 9, 26)
    unit = ("Phòng Tổ chức cán bộ, Sở Y tế", "Chuyên viên")
    store = open_records(home)
    try:
        for number, issued, event in (
                ("1/QĐ-SYT", dt.date(2018, 1, 2), build.event("recruitment", name, dt.date(2018, 1, 2), birth=birth,
                                                              to=unit, salary=("01.003", 1, 2.34))),
                ("2/QĐ-SYT", dt.date(2024, 5, 20), build.event("salary_raise", name, dt.date(2024, 6, 1), birth=birth,
                                                               salary=("01.003", 2, 2.67)))):
            assert store.apply(build.decision(number, issued, [event]), department_admin()).applied == 1
        before = len(store.audit_trail(department_admin(), limit=5000))
    finally:
        store.close()
    checked = json_lines(run_sohoa("ingest", "--json", "--dry-run", str(draft), home=home).stdout)[0]
    short = [f for f in checked["validation"] if f["rule"] == "RAISE-INTERVAL-SHORT"]
    assert short and short[0]["severity"] == "error" and name in short[0]["message"]
    assert "records" not in checked  # nothing applied
    store = open_records(home)
    try:
        assert len(store.audit_trail(department_admin(), limit=5000)) == before
    finally:
        store.close()
