"""`watch_inbox`: ingest what units drop in an inbox folder, then file each one away.

    INBOX/<anything>/<file>  ──settled?──▶ ingest_document ──▶ INBOX/processed/<same relative path>
                                                          └──▶ INBOX/quarantine/<…> + <name>.reason.json
A file is picked up only when it has **settled**: not hidden or named like a partial download
(`.part`, `.tmp`, `.crdownload`, `~$…`), no lock beside it (`name.lock`, LibreOffice's
`.~lock.name#`), no flock held on it, and the same size and mtime across two looks `settle_s`
apart with its mtime at least `settle_s` old. Copiers that write to a temporary name and rename
at the end are always safe; a writer that pauses longer than `settle_s` is not detectable.

**On whose behalf**: a file dropped in a folder named by a unit's code (`INBOX/DN.SYT/…`, any
case) is applied as that unit's clerk — the unit's scope (R6): a move out of its subtree waits for
the parent's approval, as when the unit uploads on the web page. Any other folder, and the inbox
itself, act for the Department.

A file whose failure is not its own fault (missing Tesseract, an OCR timeout after the retries)
stays in the inbox for the next run. Run on a schedule (prefect.yaml), several workers may watch
the same inbox: the ledger's claims make each file processed once, and moves tolerate a file
that another run already filed away.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows import batch, runtime
from flows.compose import Context
from pipeline import intake
from records import Actor

log = logging.getLogger(__name__)

PROCESSED, QUARANTINE = "processed", "quarantine"
_PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".lock")
_PARTIAL_PREFIXES = (".", "~$")


@dataclass(frozen=True)
class Look:
    size: int
    mtime_ns: int


def candidates(inbox: Path) -> Iterator[Path]:
    """Files under the inbox (its processed/ and quarantine/ excluded) that do not look partial."""
    for path in sorted(inbox.rglob("*")):
        rel = path.relative_to(inbox)
        if rel.parts[0] in (PROCESSED, QUARANTINE) or not path.is_file():
            continue
        if any(part.startswith(_PARTIAL_PREFIXES) for part in rel.parts):
            continue
        if path.name.lower().endswith(_PARTIAL_SUFFIXES) or _has_lock_beside(path):
            continue
        yield path


def settled(paths: list[Path], settle_s: float) -> list[Path]:
    """Those of `paths` unchanged across two looks `settle_s` apart, old enough and not flocked."""
    first = {p: _look(p) for p in paths}
    if paths:
        time.sleep(settle_s)
    now = time.time()
    ready = []
    for path in paths:
        second = _look(path)
        if second is None or second != first[path]:
            continue
        # An mtime in the future or just now (clock skew on a network share) is not settled yet.
        if now - second.mtime_ns / 1e9 < settle_s or _locked(path):
            continue
        ready.append(path)
    return ready


def file_away(path: Path, inbox: Path, item: batch.DocumentItem) -> Path | None:
    """Move a finished file to processed/ or quarantine/ (with a reason file); None: it stays."""
    status = item["status"]
    if status in ("processed", "skipped"):
        return _move(path, inbox, PROCESSED)
    error = item["output"].get("error") or {}
    if status != "failed" or not error.get("quarantined"):
        return None  # not the file's fault, or another worker holds it: try again next run
    target = _move(path, inbox, QUARANTINE)
    if target is not None:
        reason = {"code": error.get("code"), "message": error.get("message"), "sha256": item["sha256"],
                  "original": str(path.relative_to(inbox)), "time": _now()}
        _write_json(target.with_name(target.name + ".reason.json"), reason)
    return target


INBOX_USER = "inbox"  # the audit log's "who" for what a unit dropped in its folder


def ingest_settled(inbox: Path, ctx: Context, settle_s: float) -> list[dict[str, Any]]:
    """One pass: the settled files of the inbox through the batch task, each filed away."""
    found = settled(list(candidates(inbox)), settle_s)
    ready = [found[i] for i in batch.work_order([str(p) for p in found])]
    contexts: dict[str, Context] = {}

    def context_of(path: str) -> Context:
        unit = unit_of_folder(Path(path).relative_to(inbox), ctx)
        if unit is None:
            return ctx
        if unit not in contexts:
            contexts[unit] = replace(ctx, actor=Actor(INBOX_USER, unit, "clerk"))
        return contexts[unit]

    items = batch.run_documents([str(p) for p in ready], ctx, context_of=context_of)
    report = []
    for path, item in zip(ready, items):
        target = file_away(path, inbox, item)
        report.append({"file": str(path.relative_to(inbox)), "status": item["status"],
                       "moved_to": str(target) if target else None, "output": item["output"]})
    return report


def unit_of_folder(relative: Path, ctx: Context) -> str | None:
    """The unit code a file's top folder names (any case), or None: the inbox itself, a folder that
    names no unit, or no records store to ask."""
    if len(relative.parts) < 2 or ctx.records is None:
        return None
    name = relative.parts[0]
    for code in (name, name.upper()):
        if ctx.records.unit(code) is not None:
            return code
    return None


@flow(name="watch-inbox", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1),
      validate_parameters=False)
def watch_inbox(
    inbox: str,
    home: str | None = None,
    settle_s: float = 5.0,
    workers: int | None = None,
    database_url: str | None = None,
    search_url: str | None = None,
    context: Context | None = None,
) -> dict[str, Any]:
    """Ingest the settled files of `inbox` into the data folder `home`; returns what became of each."""
    folder = Path(inbox)
    folder.mkdir(parents=True, exist_ok=True)
    with batch.flow_context(context, home, workers, False, database_url, search_url) as ctx:
        report = ingest_settled(folder, ctx, settle_s)
    statuses = ("processed", "skipped", "failed", "busy")
    counts = {s: sum(1 for r in report if r["status"] == s) for s in statuses}
    runtime.run_logger(log).info("watch-inbox %s: %d tệp %s", folder, len(report), counts)
    return {"inbox": str(folder), "total": len(report), **counts, "files": report}


def _look(path: Path) -> Look | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return Look(stat.st_size, stat.st_mtime_ns)


def _has_lock_beside(path: Path) -> bool:
    return (path.with_name(path.name + ".lock").exists()
            or path.with_name(f".~lock.{path.name}#").exists())


def _locked(path: Path) -> bool:
    """A writer holding an flock on the file (some copy tools and scanners take one)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _move(path: Path, inbox: Path, folder: str) -> Path | None:
    target = inbox / folder / path.relative_to(inbox)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target = _free_name(target, path)
    try:
        os.rename(path, target)
    except FileNotFoundError:  # another run filed it away first
        return None
    return target


def _free_name(target: Path, source: Path) -> Path:
    """Same name already filed (another file, or the same bytes sent twice): add the hash prefix."""
    try:
        tag = intake.sha256_of(source)[:12]
    except Exception:  # noqa: BLE001 - the source vanished; any unique tag will do
        tag = str(time.time_ns())
    return target.with_name(f"{target.stem}.{tag}{target.suffix}")


def _write_json(target: Path, data: dict[str, Any]) -> None:
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temp, target)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
