"""Composition of all stages and the Prefect flows built on it.

    compose      the per-document pipeline as plain Python (no Prefect)
    runtime      a Context from plain flow parameters; the input list
    ledger       processed documents by sha256, claims between workers (exactly once)
    batch        ingest_batch: one task run per document, retries for retryable errors
    inbox        watch_inbox: settled files of an inbox → processed/ or quarantine/
    monitor      deadline_monitor: daily notice lists per unit, from the records store
    reports      semiannual_report: 15 June and 15 December
    deployments  the schedules; serving all four flows on one machine (prefect.yaml: production)
    prefect_settings  what the Prefect server runs with; flow runs in this process without one
"""
from flows.prefect_settings import apply_defaults as _apply_server_defaults

# Before anything here imports Prefect: a temporary server started by this process inherits them.
_apply_server_defaults()
