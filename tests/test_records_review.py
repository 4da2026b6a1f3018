"""The review queue and scopes (R6), on SQLite and PostgreSQL: doubtful events wait and apply on
approval; ambiguous names need a choice; a move out of a unit's scope waits for the parent."""
from __future__ import annotations

import datetime as dt

import pytest

from records import Actor, InvalidRequest, NotFound, NotPermitted, StoreConfig, department_admin, open_store

D = dt.date
ADMIN = department_admin("so-noi-vu")
SYT = Actor("syt", "DN.SYT", "admin")  # Sở Y tế: its own subtree only
BV = Actor("bv", "DN.SYT.BVDK", "admin")  # the hospital under it
STC = Actor("stc", "DN.STC", "admin")
TCCB = "Phòng Tổ chức cán bộ, Sở Y tế"


class Clock:
    now = dt.datetime(2025, 6, 2, 9, 0)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(store_url, clock):
    s = open_store(store_url, StoreConfig(clock=clock))
    yield s
    s.close()


def hire(store, build, name, birth, unit=TCCB, actor=ADMIN, number=None):
    ev = build.event("recruitment", name, D(2024, 3, 15), birth=birth, to=(unit, "Chuyên viên"))
    return store.apply(build.decision(number or f"{abs(hash(name)) % 1000}/QĐ-TD", D(2024, 3, 5), [ev]), actor)


def test_error_findings_and_low_confidence_wait_for_review_then_apply(store, build):
    hire(store, build, "Nguyễn Văn An", D(1990, 1, 2))
    raise_ = build.event("salary_raise", "Nguyễn Văn An", D(2025, 1, 1), birth=D(1990, 1, 2), salary=("01.003", 2, 2.67))
    held = store.apply(build.decision("5/QĐ-SYT", D(2024, 12, 20), [raise_], errors=["NUMBER-MISSING"]), ADMIN)
    assert (held.document_status, held.events[0].status, held.events[0].reason) == \
        ("in_review", "needs_review", "document_errors")
    unsure = build.event("award", "Nguyễn Văn An", D(2025, 2, 1), birth=D(1990, 1, 2), confidence=0.5, detail="Giấy khen")
    assert store.apply(build.decision("6/QĐ-SYT", D(2025, 2, 1), [unsure]), ADMIN).events[0].reason == "low_confidence"
    [person] = store.find_people("Nguyễn Văn An", ADMIN)
    assert not [e for e in store.person_file(person.id, ADMIN)["timeline"] if e["kind"] in ("salary", "award")]

    items = store.review_items(ADMIN)
    assert [(i.reason, i.event_type) for i in items] == [("document_errors", "salary_raise"), ("low_confidence", "award")]
    assert store.approve(items[0].id, ADMIN).status == "applied"
    assert store.reject(items[1].id, ADMIN, "đọc sai").status == "refused"
    timeline = store.person_file(person.id, ADMIN)["timeline"]
    assert [e["kind"] for e in timeline if e["kind"] in ("salary", "award")] == ["salary"]
    assert store.review_items(ADMIN) == []
    with pytest.raises(InvalidRequest):
        store.approve(items[0].id, ADMIN)
    actions = [a["action"] for a in store.audit_trail(ADMIN, sha256=held.sha256)]
    assert actions == ["approve_review", "apply", "queue_review", "receive_document"]


def test_ambiguous_names_go_to_review_and_the_reviewer_picks_the_file(store, build):
    hire(store, build, "Trần Thị Hoa", D(1980, 1, 1), number="1/QĐ-TD")
    hire(store, build, "Trần Thị Hòa", D(1985, 2, 2), number="2/QĐ-TD")
    award = build.event("award", "Tran Thi Hoa", D(2025, 1, 6), frm=(TCCB, None), detail="Giấy khen")
    update = store.apply(build.decision("7/QĐ-SYT", D(2025, 1, 6), [award]), ADMIN)
    assert update.events[0].reason == "ambiguous_person"
    [item] = store.review_items(ADMIN)
    assert len(item.candidates) == 2
    with pytest.raises(InvalidRequest):
        store.approve(item.id, ADMIN)  # never guessed
    chosen = item.candidates[1]
    assert store.approve(item.id, ADMIN, person_id=chosen).person_id == chosen
    assert [e["detail"] for e in store.person_file(chosen, ADMIN)["timeline"] if e["kind"] == "award"] == ["Giấy khen"]
    # The exact spelling settles a tie between folded-equal names.
    exact = build.event("award", "Trần Thị Hòa", D(2025, 2, 6), frm=(TCCB, None), detail="Bằng khen")
    assert store.apply(build.decision("8/QĐ-SYT", D(2025, 2, 6), [exact]), ADMIN).events[0].person_id == chosen


def test_unknown_person_waits_unless_it_is_a_recruitment(store, build):
    stranger = build.event("salary_raise", "Võ Minh Khang", D(2025, 1, 1), birth=D(1979, 9, 9), salary=("01.003", 4, 3.33))
    held = store.apply(build.decision("9/QĐ-SYT", D(2024, 12, 20), [stranger]), ADMIN)
    assert held.events[0].reason == "unmatched_person"
    [item] = store.review_items(ADMIN)
    result = store.approve(item.id, ADMIN)  # the reviewer confirms a new file
    assert result.status == "applied" and store.find_people("Võ Minh Khang", ADMIN)[0].id == result.person_id


