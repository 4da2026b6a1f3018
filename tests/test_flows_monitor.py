"""deadline_monitor and semiannual_report: due dates, windows, per-unit lists, report periods (`.fn()`)."""
import datetime as dt
import json
from pathlib import Path

from flows import monitor, reports
from flows.batch import process_one
from flows.monitor import Windows, deadline_monitor, from_outcomes, select
from flows.reports import closed_period, semiannual_report
from flows.runtime import build_context
from pipeline.model import Event, Outcome, Person, Post, Salary, Structure

TODAY = dt.date(2025, 3, 10)
SO_Y_TE = "Sở Y tế tỉnh Đồng Nai"
SO_NV = "Sở Nội vụ tỉnh Đồng Nai"


def _decision(sha: str, number: str, due: dt.date | None, *events: Event) -> Outcome:
    return Outcome(source=f"{number}.pdf", sha256=sha * 64,
                   structure=Structure(number=number, issuer="Ủy ban nhân dân tỉnh Đồng Nai"),
                   events=events, update_due=due)


def _event(kind: str, name: str, when: dt.date, unit: str = SO_Y_TE, **extra) -> Event:
    person = extra.pop("person", Person(name))
    return Event(type=kind, person=person, to_post=Post(unit, extra.pop("position", None)),
                 effective_date=when, **extra)


def _source(applied=()):
    outcomes = [
        _decision("a", "1/QĐ-UBND", dt.date(2025, 3, 5), _event("transfer", "Lê An", dt.date(2025, 3, 1))),
        _decision("b", "2/QĐ-UBND", dt.date(2025, 3, 11), _event("transfer", "Hồ Bình", dt.date(2025, 3, 1), SO_NV)),
        _decision("c", "3/QĐ-UBND", dt.date(2025, 3, 14), _event("transfer", "Vũ Chi", dt.date(2025, 3, 1))),
        _decision("d", "4/QĐ-UBND", None,
                  _event("salary_raise", "Đỗ Dung", dt.date(2022, 4, 1), salary=Salary("01.003", 3, 3.0)),
                  _event("salary_raise", "Phan Em", dt.date(2023, 3, 20), SO_NV, salary=Salary("01.005", 4, 2.46)),
                  _event("salary_raise", "Ngô Phúc", dt.date(2023, 1, 1), salary=Salary("01.003", 2, 2.67))),
        _decision("e", "5/QĐ-UBND", None,
                  _event("appointment", "Trần Giang", dt.date(2020, 5, 1), position="Trưởng phòng"),
                  _event("appointment", "Lý Hải", dt.date(2020, 9, 1), position="Phó phòng")),
        _decision("f", "6/QĐ-UBND", None,
                  _event("award", "Mạc Khoa", dt.date(2024, 1, 1), person=Person("Mạc Khoa", dt.date(1964, 4, 20), sex="male")),
                  _event("award", "Tô Lan", dt.date(2024, 1, 1), person=Person("Tô Lan", dt.date(1970, 1, 5)))),
        Outcome(source="bad.pdf", error_code="FILE-CORRUPT"),
    ]
    return from_outcomes(outcomes, applied)


def _by_kind(notices):
    found: dict[str, list] = {}
    for n in notices:
        found.setdefault(n.kind, []).append(n)
    return found


def test_records_updates_overdue_or_due_by_tomorrow():
    picked = _by_kind(select(_source().due_items(TODAY), TODAY))["records_update"]
    assert [(n.number, n.unit, n.due) for n in picked] == [
        ("2/QĐ-UBND", SO_NV, dt.date(2025, 3, 11)), ("1/QĐ-UBND", SO_Y_TE, dt.date(2025, 3, 5))]
    assert "Lê An" in picked[1].detail
    applied = _source(applied={"a" * 64}).due_items(TODAY)
    assert "1/QĐ-UBND" not in [n.number for n in select(applied, TODAY) if n.kind == "records_update"]


def test_regular_raises_by_ngach_interval():
    picked = _by_kind(select(_source().due_items(TODAY), TODAY))["salary_raise"]
    # 01.003 (A1) 36 months from 2022-04-01 → 2025-04-01 (in 22 days); 01.005 (B) 24 months from
    # 2023-03-20 → 2025-03-20; 01.003 from 2023-01-01 → 2026: not yet.
    assert sorted((n.person, n.due) for n in picked) == [("Phan Em", dt.date(2025, 3, 20)),
                                                         ("Đỗ Dung", dt.date(2025, 4, 1))]


