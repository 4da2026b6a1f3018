"""The store itself: migrations match the models, the seeded organisation tree covers the units
the generated corpus uses, and the `sohoa person|review|report` commands (both databases)."""
from __future__ import annotations

import datetime as dt
import json

import click
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner

from bench.corpus import vocab
from records import department_admin, open_store
from records.schema import Base

D = dt.date
ADMIN = department_admin("tester")


def test_migrations_create_exactly_the_models_and_reopen_cleanly(store_url):
    store = open_store(store_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    store.close()
    again = open_store(store_url)  # already at head, seed already there: opens without changes
    assert again.unit("DN.SNV").approves_transfers
    again.close()


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('tree') / 'records.db'}")
    yield store.tree
    store.close()


def test_every_unit_of_the_generated_corpus_lands_on_a_tree_node(tree):
    missing = []
    for issuer in vocab.issuers():
        lo, hi = (D.fromisoformat(x) for x in issuer.raw["valid"])
        on = min(hi, D(2025, 6, 30)) if lo < D(2025, 7, 1) else lo
        own = tree.resolve(issuer.display, on)
        if own is None:
            missing.append(issuer.display)
        for unit in issuer.units:
            for text in {unit.truth, unit.name + unit.local(False)}:  # tables drop ", Sở Y tế"
                if tree.resolve(text, on, own) is None:
                    missing.append(f"{text} ({issuer.key})")
    for text in vocab.load("issuers")["outside"]["before_2025_07"]:
        if tree.resolve(text, D(2025, 1, 1)) is None:
            missing.append(text)
    for text in vocab.load("issuers")["outside"]["after_2025_07"]:
        if tree.resolve(text, D(2025, 8, 1)) is None:
            missing.append(text)
    assert missing == []


def test_the_2025_reform_maps_old_units_to_their_successors(tree):
    assert tree.live(tree.resolve("UBND huyện Long Thành", D(2024, 1, 1)), D(2025, 7, 1)) == "DN.X.LONGTHANH"
    assert tree.live(tree.resolve("Sở Nội vụ tỉnh Bình Phước", D(2024, 1, 1)), D(2025, 7, 1)) == "DN.SNV"
    assert tree.live(tree.resolve("Sở Lao động - Thương binh và Xã hội", D(2024, 1, 1)), D(2025, 3, 1)) == "DN.SNV"
    assert tree.live("DN.H.BIENHOA", D(2025, 6, 30)) == "DN.H.BIENHOA"
    assert tree.resolve("Phòng Tổ chức cán bộ", D(2025, 1, 1)) is None  # three of them: no guess
    assert tree.resolve("Phòng Tổ chức cán bộ", D(2025, 1, 1), "DN.SYT.BVDK") == "DN.SYT.BVDK.TCCB"
    assert tree.resolve("SỞ Y TẾ TỈNH ĐỒNG NAI", D(2025, 1, 1)) == "DN.SYT"  # no marks, any case
    assert tree.approver("DN.SYT.TCCB", "DN.STC") == "DN.SNV"
    assert tree.approver("DN.SYT.BVDK.NOI", "DN.SYT.TCCB") == "DN.SYT"
    assert tree.approver("DN.SYT", None) == "DN.SNV"  # out of the provincial system


@pytest.fixture
def cli(store_url, tmp_path, build):
    from app.cli_records import register
    from flows.stores import records_config

    store = open_store(store_url, records_config(clock=lambda: dt.datetime(2025, 3, 7, 9, 0)))
    tccb = "Phòng Tổ chức cán bộ, Sở Y tế"
    store.apply(build.decision("12/QĐ-SYT", D(2025, 3, 3), [build.event(
        "recruitment", "Nguyễn Văn An", D(2025, 3, 10), birth=D(1990, 1, 2), to=(tccb, "Chuyên viên"),
        salary=("01.003", 1, 2.34), page=2)]), ADMIN)
    store.apply(build.decision("13/QĐ-SYT", D(2025, 3, 4), [build.event(
        "award", "Nguyễn Văn Ăn", D(2025, 3, 4), frm=(tccb, None), detail="Giấy khen", confidence=0.5)]), ADMIN)
    store.close()
    group = click.Group("sohoa")
    register(group)
    runner = CliRunner()
    env = {"SOHOA_HOME": str(tmp_path), "SOHOA_DATABASE_URL": store_url}
    return lambda *args: runner.invoke(group, list(args), env=env, catch_exceptions=False)


