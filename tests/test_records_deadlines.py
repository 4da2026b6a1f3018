"""Deadlines and completeness (R1.3, R8, R9.2), on SQLite and PostgreSQL, against figures worked
out by hand on the 2025–2026 CBCCVC calendar (Tết, 30/4–1/5 with a make-up Saturday, Quốc khánh)."""
from __future__ import annotations

import datetime as dt

import pytest

from records import Actor, NotPermitted, StoreConfig, department_admin, open_store

D = dt.date
ADMIN = department_admin("so-noi-vu")
SYT = Actor("syt", "DN.SYT", "admin")
TCCB = "Phòng Tổ chức cán bộ, Sở Y tế"


class Clock:
    now = dt.datetime(2025, 1, 2, 8, 0)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def open_with(url, clock, **more):
    return open_store(url, StoreConfig(clock=clock, raise_months=lambda code: 36 if code else None,
                                       top_step=lambda code: 9 if code else None, **more))


@pytest.fixture
def store(store_url, clock):
    s = open_with(store_url, clock)
    yield s
    s.close()


def award(build, name, day, **kw):
    return build.event("award", name, day, frm=(TCCB, None), detail="Giấy khen", **kw)


def test_timeliness_per_unit_on_a_hand_computed_scenario(store, build, clock):
    clock.now = dt.datetime(2025, 1, 2, 8, 0)
    store.apply(build.decision("1/QĐ-SYT", D(2025, 1, 2), [build.event(
        "recruitment", "Nguyễn Văn An", D(2025, 1, 2), birth=D(1990, 1, 2), to=(TCCB, "Chuyên viên"))]), ADMIN)
    # A: issued Thu 23/01/2025; Tết closes Mon 27–Fri 31/01 → due Thu 06/02; applied that day: on time.
    clock.now = dt.datetime(2025, 2, 6, 16, 30)
    a = store.apply(build.decision("10/QĐ-SYT", D(2025, 1, 23), [award(build, "Nguyễn Văn An", D(2025, 1, 23))]), ADMIN)
    assert a.due_date == D(2025, 2, 6)
    # E (Sở Tài chính): issued Mon 03/03 → due Mon 10/03; applied that day.
    clock.now = dt.datetime(2025, 3, 10, 9, 0)
    e = store.apply(build.decision("5/QĐ-STC", D(2025, 3, 3), [build.event(
        "recruitment", "Đỗ Văn Tài", D(2025, 3, 3), to=("Phòng Quản lý ngân sách, Sở Tài chính", "Chuyên viên"))],
        issuer="Sở Tài chính tỉnh Đồng Nai"), ADMIN)
    assert e.due_date == D(2025, 3, 10)
    # B: issued Thu 24/04; Sat 26/04 is a make-up workday, Wed 30/04–Fri 02/05 are off → due Mon 05/05;
    # applied Tue 06/05: 1 working day late.
    clock.now = dt.datetime(2025, 5, 6, 9, 0)
    b = store.apply(build.decision("20/QĐ-SYT", D(2025, 4, 24), [award(build, "Nguyễn Văn An", D(2025, 4, 24))]), ADMIN)
    assert b.due_date == D(2025, 5, 5)
    # C: issued Wed 27/08; Mon 01 and Tue 02/09 are Quốc khánh → due Fri 05/09; held for review.
    clock.now = dt.datetime(2025, 8, 28, 9, 0)
    c = store.apply(build.decision("30/QĐ-SYT", D(2025, 8, 27), [award(build, "Nguyễn Văn An", D(2025, 8, 27))],
                                   errors=["SIGNER-MISSING"]), ADMIN)
    assert (c.due_date, c.document_status) == (D(2025, 9, 5), "in_review")
    # D: issued Mon 08/09 → due Mon 15/09; held for review, not yet due.
    clock.now = dt.datetime(2025, 9, 8, 9, 0)
    store.apply(build.decision("31/QĐ-SYT", D(2025, 9, 8), [award(build, "Nguyễn Văn An", D(2025, 9, 8), confidence=0.4)]), ADMIN)
    # A letter without events has no deadline and is not counted.
    store.apply(build.decision("99/SYT-VP", D(2025, 5, 5), []), ADMIN)

    clock.now = dt.datetime(2025, 9, 10, 9, 0)  # Wed: C is 3 working days overdue (Mon 8–Wed 10)
    rep = store.timeliness(ADMIN, start=D(2025, 1, 1), end=D(2025, 12, 31))
    rows = {r.unit: (r.documents, r.on_time, r.late, r.overdue, r.pending, r.workdays_late) for r in rep.rows}
    # Sở Y tế: the recruitment and A on time, B late (1), C overdue (3), D pending.
    assert rows == {"DN.STC": (1, 1, 0, 0, 0, 0), "DN.SYT": (5, 2, 1, 1, 1, 4)}
    assert [r.on_time_rate for r in rep.rows] == [1.0, 0.5]
    assert (rep.total.documents, rep.total.on_time, rep.total.on_time_rate) == (6, 3, 0.6)
    status = {d.number: (d.status, d.workdays_late) for d in rep.documents}
    assert status["10/QĐ-SYT"] == ("on_time", 0) and status["20/QĐ-SYT"] == ("late", 1)
    assert status["30/QĐ-SYT"] == ("overdue", 3) and status["31/QĐ-SYT"] == ("pending", 0)

    spring = store.timeliness(SYT, unit="DN.SYT", start=D(2025, 4, 1), end=D(2025, 8, 31))
    assert [d.number for d in spring.documents] == ["20/QĐ-SYT", "30/QĐ-SYT"]
    with pytest.raises(NotPermitted):
        store.timeliness(SYT, unit="DN.STC")
    # Approving C on Fri 12/09 settles it: 5 working days late.
    clock.now = dt.datetime(2025, 9, 12, 9, 0)
    [item] = [i for i in store.review_items(ADMIN) if i.number == "30/QĐ-SYT"]
    store.approve(item.id, ADMIN)
    assert store.document_deadline(c.sha256, ADMIN).status == "late"
    assert store.document_deadline(c.sha256, ADMIN).workdays_late == 5


