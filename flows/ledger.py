"""The processed ledger: which documents (by sha256) are done, and who is working on which.

    <home>/ledger/<sha256>.json      one committed record per document: the contract output
    <home>/ledger/claims/<sha256>    lock files; a worker holds an flock while it processes
    <home>/ledger/commits.jsonl      append-only audit line per commit (who, when)

The ledger is the source of truth for "processed exactly once", whatever Prefect's own state says:

- **claim**: a worker takes an exclusive `flock` on the document's claim file before reading it.
  The kernel drops the lock when the process dies (SIGKILL, crash, power loss of the machine for
  NFSv4 leases), so a killed worker's document becomes free again by itself, with no lease timers.
  Each claim appends its holder's line to the file and a clean release empties it, so the lines a
  new holder finds are attempts whose process died holding the document (`Claim.crashes`): a file
  that kills the reader (Tesseract out of memory, a library crash) is not handed to worker after
  worker for ever — flows.batch quarantines it after two.
- **commit**: the record is written to a temp file, fsynced, then hard-linked into place; a link
  never overwrites, so at most one commit per sha256 can ever succeed, even between two workers
  that both believed they held the document (e.g. a lock lost on a network filesystem).

Effects before the commit (the stored original, later the records update and the index) must be
idempotent by sha256: a worker killed after them and before the commit gets its document redone.
Failed outcomes are not committed: a bad file is refused again (cheaply) if it comes back, and a
retryable or dependency failure must be tried again later.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import StorageError

_SHA256 = re.compile(r"[0-9a-f]{64}")
RECORD_VERSION = 1
MAX_ATTEMPT_LINES = 20  # a claim file stays small however often a document is retried


def worker_identity() -> str:
    """host:pid:thread — who committed a record (for the audit line and the tests)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


# Claims held by this process. flock alone excludes threads only on local filesystems: over NFS
# Linux emulates it with POSIX locks, which belong to the process, not to the open file.
_HELD: set[str] = set()
_HELD_LOCK = threading.Lock()


class Claim:
    """An exclusive hold on one document; release it (or let the process die) to free it.

    `crashes`: how many earlier holders died holding it (their lines were never cleared)."""

    def __init__(self, fd: int, path: Path, crashes: int = 0):
        self._fd: int | None = fd
        self.path = path
        self.crashes = crashes
        self._keep = False

    def keep_attempts(self) -> None:
        """Leave the attempt lines on release: the document stays marked as one that kills its
        reader, and is refused again, cheaply, if it comes back."""
        self._keep = True

    def release(self) -> None:
        if self._fd is not None:
            if not self._keep:
                os.ftruncate(self._fd, 0)  # a clean end: this attempt did not die
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
            with _HELD_LOCK:
                _HELD.discard(str(self.path))

    def __enter__(self) -> "Claim":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Ledger:
    """Committed documents and claims under one folder (normally `<home>/ledger`)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.claims = self.root / "claims"

    @classmethod
    def of_home(cls, home: Path) -> "Ledger":
        return cls(Path(home) / "ledger")

    def record_path(self, sha256: str) -> Path:
        _check(sha256)
        return self.root / f"{sha256}.json"

    def get(self, sha256: str) -> dict[str, Any] | None:
        """The committed record of a document, or None when it has not been processed."""
        try:
            text = self.record_path(sha256).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"Không đọc được sổ xử lý: {exc.strerror or exc}") from exc
        return json.loads(text)

    def __contains__(self, sha256: str) -> bool:
        return self.record_path(sha256).exists()

    def records(self) -> Iterator[dict[str, Any]]:
        """Every committed record (in no particular order)."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("*.json"):
            if _SHA256.fullmatch(path.stem):
                yield json.loads(path.read_text(encoding="utf-8"))

    def try_claim(self, sha256: str, wait_s: float = 0.0) -> Claim | None:
        """Hold the document exclusively, or None when another worker holds it (after `wait_s`)."""
        _check(sha256)
        path = self.claims / sha256
        try:
            self.claims.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(f"Không tạo được khóa xử lý: {exc.strerror or exc}") from exc
        if not _lock(fd, str(path), wait_s):
            os.close(fd)
            return None
        # Lines left in the file are attempts that died; this holder's line goes last (who holds
        # it, for people looking at a stuck batch and for the crash test).
        try:
            earlier = os.pread(fd, 1 << 16, 0).decode("utf-8", errors="replace").splitlines()
            os.ftruncate(fd, 0)
            lines = [line for line in earlier if line.strip()] + [f"{worker_identity()} {_now()}"]
            os.pwrite(fd, ("\n".join(lines[-MAX_ATTEMPT_LINES:]) + "\n").encode(), 0)
        except OSError as exc:
            Claim(fd, path).release()
            raise StorageError(f"Không ghi được khóa xử lý: {exc.strerror or exc}") from exc
        return Claim(fd, path, crashes=len(lines) - 1)

    def commit(self, sha256: str, result: dict[str, Any], *, by: str | None = None) -> bool:
        """Record the document as processed; False when it was already committed (nothing written)."""
        target = self.record_path(sha256)
        record = {"version": RECORD_VERSION, "sha256": sha256, "committed_at": _now(),
                  "by": by or worker_identity(), "result": result}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not _link_new(target, json.dumps(record, ensure_ascii=False, indent=1)):
                return False
            _append_line(self.root / "commits.jsonl",
                         json.dumps({"sha256": sha256, "at": record["committed_at"], "by": record["by"]}))
        except OSError as exc:
            raise StorageError(f"Không ghi được sổ xử lý: {exc.strerror or exc}") from exc
        return True

    def prune_claims(self) -> int:
        """Delete claim files of committed documents (whoever opens one later sees the commit)."""
        removed = 0
        if not self.claims.is_dir():
            return 0
        for path in self.claims.iterdir():
            if _SHA256.fullmatch(path.name) and (self.root / f"{path.name}.json").exists():
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _lock(fd: int, key: str, wait_s: float) -> bool:
    """This process's mark, then a non-blocking flock, polled until `wait_s` (a blocking flock
    could not be given a deadline)."""
    deadline = time.monotonic() + wait_s
    delay = 0.05
    while True:
        if _try_lock(fd, key):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 1.0)


def _try_lock(fd: int, key: str) -> bool:
    with _HELD_LOCK:
        if key in _HELD:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        _HELD.add(key)
        return True


def _link_new(target: Path, text: str) -> bool:
    handle, temp_name = tempfile.mkstemp(prefix=".commit-", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp_name, target)
        except FileExistsError:
            return False
        _fsync_dir(target.parent)
        return True
    finally:
        Path(temp_name).unlink(missing_ok=True)


def _append_line(path: Path, line: str) -> None:
    # One write() on an O_APPEND descriptor: lines from concurrent workers never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check(sha256: str) -> None:
    # The hash becomes a file name: anything but 64 hex digits could walk out of the ledger.
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise StorageError(f"Mã băm không hợp lệ: {sha256!r}")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
