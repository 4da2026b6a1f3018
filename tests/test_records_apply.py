"""Applying decisions to the CBCCVC records, on SQLite and PostgreSQL: appointments, transfers,
raises, idempotence, order independence, revocation and amendment, R1.4, person matching."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select

from records import StoreConfig, department_admin, open_store
from records.schema import Base, Event, Person

D = dt.date
ADMIN = department_admin("tester")
TCCB = "Phòng Tổ chức cán bộ, Sở Y tế"
BV_TCCB = "Phòng Tổ chức cán bộ, Bệnh viện Đa khoa Đồng Nai"


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(dt.datetime(2025, 6, 2, 9, 0))


@pytest.fixture
def store(store_url, clock):
    config = StoreConfig(clock=clock, raise_months=lambda code: 36 if code else None,
                         top_step=lambda code: 9 if code else None)
    s = open_store(store_url, config)
    yield s
    s.close()


def dump(store) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the whole state of the store."""
    out = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = sorted(tuple(map(repr, r)) for r in conn.execute(select(table)))
    return out


def recruit(build, name="Nguyễn Văn An", birth=D(1990, 1, 2), number="12/QĐ-SYT", **kw):
    ev = build.event("recruitment", name, D(2024, 3, 15), birth=birth, to=(TCCB, "Chuyên viên"),
                     salary=("01.003", 1, 2.34), **kw)
    return build.decision(number, D(2024, 3, 5), [ev])


def the_person(store, query="Nguyễn Văn An"):
    [summary] = store.find_people(query, ADMIN)
    return store.person_file(summary.id, ADMIN)


def test_recruitment_appointment_transfer_and_raise_build_the_file(store, build):
    assert store.apply(recruit(build), ADMIN).applied == 1
    appoint = build.event("appointment", "Nguyễn Văn An", D(2024, 9, 1), birth=D(1990, 1, 2),
                          frm=(TCCB, "Chuyên viên"), to=(TCCB, "Phó Trưởng phòng"), term_months=60, page=2)
    assert store.apply(build.decision("88/QĐ-SYT", D(2024, 8, 20), [appoint]), ADMIN).applied == 1
    move = build.event("transfer", "Nguyễn Văn An", D(2025, 3, 1), birth=D(1990, 1, 2),
                       frm=(TCCB, "Phó Trưởng phòng"), to=(BV_TCCB, "Trưởng phòng"))
    assert store.apply(build.decision("40/QĐ-SYT", D(2025, 2, 20), [move]), ADMIN).applied == 1
    pay = build.event("salary_raise", "Nguyễn Văn An", D(2025, 3, 15), birth=D(1990, 1, 2),
                      salary=("01.003", 2, 2.67))
    update = store.apply(build.decision("51/QĐ-SYT", D(2025, 3, 10), [pay]), ADMIN)
    assert update.document_status == "applied" and update.due_date == D(2025, 3, 17)

    f = the_person(store)
    assert f["current"]["unit_code"] == "DN.SYT.BVDK.TCCB"
    assert f["current"]["position"] == "Trưởng phòng"
    assert f["current"]["salary"] == {"scale_code": "01.003", "step": 2, "coefficient": 2.67,
                                      "since": "2025-03-15", "next_raise_due": "2028-03-15"}
    posts = [e for e in f["timeline"] if e["kind"] == "post"]
    assert [(p["type"], p["date"], p["end_date"]) for p in posts] == [
        ("recruitment", "2024-03-15", "2024-08-31"), ("appointment", "2024-09-01", "2025-02-28"),
        ("transfer", "2025-03-01", None)]
    assert posts[1]["page"] == 2 and posts[1]["number"] == "88/QĐ-SYT" and len(posts[1]["sha256"]) == 64
    assert all(e["sha256"] and e["page"] for e in f["timeline"])
    trail = store.audit_trail(ADMIN, person_id=f["id"])
    assert [a["action"] for a in trail].count("apply") == 4
    last = trail[0]
    assert last["before"]["salary"]["step"] == 1 and last["after"]["salary"]["step"] == 2
    assert last["user"] == "tester" and last["page"] == 1