def test_the_strictest_enabled_deadline_policy_is_shown(store_url, build, clock):
    clock.now = dt.datetime(2026, 7, 3, 9, 0)
    hire = build.event("recruitment", "Phan Thị Lan", D(2026, 7, 2), to=(TCCB, "Chuyên viên"))
    move = build.event("transfer", "Nguyễn Văn Bảo", D(2026, 7, 2), to=(TCCB, "Chuyên viên"))
    both = open_with(store_url, clock)
    recruited = both.apply(build.decision("100/QĐ-SYT", D(2026, 7, 2), [hire]), ADMIN)
    moved = both.apply(build.decision("101/QĐ-SYT", D(2026, 7, 2), [move]), ADMIN)
    # Thu 02/07/2026: provincial 5 working days → Thu 09/07; NĐ 27/2026 3 days for a recruitment →
    # Sun 05/07, 3 working days otherwise → Tue 07/07.
    assert (recruited.due_date, recruited.due_policy) == (D(2026, 7, 5), "national")
    assert (moved.due_date, moved.due_policy) == (D(2026, 7, 7), "national")
    deadline = both.document_deadline(recruited.sha256, ADMIN)
    assert deadline.dues == {"provincial": "2026-07-09", "national": "2026-07-05"}
    before = both.apply(build.decision("7/QĐ-SYT", D(2026, 6, 30), [build.event(
        "recruitment", "Mai Văn Tư", D(2026, 6, 30), to=(TCCB, "Chuyên viên"))]), ADMIN)
    assert (before.due_date, before.due_policy) == (D(2026, 7, 7), "provincial")  # NĐ 27 not yet in force
    both.close()
    provincial = open_with(store_url, clock, deadline_policies=("provincial",))
    assert provincial.document_deadline(recruited.sha256, ADMIN).due_date == D(2026, 7, 5)  # stored at receipt
    late = provincial.apply(build.decision("102/QĐ-SYT", D(2026, 7, 2), [build.event(
        "recruitment", "Lâm Văn Hậu", D(2026, 7, 2), to=(TCCB, "Chuyên viên"))]), ADMIN)
    assert (late.due_date, late.due_policy) == (D(2026, 7, 9), "provincial")
    provincial.close()