def test_a_unit_applies_within_its_subtree_and_sees_nothing_else(store, build):
    hire(store, build, "Nguyễn Văn An", D(1990, 1, 2), actor=SYT)
    hire(store, build, "Đỗ Văn Tài", D(1991, 3, 3), unit="Phòng Quản lý ngân sách, Sở Tài chính", actor=STC)
    move = build.event("transfer", "Nguyễn Văn An", D(2025, 3, 1), birth=D(1990, 1, 2),
                       to=("Khoa Nội tổng hợp, Bệnh viện Đa khoa Đồng Nai", "Chuyên viên"))
    assert store.apply(build.decision("40/QĐ-SYT", D(2025, 2, 20), [move]), SYT).applied == 1
    assert [p.name for p in store.find_people("Nguyễn Văn An", BV)] == ["Nguyễn Văn An"]
    assert store.find_people("Đỗ Văn Tài", SYT) == []
    stranger = build.event("award", "Đỗ Văn Tài", D(2025, 3, 2), birth=D(1991, 3, 3), detail="Giấy khen")
    refused = store.apply(build.decision("41/QĐ-SYT", D(2025, 3, 2), [stranger]), SYT)
    assert (refused.events[0].status, refused.events[0].reason) == ("refused", "out_of_scope")
    with pytest.raises(NotPermitted):
        store.apply(build.decision("42/QĐ-SYT", D(2025, 3, 2), []), Actor("v", "DN.SYT", "viewer"))


def test_a_move_out_of_scope_waits_for_the_parent_to_approve(store, build):
    hire(store, build, "Nguyễn Văn An", D(1990, 1, 2), actor=SYT)
    out = build.event("transfer", "Nguyễn Văn An", D(2025, 3, 1), birth=D(1990, 1, 2),
                      to=("Phòng Quản lý ngân sách, Sở Tài chính", "Chuyên viên"))
    update = store.apply(build.decision("40/QĐ-SYT", D(2025, 2, 20), [out]), SYT)
    assert (update.events[0].status, update.document_status) == ("pending_transfer", "in_review")
    [person] = store.find_people("Nguyễn Văn An", SYT)
    assert person.unit == "DN.SYT.TCCB"  # nothing moved yet
    assert store.review_items(SYT) == [] and store.review_items(STC) == []
    [item] = store.review_items(ADMIN)  # between departments: the Department of Home Affairs
    assert (item.kind, item.unit, item.from_unit, item.to_unit) == ("transfer", "DN.SNV", "DN.SYT.TCCB", "DN.STC.QLNS")
    with pytest.raises(NotFound):
        store.approve(item.id, SYT)
    assert store.approve(item.id, ADMIN).status == "applied"
    assert store.find_people("Nguyễn Văn An", SYT) == []
    assert store.find_people("Nguyễn Văn An", STC)[0].unit == "DN.STC.QLNS"


def test_a_move_between_a_units_children_is_approved_by_that_unit(store, build):
    hire(store, build, "Lý Thị Mai", D(1992, 4, 4), unit="Khoa Nội tổng hợp, Bệnh viện Đa khoa Đồng Nai", actor=BV)
    up = build.event("transfer", "Lý Thị Mai", D(2025, 3, 1), birth=D(1992, 4, 4), to=(TCCB, "Chuyên viên"))
    assert store.apply(build.decision("9/QĐ-BVĐK", D(2025, 2, 20), [up], issuer="Bệnh viện Đa khoa Đồng Nai"),
                       BV).events[0].status == "pending_transfer"
    [item] = store.review_items(SYT)
    assert item.unit == "DN.SYT"
    with pytest.raises(NotPermitted):
        store.approve(item.id, Actor("clerk", "DN.SYT", "clerk"))
    assert store.approve(item.id, SYT).status == "applied"
    assert store.find_people("Lý Thị Mai", SYT)[0].unit == "DN.SYT.TCCB"


def test_a_district_decision_lands_on_todays_commune(store, build, clock):
    staff = build.event("recruitment", "Hồ Văn Nam", D(2023, 5, 1), birth=D(1995, 6, 6),
                        to=("Phòng Nội vụ huyện Long Thành", "Chuyên viên"))
    doc = build.decision("15/QĐ-UBND", D(2023, 4, 20), [staff], issuer="Ủy ban nhân dân huyện Long Thành")
    assert store.apply(doc, ADMIN).applied == 1
    commune = Actor("xa", "DN.X.LONGTHANH", "admin")
    assert store.find_people("Hồ Văn Nam", commune) == []  # June 2025: the district still exists
    clock.now = dt.datetime(2025, 7, 1, 8, 0)  # the district level is gone
    [person] = store.find_people("Hồ Văn Nam", commune)
    f = store.person_file(person.id, commune)
    assert f["current"]["unit_code"] == "DN.X.LONGTHANH"
    assert [e["unit_code"] for e in f["timeline"] if e["kind"] == "post"] == ["DN.H.LONGTHANH.NV"]
    report = store.timeliness(commune)
    assert report.total.documents == 1 and report.rows[0].unit == "DN.X.LONGTHANH"