def test_the_same_documents_twice_change_nothing(store, build):
    docs = [recruit(build),
            build.decision("40/QĐ-SYT", D(2025, 2, 20), [build.event(
                "transfer", "Nguyễn Văn An", D(2025, 3, 1), birth=D(1990, 1, 2), to=(BV_TCCB, "Chuyên viên"))]),
            build.decision("7/QĐ-SYT", D(2025, 1, 6), [build.event(
                "award", "Nguyễn Văn An", D(2025, 1, 6), birth=D(1990, 1, 2), detail="Giấy khen")])]
    for d in docs:
        store.apply(d, ADMIN)
    before = dump(store)
    again = [store.apply(d, ADMIN) for d in docs]
    assert all(not u.changed and {e.status for e in u.events} == {"unchanged"} for u in again)
    assert dump(store) == before
    # A second scan of the same paper decision (other bytes, same issuer/number/date) is a duplicate.
    rescan = build.decision("40/QĐ-SYT", D(2025, 2, 20), docs[1].events, sha="f" * 64)
    assert store.apply(rescan, ADMIN).document_status == "duplicate"
    assert dump(store)["assignment"] == before["assignment"]


def test_an_older_decision_read_later_never_overwrites_the_current_state(store, build):
    store.apply(recruit(build), ADMIN)
    newer = build.event("transfer", "Nguyễn Văn An", D(2025, 3, 1), birth=D(1990, 1, 2), to=(BV_TCCB, "Chuyên viên"))
    store.apply(build.decision("40/QĐ-SYT", D(2025, 2, 20), [newer]), ADMIN)
    older = build.event("appointment", "Nguyễn Văn An", D(2024, 9, 1), birth=D(1990, 1, 2),
                        to=(TCCB, "Phó Trưởng phòng"))
    store.apply(build.decision("88/QĐ-SYT", D(2024, 8, 20), [older]), ADMIN)
    older_pay = build.event("salary_raise", "Nguyễn Văn An", D(2024, 12, 1), birth=D(1990, 1, 2),
                            salary=("01.003", 2, 2.67))
    newer_pay = build.event("salary_raise", "Nguyễn Văn An", D(2025, 5, 1), birth=D(1990, 1, 2),
                            salary=("01.003", 3, 3.0))
    store.apply(build.decision("60/QĐ-SYT", D(2025, 4, 20), [newer_pay]), ADMIN)
    store.apply(build.decision("30/QĐ-SYT", D(2024, 11, 20), [older_pay]), ADMIN)
    f = the_person(store)
    assert (f["current"]["unit_code"], f["current"]["position"]) == ("DN.SYT.BVDK.TCCB", "Chuyên viên")
    assert f["current"]["salary"]["step"] == 3
    posts = [(e["type"], e["date"], e["end_date"]) for e in f["timeline"] if e["kind"] == "post"]
    assert posts == [("recruitment", "2024-03-15", "2024-08-31"), ("appointment", "2024-09-01", "2025-02-28"),
                     ("transfer", "2025-03-01", None)]
    assert [e["salary"]["step"] for e in f["timeline"] if e["kind"] == "salary"] == [1, 2, 3]


def test_a_revoking_decision_supersedes_in_either_order(store, build):
    store.apply(recruit(build), ADMIN)
    move = build.event("transfer", "Nguyễn Văn An", D(2025, 3, 1), birth=D(1990, 1, 2), to=(BV_TCCB, "Chuyên viên"))
    moved = store.apply(build.decision("40/QĐ-SYT", D(2025, 2, 20), [move]), ADMIN)
    revoke = build.decision("45/QĐ-SYT", D(2025, 2, 27), [], subject="Về việc thu hồi quyết định điều động",
                            articles=["Thu hồi Quyết định số 40/QĐ-SYT ngày 20/02/2025 của Giám đốc Sở Y tế."])
    update = store.apply(revoke, ADMIN)
    assert update.superseded == (moved.events[0].event_id,)
    f = the_person(store)
    assert f["current"]["unit_code"] == "DN.SYT.TCCB"
    assert [e["type"] for e in f["timeline"] if e["kind"] == "post"] == ["recruitment"]
    assert [a["action"] for a in store.audit_trail(ADMIN, person_id=f["id"])][0] == "supersede"
    # Read in the other order: the revoked decision arrives after the revocation.
    late = build.event("transfer", "Trần Thị Bình", D(2025, 4, 1), birth=D(1985, 5, 5), to=(BV_TCCB, "Chuyên viên"))
    store.apply(build.decision("3/QĐ-SYT", D(2025, 1, 2), [build.event(
        "recruitment", "Trần Thị Bình", D(2025, 1, 2), birth=D(1985, 5, 5), to=(TCCB, "Chuyên viên"))]), ADMIN)
    store.apply(build.decision("70/QĐ-SYT", D(2025, 3, 30), [], subject="Thu hồi Quyết định số 66/QĐ-SYT"), ADMIN)
    update = store.apply(build.decision("66/QĐ-SYT", D(2025, 3, 25), [late]), ADMIN)
    assert update.document_status == "superseded"
    assert the_person(store, "Trần Thị Bình")["current"]["unit_code"] == "DN.SYT.TCCB"


