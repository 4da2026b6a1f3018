"""Reports (issue 9): the figures against a hand-computed half year on the 2026 CBCCVC calendar
(Tết 16–20/02, the Giỗ Tổ make-up Monday 27/04, 30/04–01/05), on SQLite and PostgreSQL; the
scope of a unit head; the DOCX and XLSX read back; the `sohoa report semiannual` command."""
from __future__ import annotations

import datetime as dt

import pytest

from records import Actor, NotPermitted, StoreConfig, department_admin, open_store
from reports import compute_figures, figures_to_dict, half_year, semiannual
from reports.text import vn_date

D = dt.date
ADMIN = department_admin("so-noi-vu")
SYT_HEAD = Actor("truong-phong-tccb-syt", "DN.SYT", "viewer")
STC_HEAD = Actor("stc", "DN.STC", "viewer")
TCCB = "Phòng Tổ chức cán bộ, Sở Y tế"
QLNS = "Phòng Quản lý ngân sách, Sở Tài chính"


class Clock:
    now = dt.datetime(2025, 12, 11, 8, 0)

    def __call__(self) -> dt.datetime:
        return self.now


def _at(clock, *args):
    clock.now = dt.datetime(*args)


@pytest.fixture
def scenario(store_url, build):
    """Four files, five decisions (one before the period) — see the comments for the hand figures."""
    clock = Clock()
    store = open_store(store_url, StoreConfig(clock=clock, raise_months=lambda code: 36 if code else None,
                                              top_step=lambda code: 9 if code else None))
    ev, dec = build.event, build.decision
    # Before the period (issued Wed 10/12/2025, applied Thu 11/12): a file without salary history.
    store.apply(dec("9/QĐ-SYT", D(2025, 12, 10), [ev("recruitment", "Lê Văn Cường", D(2025, 12, 10),
                birth=D(1988, 5, 1), pid="075088001111", to=(TCCB, "Chuyên viên"))]), ADMIN)
    # D1 issued Thu 12/02; Tết Mon 16–Fri 20/02 → due Thu 26/02; applied Wed 25/02: on time,
    # 4 working days after issue (13, 23, 24, 25/02). A complete file.
    _at(clock, 2026, 2, 25, 9)
    store.apply(dec("1/QĐ-SYT", D(2026, 2, 12), [ev("recruitment", "Nguyễn Văn An", D(2026, 2, 12),
                birth=D(1990, 1, 2), pid="075090001234", to=(TCCB, "Chuyên viên"),
                salary=("01.003", 1, 2.34))]), ADMIN)
    # D4 (Sở Tài chính) issued Mon 09/03 → due Mon 16/03; applied Tue 10/03: on time, 1 day. Complete.
    _at(clock, 2026, 3, 10, 9)
    store.apply(dec("5/QĐ-STC", D(2026, 3, 9), [ev("recruitment", "Đỗ Văn Tài", D(2026, 3, 9),
                birth=D(1992, 7, 7), pid="075092002222", to=(QLNS, "Chuyên viên"), salary=("01.003", 1, 2.34))],
                issuer="Sở Tài chính tỉnh Đồng Nai"), ADMIN)
    # D2 issued Thu 23/04; Mon 27/04, Thu 30/04, Fri 01/05 off → due Tue 05/05; applied Thu 07/05:
    # late; 7 working days after issue (24, 28, 29/04, 04–07/05). No personal ID → NO-PERSONAL-ID.
    _at(clock, 2026, 5, 7, 9)
    store.apply(dec("2/QĐ-SYT", D(2026, 4, 23), [ev("recruitment", "Trần Thị Bình", D(2026, 4, 23),
                birth=D(1995, 3, 3), to=(TCCB, "Chuyên viên"), salary=("01.003", 1, 2.34))]), ADMIN)
    # D3 issued Mon 01/06, held for review (no signer) → due Mon 08/06; overdue on Fri 12/06,
    # its review item 9 working days old (02–05, 08–12/06).
    _at(clock, 2026, 6, 1, 9)
    held = store.apply(dec("3/QĐ-SYT", D(2026, 6, 1), [ev("award", "Nguyễn Văn An", D(2026, 6, 1),
                       frm=(TCCB, None), detail="Giấy khen")], errors=["SIGNER-MISSING"]), ADMIN)
    assert held.document_status == "in_review"
    _at(clock, 2026, 6, 12, 9)  # the report is due before 15 June
    yield store
    store.close()


