"""The store of originals (content-addressed, write-once) and the quarantine of refused files.

Originals live at `originals/ab/cd/<sha256>` beside a small JSON sidecar (`<sha256>.json`: first-seen
name, media type, size, received time). Objects are written atomically (temp file, fsync, hard link
into place) and never overwritten: keeping the same bytes twice is a no-op. Every copy is hashed
while it is written and compared with the expected sha256.

Quarantine keeps a refused file under its sha256 (never under the incoming name, which is data, not
a path) with `<sha256>.reason.json` saying why. OSError becomes `StorageError` (retryable).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from pipeline.config import Paths
from pipeline.errors import SohoaError, StorageError
from pipeline.model import SourceFile, nfc

_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


def object_path(sha256: str, paths: Paths) -> Path:
    """Where the original with this hash lives (whether or not it is there yet)."""
    _check_hash(sha256)
    return paths.originals / sha256[:2] / sha256[2:4] / sha256


def keep(path: Path, source: SourceFile, paths: Paths, *, now: dt.datetime | None = None) -> Path:
    """Copy `path` byte for byte into the store under `source.sha256`; return the object's path."""
    target = object_path(source.sha256, paths)
    try:
        if not target.exists():
            _copy_verified(Path(path), target, source.sha256)
        sidecar = target.with_name(target.name + ".json")
        if not sidecar.exists():
            meta = {
                "sha256": source.sha256,
                "first_seen_name": nfc(Path(source.path).name),
                "media_type": source.media_type,
                "size": source.size,
                "received": _iso(now),
            }
            _write_json_once(sidecar, meta)
    except OSError as exc:
        raise StorageError(f"Không lưu được bản gốc: {exc.strerror or exc}") from exc
    return target


def open_original(sha256: str, paths: Paths) -> BinaryIO:
    """Open a kept original for reading (binary)."""
    target = object_path(sha256, paths)
    try:
        return open(target, "rb")
    except OSError as exc:
        raise StorageError(f"Không mở được bản gốc {sha256}: {exc.strerror or exc}") from exc


def quarantine(
    path: Path,
    error: SohoaError,
    paths: Paths,
    source_name: str,
    *,
    now: dt.datetime | None = None,
) -> Path:
    """Keep a refused file under its sha256 in the quarantine with a reason file; return its path."""
    folder = paths.quarantine
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sha256, size = _hash_and_size(Path(path))
        target = folder / sha256
        if not target.exists():
            _copy_verified(Path(path), target, sha256)
        reason = {
            "code": error.code,
            "message": error.message,
            "retryable": error.retryable,
            "time": _iso(now),
            "original_name": nfc(str(source_name)),
            "sha256": sha256,
            "size": size,
        }
        _write_json(folder / f"{sha256}.reason.json", reason)
    except OSError as exc:
        raise StorageError(f"Không cách ly được tệp: {exc.strerror or exc}") from exc
    return target


def _check_hash(sha256: str) -> None:
    # The hash becomes a path: anything but 64 lowercase hex digits could walk out of the store.
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise StorageError(f"Mã băm không hợp lệ: {sha256!r}")


def _hash_and_size(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_verified(source: Path, target: Path, sha256: str) -> None:
    """Copy into a temp file beside `target`, check the hash, then link it in without overwriting."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, open(source, "rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            # The file changed between identification and storage: keep nothing under a false name.
            raise StorageError("Tệp đã thay đổi trong khi lưu (mã băm không khớp); sẽ thử lại.")
        os.chmod(temp, 0o444)
        _link_into_place(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _link_into_place(temp: Path, target: Path) -> None:
    """A hard link fails if the target exists, so a concurrent writer can never be overwritten."""
    try:
        os.link(temp, target)
    except FileExistsError:
        return
    except OSError:
        # Filesystems without hard links: rename, still atomic; the existence check narrows the race.
        if not target.exists():
            os.replace(temp, target)


def _write_json_once(target: Path, data: dict) -> None:
    handle, temp_name = tempfile.mkstemp(prefix=".meta-", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
        _link_into_place(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _write_json(target: Path, data: dict) -> None:
    """Replace atomically: the reason file says why the latest attempt was refused."""
    handle, temp_name = tempfile.mkstemp(prefix=".reason-", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
        os.replace(temp_name, target)
    finally:
        Path(temp_name).unlink(missing_ok=True)


def _iso(now: dt.datetime | None) -> str:
    return (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