def test_an_amending_decision_replaces_the_events_of_the_people_it_names(store, build):
    store.apply(recruit(build), ADMIN)
    store.apply(recruit(build, "Lê Văn Cường", D(1988, 8, 8), number="13/QĐ-SYT"), ADMIN)
    raises = [build.event("salary_raise", n, D(2025, 1, 1), birth=b, salary=("01.003", 2, 2.67))
              for n, b in (("Nguyễn Văn An", D(1990, 1, 2)), ("Lê Văn Cường", D(1988, 8, 8)))]
    store.apply(build.decision("20/QĐ-SYT", D(2024, 12, 20), raises), ADMIN)
    fix = build.event("salary_raise", "Nguyễn Văn An", D(2025, 2, 1), birth=D(1990, 1, 2), salary=("01.003", 2, 2.67))
    update = store.apply(build.decision("25/QĐ-SYT", D(2025, 1, 15), [fix],
                                        subject="Về việc sửa đổi Quyết định số 20/QĐ-SYT ngày 20/12/2024"), ADMIN)
    assert len(update.superseded) == 1
    an = [e for e in the_person(store)["timeline"] if e["kind"] == "salary"]
    assert [(e["salary"]["step"], e["date"]) for e in an] == [(1, "2024-03-15"), (2, "2025-02-01")]
    cuong = [e for e in the_person(store, "Lê Văn Cường")["timeline"] if e["kind"] == "salary"]
    assert [e["date"] for e in cuong] == ["2024-03-15", "2025-01-01"]


def test_social_insurance_and_asset_declarations_are_never_written(store, build):
    bhxh = build.event("social_insurance", "Nguyễn Văn An", D(2025, 1, 1), applicable=False)
    assets = build.event("asset_declaration", "Nguyễn Văn An", D(2025, 1, 1), applicable=False)
    update = store.apply(build.decision("9/QĐ-BHXH", D(2025, 1, 1), [bhxh, assets]), ADMIN)
    assert (update.document_status, update.not_applicable, update.events) == ("no_events", 2, ())
    with store.engine.connect() as conn:
        assert conn.execute(select(Event)).first() is None
        assert conn.execute(select(Person)).first() is None
        tables = set(inspect(conn).get_table_names())
    assert not {t for t in tables if any(w in t for w in ("insurance", "bhxh", "asset", "income"))}


def test_people_are_found_despite_ocr_tone_mark_errors(store, build):
    store.apply(recruit(build), ADMIN)
    by_birth = build.event("award", "Nguyễn Vãn Ân", D(2025, 1, 6), birth=D(1990, 1, 2), detail="Giấy khen")
    by_unit = build.event("award", "NGUYEN VAN AN", D(2025, 2, 6), frm=(TCCB, None), detail="Bằng khen")
    assert store.apply(build.decision("7/QĐ-SYT", D(2025, 1, 6), [by_birth]), ADMIN).applied == 1
    assert store.apply(build.decision("8/QĐ-SYT", D(2025, 2, 6), [by_unit]), ADMIN).applied == 1
    f = the_person(store)
    assert f["name"] == "Nguyễn Văn An"  # the file keeps its spelling
    assert [e["detail"] for e in f["timeline"] if e["kind"] == "award"] == ["Giấy khen", "Bằng khen"]
    # A personal ID on a later decision completes the file and is then the key.
    pid = build.event("award", "Nguyễn Văn An", D(2025, 3, 6), birth=D(1990, 1, 2), pid="075090001234", detail="A")
    store.apply(build.decision("9/QĐ-SYT", D(2025, 3, 6), [pid]), ADMIN)
    assert store.find_people("075090001234", ADMIN)[0].name == "Nguyễn Văn An"
    other = build.event("award", "Phạm Văn Dũng", D(2025, 3, 7), pid="075090001234", detail="B")
    held = store.apply(build.decision("10/QĐ-SYT", D(2025, 3, 7), [other]), ADMIN)
    assert held.events[0].reason == "personal_id_conflict"