def test_figures_match_the_hand_computed_half_year(scenario):
    f = compute_figures(scenario, ADMIN, *half_year(2026, 1))
    assert (f.root, f.start, f.end, f.today) == ("DN", D(2025, 12, 15), D(2026, 6, 14), D(2026, 6, 12))
    rows = {u.unit: u for u in f.units}
    assert set(rows) == {"DN.SYT", "DN.STC", "DN.SNV"}
    syt, stc, snv = rows["DN.SYT"], rows["DN.STC"], rows["DN.SNV"]
    # The Department's own account read the decisions in: its use gives it a row, with nothing to rank.
    assert (snv.files, snv.decisions, snv.review_open, snv.received, snv.rank) == (0, 0, 0, 4, None)
    assert (syt.files, syt.complete, syt.complete_share) == (3, 1, 0.3333)
    assert syt.gaps == (("NO-PERSONAL-ID", 1), ("NO-SALARY-HISTORY", 1))
    assert (syt.decisions, syt.on_time, syt.late, syt.overdue, syt.pending) == (3, 1, 1, 1, 0)
    assert (syt.on_time_rate, syt.median_delay, syt.review_open, syt.review_oldest) == (0.3333, 5.5, 1, 9)
    assert (stc.files, stc.complete, stc.decisions, stc.on_time, stc.median_delay, stc.review_open) == (1, 1, 1, 1, 1, 0)
    assert [(u.unit, u.rank, u.score) for u in f.units] == [("DN.STC", 1, 1.0), ("DN.SYT", 2, 0.3333),
                                                            ("DN.SNV", None, None)]
    t = f.total
    assert (t.files, t.complete, t.decisions, t.on_time, t.late, t.overdue) == (4, 2, 4, 2, 1, 1)
    assert (t.median_delay, t.review_open, t.review_oldest, t.on_time_rate) == (4, 1, 9, 0.5)
    # The second half of 2025 (15/06–14/12) holds only the December decision: on time (due Wed
    # 17/12, applied Thu 11/12: 1 working day after issue).
    late_2025 = compute_figures(scenario, ADMIN, *half_year(2025, 2))
    assert figures_to_dict(late_2025)["total"]["on_time_rate"] == 1.0
    assert (late_2025.total.decisions, late_2025.total.on_time, late_2025.total.median_delay) == (1, 1, 1)


def test_a_unit_head_gets_only_their_subtree(scenario):
    f = compute_figures(scenario, SYT_HEAD, *half_year(2026, 1))
    assert f.root == "DN.SYT"
    # The files sit in the TCCB section; the decisions belong to the issuer, Sở Y tế itself.
    rows = {u.unit: (u.files, u.decisions, u.review_open) for u in f.units}
    assert rows == {"DN.SYT": (0, 3, 0), "DN.SYT.TCCB": (3, 0, 1)}
    assert (f.total.files, f.total.decisions, f.total.review_open) == (3, 3, 1)
    with pytest.raises(NotPermitted):
        compute_figures(scenario, STC_HEAD, *half_year(2026, 1), unit="DN.SYT")


def test_each_units_use_of_the_system_comes_from_the_audit_log(scenario, tmp_path):
    """R8.1: logins, documents handed in, changes and look-ups per unit for the period."""
    import openpyxl

    clerk, accountant = Actor("van-thu-syt", "DN.SYT.TCCB", "clerk"), Actor("ke-toan-stc", "DN.STC", "clerk")
    for when, actor, action in [((2026, 3, 2, 8), clerk, "login"), ((2026, 3, 3, 8), clerk, "login"),
                                ((2026, 3, 3, 9), clerk, "search"), ((2026, 3, 3, 10), clerk, "read_person"),
                                ((2026, 3, 3, 11), clerk, "logout"),  # counts for nothing
                                ((2025, 12, 14, 23, 59), accountant, "login"),  # the day before the period
                                ((2026, 6, 14, 23, 0), accountant, "login"),  # its last evening
                                ((2026, 6, 15, 8), accountant, "login")]:  # the next period
        _at(scenario.config.clock, *when)
        scenario.log_action(actor, action)
    _at(scenario.config.clock, 2026, 6, 12, 9)
    f = compute_figures(scenario, ADMIN, *half_year(2026, 1))
    # The Department's own account read the four decisions of the period into the records.
    department = [e for e in scenario.audit_trail(ADMIN, limit=1000)
                  if e["unit"] == "DN.SNV" and D(2025, 12, 15) <= dt.date.fromisoformat(e["at"][:10])]
    changes = sum(e["action"] in ("apply", "create_person", "correct_review", "edit_person", "supersede")
                  for e in department)
    assert changes >= 3
    use = {u.unit: (u.accounts, u.logins, u.received, u.changes, u.lookups) for u in f.units}
    assert use == {"DN.SYT": (1, 2, 0, 0, 2), "DN.STC": (1, 1, 0, 0, 0), "DN.SNV": (0, 0, 4, changes, 0)}
    t = f.total
    assert (t.accounts, t.logins, t.received, t.changes, t.lookups) == (2, 3, 4, changes, 2)
    assert any("2 tài khoản đã đăng nhập 3 lượt" in p and "tiếp nhận 4 văn bản" in p
               for p in __import__("reports.text", fromlist=["x"]).summary_paragraphs(f))
    # A unit head sees the use of their own subtree only.
    head = compute_figures(scenario, SYT_HEAD, *half_year(2026, 1))
    assert {u.unit: u.logins for u in head.units} == {"DN.SYT": 0, "DN.SYT.TCCB": 2}
    assert (head.total.accounts, head.total.logins, head.total.lookups) == (1, 2, 2)
    semiannual(scenario, ADMIN, 2026, 1, tmp_path / "bc.xlsx")
    rows = {r[1]: r for r in openpyxl.load_workbook(tmp_path / "bc.xlsx")["Sử dụng"].iter_rows(min_row=4, values_only=True)}
    assert rows["DN.SYT"][3:8] == (1, 2, 0, 0, 2) and rows["DN"][3:5] == (2, 3)


