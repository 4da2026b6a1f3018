"""The event rules run inside the pipeline (flows.compose.analyse): personnel rules read the
person's earlier events from the records, so a raise 12 months after the last one is an error
finding — and an error finding sends the decision's events to the review queue, not the file."""
from __future__ import annotations

import datetime as dt

import validators
from flows.compose import Context, Stages, analyse, default_stages
from pipeline.config import PipelineConfig, Paths
from records import StoreConfig, department_admin, open_store
from tests.extractor_docs import decision as read_decision

D = dt.date
ADMIN = department_admin("tester")
NAME, BIRTH, UNIT = "Nguyễn Thị Hoà", D(1985, 4, 2), ("Phòng Tổ chức cán bộ, Sở Y tế", "Chuyên viên")


def test_default_stages_check_the_events():
    assert validators.check_events in default_stages(D(2026, 1, 1)).event_checks


def test_a_raise_too_soon_after_the_last_is_held_for_review(tmp_path, build):
    records = open_store(f"sqlite:///{tmp_path}/records.db", StoreConfig())
    try:
        hired = build.event("recruitment", NAME, D(2020, 1, 2), birth=BIRTH, to=UNIT, salary=("01.003", 1, 2.34))
        first = build.event("salary_raise", NAME, D(2024, 3, 1), birth=BIRTH, salary=("01.003", 2, 2.67))
        for number, issued, event in (("1/QĐ-SYT", D(2020, 1, 2), hired), ("2/QĐ-SYT", D(2024, 2, 20), first)):
            assert records.apply(build.decision(number, issued, [event]), ADMIN).applied == 1
        again = build.event("salary_raise", NAME, D(2025, 3, 1), birth=BIRTH, salary=("01.003", 3, 3.00))
        document, parsed = read_decision(["Nâng bậc lương"], issued=D(2025, 2, 20))
        stages = Stages(extractors=(lambda d, p: [again],), event_checks=(validators.check_events,))
        ctx = Context(config=PipelineConfig(paths=Paths(tmp_path)), stages=stages, records=records, actor=ADMIN)
        outcome = analyse(document, parsed, ctx)
        assert [f.rule for f in outcome.findings if f.severity == "error"] == ["RAISE-INTERVAL-SHORT"]
        # Without the records there is no history to measure against: no finding.
        alone = analyse(document, parsed, Context(config=ctx.config, stages=stages))
        assert [f.rule for f in alone.findings] == []
        update = records.apply(outcome, ADMIN)
        assert [e.status for e in update.events] == ["needs_review"]
    finally:
        records.close()
