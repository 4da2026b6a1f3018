"""The store of originals (byte-identical, write-once, idempotent) and the quarantine."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

import hostile
from pipeline.config import Limits, Paths
from pipeline.errors import EmptyFile, FileTooLarge, StorageError, UnsupportedType
from pipeline.intake import identify
from pipeline.store import keep, object_path, open_original, quarantine


@pytest.fixture
def paths(tmp_path):
    return Paths(home=tmp_path / "home")


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_keep_stores_identical_bytes_under_the_hash(tmp_path, paths):
    path = hostile.decision_pdf(tmp_path / "Quyết định 12.pdf")
    source = identify(path, Limits())
    stored = keep(path, source, paths)
    sha = source.sha256
    assert stored == paths.originals / sha[:2] / sha[2:4] / sha
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    with open_original(sha, paths) as handle:
        assert handle.read() == path.read_bytes()
    meta = json.loads(stored.with_name(sha + ".json").read_text(encoding="utf-8"))
    assert meta["first_seen_name"] == "Quyết định 12.pdf"
    assert meta["media_type"] == "application/pdf"
    assert meta["size"] == source.size
    assert dt.datetime.fromisoformat(meta["received"])


def test_keep_is_idempotent_and_keeps_the_first_name(tmp_path, paths):
    first = hostile.decision_pdf(tmp_path / "first.pdf")
    again = tmp_path / "renamed copy.pdf"
    again.write_bytes(first.read_bytes())
    stored = keep(first, identify(first, Limits()), paths)
    before = (_files(paths.home), stored.stat().st_mtime_ns)
    assert keep(again, identify(again, Limits()), paths) == stored
    assert (_files(paths.home), stored.stat().st_mtime_ns) == before
    meta = json.loads(stored.with_name(stored.name + ".json").read_text(encoding="utf-8"))
    assert meta["first_seen_name"] == "first.pdf"
    assert not any(".incoming-" in name or ".meta-" in name for name in _files(paths.home))


def test_keep_refuses_bytes_that_do_not_match_the_hash(tmp_path, paths):
    path = hostile.decision_pdf(tmp_path / "a.pdf")
    source = identify(path, Limits())
    path.write_bytes(path.read_bytes() + b"\n% changed after identification\n")
    with pytest.raises(StorageError) as caught:
        keep(path, source, paths)
    assert caught.value.code == "STORAGE-FAILED"
    assert not object_path(source.sha256, paths).exists()
    assert _files(paths.home) == []


def test_storage_failure_becomes_storage_error(tmp_path, paths):
    path = hostile.decision_pdf(tmp_path / "a.pdf")
    paths.home.mkdir(parents=True)
    paths.originals.write_text("a file where the folder should be")
    with pytest.raises(StorageError):
        keep(path, identify(path, Limits()), paths)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ab" * 40, "", "A" * 64])
def test_open_original_refuses_anything_but_a_hash(paths, bad):
    with pytest.raises(StorageError):
        open_original(bad, paths)


def test_open_original_of_a_missing_object(paths):
    with pytest.raises(StorageError):
        open_original("0" * 64, paths)


def test_quarantine_never_uses_the_incoming_name_as_a_path(tmp_path, paths):
    path = hostile.html_named_pdf(tmp_path / "upload.bin")
    with pytest.raises(UnsupportedType) as caught:
        identify(path, Limits())
    hostile_name = "../../etc/passwd.pdf"
    kept = quarantine(path, caught.value, paths, hostile_name)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert kept == paths.quarantine / sha
    assert kept.read_bytes() == path.read_bytes()
    assert _files(tmp_path) == sorted(
        ["upload.bin", f"home/quarantine/{sha}", f"home/quarantine/{sha}.reason.json"]
    )
    reason = json.loads((paths.quarantine / f"{sha}.reason.json").read_text(encoding="utf-8"))
    assert reason["code"] == "FILE-TYPE-UNSUPPORTED"
    assert reason["message"] == caught.value.message
    assert reason["original_name"] == hostile_name
    assert reason["sha256"] == sha
    assert dt.datetime.fromisoformat(reason["time"])


def test_quarantine_twice_keeps_one_copy_and_the_latest_reason(tmp_path, paths):
    path = hostile.empty_file(tmp_path / "empty.pdf")
    first = quarantine(path, EmptyFile(), paths, "empty.pdf")
    second = quarantine(path, FileTooLarge(), paths, "again.pdf")
    assert first == second
    assert len(_files(paths.quarantine)) == 2
    reason = json.loads(first.with_name(first.name + ".reason.json").read_text(encoding="utf-8"))
    assert (reason["code"], reason["original_name"]) == ("FILE-TOO-LARGE", "again.pdf")


def test_quarantine_of_an_unreadable_file_is_a_storage_error(tmp_path, paths):
    with pytest.raises(StorageError):
        quarantine(tmp_path / "gone.pdf", EmptyFile(), paths, "gone.pdf")
