"""The flows' schedules in one table, and a way to run all four on one machine without a work pool.

Production uses prefect.yaml (a process work pool, workers on several machines); these schedules
are the same (a test checks it). `serve_locally` is for a single office machine: one process that
runs the schedules itself against whatever Prefect API is configured (a local `prefect server
start`; ephemeral mode cannot serve, since the schedules live in a server).
"""
from __future__ import annotations

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