def test_completeness_names_what_is_missing_or_inconsistent(store, build, clock):
    clock.now = dt.datetime(2025, 9, 10, 9, 0)
    docs = [
        ("1/QĐ", D(2020, 1, 1), build.event("recruitment", "Hoàng Văn Một", D(2020, 1, 1), birth=D(1980, 1, 1),
                                            to=(TCCB, "Chuyên viên"))),
        ("2/QĐ", D(2021, 1, 1), build.event("recruitment", "Vũ Thị Hai", D(2021, 1, 1), birth=D(1985, 1, 1),
                                            pid="075185000001", to=(TCCB, "Chuyên viên"), salary=("01.003", 1, 2.34))),
        ("3/QĐ", D(2023, 1, 1), build.event("rotation", "Vũ Thị Hai", D(2023, 1, 1), birth=D(1985, 1, 1),
                                            to=("Khoa Nội tổng hợp, Bệnh viện Đa khoa Đồng Nai", "Chuyên viên"),
                                            term_months=12)),
        ("4/QĐ", D(2024, 6, 1), build.event("transfer", "Vũ Thị Hai", D(2024, 6, 1), birth=D(1985, 1, 1),
                                            frm=("Sở Tài chính", "Chuyên viên"), to=(TCCB, "Chuyên viên"))),
        ("5/QĐ", D(2020, 1, 1), build.event("appointment", "Vũ Thị Hai", D(2020, 1, 1), birth=D(1985, 1, 1),
                                            to=(TCCB, "Phó Trưởng phòng"), term_months=60)),
        ("6/QĐ", D(2025, 1, 1), build.event("recruitment", "Đặng Văn Ba", D(2025, 1, 1), birth=D(1995, 1, 1),
                                            pid="075095000003", to=(TCCB, "Chuyên viên"), salary=("01.003", 1, 2.34))),
    ]
    for number, issued, ev in docs:
        assert store.apply(build.decision(number, issued, [ev]), ADMIN).applied == 1
    checks = {name: {p.code for p in check.problems} for name, check in store.incomplete_files(ADMIN)}
    assert checks["Hoàng Văn Một"] == {"NO-PERSONAL-ID", "NO-SALARY-HISTORY"}
    # Hai: raise due 01/01/2024 (36 months on step 1); rotation ended 31/12/2023, next post 01/06/2024;
    # the transfer says she came from Sở Tài chính. The 2020 appointment is not her current post.
    assert checks["Vũ Thị Hai"] == {"RAISE-OVERDUE", "ASSIGNMENT-GAP", "FROM-MISMATCH"}
    assert "Đặng Văn Ba" not in checks
    [hai] = store.find_people("075185000001", ADMIN)
    messages = [p.message for p in store.completeness(hai.id, ADMIN).problems]
    assert any("01/01/2024" in m and "31/05/2024" in m for m in messages)
    # An appointment term of 60 months from 01/01/2020 ran out on 31/12/2024.
    store.apply(build.decision("7/QĐ", D(2020, 1, 1), [build.event(
        "appointment", "Đặng Văn Ba", D(2020, 1, 1), birth=D(1995, 1, 1), to=(TCCB, "Trưởng phòng"),
        term_months=60)]), ADMIN)
    [ba] = store.find_people("Đặng Văn Ba", ADMIN)
    assert store.completeness(ba.id, ADMIN).complete  # the 2025 recruitment came after it
    store.apply(build.decision("8/QĐ", D(2020, 3, 1), [build.event(
        "appointment", "Vũ Thị Hai", D(2025, 1, 1), birth=D(1985, 1, 1), to=(TCCB, "Trưởng phòng"),
        term_months=6)]), ADMIN)
    problems = {p.code: p.message for p in store.completeness(hai.id, ADMIN).problems}
    assert "TERM-EXPIRED" in problems and "30/06/2025" in problems["TERM-EXPIRED"]