def test_a_decision_naming_the_same_new_person_twice_writes_one_file(store, build):
    hired = build.event("recruitment", "Phan Văn Tín", D(2025, 1, 2), birth=D(1996, 6, 6), to=(TCCB, "Chuyên viên"),
                        salary=("01.003", 1, 2.34))
    posted = build.event("appointment", "Phan Văn Tín", D(2025, 1, 2), birth=D(1996, 6, 6),
                         to=(TCCB, "Phó Trưởng phòng"))
    update = store.apply(build.decision("2/QĐ-SYT", D(2025, 1, 2), [hired, posted]), ADMIN)
    assert [e.status for e in update.events] == ["applied", "applied"]
    assert update.events[0].person_id == update.events[1].person_id
    f = the_person(store, "Phan Văn Tín")
    assert [(e["type"], e["end_date"]) for e in f["timeline"] if e["kind"] == "post"] == \
        [("recruitment", "2025-01-02"), ("appointment", None)]
    assert f["current"]["position"] == "Phó Trưởng phòng"


def test_concurrent_applies_from_several_threads_all_land(store, build):
    from concurrent.futures import ThreadPoolExecutor
    docs = [build.decision(f"{n}/QĐ-SYT", D(2025, 2, 3), [build.event(
        "recruitment", f"Người Thứ {n}", D(2025, 2, 3), birth=D(1990, 1, n), to=(TCCB, "Chuyên viên"))])
        for n in range(1, 13)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        updates = list(pool.map(lambda d: store.apply(d, ADMIN), docs))
    assert all(u.applied == 1 for u in updates)
    assert len({u.events[0].person_id for u in updates}) == 12


def test_apply_many_gives_what_one_by_one_gives(store, build, tmp_path, clock):
    move = build.event("transfer", "Nguyễn Văn An", D(2025, 3, 1), birth=D(1990, 1, 2), to=(BV_TCCB, "Chuyên viên"))
    docs = [recruit(build), recruit(build, "Lê Văn Cường", D(1988, 8, 8), number="13/QĐ-SYT"),
            build.decision("40/QĐ-SYT", D(2025, 2, 20), [move]),
            build.decision("41/QĐ-SYT", D(2025, 2, 21), [build.event(
                "salary_raise", "Nguyễn Văn An", D(2025, 3, 15), birth=D(1990, 1, 2), salary=("01.003", 2, 2.67))]),
            build.decision("45/QĐ-SYT", D(2025, 2, 27), [], subject="Thu hồi Quyết định số 40/QĐ-SYT"),
            build.decision("46/QĐ-SYT", D(2025, 2, 27), [build.event(
                "award", "Lê Văn Cường", D(2025, 2, 27), birth=D(1988, 8, 8), confidence=0.3, detail="x")])]
    alone = open_store(f"sqlite:///{tmp_path / 'alone.db'}", store.config)
    expected = [alone.apply(d, ADMIN) for d in docs]
    got = store.apply_many(docs, ADMIN, batch=4)
    assert [(u.document_status, [(e.status, e.reason) for e in u.events], u.superseded) for u in got] == \
        [(u.document_status, [(e.status, e.reason) for e in u.events], u.superseded) for u in expected]
    for name in ("Nguyễn Văn An", "Lê Văn Cường"):
        mine, theirs = the_person(store, name), the_person(alone, name)
        strip = lambda f: [{k: v for k, v in e.items() if k not in ("event_id",)} for e in f["timeline"]]  # noqa: E731
        assert (mine["current"], strip(mine)) == (theirs["current"], strip(theirs))
    assert [u.changed for u in store.apply_many(docs, ADMIN)] == [False] * len(docs)
    alone.close()