def test_terms_within_90_days_and_retirements_within_6_months():
    found = _by_kind(select(_source().due_items(TODAY), TODAY))
    assert [(n.person, n.due) for n in found["term_end"]] == [("Trần Giang", dt.date(2025, 4, 30))]
    # Born 20/4/1964, male: 61 years 3 months in 2025 (NĐ 135/2020) → 20/7/2025, within 6 months.
    # Born 1970 with no sex stated: the earliest (female) age falls in 2027, not yet.
    assert [(n.person, n.due) for n in found["retirement"]] == [("Mạc Khoa", dt.date(2025, 7, 20))]


def test_windows_are_parameters():
    wide = Windows(term_days=365)
    picked = [n.person for n in select(_source().due_items(TODAY), TODAY, wide) if n.kind == "term_end"]
    assert sorted(picked) == ["Lý Hải", "Trần Giang"]


def test_notice_lists_are_written_per_unit_in_json_and_vietnamese(tmp_path):
    notices = select(_source().due_items(TODAY), TODAY)
    index = monitor.write_notices(notices, tmp_path, TODAY)
    assert {u["unit"] for u in index["units"]} == {SO_Y_TE, SO_NV}
    unit = next(u for u in index["units"] if u["unit"] == SO_NV)
    data = json.loads((tmp_path / f"{unit['file']}.json").read_text(encoding="utf-8"))
    assert data["date"] == "2025-03-10" and all(n["unit"] == SO_NV for n in data["notices"])
    text = (tmp_path / f"{unit['file']}.txt").read_text(encoding="utf-8")
    assert text.startswith("DANH SÁCH NHẮC VIỆC NGÀY 10/03/2025\nĐơn vị: Sở Nội vụ tỉnh Đồng Nai")
    assert "[Nâng bậc lương thường xuyên] Phan Em" in text and "(còn 10 ngày)" in text
    assert unit["file"].startswith("so-noi-vu-tinh-dong-nai-")


def test_monitor_flow_reads_the_ledger_of_real_documents(tmp_path):
    # A real reappointment decision, read and committed; the interim source is the ledger.
    from bench.corpus.build import build

    build(tmp_path / "in", 1, 7, kinds=("docx",))
    home = tmp_path / "home"
    item = process_one(tmp_path / "in" / "d001.docx", build_context(home))
    (event,) = item["output"]["events"]
    assert event["type"] == "reappointment"
    start = dt.date.fromisoformat(event["effective_date"])
    term_end = dt.date(start.year + 5, start.month, start.day) - dt.timedelta(days=1)
    day = term_end - dt.timedelta(days=30)
    index = deadline_monitor.fn(str(home), today=day.isoformat())
    notices = [n for u in index["units"]
               for n in json.loads((home / "notices" / day.isoformat() / f"{u['file']}.json").read_text())["notices"]]
    kinds = {n["kind"]: n for n in notices}
    assert kinds["term_end"]["due"] == term_end.isoformat() and kinds["term_end"]["person"] == event["person"]["name"]
    assert kinds["records_update"]["due"] == item["output"]["update_due"] and kinds["records_update"]["overdue"]


def test_a_decision_the_records_stage_applied_needs_no_update_notice(tmp_path):
    from bench.corpus.build import build
    from flows.stores import open_records

    build(tmp_path / "in", 1, 7, kinds=("docx",))
    home = tmp_path / "home"
    records = open_records(home, None, create_unknown_people=True)  # an empty store: open the file
    try:
        item = process_one(tmp_path / "in" / "d001.docx", build_context(home, records=records))
    finally:
        records.close()
    assert {e["status"] for e in item["output"]["records"]["events"]} == {"applied"}
    day = dt.date.fromisoformat(item["output"]["update_due"]) + dt.timedelta(days=10)
    kinds = {n.kind for n in select(monitor.ledger_source(home).due_items(day), day, Windows(term_days=5000))}
    assert kinds == {"term_end"}  # applied: no records-update notice; the term still ends


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
