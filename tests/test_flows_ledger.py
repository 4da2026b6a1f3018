"""The processed ledger: link-once commits, flock claims that die with their holder, no double commit."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.ledger import Ledger
from pipeline.errors import StorageError

SHA = "a" * 64
OTHER = "b" * 64


def test_commit_is_link_once_and_audited(tmp_path):
    ledger = Ledger(tmp_path / "ledger")
    assert ledger.get(SHA) is None and SHA not in ledger
    assert ledger.commit(SHA, {"source": "x.pdf", "sha256": SHA}, by="w1") is True
    assert ledger.commit(SHA, {"source": "y.pdf", "sha256": SHA}, by="w2") is False
    record = ledger.get(SHA)
    assert record["result"]["source"] == "x.pdf" and record["by"] == "w1"
    lines = (tmp_path / "ledger" / "commits.jsonl").read_text().splitlines()
    assert [json.loads(line)["by"] for line in lines] == ["w1"]
    assert not [p for p in (tmp_path / "ledger").iterdir() if p.name.startswith(".commit-")]
    assert [r["sha256"] for r in ledger.records()] == [SHA]


def test_a_hash_that_is_not_hex_never_becomes_a_path(tmp_path):
    with pytest.raises(StorageError):
        Ledger(tmp_path).commit("../../etc/passwd", {})
    with pytest.raises(StorageError):
        Ledger(tmp_path).try_claim("A" * 64)


def test_claim_is_exclusive_between_threads_and_released(tmp_path):
    ledger = Ledger(tmp_path)
    first = ledger.try_claim(SHA)
    assert first is not None
    seen = []
    worker = threading.Thread(target=lambda: seen.append(ledger.try_claim(SHA)))
    worker.start()
    worker.join()
    assert seen == [None]
    assert ledger.try_claim(OTHER) is not None  # other documents stay free
    first.release()
    again = ledger.try_claim(SHA, wait_s=1.0)
    assert again is not None
    again.release()


def test_waiting_claim_gets_the_document_when_the_holder_releases(tmp_path):
    ledger = Ledger(tmp_path)
    holder = ledger.try_claim(SHA)
    threading.Timer(0.3, holder.release).start()
    started = time.monotonic()
    claim = ledger.try_claim(SHA, wait_s=10.0)
    assert claim is not None and 0.2 < time.monotonic() - started < 5
    claim.release()


def test_a_killed_holder_frees_its_claim_at_once(tmp_path):
    # The kernel drops an flock with its process: no lease to expire after a crash.
    code = (
        "import sys, time; from flows.ledger import Ledger; "
        f"c = Ledger(sys.argv[1]).try_claim('{SHA}'); print('held' if c else 'busy', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[1])
    try:
        assert holder.stdout.readline().strip() == "held"
        ledger = Ledger(tmp_path)
        assert ledger.try_claim(SHA) is None
        assert f":{holder.pid}:" in (tmp_path / "claims" / SHA).read_text()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        claim = ledger.try_claim(SHA, wait_s=5.0)
        assert claim is not None
        claim.release()
    finally:
        if holder.poll() is None:
            holder.kill()


def test_racing_workers_commit_each_document_once(tmp_path):
    ledger = Ledger(tmp_path)
    shas = [f"{i:064x}" for i in range(6)]
    processed: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        for sha in shas * 2:
            if sha in ledger:
                continue
            claim = ledger.try_claim(sha, wait_s=5.0)
            if claim is None:
                continue
            with claim:
                if sha in ledger:
                    continue
                with lock:
                    processed.append(sha)
                assert ledger.commit(sha, {"sha256": sha}, by=name)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(processed) == shas
    committed = [json.loads(line)["sha256"] for line in (tmp_path / "commits.jsonl").read_text().splitlines()]
    assert sorted(committed) == shas


def test_prune_removes_only_claims_of_committed_documents(tmp_path):
    ledger = Ledger(tmp_path)
    for sha in (SHA, OTHER):
        ledger.try_claim(sha).release()
    ledger.commit(SHA, {})
    assert ledger.prune_claims() == 1
    assert sorted(p.name for p in (tmp_path / "claims").iterdir()) == [OTHER]


def _die_holding(folder: Path, sha: str) -> None:
    """A worker process that claims the document and is killed with it held (as by the OOM killer)."""
    code = ("import os, signal, sys; from flows.ledger import Ledger; "
            f"c = Ledger(sys.argv[1]).try_claim('{sha}'); os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([sys.executable, "-c", code, str(folder)], cwd=Path(__file__).resolve().parents[1],
                          timeout=60)
    assert done.returncode == -signal.SIGKILL


def test_a_claim_counts_the_holders_that_died_with_it_and_a_clean_release_clears_them(tmp_path):
    ledger = Ledger(tmp_path)
    with ledger.try_claim(SHA) as claim:
        assert claim.crashes == 0
    _die_holding(tmp_path, SHA)
    _die_holding(tmp_path, SHA)
    claim = ledger.try_claim(SHA)
    assert claim.crashes == 2
    lines = (tmp_path / "claims" / SHA).read_text().splitlines()
    assert len(lines) == 3 and f":{os.getpid()}:" in lines[-1]  # the holder's line goes last
    claim.release()  # this attempt ended cleanly: the count starts again
    with ledger.try_claim(SHA) as claim:
        assert claim.crashes == 0
    _die_holding(tmp_path, SHA)
    with ledger.try_claim(SHA) as claim:
        assert claim.crashes == 1
        claim.keep_attempts()  # refused: the marks stay for the next time the bytes come
    with ledger.try_claim(SHA) as claim:
        assert claim.crashes == 2