def test_the_record_commands_show_the_file_the_queue_and_the_report(cli):
    done = cli("person", "nguyen van an", "--json")
    assert done.exit_code == 0, done.output
    [file] = [json.loads(line) for line in done.output.splitlines()]
    assert file["current"]["unit_code"] == "DN.SYT.TCCB"
    assert file["current"]["salary"]["next_raise_due"] == "2028-03-10"  # validators' grid: 36 months
    entry = file["timeline"][0]
    assert (entry["number"], entry["page"], len(entry["sha256"])) == ("12/QĐ-SYT", 2, 64)

    queue = [json.loads(line) for line in cli("review", "list", "--json").output.splitlines()]
    assert [(q["reason"], q["number"]) for q in queue] == [("low_confidence", "13/QĐ-SYT")]
    approved = json.loads(cli("review", "approve", str(queue[0]["id"]), "--json").output)
    assert approved["status"] == "applied" and approved["person_id"] == file["id"]
    assert cli("review", "approve", str(queue[0]["id"])).exit_code == 2  # already done

    report = json.loads(cli("report", "timeliness", "--unit", "DN.SYT", "--from", "2025-01-01", "--json").output)
    assert (report["total"]["documents"], report["total"]["on_time"], report["total"]["late"]) == (2, 1, 1)
    assert "Sở Y tế" in cli("report", "timeliness").output
    assert cli("person", "Không Có Ai").exit_code == 1
    assert "Thiếu số định danh" in cli("report", "completeness").output


@pytest.mark.parametrize("subject, articles, expected", [
    ("Về việc thu hồi Quyết định số 123/QĐ-UBND ngày 05/3/2024", (), ("revoke", "123/qd-ubnd")),
    ("Về việc điều động công chức", ("Sửa đổi Điều 1 Quyết định số 45/2024/QĐ-SYT ngày 02/01/2024 như sau",),
     ("amend", "45/2024/qd-syt")),
    ("V/v bai bo Quyet dinh so 7 / QĐ-SNV", (), ("revoke", "7/qd-snv")),  # OCR without marks, odd spacing
    ("Về việc bổ nhiệm ông Nguyễn Văn Huy", ("Bổ nhiệm ông Nguyễn Văn Huy, Quyết định số 9/QĐ-SYT",), None),
    ("Về việc nâng bậc lương", ("Quyết định này thay thế các quy định trước đây trái với nội dung này.",), None),
])
def test_amendments_and_revocations_are_read_from_subject_and_articles(subject, articles, expected):
    from pipeline.model import Article, Structure
    from records.amendments import cited

    found = cited(Structure(subject=subject, articles=tuple(Article(i + 1, t) for i, t in enumerate(articles)),
                            grounds=("Căn cứ Quyết định số 1/QĐ-UBND bãi bỏ …",)))
    assert (found and (found.action, found.number_key)) == expected


def test_seeding_the_tree_is_audited_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    open_store(url).close()
    store = open_store(url)
    seeds = [a for a in store.audit_trail(ADMIN) if a["action"] == "seed_org_tree"]
    assert len(seeds) == 1 and seeds[0]["after"]["units"] == len(store.tree.units)
    store.close()


def test_workers_opening_a_new_store_at_once_all_succeed(tmp_path):
    # Two Prefect workers start on an empty data folder: both migrate and seed at the same moment.
    # Without the retry in open_store, 3 of these 4 processes failed when measured.
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'new.db'}"
    code = f"import records.store as s; s.open_store({url!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    failures = [p.stderr.read() for p in procs if p.wait() != 0]
    assert failures == []
