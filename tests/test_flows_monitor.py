"""deadline_monitor and semiannual_report: notice lists read from the records store (SQLite and
PostgreSQL), report periods, and the report built on schedule (`.fn()`: no Prefect server)."""
import datetime as dt
import json
from pathlib import Path

from flows import reports
from flows.batch import process_one
from flows.monitor import deadline_monitor
from flows.reports import closed_period, semiannual_report
from flows.runtime import build_context
from test_deadlines_due import TODAY, open_scenario_store, populate


def test_the_monitor_writes_a_dated_list_per_unit_from_the_records(store_url, build, tmp_path):
    store = open_scenario_store(store_url)
    populate(store, build)
    store.close()
    home = tmp_path / "home"
    index = deadline_monitor.fn(str(home), today=TODAY.isoformat(), database_url=store_url)
    folder = home / "notices" / "2025-04-29"
    assert [(u["unit"], u["name"], u["count"], u["overdue"]) for u in index["units"]] == [
        ("DN.STC", "Sở Tài chính", 1, 0), ("DN.SYT", "Sở Y tế", 8, 2)]
    listed = json.loads((folder / "DN.SYT.json").read_text(encoding="utf-8"))
    assert [(n["kind"], n["due"], n["overdue"]) for n in listed["notices"]] == [
        ("salary_raise", "2025-04-01", True), ("records_update", "2025-04-21", True),
        ("records_update", "2025-05-05", False), ("salary_raise", "2025-05-15", False),
        ("term_end", "2025-06-14", False), ("term_end", "2025-06-30", False),
        ("retirement", "2025-07-20", False), ("retirement", "2025-09-01", False)]
    text = (folder / "DN.SYT.txt").read_text(encoding="utf-8")
    assert text.startswith("DANH SÁCH NHẮC VIỆC NGÀY 29/04/2025\nĐơn vị: Sở Y tế\n")
    assert ("2. [Cập nhật hồ sơ theo quyết định] Quyết định 5/QĐ-SYT: cập nhật hồ sơ của Nguyễn Văn An "
            "chậm nhất ngày 21/04/2025 (đang chờ duyệt). (quá hạn 8 ngày)") in text
    assert ("1. [Nâng bậc lương thường xuyên] Phạm Văn Dũng: đến hạn nâng bậc lương thường xuyên ngày "
            "01/04/2025 (đang hưởng bậc 3, ngạch 01.003 từ 01/04/2022). (quá hạn 28 ngày)") in text
    assert "Đỗ Thị Giang: hết thời hạn giữ chức vụ Trưởng phòng ngày 30/06/2025 (bổ nhiệm từ 01/07/2020)." in text
    assert "Tô Thị Lan (sinh 01/01/1969): đủ tuổi nghỉ hưu ngày 01/09/2025 (sớm nhất; hồ sơ chưa ghi giới tính)." in text
    # The same day again, for one unit's subtree: the day's lists are replaced.
    only = deadline_monitor.fn(str(home), today=TODAY.isoformat(), database_url=store_url, unit="DN.STC")
    assert [u["unit"] for u in only["units"]] == ["DN.STC"]
    assert sorted(p.name for p in folder.iterdir()) == ["DN.STC.json", "DN.STC.txt", "index.json"]


def test_a_real_decision_read_and_applied_reaches_the_list(tmp_path):
    # A real reappointment decision, read and applied to the embedded store of the data folder.
    from bench.corpus.build import build
    from flows.stores import open_records

    build(tmp_path / "in", 1, 7, kinds=("docx",))
    home = tmp_path / "home"
    records = open_records(home, None, create_unknown_people=True)  # an empty store: open the file
    try:
        item = process_one(tmp_path / "in" / "d001.docx", build_context(home, records=records))
    finally:
        records.close()
    (event,) = item["output"]["events"]
    assert event["type"] == "reappointment" and item["output"]["records"]["events"][0]["status"] == "applied"
    start = dt.date.fromisoformat(event["effective_date"])
    term_end = dt.date(start.year + 5, start.month, start.day) - dt.timedelta(days=1)
    day = term_end - dt.timedelta(days=30)
    index = deadline_monitor.fn(str(home), today=day.isoformat())
    notices = [n for u in index["units"]
               for n in json.loads((home / "notices" / day.isoformat() / f"{u['file']}.json").read_text())["notices"]]
    assert [(n["kind"], n["due"], n["person"]) for n in notices if n["kind"] != "retirement"] == [
        ("term_end", term_end.isoformat(), event["person"]["name"])]  # applied: no records-update notice


