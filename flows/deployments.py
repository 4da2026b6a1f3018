"""The flows' schedules in one table, and a way to run all four on one machine without a work pool.

Production uses prefect.yaml (a process work pool, workers on several machines); these schedules
are the same (a test checks it). `serve_locally` is for a single office machine: one process that
runs the schedules itself against whatever Prefect API is configured (a local `prefect server
start`; ephemeral mode cannot serve, since the schedules live in a server).

`sync_automations` puts prefect.yaml's automations on the server by name — created the first time,
updated after — so that setting a machine up twice does not crash (and re-run) every dead run twice:
`python -m flows.deployments automations [prefect.yaml]`.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

TIMEZONE = "Asia/Ho_Chi_Minh"

# deployment name → the schedule prefect.yaml gives it (None: run on demand)
SCHEDULES: dict[str, dict[str, Any] | None] = {
    "ingest-batch": None,
    "watch-inbox": {"interval": 300, "timezone": TIMEZONE},  # every 5 minutes
    "deadline-monitor": {"cron": "0 6 * * *", "timezone": TIMEZONE},  # daily, 06:00
    "semiannual-report": {"cron": "0 7 15 6,12 *", "timezone": TIMEZONE},  # 15/6 and 15/12, 07:00
}


def local_deployments(home: str, inbox: str) -> list[Any]:
    """The four flows as runner deployments with their schedules, for `prefect.serve`."""
    from flows.batch import ingest_batch
    from flows.inbox import watch_inbox
    from flows.monitor import deadline_monitor
    from flows.reports import semiannual_report

    flows = {"ingest-batch": (ingest_batch, {"home": home}),
             "watch-inbox": (watch_inbox, {"home": home, "inbox": inbox}),
             "deadline-monitor": (deadline_monitor, {"home": home}),
             "semiannual-report": (semiannual_report, {"home": home})}
    return [flow.to_deployment(name=name, parameters=parameters, schedules=schedules_of(name))
            for name, (flow, parameters) in flows.items()]


def schedules_of(name: str) -> list[Any]:
    """The Prefect schedule objects of one deployment (empty: on demand)."""
    from prefect.schedules import Cron, Interval

    spec = SCHEDULES[name]
    if spec is None:
        return []
    if "cron" in spec:
        return [Cron(spec["cron"], timezone=spec["timezone"])]
    return [Interval(spec["interval"], timezone=spec["timezone"])]


def serve_locally(home: str, inbox: str) -> None:
    """Run every schedule in this process until interrupted (Ctrl-C)."""
    from prefect import serve

    serve(*local_deployments(home, inbox))


def sync_automations(path: str | Path = "prefect.yaml") -> dict[str, str]:
    """Create or update, by name, every automation declared in `path` on the configured Prefect
    server; returns what happened to each ("created" or "updated"). Several of one name (left by
    `prefect automation create` run twice) are collapsed into one."""
    import yaml
    from prefect.client.orchestration import get_client
    from prefect.events.schemas.automations import AutomationCore

    declared = yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("automations") or []
    done: dict[str, str] = {}
    with get_client(sync_client=True) as client:
        for spec in declared:
            automation = AutomationCore.model_validate(spec)
            existing = client.read_automations_by_name(automation.name)
            if existing:
                client.update_automation(existing[0].id, automation)
                for extra in existing[1:]:
                    client.delete_automation(extra.id)
                done[automation.name] = "updated"
            else:
                client.create_automation(automation)
                done[automation.name] = "created"
    return done


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "automations":
        print("usage: python -m flows.deployments automations [prefect.yaml]", file=sys.stderr)
        return 2
    for name, what in sync_automations(*(argv[1:2] or ["prefect.yaml"])).items():
        print(f"{name}: {'đã tạo' if what == 'created' else 'đã cập nhật'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
