"""The Prefect settings sohoa runs with, kept in one place.

**The server's.** A flow run with no `PREFECT_API_URL` (ephemeral mode) starts a temporary server
in a subprocess that inherits this process's environment, so importing `flows` sets these there
unless the environment already says otherwise. A production server is started with the same
values: `python -m flows.prefect_settings` prints them as `NAME=value` lines for its environment.

- Analytics off: the machines have no way out, and the failed call only fills the log.
- The task-run recorder writes in batches. By default it writes each state event of each task
  run in its own transaction: measured on 2 cores, 100 short task runs cost the temporary server
  2.5–3.8 s of CPU and the flow waited up to 3 s for it; in batches of 50 (at least once a
  second) 0.7–0.9 s, no wait. Task runs still all reach the API, at most a second later. A
  production server serving many workers does a third of the work per document.

**A flow run in this process with no server** (`local_runs`): no heartbeats. They let a server's
automation tell a dead worker from a slow one (prefect.yaml); a temporary server lives and dies
with the process and runs no automation. Prefect's heartbeat thread sleeps in one-second steps and
each flow run waits for it at its end: 0.7–1.0 s measured at the end of every run.
The temporary server, when it starts inside (`TEMPORARY_SERVER`), neither stores the event feed
nor evaluates automations: it keeps recording flow and task runs, their states and logs (in
PREFECT_HOME's database, as any server would), but no automation is ever defined on it and no one
reads its event feed, while the two services handled every state event of every task run —
measured on 2 cores, 100 task runs spread over 20 s cost it 1.85 s of CPU, 1.2 s without them,
on the cores the documents need. A production server keeps both (prefect.yaml's automation).
"""
from __future__ import annotations

import os
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager

SERVER_SETTINGS: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "50",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",  # seconds, whole
}


def apply_defaults(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set each server setting the environment does not already set."""
    for name, value in SERVER_SETTINGS.items():
        environ.setdefault(name, value)


# Prefect hands its current settings to the temporary server's process when it starts one.
TEMPORARY_SERVER: dict[str, bool] = {
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": False,
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": False,
}


@contextmanager
def local_runs() -> Iterator[bool]:
    """Flow runs started inside run without heartbeats when no Prefect server is configured, and
    a temporary server started inside runs as `TEMPORARY_SERVER` says (one already running is
    left as it is); yields whether that is the case. With a server, nothing changes."""
    import prefect.settings as ps

    if ps.PREFECT_API_URL.value():
        yield False
        return
    updates = {getattr(ps, name): value for name, value in TEMPORARY_SERVER.items()}
    with ps.temporary_settings({ps.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None, **updates}):
        yield True


if __name__ == "__main__":
    print("\n".join(f"{name}={value}" for name, value in SERVER_SETTINGS.items()))
