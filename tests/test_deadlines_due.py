"""What falls due (records.deadlines.due_items), on SQLite and PostgreSQL, against a scenario worked
out by hand for Tuesday 29/04/2025 — the eve of 30/4–1/5 with 2/5 given off (Sat 26/04 made up),
so the next working day is Monday 05/05."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from flows.monitor import due_rules
from records import Actor, NotPermitted, StoreConfig, department_admin, open_store

D = dt.date
TODAY = D(2025, 4, 29)
ADMIN = department_admin("so-noi-vu")
SYT = Actor("syt", "DN.SYT", "admin")
TCCB = "Phòng Tổ chức cán bộ, Sở Y tế"
NS = "Phòng Quản lý ngân sách, Sở Tài chính"
MONTHS = {"01.003": 36, "01.005": 24}  # ngạch A1 and B (validators/data/salary_grids.toml)


class Clock:
    now = dt.datetime.combine(TODAY, dt.time(8, 0))

    def __call__(self) -> dt.datetime:
        return self.now


def open_scenario_store(url: str):
    config = StoreConfig(clock=Clock(), raise_months=MONTHS.get, top_step=lambda code: 9 if code else None,
                         create_unknown_people=True)
    return open_store(url, config)


def populate(store, build) -> None:
    """The people and decisions of the scenario (their expected notices: EXPECTED)."""
    def born(name, year, sex=None, month=1, day=1):
        return name, D(year, month, day), sex

    def ev(kind, who, when, **kw):
        name, birth, sex = who
        event = build.event(kind, name, when, birth=birth, **kw)
        return dataclasses.replace(event, person=dataclasses.replace(event.person, sex=sex))

    an, binh = born("Nguyễn Văn An", 1985), born("Trần Thị Bình", 1990, "female")
    cuong, dung, em = born("Lê Văn Cường", 1984), born("Phạm Văn Dũng", 1983), born("Hoàng Văn Em", 1970, "male")
    giang, hai, ich, kien = (born("Đỗ Thị Giang", 1978, "female"), born("Vũ Văn Hải", 1980, "male"),
                             born("Ngô Văn Ích", 1979, "male"), born("Bùi Văn Kiên", 1977, "male"))
    khoa, lan = born("Mạc Văn Khoa", 1964, "male", 4, 20), born("Tô Thị Lan", 1969)
    mai, minh = born("Lý Thị Mai", 1969, "female", 3, 10), born("Cao Văn Minh", 1963, "male")
    staff = (TCCB, "Chuyên viên")
    everyone = [an, cuong, dung, em, giang, hai, ich, kien, khoa, lan, mai, minh]
    decisions = [
        ("1/QĐ-SNV", D(2009, 12, 20), [ev("recruitment", who, D(2010, 1, 1), to=staff) for who in everyone]
         + [ev("recruitment", binh, D(2010, 1, 1), to=(NS, "Chuyên viên"))]),
        # Salary: next raise = valid_from + 36 (A1) or 24 (B) months, on the latest step only.
        ("1/QĐ-SYT", D(2022, 5, 10), [ev("salary_raise", an, D(2022, 5, 15), frm=staff, salary=("01.003", 2, 2.67))]),
        ("1/QĐ-STC", D(2023, 5, 5), [ev("salary_raise", binh, D(2023, 5, 10), frm=(NS, "Chuyên viên"),
                                         salary=("01.005", 3, 2.46))]),
        ("2/QĐ-SYT", D(2022, 3, 25), [ev("salary_raise", cuong, D(2022, 4, 1), frm=staff, salary=("01.003", 3, 3.0)),
                                      ev("salary_raise", dung, D(2022, 4, 1), frm=staff, salary=("01.003", 3, 3.0))]),
        ("3/QĐ-SYT", D(2025, 3, 25), [ev("salary_raise", cuong, D(2025, 4, 1), frm=staff, salary=("01.003", 4, 3.33))]),
        ("4/QĐ-SYT", D(2020, 1, 2), [ev("salary_raise", em, D(2020, 1, 1), frm=staff, salary=("01.003", 9, 4.98))]),
        # Terms: 5 years unless stated; a later post (the reappointment) ends the first.
        ("7/QĐ-SYT", D(2020, 6, 25), [ev("appointment", giang, D(2020, 7, 1), to=(TCCB, "Trưởng phòng"))]),
        ("8/QĐ-SYT", D(2023, 6, 10), [ev("appointment", hai, D(2023, 6, 15), to=(TCCB, "Phó Trưởng phòng"),
                                         term_months=24)]),
        ("9/QĐ-SYT", D(2020, 7, 25), [ev("appointment", ich, D(2020, 8, 1), to=(TCCB, "Phó Trưởng phòng"))]),
        ("10/QĐ-SYT", D(2020, 5, 25), [ev("appointment", kien, D(2020, 6, 1), to=(TCCB, "Phó Trưởng phòng"))]),
        ("13/QĐ-SYT", D(2025, 4, 21), [ev("reappointment", kien, D(2025, 6, 1), to=(TCCB, "Phó Trưởng phòng"))]),
        # Retirement: NĐ 135/2020 ages; no sex on file → the earlier (female) date.
        ("15/QĐ-SYT", D(2024, 2, 20), [ev("retirement", minh, D(2024, 3, 1), frm=staff)]),
        # Documents: applied ones need nothing; held ones are listed when due by Mon 05/05.
        ("6/QĐ-SYT", D(2025, 4, 14), [ev("award", an, D(2025, 4, 14), frm=staff, detail="Giấy khen")]),
    ]
    for number, issued, events in decisions:
        assert store.apply(build.decision(number, issued, events), ADMIN).document_status == "applied", number
    held = [("5/QĐ-SYT", D(2025, 4, 14), an), ("11/QĐ-SYT", D(2025, 4, 24), dung), ("12/QĐ-SYT", D(2025, 4, 25), an)]
    for number, issued, who in held:
        update = store.apply(build.decision(number, issued, [ev("award", who, issued, frm=staff, detail="Giấy khen")],
                                            errors=["SIGNER-MISSING"]), ADMIN)
        assert update.document_status == "in_review", number


# (list's unit, kind, due, person or document number) worked out by hand:
EXPECTED = [
    # 5/QĐ issued Mon 14/04 → 5th working day Mon 21/04: overdue. 11/QĐ issued Thu 24/04 → Fri 25,
    # Sat 26 (made up), Mon 28, Tue 29, then 30/4–4/5 off → Mon 05/05: within one working day.
    # 12/QĐ issued Fri 25/04 → Tue 06/05: not yet.
    ("DN.SYT", "records_update", D(2025, 4, 21), "5/QĐ-SYT"),
    ("DN.SYT", "records_update", D(2025, 5, 5), "11/QĐ-SYT"),
    # Dũng: step 3 since 01/04/2022 + 36 months → 01/04/2025, overdue (Cường's step 4 runs to 2028).
    ("DN.SYT", "salary_raise", D(2025, 4, 1), "Phạm Văn Dũng"),
    ("DN.SYT", "salary_raise", D(2025, 5, 15), "Nguyễn Văn An"),  # 15/05/2022 + 36 months
    # Hải: 24 months from 15/06/2023 → 14/06/2025; Giang: 5 years from 01/07/2020 → 30/06/2025.
    # Ích ends 31/07/2025 (past 28/07, the 90th day); Kiên is already reappointed from 01/06/2025.
    ("DN.SYT", "term_end", D(2025, 6, 14), "Vũ Văn Hải"),
    ("DN.SYT", "term_end", D(2025, 6, 30), "Đỗ Thị Giang"),
    # Khoa (male, 20/04/1964): 61 y 3 m in 2025 → 20/07/2025. Lan (1969, sex unknown): female
    # 56 y 8 m in 2025 → 01/09/2025. Mai (female, 10/03/1969) → 10/11/2025, past 29/10. Minh retired.
    ("DN.SYT", "retirement", D(2025, 7, 20), "Mạc Văn Khoa"),
    ("DN.SYT", "retirement", D(2025, 9, 1), "Tô Thị Lan"),
    ("DN.STC", "salary_raise", D(2025, 5, 10), "Trần Thị Bình"),  # ngạch B: 24 months from 10/05/2023
]


def as_rows(items) -> list[tuple]:
    return sorted((i.manager or "", i.kind, i.due, i.person or i.number) for i in items)


@pytest.fixture
def store(store_url, build):
    s = open_scenario_store(store_url)
    populate(s, build)
    yield s
    s.close()


def test_what_falls_due_on_a_hand_computed_scenario(store):
    items = store.due_items(ADMIN, due_rules())
    assert as_rows(items) == sorted(EXPECTED)
    by = {(i.kind, i.person or i.number): i for i in items}
    assert by["records_update", "11/QĐ-SYT"].facts["people"] == ["Phạm Văn Dũng"]
    assert by["records_update", "11/QĐ-SYT"].unit == "DN.SYT.TCCB"  # the section; listed for its Sở
    assert by["salary_raise", "Phạm Văn Dũng"].facts == {"scale_code": "01.003", "step": 3, "since": "2022-04-01"}
    assert by["term_end", "Đỗ Thị Giang"].facts["position"] == "Trưởng phòng"
    assert by["retirement", "Tô Thị Lan"].facts["sex_known"] is False
    assert by["retirement", "Mạc Văn Khoa"].facts["sex_known"] is True
    assert by["salary_raise", "Nguyễn Văn An"].number == "1/QĐ-SYT"  # the decision the date comes from


def test_windows_are_rules_and_scope_follows_the_org_tree(store):
    wide = as_rows(store.due_items(ADMIN, due_rules(term_days=100, update_workdays=2)))
    assert ("DN.SYT", "term_end", D(2025, 7, 31), "Ngô Văn Ích") in wide
    assert ("DN.SYT", "records_update", D(2025, 5, 6), "12/QĐ-SYT") in wide  # Tue 06/05: 2nd working day
    health = as_rows(store.due_items(SYT, due_rules()))
    assert health == sorted(e for e in EXPECTED if e[0] == "DN.SYT")
    assert as_rows(store.due_items(ADMIN, due_rules(), unit="DN.STC")) == [e for e in EXPECTED if e[0] == "DN.STC"]
    with pytest.raises(NotPermitted):
        store.due_items(SYT, due_rules(), unit="DN.STC")


def test_approving_a_held_decision_takes_it_off_the_list(store):
    [item] = [i for i in store.review_items(ADMIN) if i.number == "5/QĐ-SYT"]
    store.approve(item.id, ADMIN)
    assert "5/QĐ-SYT" not in [i.number for i in store.due_items(ADMIN, due_rules()) if i.kind == "records_update"]
