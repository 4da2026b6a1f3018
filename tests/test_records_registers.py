"""The other registers in the records (issue 10), on SQLite and PostgreSQL: organisation events
change the tree with history (old names and people keep resolving), unit heads, local government
seats and commune staff groups, individual and collective awards, emulation registrations,
classes and trainees — each through the review policy, the scope rule and the audit log, each
applied once however often it is read, and turned back when its decision is revoked."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy
from alembic import command
from alembic.config import Config
from sqlalchemy import select

from pipeline.model import Course, Event, Person, Post, UnitRef
from records import Actor, StoreConfig, department_admin, open_store
from records.db import MIGRATIONS
from records.orgtree import seed
from records.schema import Meta, OrgAlias, OrgChange, OrgUnit

D = dt.date
ADMIN = department_admin("tester")
SYT = Actor("syt", "DN.SYT", "admin")
STC = Actor("stc", "DN.STC", "admin")
XUANLOC = Actor("xuanloc", "DN.X.XUANLOC", "admin")
SEEDED = ("alembic_version", "meta", "org_unit", "org_alias")


class Clock:
    def __call__(self) -> dt.datetime:
        return dt.datetime(2025, 11, 3, 9, 0)


@pytest.fixture
def store(store_url):
    s = open_store(store_url, StoreConfig(clock=Clock()))
    yield s
    s.close()
    if store_url.startswith("postgresql"):
        reset_tree(store_url)


def reset_tree(url: str) -> None:
    """PostgreSQL keeps the tree between tests (conftest): take out what decisions did to it."""
    seeded = [u["code"] for u in seed()["unit"]]
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.exec_driver_sql("select tablename from pg_tables where schemaname = 'public'")]
        conn.exec_driver_sql(f"TRUNCATE {', '.join(t for t in tables if t not in SEEDED)} RESTART IDENTITY CASCADE")
        conn.execute(sqlalchemy.delete(OrgAlias.__table__).where(OrgAlias.origin == "records"))
        conn.execute(sqlalchemy.update(OrgUnit.__table__).values(successor_code=None, origin="seed"))
        made = conn.execute(select(OrgUnit.code, OrgUnit.path).where(OrgUnit.code.not_in(seeded))).all()
        for code, _ in sorted(made, key=lambda r: -len(r[1])):
            conn.execute(sqlalchemy.delete(OrgUnit.__table__).where(OrgUnit.code == code))
        conn.execute(sqlalchemy.delete(Meta.__table__))  # the next open re-seeds every seeded unit
    engine.dispose()


def unit_event(type_, name, effective, *, parent=None, kind=None, new_name=None, related=(), detail=None,
               year=None, course=None, page=1, confidence=0.97):
    return Event(type=type_, person=None, unit=UnitRef(name, parent, kind, new_name, tuple(related)),
                 effective_date=effective, confidence=confidence, page=page, detail=detail, year=year,
                 course=course)


def person_event(type_, name, effective, *, birth=D(1980, 1, 1), to=None, frm=None, page=1, **more):
    return Event(type=type_, person=Person(name, birth), to_post=Post(*to) if to else None,
                 from_post=Post(*frm) if frm else None, effective_date=effective, confidence=0.97, page=page, **more)


def apply(store, build, number, issued, events, actor=ADMIN, **kw):
    return store.apply(build.decision(number, issued, events, **kw), actor)


def units(store, actor=ADMIN, **kw):
    return {row["code"]: row for row in store.register("units", actor, **kw)}


def test_founding_head_rename_and_merger_keep_the_tree_history(store, build):
    found = unit_event("unit_founding", "Trung tâm Y tế khu vực Long Thành", D(2025, 8, 1), parent="Sở Y tế",
                       kind="đơn vị sự nghiệp công lập")
    update = apply(store, build, "500/QĐ-UBND", D(2025, 7, 20), [found], issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    assert update.applied == 1 and update.events[0].person_name == "Trung tâm Y tế khu vực Long Thành"
    code = store.resolve_unit("Trung tâm Y tế khu vực Long Thành, Sở Y tế", D(2025, 9, 1))
    assert code and code.startswith("DN.SYT.") and store.unit(code).kind == "public_service"
    assert store.unit(code).valid_from == D(2025, 8, 1)
    # Its head: a recruitment and an appointment to the head title.
    hired = person_event("recruitment", "Lê Văn Hùng", D(2025, 8, 1), to=("Trung tâm Y tế khu vực Long Thành",
                                                                           "Bác sĩ"))
    head = person_event("appointment", "Lê Văn Hùng", D(2025, 8, 15), to=("Trung tâm Y tế khu vực Long Thành",
                                                                           "Giám đốc"), page=2)
    assert apply(store, build, "501/QĐ-SYT", D(2025, 8, 1), [hired]).applied == 1
    assert apply(store, build, "502/QĐ-SYT", D(2025, 8, 10), [head]).applied == 1
    row = units(store)[code]
    assert row["head"]["name"] == "Lê Văn Hùng" and row["head"]["start_date"] == "2025-08-15"
    assert row["head"]["source"]["number"] == "502/QĐ-SYT" and row["head"]["source"]["page"] == 2
    assert [c["type"] for c in row["changes"]] == ["unit_founding"]
    # Rename: same code, the old name still finds it for its time, listed as a former name.
    rename = unit_event("unit_rename", "Trung tâm Y tế khu vực Long Thành", D(2025, 10, 1),
                        new_name="Trung tâm Y tế Long Thành")
    assert apply(store, build, "600/QĐ-UBND", D(2025, 9, 25), [rename], issuer="Ủy ban nhân dân tỉnh Đồng Nai").applied == 1
    assert store.unit(code).name == "Trung tâm Y tế Long Thành"
    assert store.resolve_unit("Trung tâm Y tế Long Thành", D(2025, 10, 2)) == code
    assert store.resolve_unit("Trung tâm Y tế khu vực Long Thành", D(2025, 9, 1)) == code
    assert units(store)[code]["former_names"] == [{"name": "Trung tâm Y tế khu vực Long Thành", "until": "2025-09-30"}]
    # Merger into a new unit: the old ones end with a successor; their people follow it.
    nv = person_event("recruitment", "Phạm Thị Dung", D(2025, 1, 2), to=("Phòng Nghiệp vụ Y, Sở Y tế", "Chuyên viên"))
    apply(store, build, "10/QĐ-SYT", D(2025, 1, 2), [nv])
    merge = unit_event("unit_merger", "Phòng Nghiệp vụ Y - Dược", D(2025, 10, 15), parent="Sở Y tế",
                       related=("Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược"))
    assert apply(store, build, "700/QĐ-UBND", D(2025, 10, 10), [merge], issuer="Ủy ban nhân dân tỉnh Đồng Nai").applied == 1
    merged = store.resolve_unit("Phòng Nghiệp vụ Y - Dược, Sở Y tế", D(2025, 11, 1))
    for old in ("DN.SYT.NVY", "DN.SYT.NVD"):
        assert (store.unit(old).valid_to, store.unit(old).successor) == (D(2025, 10, 14), merged)
    assert store.resolve_unit("Phòng Nghiệp vụ Y, Sở Y tế", D(2025, 5, 1)) == "DN.SYT.NVY"
    [dung] = store.find_people("Phạm Thị Dung", ADMIN)
    assert dung.unit == merged
    f = store.person_file(dung.id, SYT)  # the department still sees her file
    assert f["timeline"][0]["unit_code"] == "DN.SYT.NVY"
    # Nothing applies twice; every change is audited with its decision's page.
    again = apply(store, build, "700/QĐ-UBND", D(2025, 10, 10), [merge], issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    assert not again.changed and again.events[0].status == "unchanged"
    trail = [a for a in store.audit_trail(ADMIN) if a["action"] == "apply" and a["person_id"] is None]
    assert len(trail) == 3 and all(a["sha256"] and a["page"] == 1 for a in trail)


def test_doubtful_unit_events_wait_and_scope_limits_who_changes_what(store, build):
    lost = unit_event("unit_founding", "Trung tâm Dữ liệu", D(2025, 8, 1), parent="Sở Không Có Thật")
    held = apply(store, build, "1/QĐ-UBND", D(2025, 7, 20), [lost], issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    assert held.events[0].status == "needs_review" and held.events[0].reason == "unknown_parent"
    [item] = store.review_items(ADMIN)
    assert item.person_name == "Trung tâm Dữ liệu" and item.event_type == "unit_founding"
    unsure = unit_event("unit_rename", "Phòng Kế hoạch - Tài chính, Sở Y tế", D(2025, 8, 1),
                        new_name="Phòng Tài chính", confidence=0.5)
    assert apply(store, build, "2/QĐ-SYT", D(2025, 7, 20), [unsure]).events[0].reason == "low_confidence"
    # A finance clerk cannot change the health department's sections; its own officer can.
    rename = unit_event("unit_rename", "Phòng Kế hoạch - Tài chính, Sở Y tế", D(2025, 8, 1),
                        new_name="Phòng Kế hoạch, Tài chính và Đầu tư")
    assert apply(store, build, "3/QĐ-SYT", D(2025, 7, 20), [rename], STC).events[0].status == "refused"
    assert store.unit("DN.SYT.KHTC").name == "Phòng Kế hoạch - Tài chính"
    section = unit_event("unit_founding", "Phòng Công nghệ thông tin", D(2025, 8, 1), parent="Sở Y tế")
    assert apply(store, build, "4/QĐ-SYT", D(2025, 7, 21), [section], SYT).applied == 1
    # Each sees only its own subtree of the register; another unit's code is not theirs to ask.
    today = Clock()().date()  # abolished units count where their successor lies (Bình Phước's Sở Y tế)
    assert all(store.tree.contains("DN.SYT", store.tree.live(code, today)) for code in units(store, SYT))
    assert "BP.SYT" in units(store, SYT) and not any(code.startswith("DN.SYT") for code in units(store, STC))
    new = store.resolve_unit("Phòng Công nghệ thông tin, Sở Y tế", D(2025, 9, 1))
    assert new in units(store, SYT) and units(store, SYT)[new]["kind"] == "section"
    with pytest.raises(Exception) as caught:
        store.register("units", STC, unit="DN.SYT")
    assert caught.value.code == "RECORDS-NOT-PERMITTED"
    # A reviewer vouches for the unsure rename; the founding under an unknown parent cannot be placed.
    unsure_item = next(i for i in store.review_items(ADMIN) if i.reason == "low_confidence")
    assert store.approve(unsure_item.id, ADMIN).status == "applied"
    assert store.unit("DN.SYT.KHTC").name == "Phòng Tài chính"
    with pytest.raises(Exception) as caught:
        store.approve(item.id, ADMIN)
    assert caught.value.code == "RECORDS-INVALID"
    # It is about a unit: no person's name to correct; the reviewer rejects it instead.
    with pytest.raises(Exception) as caught:
        store.correct(item.id, ADMIN, {"person.name": "Nguyễn Văn An"})
    assert caught.value.code == "RECORDS-INVALID"
    rejected = store.reject(item.id, ADMIN, "Đơn vị chủ quản ghi sai")
    assert rejected.status == "refused" and rejected.person_name == "Trung tâm Dữ liệu"


def test_dissolution_split_reclassification_regulation_and_contact(store, build):
    issuer = {"issuer": "Ủy ban nhân dân tỉnh Đồng Nai"}
    events = [
        unit_event("unit_dissolution", "Chi cục Dân số - Kế hoạch hóa gia đình", D(2025, 9, 1)),
        unit_event("unit_split", "Phòng Tài chính hành chính sự nghiệp, Sở Tài chính", D(2025, 9, 1),
                   related=("Phòng Tài chính hành chính", "Phòng Tài chính sự nghiệp")),
        unit_event("unit_reclassification", "Bệnh viện Đa khoa Đồng Nai", D(2025, 9, 1), kind="hạng I"),
        unit_event("unit_regulation", "Sở Tư pháp", D(2025, 9, 1),
                   detail="Quy chế tổ chức và hoạt động của Sở Tư pháp"),
    ]
    update = apply(store, build, "800/QĐ-UBND", D(2025, 8, 25), events, **issuer)
    assert [e.status for e in update.events] == ["applied"] * 4
    assert (store.unit("DN.SYT.DS").valid_to, store.unit("DN.SYT.DS").successor) == (D(2025, 8, 31), "DN.SYT")
    parts = [store.resolve_unit(f"{n}, Sở Tài chính", D(2025, 9, 2))
             for n in ("Phòng Tài chính hành chính", "Phòng Tài chính sự nghiệp")]
    assert all(p and store.unit(p).parent == "DN.STC" for p in parts)
    assert store.unit("DN.STC.HCSN").successor == parts[0]
    rows = units(store)
    assert rows["DN.SYT.BVDK"]["kind_text"] == "hạng I" and rows["DN.SYT.BVDK"]["kind"] == "public_service"
    [regulation] = rows["DN.STP"]["regulations"]
    assert regulation["detail"] == "Quy chế tổ chức và hoạt động của Sở Tư pháp"
    assert regulation["source"]["number"] == "800/QĐ-UBND"
    assert rows["DN.SYT.DS"]["successor_code"] == "DN.SYT"
    assert "DN.SYT.DS" not in units(store, year=2026) and "DN.SYT.DS" in units(store, year=2025)
    # Contact details: set by a unit in scope, audited; refused outside it.
    store.set_unit_contact("DN.SYT", SYT, phone="0251 3822 000", address="2 Phan Đình Phùng, Trấn Biên")
    assert units(store, SYT)["DN.SYT"]["contact"]["phone"] == "0251 3822 000"
    with pytest.raises(Exception) as caught:
        store.set_unit_contact("DN.SYT", STC, phone="1")
    assert caught.value.code == "RECORDS-NOT-PERMITTED"
    assert [a["action"] for a in store.audit_trail(ADMIN)][0] == "unit_contact"


def test_local_government_seats_per_body_and_level(store, build):
    issuer = {"issuer": "Hội đồng nhân dân xã Long Thành"}
    council = "Hội đồng nhân dân xã Long Thành"
    elected = person_event("local_election", "Võ Thị Hạnh", D(2025, 7, 1), to=(council, "Phó Chủ tịch"),
                           detail="nhiệm kỳ 2021 - 2026")
    delegate = person_event("local_election", "Đỗ Văn Khoa", D(2025, 7, 1), birth=D(1975, 3, 3),
                            to=(council, "Đại biểu Hội đồng nhân dân"))
    assert apply(store, build, "5/NQ-HĐND", D(2025, 7, 1), [elected, delegate], **issuer).applied == 2
    confirmed = person_event("local_confirmation", "Võ Thị Hạnh", D(2025, 7, 10), to=(council, "Phó Chủ tịch"))
    apply(store, build, "90/QĐ-UBND", D(2025, 7, 10), [confirmed], issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    # A relief read before the election it ends: kept, and joined when the election arrives.
    relieved = person_event("local_relief", "Ngô Văn Lâm", D(2025, 10, 1), frm=("UBND xã Long Thành", "Ủy viên"))
    assert apply(store, build, "9/NQ-HĐND", D(2025, 9, 28), [relieved], **issuer).events[0].reason == "unmatched_person"
    lam = person_event("local_election", "Ngô Văn Lâm", D(2025, 7, 2), to=("Ủy ban nhân dân xã Long Thành", "Ủy viên"))
    apply(store, build, "6/NQ-HĐND", D(2025, 7, 2), [lam], **issuer)
    [item] = store.review_items(ADMIN)
    assert store.approve(item.id, ADMIN).status == "applied"
    removed = person_event("local_removal", "Đỗ Văn Khoa", D(2025, 10, 20), birth=D(1975, 3, 3),
                           frm=(council, "Đại biểu Hội đồng nhân dân"))
    apply(store, build, "12/NQ-HĐND", D(2025, 10, 20), [removed], **issuer)
    seats = {(r["name"], r["position"]): r for r in store.register("local", ADMIN) if r["kind"] == "mandate"}
    hanh = seats[("Võ Thị Hạnh", "Phó Chủ tịch")]
    assert (hanh["body"], hanh["level"], hanh["unit_code"], hanh["status"]) == ("council", "commune", "DN.X.LONGTHANH", "active")
    assert (hanh["confirmed_on"], hanh["term"], hanh["source"]["number"]) == ("2025-07-10", "nhiệm kỳ 2021 - 2026", "5/NQ-HĐND")
    khoa = seats[("Đỗ Văn Khoa", "Đại biểu Hội đồng nhân dân")]
    assert (khoa["role"], khoa["status"], khoa["end_date"]) == ("delegate", "removed", "2025-10-19")
    lam_seat = seats[("Ngô Văn Lâm", "Ủy viên")]
    assert (lam_seat["body"], lam_seat["start_date"], lam_seat["end_date"], lam_seat["status"]) == \
        ("committee", "2025-07-02", "2025-09-30", "relieved")
    assert lam_seat["closed_by"]["number"] == "9/NQ-HĐND"
    # A provincial seat has the province's level; another commune sees none of Long Thành's.
    prov = person_event("local_election", "Trần Quốc Minh", D(2025, 7, 5), to=("HĐND tỉnh Đồng Nai", "Chủ tịch"))
    apply(store, build, "1/NQ-HĐND", D(2025, 7, 5), [prov], issuer="Hội đồng nhân dân tỉnh Đồng Nai")
    levels = {r["name"]: r["level"] for r in store.register("local", ADMIN) if r["kind"] == "mandate"}
    assert levels["Trần Quốc Minh"] == "province"
    assert store.register("local", XUANLOC) == []
    unknown = person_event("local_election", "Mai Văn Tú", D(2025, 7, 1), to=("Hội đồng nhân dân xã Không Có", "Ủy viên"))
    assert apply(store, build, "7/NQ-HĐND", D(2025, 7, 1), [unknown], **issuer).events[0].reason == "no_body"
    # Seats stand in the person's file; commune officials keep their staff group.
    [hanh_file] = store.find_people("Võ Thị Hạnh", ADMIN)
    f = store.person_file(hanh_file.id, ADMIN)
    assert [(e["kind"], e["body"], e["position"]) for e in f["timeline"]] == [("mandate", "council", "Phó Chủ tịch")]
    clerk = person_event("recruitment", "Lý Thị Mai", D(2025, 8, 1),
                         to=("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, UBND xã Xuân Lộc", "Công chức Văn phòng - Thống kê"),
                         staff_group="commune_civil_servant")
    apply(store, build, "20/QĐ-UBND", D(2025, 8, 1), [clerk], issuer="Ủy ban nhân dân xã Xuân Lộc")
    [official] = [r for r in store.register("local", XUANLOC) if r["kind"] == "official"]
    assert (official["name"], official["staff_group"], official["since"]) == ("Lý Thị Mai", "commune_civil_servant", "2025-08-01")


def test_awards_land_in_files_and_on_units(store, build):
    hired = person_event("recruitment", "Nguyễn Văn An", D(2024, 3, 15), to=("Phòng Tổ chức cán bộ, Sở Y tế", "Chuyên viên"))
    apply(store, build, "12/QĐ-SYT", D(2024, 3, 5), [hired])
    award = person_event("award", "Nguyễn Văn An", D(2025, 1, 6), detail="Bằng khen của Chủ tịch UBND tỉnh", year=2024,
                         page=3)
    collective = unit_event("collective_award", "Phòng Tổ chức cán bộ, Sở Y tế", D(2025, 1, 6),
                            detail="Tập thể lao động xuất sắc", year=2024)
    pledge = unit_event("emulation_registration", "Sở Tài chính", D(2025, 2, 1), detail="Cờ thi đua của UBND tỉnh",
                        year=2025)
    stranger = unit_event("collective_award", "Trường Tiểu học Không Có", D(2025, 1, 6), detail="Giấy khen")
    update = apply(store, build, "7/QĐ-UBND", D(2025, 1, 6), [award, collective, pledge, stranger],
                   issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    assert [e.status for e in update.events] == ["applied", "applied", "applied", "needs_review"]
    [an] = store.find_people("Nguyễn Văn An", ADMIN)
    [entry] = [e for e in store.person_file(an.id, ADMIN)["timeline"] if e["kind"] == "award"]
    assert (entry["detail"], entry["year"], entry["page"], entry["number"]) == (
        "Bằng khen của Chủ tịch UBND tỉnh", 2024, 3, "7/QĐ-UBND")
    rows = store.register("awards", ADMIN)
    assert {(r["kind"], r.get("name") or r["unit_code"], r["year"]) for r in rows} == {
        ("award", "Nguyễn Văn An", 2024), ("collective_award", "DN.SYT.TCCB", 2024),
        ("emulation_registration", "DN.STC", 2025)}
    assert {r["kind"] for r in store.register("awards", SYT)} == {"award", "collective_award"}
    assert [r["kind"] for r in store.register("awards", ADMIN, year=2025)] == ["emulation_registration"]
    assert [r["kind"] for r in store.register("awards", STC)] == ["emulation_registration"]


def test_classes_and_trainees_meet_whichever_comes_first(store, build):
    course = Course("Bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính", "Sở Nội vụ", "Trấn Biên",
                    D(2025, 9, 8), D(2025, 11, 28))
    for name, number in (("Nguyễn Văn An", "12/QĐ-SYT"), ("Trần Thị Bình", "13/QĐ-SYT")):
        apply(store, build, number, D(2024, 3, 5), [person_event(
            "recruitment", name, D(2024, 3, 15), to=("Phòng Tổ chức cán bộ, Sở Y tế", "Chuyên viên"))])
    sent = person_event("training_assignment", "Nguyễn Văn An", D(2025, 9, 8), course=course, page=2)
    apply(store, build, "300/QĐ-SYT", D(2025, 9, 1), [sent])
    opened = unit_event("training_class", "Sở Nội vụ", D(2025, 8, 20), course=course)
    assert apply(store, build, "250/QĐ-SNV", D(2025, 8, 20), [opened], issuer="Sở Nội vụ tỉnh Đồng Nai").applied == 1
    late = person_event("training_assignment", "Trần Thị Bình", D(2025, 9, 8), course=course)
    apply(store, build, "301/QĐ-SYT", D(2025, 9, 2), [late])
    rows = store.register("training", ADMIN)
    [cls] = [r for r in rows if r["kind"] == "class"]
    assert (cls["unit_code"], cls["place"], cls["start_date"], cls["trainees_total"]) == ("DN.SNV", "Trấn Biên", "2025-09-08", 2)
    assert sorted(t["name"] for t in cls["trainees"]) == ["Nguyễn Văn An", "Trần Thị Bình"]
    trainees = [r for r in rows if r["kind"] == "trainee"]
    assert {t["class_id"] for t in trainees} == {cls["id"]}
    [an] = store.find_people("Nguyễn Văn An", ADMIN)
    [entry] = [e for e in store.person_file(an.id, ADMIN)["timeline"] if e["kind"] == "training"]
    assert (entry["detail"], entry["end_date"], entry["organiser"], entry["page"], entry["number"]) == (
        course.name, "2025-11-28", "Sở Nội vụ", 2, "300/QĐ-SYT")
    # The health department sees its trainees, not the class the Department organised.
    assert {r["kind"] for r in store.register("training", SYT)} == {"trainee"}
    assert store.register("training", ADMIN, year=2024) == []


def test_out_of_scope_types_never_apply_and_revocations_turn_back(store, build):
    insurance = person_event("social_insurance", "Nguyễn Văn An", D(2025, 1, 1))
    update = apply(store, build, "1/QĐ-BHXH", D(2025, 1, 1), [insurance])
    assert update.not_applicable == 1 and update.events == ()
    found = unit_event("unit_founding", "Trung tâm Dữ liệu y tế", D(2025, 8, 1), parent="Sở Y tế")
    prize = unit_event("collective_award", "Sở Tư pháp", D(2025, 8, 1), detail="Bằng khen")
    apply(store, build, "40/QĐ-UBND", D(2025, 7, 20), [found, prize], issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    code = store.resolve_unit("Trung tâm Dữ liệu y tế, Sở Y tế", D(2025, 9, 1))
    assert store.unit(code).valid_on(D(2025, 9, 1))
    revoke = build.decision("45/QĐ-UBND", D(2025, 7, 27), [], issuer="Ủy ban nhân dân tỉnh Đồng Nai",
                            subject="Thu hồi Quyết định số 40/QĐ-UBND ngày 20/7/2025")
    update = store.apply(revoke, ADMIN)
    assert len(update.superseded) == 2
    assert not store.unit(code).valid_on(D(2025, 9, 1))
    assert store.register("awards", ADMIN) == []
    with store.engine.connect() as conn:
        assert conn.execute(select(OrgChange)).all() == []


def test_the_seed_and_other_processes_respect_what_decisions_did(store, build, store_url):
    rename = unit_event("unit_rename", "Phòng Quản lý giá và công sản, Sở Tài chính", D(2025, 9, 1),
                        new_name="Phòng Quản lý giá, công sản")
    apply(store, build, "60/QĐ-UBND", D(2025, 8, 25), [rename], issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    other = open_store(store_url, StoreConfig(clock=Clock()))  # another process: reads the changed tree
    found = unit_event("unit_founding", "Phòng Kiểm soát chi", D(2025, 9, 1), parent="Sở Tài chính")
    apply(store, build, "61/QĐ-UBND", D(2025, 8, 26), [found], issuer="Ủy ban nhân dân tỉnh Đồng Nai")
    assert any(r["name"] == "Phòng Kiểm soát chi" for r in other.register("units", ADMIN, unit="DN.STC"))
    assert other.resolve_unit("Phòng Kiểm soát chi, Sở Tài chính", D(2025, 9, 2)) is not None
    other.close()
    with store.engine.begin() as conn:  # a new seed version: the seed is applied again
        conn.execute(sqlalchemy.delete(Meta.__table__).where(Meta.key == "org_tree_version"))
    again = open_store(store_url, StoreConfig(clock=Clock()))
    assert again.unit("DN.STC.QLG").name == "Phòng Quản lý giá, công sản"
    assert again.resolve_unit("Phòng Kiểm soát chi, Sở Tài chính", D(2025, 9, 2)) is not None
    assert again.resolve_unit("Phòng Quản lý giá và công sản, Sở Tài chính", D(2025, 1, 1)) == "DN.STC.QLG"
    again.close()


def test_a_store_of_the_first_schema_is_migrated_with_its_data(store_url):
    engine = sqlalchemy.create_engine(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if store_url.startswith("postgresql"):  # start again from the first revision
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(sqlalchemy.text("INSERT INTO org_unit (code, name, kind, path, approves_transfers) "
                                     "VALUES ('X', 'Đơn vị cũ', 'province', '/X/', false)"))
        conn.execute(sqlalchemy.text("INSERT INTO org_alias (unit_code, name, key) VALUES ('X', 'Đơn vị cũ', 'don vi cu')"))
    engine.dispose()
    store = open_store(store_url)
    with store.engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("SELECT origin FROM org_unit WHERE code = 'X'")).scalar() == "seed"
        assert conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    store.close()
    if store_url.startswith("postgresql"):
        reset_tree(store_url)