def test_report_periods_follow_decree_09_2019():
    assert closed_period(dt.date(2025, 6, 15)) == (dt.date(2024, 12, 15), dt.date(2025, 6, 14))
    assert closed_period(dt.date(2025, 12, 15)) == (dt.date(2025, 6, 15), dt.date(2025, 12, 14))
    assert closed_period(dt.date(2025, 1, 2)) == (dt.date(2024, 6, 15), dt.date(2024, 12, 14))


def test_semiannual_summary_counts_what_the_ledger_holds(tmp_path):
    samples = Path(__file__).parent / "samples"
    home = tmp_path / "home"
    ctx = build_context(home)
    items = [process_one(samples / name, ctx) for name in ("letter_3647.pdf", "letter_3647.docx")]
    assert [i["status"] for i in items] == ["processed", "processed"]
    issuer = items[0]["output"]["metadata"]["issuer"]
    now = dt.datetime.now(reports.ZoneInfo(reports.TIMEZONE)).date()
    # The next report day after today covers today's commits.
    report_day = next(d for d in (now + dt.timedelta(days=i) for i in range(1, 370))
                      if (d.month, d.day) in ((6, 15), (12, 15)))
    summary = semiannual_report.fn(str(home), today=report_day.isoformat(),
                                   builder="flows.reports:summarize_period")
    assert summary["documents"] == 2 and summary["by_type"] == {"Công văn": 2}
    assert summary["by_kind"] == {"docx": 1, "text_pdf": 1}
    assert issuer and summary["by_unit"] == {issuer: 2}
    text = Path(summary["files"][1]).read_text(encoding="utf-8")
    assert "Tổng số văn bản đã đọc: 2" in text and "issue 9" in text
    # Run on the first day of that period, the report covers the period before: nothing read yet.
    earlier = semiannual_report.fn(str(home), today=closed_period(report_day)[0].isoformat(),
                                   builder="flows.reports:summarize_period")
    assert earlier["documents"] == 0
    # The scheduled default writes the real report (issue 9) from the records in the data folder.
    report = semiannual_report.fn(str(home), today=report_day.isoformat())
    docx_path, xlsx_path = (Path(f) for f in report["files"])
    assert docx_path.suffix == ".docx" and xlsx_path.suffix == ".xlsx"
    import docx

    text = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert "BÁO CÁO" in text and "6 tháng" in text
    assert report["from"] == closed_period(report_day)[0].isoformat()
    assert report["total"]["decisions"] == 0  # the letters were issued in 2020, outside the period


def test_the_scheduled_report_reads_the_configured_records_store(store_url, build, tmp_path):
    # Production passes SOHOA_DATABASE_URL (prefect.yaml); the report must read that store, not an
    # empty embedded one in the data folder.
    store = open_scenario_store(store_url)
    populate(store, build)
    store.close()
    home = tmp_path / "home"
    report = semiannual_report.fn(str(home), today="2025-06-15", database_url=store_url)
    assert (report["from"], report["to"]) == ("2024-12-15", "2025-06-14")
    # Issued in the period with events: 3/QĐ (25/03), 5/QĐ and 6/QĐ (14/04), 13/QĐ (21/04),
    # 11/QĐ (24/04), 12/QĐ (25/04).
    assert report["total"]["decisions"] == 6
    assert semiannual_report.fn(str(home), today="2025-06-15")["total"]["decisions"] == 0
