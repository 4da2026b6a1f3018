"""Importing a Department's own units into the organisation tree (records.unit_import), on SQLite
and PostgreSQL: a former district and its offices added from CSV and found by name and alias,
decisions of the new unit owned by it, re-imports, all-or-nothing refusals, permissions,
reopening the store, and `sohoa registers units-import`."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy

from records import Actor, InvalidRequest, NotPermitted, StoreConfig, department_admin, open_store
from records.orgtree import seed
from records.schema import Meta, OrgAlias, OrgUnit
from records.unit_import import parse_units

D = dt.date
ADMIN = department_admin("tester")
DINH_QUAN = """code,name,parent,kind,aliases
DN.H.DINHQUAN,Ủy ban nhân dân huyện Định Quán,DN,district,UBND huyện Định Quán;huyện Định Quán
DN.H.DINHQUAN.NV,Phòng Nội vụ,DN.H.DINHQUAN,section,
DN.H.DINHQUAN.GDDT,Phòng Giáo dục và Đào tạo,DN.H.DINHQUAN,section,Phòng GD&ĐT Định Quán
"""
BAD = """code,name,parent,kind,aliases
DN.H.TANPHU,Ủy ban nhân dân huyện Tân Phú,DN,district,
DN.H.TANPHU.NV,Phòng Nội vụ,DN.H.KHONGCO,section,
DN.H.TANPHU,Ủy ban nhân dân huyện Tân Phú (lần hai),DN,district,
DN.H.TANPHU.TP,,DN.H.TANPHU,section,
DN.SYT,Sở Y tế,DN.SYT.TCCB,department,
"""


@pytest.fixture
def store(store_url):
    s = open_store(store_url, StoreConfig(clock=lambda: dt.datetime(2025, 6, 2, 9, 0)))
    yield s
    s.close()
    if store_url.startswith("postgresql"):
        reset_tree(store_url)


def reset_tree(url: str) -> None:
    """PostgreSQL keeps the tree between tests (conftest): take out what the imports did to it
    (as tests/test_records_registers.py does for decisions)."""
    seeded = [u["code"] for u in seed()["unit"]]
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.exec_driver_sql("select tablename from pg_tables where schemaname = 'public'")]
        kept = ("alembic_version", "meta", "org_unit", "org_alias")
        conn.exec_driver_sql(f"TRUNCATE {', '.join(t for t in tables if t not in kept)} RESTART IDENTITY CASCADE")
        conn.execute(sqlalchemy.delete(OrgAlias.__table__).where(OrgAlias.origin == "records"))
        conn.execute(sqlalchemy.update(OrgUnit.__table__).values(origin="seed"))
        made = conn.execute(sqlalchemy.select(OrgUnit.code, OrgUnit.path).where(OrgUnit.code.not_in(seeded))).all()
        for code, _ in sorted(made, key=lambda r: -len(r[1])):
            conn.execute(sqlalchemy.delete(OrgAlias.__table__).where(OrgAlias.unit_code == code))
            conn.execute(sqlalchemy.delete(OrgUnit.__table__).where(OrgUnit.code == code))
        conn.execute(sqlalchemy.delete(Meta.__table__))  # the next open re-seeds every seeded unit
    engine.dispose()


def csv_rows(text: str) -> list[dict]:
    return parse_units(text, "csv")


def test_import_adds_a_district_and_its_offices(store):
    assert store.resolve_unit("UBND huyện Định Quán") is None
    done = store.import_units(csv_rows(DINH_QUAN), ADMIN)
    assert [u["code"] for u in done.added] == ["DN.H.DINHQUAN", "DN.H.DINHQUAN.NV", "DN.H.DINHQUAN.GDDT"]
    assert store.resolve_unit("Ủy ban nhân dân huyện Định Quán") == "DN.H.DINHQUAN"
    assert store.resolve_unit("UBND HUYỆN ĐỊNH QUÁN") == "DN.H.DINHQUAN"
    assert store.resolve_unit("Phòng Nội vụ huyện Định Quán") == "DN.H.DINHQUAN.NV"
    assert store.resolve_unit("Phòng GD&ĐT Định Quán") == "DN.H.DINHQUAN.GDDT"
    assert store.resolve_unit("Phòng Giáo dục và Đào tạo, UBND huyện Định Quán") == "DN.H.DINHQUAN.GDDT"
    assert store.unit("DN.H.DINHQUAN.NV").path == "/DN/DN.H.DINHQUAN/DN.H.DINHQUAN.NV/"
    [entry] = [a for a in store.audit_trail(ADMIN) if a["action"] == "import_units"]
    assert entry["user"] == "tester" and entry["after"]["added"] == 3 and entry["after"]["updated"] == 0


def test_a_decision_of_an_imported_unit_is_owned_by_it(store, build):
    def decision(number):
        ev = build.event("recruitment", "Trần Thị Bình", D(2024, 3, 15), birth=D(1991, 4, 5),
                         to=("Phòng Nội vụ huyện Định Quán", "Chuyên viên"), salary=("01.003", 1, 2.34))
        return build.decision(number, D(2024, 3, 5), [ev], issuer="Ủy ban nhân dân huyện Định Quán")

    before = store.apply(decision("3/QĐ-UBND"), ADMIN)
    assert before.applied == 0  # the unit is unknown: the event waits for review
    store.import_units(csv_rows(DINH_QUAN), ADMIN)
    after = store.apply(decision("4/QĐ-UBND"), ADMIN)
    assert after.applied == 1 and after.document_status == "applied"
    assert store.document_deadline(after.sha256, ADMIN) is not None
    [summary] = store.find_people("Trần Thị Bình", ADMIN)
    assert store.person_file(summary.id, ADMIN)["current"]["unit_code"] == "DN.H.DINHQUAN.NV"
    district = Actor("ubnd-dq", "DN.H.DINHQUAN", "viewer")  # the new unit's own scope holds the file
    assert [p.id for p in store.find_people("Trần Thị Bình", district)] == [summary.id]


def test_reimport_updates_and_adds_nothing_twice(store):
    store.import_units(csv_rows(DINH_QUAN), ADMIN)
    renamed = DINH_QUAN.replace("Phòng Nội vụ,", "Phòng Nội vụ và Lao động,")
    dry = store.import_units(csv_rows(renamed), ADMIN, dry_run=True)
    assert dry.dry_run and dry.updated and store.unit("DN.H.DINHQUAN.NV").name == "Phòng Nội vụ"
    done = store.import_units(csv_rows(renamed), ADMIN)
    assert done.added == [] and done.unchanged == ["DN.H.DINHQUAN", "DN.H.DINHQUAN.GDDT"]
    assert done.updated == [{"code": "DN.H.DINHQUAN.NV",
                             "changes": {"name": ["Phòng Nội vụ", "Phòng Nội vụ và Lao động"]}}]
    assert store.unit("DN.H.DINHQUAN.NV").name == "Phòng Nội vụ và Lao động"
    assert store.resolve_unit("Phòng Nội vụ và Lao động huyện Định Quán") == "DN.H.DINHQUAN.NV"
    assert store.resolve_unit("Phòng Nội vụ huyện Định Quán") == "DN.H.DINHQUAN.NV"  # the old name still finds it
    again = store.import_units(csv_rows(renamed), ADMIN)
    assert again.added == [] and again.updated == [] and len(again.unchanged) == 3
    units = [r for r in store.register("units", ADMIN, "DN.H.DINHQUAN")]
    assert sorted(r["code"] for r in units) == ["DN.H.DINHQUAN", "DN.H.DINHQUAN.GDDT", "DN.H.DINHQUAN.NV"]
    assert len([a for a in store.audit_trail(ADMIN) if a["action"] == "import_units"]) == 2  # nothing written: no entry


def test_a_bad_file_writes_nothing_and_lists_every_problem(store):
    with pytest.raises(InvalidRequest) as caught:
        store.import_units(csv_rows(BAD), ADMIN)
    problems = caught.value.problems
    assert any(p.startswith("dòng 3:") and "DN.H.KHONGCO" in p for p in problems)  # unknown parent
    assert any(p.startswith("dòng 3:") and "sai quy ước" in p for p in problems)  # code not under its parent
    assert any(p.startswith("dòng 4:") and "trùng với dòng 2" in p for p in problems)  # duplicate code
    assert any(p.startswith("dòng 5:") and "để trống" in p for p in problems)  # empty name
    assert any(p.startswith("dòng 6:") and "vòng lặp" in p for p in problems)  # a cycle
    assert store.unit("DN.H.TANPHU") is None and store.unit("DN.SYT").parent == "DN"
    assert not [a for a in store.audit_trail(ADMIN) if a["action"] == "import_units"]
    with pytest.raises(InvalidRequest):
        store.import_units(csv_rows(DINH_QUAN.replace(",section,", ",phong,", 1)), ADMIN)  # unknown kind
    assert store.unit("DN.H.DINHQUAN") is None  # the good rows were not written either


def test_only_the_department_admin_may_import(store):
    for actor in (Actor("syt", "DN.SYT", "admin"), Actor("snv", "DN.SNV", "clerk")):
        with pytest.raises(NotPermitted):
            store.import_units(csv_rows(DINH_QUAN), actor)
    assert store.unit("DN.H.DINHQUAN") is None


def test_imported_units_survive_reopening_and_a_new_seed(store, store_url, monkeypatch):
    store.import_units(csv_rows(DINH_QUAN), ADMIN)
    store.import_units(csv_rows("code,name,parent,kind,aliases\nDN.SYT.TCCB,Phòng Tổ chức - Cán bộ,DN.SYT,section,\n"),
                       ADMIN)
    store.close()
    from records import orgtree
    seeded = orgtree.seed()
    monkeypatch.setattr(orgtree, "seed", lambda: {**seeded, "version": "next"})  # the seed file bumped
    again = open_store(store_url, StoreConfig(clock=lambda: dt.datetime(2025, 6, 3, 9, 0)))
    try:
        assert again.resolve_unit("Phòng Nội vụ huyện Định Quán") == "DN.H.DINHQUAN.NV"
        assert again.unit("DN.SYT.TCCB").name == "Phòng Tổ chức - Cán bộ"  # not undone by the seed
    finally:
        again.close()


def test_toml_in_the_seed_shape():
    rows = parse_units('version = "x"\n\n[[unit]]\ncode = "DN.H.VINHCUU"\nname = "Ủy ban nhân dân huyện Vĩnh Cửu"\n'
                       'kind = "district"\nparent = "DN"\nlocality = "huyện Vĩnh Cửu"\nvalid = ["", ""]\n', "toml")
    assert rows[0]["line"] == 3 and rows[0]["code"] == "DN.H.VINHCUU" and rows[0]["suffixes"] == ["huyện Vĩnh Cửu"]


def test_cli_units_import(tmp_path):
    from click.testing import CliRunner

    from app.cli import cli
    from flows.stores import open_records

    good, bad = tmp_path / "dinh_quan.csv", tmp_path / "bad.csv"
    good.write_text(DINH_QUAN, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    run = lambda *args: CliRunner().invoke(cli, ["registers", "units-import", *args],  # noqa: E731
                                           env={"SOHOA_HOME": str(tmp_path)})
    dry = run(str(good), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "+ DN.H.DINHQUAN" in dry.stdout and "Sẽ thêm 3 đơn vị" in dry.stdout and "chưa ghi gì" in dry.stdout
    done = run(str(good), "--json")
    assert done.exit_code == 0, done.output
    assert [u["code"] for u in json.loads(done.stdout)["added"]][0] == "DN.H.DINHQUAN"
    refused = run(str(bad))
    assert refused.exit_code == 2 and "dòng 3" in refused.output and "vòng lặp" in refused.output
    store = open_records(tmp_path, None)
    try:
        assert store.resolve_unit("Phòng Nội vụ huyện Định Quán") == "DN.H.DINHQUAN.NV"
        assert store.unit("DN.H.TANPHU") is None
    finally:
        store.close()
