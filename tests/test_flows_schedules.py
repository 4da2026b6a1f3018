"""prefect.yaml: four deployments whose entrypoints load, whose parameters fit, whose schedules fire when meant."""
import asyncio
import datetime as dt
import inspect
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from flows.deployments import SCHEDULES, TIMEZONE, local_deployments

ROOT = Path(__file__).resolve().parents[1]
VN = ZoneInfo(TIMEZONE)


@pytest.fixture(scope="module")
def deployments() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return {d["name"]: d for d in data["deployments"]}


def _fire_times(spec: dict, start: dt.datetime, n: int) -> list[dt.datetime]:
    from prefect.server.schemas.schedules import CronSchedule

    schedule = CronSchedule(cron=spec["cron"], timezone=spec["timezone"])
    return [d.astimezone(VN) for d in asyncio.run(schedule.get_dates(n=n, start=start))]


def test_yaml_and_python_schedules_agree(deployments):
    assert set(deployments) == set(SCHEDULES)
    for name, spec in SCHEDULES.items():
        declared = deployments[name].get("schedules") or []
        assert declared == ([spec] if spec else []), name
        assert deployments[name]["work_pool"]["name"] == "sohoa"


def test_entrypoints_load_and_take_the_declared_parameters(deployments):
    from prefect.flows import load_flow_from_entrypoint

    for name, deployment in deployments.items():
        flow = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
        assert flow.name == name
        assert set(deployment["parameters"]) <= set(inspect.signature(flow.fn).parameters), name


def test_semiannual_report_fires_on_15_june_and_15_december(deployments):
    (spec,) = deployments["semiannual-report"]["schedules"]
    times = _fire_times(spec, dt.datetime(2025, 1, 1, tzinfo=VN), 4)
    assert [(t.year, t.month, t.day, t.hour) for t in times] == [
        (2025, 6, 15, 7), (2025, 12, 15, 7), (2026, 6, 15, 7), (2026, 12, 15, 7)]


def test_deadline_monitor_fires_every_morning_in_vietnam(deployments):
    (spec,) = deployments["deadline-monitor"]["schedules"]
    times = _fire_times(spec, dt.datetime(2025, 3, 1, 12, tzinfo=VN), 3)
    assert [(t.day, t.hour, t.minute) for t in times] == [(2, 6, 0), (3, 6, 0), (4, 6, 0)]
    assert times[0].astimezone(dt.timezone.utc).hour == 23  # 06:00 in Vietnam is 23:00 UTC


def test_local_serving_builds_the_same_four_schedules(tmp_path):
    built = {d.name: d for d in local_deployments(str(tmp_path / "home"), str(tmp_path / "inbox"))}
    assert set(built) == set(SCHEDULES)
    report = built["semiannual-report"].schedules[0].schedule
    assert (report.cron, report.timezone) == ("0 7 15 6,12 *", TIMEZONE)
    assert built["watch-inbox"].schedules[0].schedule.interval == dt.timedelta(seconds=300)
    assert built["ingest-batch"].schedules == [] and built["watch-inbox"].parameters["inbox"].endswith("inbox")


def test_a_url_left_as_a_template_placeholder_is_refused_not_used(tmp_path):
    # prefect.yaml's {{ $SOHOA_DATABASE_URL }} stays literal when the variable was not set at deploy.
    from flows.runtime import opened_context

    with pytest.raises(ValueError, match="database_url"):
        with opened_context(tmp_path, database_url="{{ $SOHOA_DATABASE_URL }}"):
            pass
    with opened_context(tmp_path, database_url="", search_url="") as ctx:  # empty: embedded stores
        assert ctx.records is not None and ctx.search is not None
    assert (tmp_path / "records.db").exists()


def test_the_crash_automation_watches_exactly_the_runs_that_beat_often_enough(deployments):
    from prefect.events.schemas.automations import AutomationCore

    data = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    crash, rerun = [AutomationCore.model_validate(a) for a in data["automations"]]
    trigger = crash.trigger
    assert trigger.posture == "Proactive" and trigger.after == {"prefect.flow-run.heartbeat"}
    assert [a.state.value for a in crash.actions] == ["CRASHED"]
    # Then the crashed run (the run's own Crashed event) is forced back to Scheduled, so that a
    # live worker runs it again (the ledger skips what was done).
    assert rerun.trigger.posture == "Reactive" and rerun.trigger.expect == {"prefect.flow-run.Crashed"}
    assert rerun.trigger.match_related == trigger.match_related
    # Only runs that had started, and not after their third crash (the fourth stays Crashed).
    from prefect.events.schemas.events import Resource

    def crashed(run_count: int) -> Resource:
        return Resource({"prefect.resource.id": "prefect.flow-run.1f0e", "prefect.run-count": str(run_count)})

    assert [n for n in range(6) if rerun.trigger.match.matches(crashed(n))] == [1, 2, 3]
    assert [(a.state.value, a.name, a.force) for a in rerun.actions] == [("SCHEDULED", "AwaitingRetry", True)]
    # Every deployment carries the tag the automation matches, and beats often enough that a live
    # run cannot miss the window: three heartbeats fit in it.
    tag = trigger.match_related.root["prefect.resource.id"].removeprefix("prefect.tag.")
    beat = {int(d["work_pool"]["job_variables"]["env"]["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"])
            for d in deployments.values()}
    assert all(tag in d["tags"] for d in deployments.values()) and beat == {30}
    assert trigger.within.total_seconds() >= 3 * 30

