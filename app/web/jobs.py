"""Uploads: each file is written under a random name, processed in a background thread pool
through `flows.compose.process_file` on behalf of the uploader, and its outcome kept for the
document page (`web_document`, keyed by sha256, with the unit path that decides who may see it).

Filenames are never used as paths: the upload is stored as `<uuid>` and the name the user gave is
only a display name. Jobs live in the database (`web_job`), so the page can list a user's uploads
again after a reload, any server process answers for them, and jobs a stopped server left behind
are taken up again on start (`recover`) while their file is still there. Recovery assumes one
server process per data folder (what `sohoa serve` runs): a second process starting beside a
busy one would take up its running jobs again (applying is idempotent, so this costs time only).
"""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.web.accounts import User
from app.web.db import WebDB
from flows.compose import Context, process_file
from pipeline.contract import evidence_boxes, outcome_to_dict
from pipeline.model import Outcome, nfc
from records import RecordsStore
from records.config import VN_TZ

ALLOWED_SUFFIXES = (".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


@dataclass(frozen=True)
class DocumentRow:
    """A kept read document: who uploaded it, the units it concerns, the outcome (JSON)."""

    sha256: str
    name: str
    uploader: str
    uploader_unit: str
    unit_path: str  # JSON list of org-tree codes
    outcome: str  # outcome_to_dict as JSON
    at: dt.datetime

    @classmethod
    def of(cls, row: Any) -> "DocumentRow":
        return cls(row["sha256"], row["name"], row["uploader"], row["uploader_unit"], row["unit_path"],
                   row["outcome"], dt.datetime.fromisoformat(row["at"]))


_JOB_FIELDS = ("id", "user", "name", "status", "sha256", "error_code", "message", "events", "review")
PENDING = ("queued", "running")


def job_dict(row: Any) -> dict[str, Any]:
    """A job as the API shows it (status: queued | running | done | failed | refused)."""
    out = {key: row[key] for key in _JOB_FIELDS}
    out["created_at"] = dt.datetime.fromtimestamp(row["created_at"], VN_TZ).replace(tzinfo=None).isoformat(timespec="seconds")
    return out


def display_name(filename: str | None) -> str:
    """The last path part of what the browser sent, NFC, short; only ever shown, never opened."""
    name = nfc((filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:200] or "tep-khong-ten"


def page_facts(outcome: Outcome) -> dict[str, Any]:
    """What the document page needs beyond the contract object: the media type, each page's size
    and the evidence boxes (page units, for drawing on the rendered pages)."""
    doc = outcome.document
    assert doc is not None
    return {"media_type": doc.source.media_type,
            "page_sizes": [[p.width, p.height] for p in doc.pages],
            "boxes": evidence_boxes(enumerate(outcome.events))}


class Uploads:
    """The background pool, the jobs and the kept outcomes."""

    def __init__(self, db: WebDB, folder: Path, ctx: Context, records: RecordsStore, workers: int):
        self.db, self.folder, self.ctx, self.records = db, folder, ctx, records
        folder.mkdir(parents=True, exist_ok=True)
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="upload")

    def temp_path(self) -> Path:
        return self.folder / uuid.uuid4().hex

    def _insert(self, user: User, name: str, status: str, path: Path | None = None, **more: Any) -> str:
        job_id, now = uuid.uuid4().hex, time.time()
        self.db.write("INSERT INTO web_job (id, user, name, status, error_code, message, path, created_at, "
                      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (job_id, user.name, name, status, more.get("error_code"), more.get("message"),
                       path.name if path else None, now, now))
        return job_id

    def submit(self, user: User, name: str, path: Path) -> dict[str, Any]:
        job_id = self._insert(user, name, "queued", path)
        self.pool.submit(self._run, job_id, user, name, path)
        return self.job(job_id, user) or {}

    def refuse(self, user: User, name: str, code: str, message: str) -> dict[str, Any]:
        """A file refused on arrival: kept as a job too, so a reloaded page still shows why."""
        return self.job(self._insert(user, name, "refused", error_code=code, message=message), user) or {}

    def _set(self, job_id: str, **fields: Any) -> None:
        names = ", ".join(f"{k} = ?" for k in fields)
        self.db.write(f"UPDATE web_job SET {names}, updated_at = ? WHERE id = ?",
                      (*fields.values(), time.time(), job_id))

    def job(self, job_id: str, user: User) -> dict[str, Any] | None:
        row = self.db.one("SELECT * FROM web_job WHERE id = ? AND user = ?", (job_id, user.name))
        return job_dict(row) if row is not None else None

    def jobs_of(self, user: User, limit: int = 50) -> list[dict[str, Any]]:
        """The user's latest uploads, newest first (what the upload page shows after a reload)."""
        return [job_dict(r) for r in self.db.all(
            "SELECT * FROM web_job WHERE user = ? ORDER BY created_at DESC LIMIT ?", (user.name, limit))]

    def counts(self, user: User, since: float) -> tuple[int, int]:
        """(files accepted since `since`, files still waiting or being read) for the upload quota."""
        row = self.db.one(
            "SELECT SUM(CASE WHEN created_at > ? AND status != 'refused' THEN 1 ELSE 0 END) AS lately, "
            "SUM(CASE WHEN status IN ('queued', 'running') THEN 1 ELSE 0 END) AS pending "
            "FROM web_job WHERE user = ?", (since, user.name))
        return (row["lately"] or 0, row["pending"] or 0) if row is not None else (0, 0)

    def recover(self, find_user: Callable[[str], User | None]) -> int:
        """Take up the jobs a stopped server left queued or running; fail those whose file is gone."""
        taken = 0
        for row in self.db.all("SELECT * FROM web_job WHERE status IN ('queued', 'running')"):
            path = self.folder / row["path"] if row["path"] else None
            user = find_user(row["user"])
            if path is None or not path.exists() or user is None:
                self._set(row["id"], status="failed", error_code="UPLOAD-INTERRUPTED",
                          message="Việc xử lý bị gián đoạn khi máy chủ khởi động lại; hãy tải tệp lên lại.")
                continue
            self._set(row["id"], status="queued")
            self.pool.submit(self._run, row["id"], user, row["name"], path)
            taken += 1
        return taken

    def _run(self, job_id: str, user: User, name: str, path: Path) -> None:
        self._set(job_id, status="running")
        try:
            ctx = Context(config=self.ctx.config, calendar=self.ctx.calendar, stages=self.ctx.stages,
                          records=self.records, search=self.ctx.search, actor=user.actor)
            outcome = process_file(path, ctx, display_name=name)
            if not outcome.ok:
                self._set(job_id, status="failed", sha256=outcome.sha256, error_code=outcome.error_code,
                          message=outcome.error_message)
                return
            data = outcome_to_dict(outcome)
            data["web"] = page_facts(outcome)
            unit_path = self.records.scope_path(outcome)
            self._keep(data, name, user, unit_path)
            events = (data.get("records") or {}).get("events") or []
            self._set(job_id, status="done", sha256=outcome.sha256, events=len(data.get("events") or []),
                      review=sum(1 for e in events if e.get("status") == "needs_review"))
        except Exception as exc:  # never lose a job silently: the page must show it failed
            self._set(job_id, status="failed", error_code="PROCESSING-FAILED",
                      message=f"Lỗi không xác định khi xử lý tệp ({type(exc).__name__}).")
        finally:
            path.unlink(missing_ok=True)

    def _keep(self, data: dict, name: str, user: User, unit_path: tuple[str, ...]) -> None:
        """First uploader and time stay; the outcome and units are those of the latest reading."""
        self.db.write(
            "INSERT INTO web_document (sha256, name, uploader, uploader_unit, unit_path, outcome, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET "
            "unit_path = excluded.unit_path, outcome = excluded.outcome",
            (data["sha256"], name, user.name, user.unit, json.dumps(list(unit_path)),
             json.dumps(data, ensure_ascii=False), dt.datetime.now().isoformat()))
        # Every unit that uploaded the file may see it, not only the first one.
        self.db.write("INSERT OR IGNORE INTO web_document_unit (sha256, unit) VALUES (?, ?)",
                      (data["sha256"], user.unit))

    def uploading_units(self, sha256: str) -> list[str]:
        return [r["unit"] for r in self.db.all("SELECT unit FROM web_document_unit WHERE sha256 = ?", (sha256,))]

    def document(self, sha256: str) -> DocumentRow | None:
        row = self.db.one("SELECT * FROM web_document WHERE sha256 = ?", (sha256,))
        return DocumentRow.of(row) if row is not None else None

    def recent(self, limit: int = 200) -> list[DocumentRow]:
        return [DocumentRow.of(r) for r in self.db.all("SELECT * FROM web_document ORDER BY at DESC LIMIT ?", (limit,))]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
