"""Uploads: each file is written under a random name, processed in a background thread pool
through `flows.compose.process_file` on behalf of the uploader, and its outcome kept for the
document page (`web_document`, keyed by sha256, with the unit path that decides who may see it).

Filenames are never used as paths: the upload is stored as `<uuid>` and the name the user gave is
only a display name. Job status lives in memory (the page polls it); outcomes live in the database.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.web.accounts import User
from app.web.db import WebDB
from flows.compose import Context, process_file
from pipeline.contract import outcome_to_dict
from pipeline.model import Outcome, nfc
from records import RecordsStore

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


@dataclass
class Job:
    id: str
    user: str
    name: str
    status: str = "queued"  # queued | running | done | failed
    sha256: str | None = None
    error_code: str | None = None
    message: str | None = None
    events: int = 0
    review: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def display_name(filename: str | None) -> str:
    """The last path part of what the browser sent, NFC, short; only ever shown, never opened."""
    name = nfc((filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:200] or "tep-khong-ten"


def page_facts(outcome: Outcome) -> dict[str, Any]:
    """What the document page needs beyond the contract object: the media type, page 1's size
    and the evidence boxes read on page 1 (page units, for drawing on the rendered image)."""
    doc = outcome.document
    assert doc is not None
    first = doc.pages[0] if doc.pages else None
    boxes = [{"field": ev.field, "text": ev.text, "event": i,
              "box": [ev.box.x0, ev.box.y0, ev.box.x1, ev.box.y1]}
             for i, event in enumerate(outcome.events) for ev in event.evidence
             if ev.box is not None and ev.page == 1]
    return {"media_type": doc.source.media_type,
            "page1": [first.width, first.height] if first else None, "boxes": boxes}


class Uploads:
    """The background pool and the kept outcomes."""

    def __init__(self, db: WebDB, folder: Path, ctx: Context, records: RecordsStore, workers: int):
        self.db, self.folder, self.ctx, self.records = db, folder, ctx, records
        folder.mkdir(parents=True, exist_ok=True)
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="upload")
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def temp_path(self) -> Path:
        return self.folder / uuid.uuid4().hex

    def submit(self, user: User, name: str, path: Path) -> Job:
        job = Job(id=uuid.uuid4().hex, user=user.name, name=name)
        with self._lock:
            self.jobs[job.id] = job
        self.pool.submit(self._run, job, user, path)
        return job

    def job(self, job_id: str, user: User) -> Job | None:
        job = self.jobs.get(job_id)
        return job if job is not None and job.user == user.name else None

    def _run(self, job: Job, user: User, path: Path) -> None:
        job.status = "running"
        try:
            ctx = Context(config=self.ctx.config, calendar=self.ctx.calendar, stages=self.ctx.stages,
                          records=self.records, search=self.ctx.search, actor=user.actor)
            outcome = process_file(path, ctx, display_name=job.name)
            job.sha256 = outcome.sha256
            if not outcome.ok:
                job.status, job.error_code, job.message = "failed", outcome.error_code, outcome.error_message
                return
            data = outcome_to_dict(outcome)
            data["web"] = page_facts(outcome)
            unit_path = self.records.scope_path(outcome)
            self._keep(data, job.name, user, unit_path)
            events = (data.get("records") or {}).get("events") or []
            job.events = len(data.get("events") or [])
            job.review = sum(1 for e in events if e.get("status") == "needs_review")
            job.status = "done"
        except Exception as exc:  # never lose a job silently: the page must show it failed
            job.status, job.error_code = "failed", "PROCESSING-FAILED"
            job.message = f"Lỗi không xác định khi xử lý tệp ({type(exc).__name__})."
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