def test_the_date_is_written_per_decree_30():
    assert vn_date(D(2024, 3, 5)) == "ngày 05 tháng 3 năm 2024"
    assert vn_date(D(2026, 2, 12)) == "ngày 12 tháng 02 năm 2026"
    assert vn_date(D(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"
    assert half_year(2026, 1) == (D(2025, 12, 15), D(2026, 6, 14))  # NĐ 09/2019 Điều 12
    assert half_year(2026, 2) == (D(2026, 6, 15), D(2026, 12, 14))
    with pytest.raises(ValueError):
        half_year(2026, 3)


def test_the_workbook_reads_back(scenario, tmp_path):
    import openpyxl
    out = semiannual(scenario, ADMIN, 2026, 1, tmp_path / "bc.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "bc.xlsx")
    assert wb.sheetnames == ["Hồ sơ", "Cập nhật", "Sử dụng", "Xếp hạng"]
    ws = wb["Cập nhật"]
    assert "6 tháng đầu năm 2026" in ws["A1"].value
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["DN.SYT"][3:9] == (3, 1, 1, 1, 0, 0.3333) and rows["DN.SYT"][9] == 5.5
    assert rows["DN"][2] == "Tổng cộng" and rows["DN"][3:7] == (4, 2, 1, 1)
    ranks = [r[:2] for r in wb["Xếp hạng"].iter_rows(min_row=4, values_only=True)]
    assert ranks == [(1, "DN.STC"), (2, "DN.SYT"), (None, "DN.SNV")]
    assert wb["Xếp hạng"]["D4"].number_format == "0.0%"
    assert out.total.files == 4


def test_proposals_name_only_the_units_they_are_for():
    from reports.figures import ReportFigures, UnitFigures
    from reports.text import proposals

    good = UnitFigures("DN.STC", "Sở Tài chính", files=4, complete=4, decisions=2, on_time=2, logins=3, accounts=1)
    idle = UnitFigures("DN.SGD", "Sở Giáo dục và Đào tạo", files=2, complete=1, gaps=(("NO-BIRTH-DATE", 1),))
    total = UnitFigures("DN", "Tỉnh Đồng Nai", files=6, complete=5, gaps=(("NO-BIRTH-DATE", 1),), logins=3)
    f = ReportFigures("DN", "Tỉnh Đồng Nai", D(2025, 12, 15), D(2026, 6, 14), D(2026, 6, 12), (good, idle), total)
    said = proposals(f)
    assert said == [
        "Đề nghị Sở Giáo dục và Đào tạo rà soát, bổ sung hồ sơ điện tử CBCCVC: tỷ lệ hồ sơ đầy đủ của các đơn vị "
        "này thấp hơn mức chung 83,3% (thiếu sót phổ biến: thiếu ngày sinh).",
        "Đề nghị Sở Giáo dục và Đào tạo sử dụng hệ thống để cập nhật, khai thác hồ sơ: trong kỳ chưa có tài khoản "
        "nào của đơn vị đăng nhập."]
    only_good = ReportFigures("DN", "Tỉnh Đồng Nai", f.start, f.end, f.today, (good,), good)
    assert proposals(only_good) == ["Đề nghị các đơn vị tiếp tục duy trì việc cập nhật quyết định vào hồ sơ điện "
                                    "tử đúng hạn và giữ hồ sơ đầy đủ, nhất quán."]
