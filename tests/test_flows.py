"""ingest_batch and watch_inbox as real Prefect flows (a temporary server: prefect_test_harness).

Real files, real pipeline: the bad file is a truncated PDF, the retryable failure a real OCR
timeout (a page budget of 1 ms), the half-written file a PDF still being written by a thread.
"""
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import jsonschema
import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no network here

from flows import batch, inbox  # noqa: E402
from flows.batch import RetryableFailure, ingest_batch, ingest_document  # noqa: E402
from flows.inbox import watch_inbox  # noqa: E402
from flows.ledger import Ledger  # noqa: E402
from flows.runtime import build_context, opened_context  # noqa: E402
from pipeline import contract  # noqa: E402

SAMPLES = Path(__file__).parent / "samples"
LETTER_PDF = SAMPLES / "letter_3647.pdf"
LETTER_DOCX = SAMPLES / "letter_3647.docx"
LETTER_SCAN = SAMPLES / "letter_3647.scan300.pdf"


@pytest.fixture(scope="module")
def prefect_api():
    """One temporary Prefect server for the module (~8–10 s), the cheapest real API (FACTS.md)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield PREFECT_API_URL.value()


def _broken_pdf(folder: Path) -> Path:
    path = folder / "cut-short.pdf"
    path.write_bytes(LETTER_PDF.read_bytes()[:4000])  # an interrupted upload
    return path


def _task_runs(flow_run_id, count: int) -> list:
    """The flow run's `count` task runs once the server has recorded them all as finished: it
    writes them in batches, at least once a second (flows/prefect_settings.py)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            if len(runs) >= count and all(r.state and r.state.is_final() for r in runs) \
                    or time.monotonic() > deadline:
                return runs
            time.sleep(0.2)


def test_the_task_returns_plain_contract_data_without_a_server(tmp_path):
    item = ingest_document.fn(str(LETTER_DOCX), build_context(tmp_path / "home"))
    assert item["status"] == "processed" and item["sha256"] == item["output"]["sha256"]
    jsonschema.validate(item["output"], contract.schema())
    assert json.loads(json.dumps(item)) == item
    assert {"identify", "load", "structure"} <= set(item["timings"])


def test_the_task_raises_only_for_retryable_failures(tmp_path):
    ctx = build_context(tmp_path / "home", ocr_timeout_s=0.001)
    with pytest.raises(RetryableFailure) as caught:
        ingest_document.fn(str(LETTER_SCAN), ctx)
    assert caught.value.item["output"]["error"]["code"] == "OCR-TIMEOUT"
    bad = ingest_document.fn(str(_broken_pdf(tmp_path)), ctx)  # not retryable: returned
    assert bad["status"] == "failed" and bad["output"]["error"]["code"] == "FILE-CORRUPT"


def test_ocr_files_go_biggest_first_with_the_text_ones_spread_between(tmp_path):
    from PIL import Image

    photo = tmp_path / "photo.png"  # an image: OCR, smaller than the scanned PDF
    Image.new("L", (200, 100), 255).save(photo)
    notes = tmp_path / "notes.txt"
    notes.write_text("không phải văn bản")  # refused at once: counts as a light file
    files = [tmp_path / "gone.pdf", LETTER_DOCX, photo, LETTER_SCAN, notes, LETTER_PDF]
    order = [files[i] for i in batch.work_order([str(f) for f in files])]
    # Two OCR files, biggest first; the four others by size, two after each.
    assert order == [LETTER_SCAN, LETTER_PDF, LETTER_DOCX, photo, notes, files[0]]


def test_what_ocr_will_read_is_told_from_the_first_bytes_and_page(tmp_path):
    from pipeline.loaders import needs_ocr

    assert needs_ocr(LETTER_SCAN) and not needs_ocr(LETTER_PDF) and not needs_ocr(LETTER_DOCX)
    assert not needs_ocr(_broken_pdf(tmp_path)) and not needs_ocr(tmp_path / "gone.pdf")


def test_server_settings_fill_in_what_the_environment_leaves_unset():
    from flows.prefect_settings import SERVER_SETTINGS, apply_defaults

    environ = {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "7"}
    apply_defaults(environ)
    assert environ == dict(SERVER_SETTINGS, PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE="7")
    assert os.environ["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"]  # importing flows set it


def test_flow_runs_here_send_heartbeats_only_to_a_server():
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.prefect_settings import local_runs

    beat = get_current_settings().flows.heartbeat_frequency
    with temporary_settings({PREFECT_API_URL: None}), local_runs() as local:
        assert local and get_current_settings().flows.heartbeat_frequency is None
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}), local_runs() as local:
        assert not local and get_current_settings().flows.heartbeat_frequency == beat
    assert beat is not None


def test_a_temporary_server_started_for_local_runs_keeps_no_event_feed_and_no_automations():
    """What Prefect passes to the temporary server's process (SubprocessASGIServer: the current
    settings as environment variables) says so; a configured server is left alone."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.prefect_settings import local_runs

    with temporary_settings({PREFECT_API_URL: None}), local_runs():
        environment = get_current_settings().to_environment_variables(exclude_unset=True)
        services = get_current_settings().server.services
        assert not services.event_persister.enabled and not services.triggers.enabled
    assert environment["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "False"
    assert environment["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "False"
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}), local_runs():
        services = get_current_settings().server.services
        assert services.event_persister.enabled and services.triggers.enabled


_EPHEMERAL_RUN = """
import json, sys
from pathlib import Path
from prefect.server.api.server import SubprocessASGIServer
from flows.batch import run_here

summary = run_here([sys.argv[1]], home=sys.argv[2])
server = SubprocessASGIServer._instances[None]  # the one Prefect started for the flow run
raw = Path(f"/proc/{server.server_process.pid}/environ").read_bytes()
environment = dict(item.split("=", 1) for item in raw.decode().split("\\0") if "=" in item)
print(json.dumps({"summary": {k: summary[k] for k in ("total", "processed", "failed")},
                  "server": {k: v for k, v in environment.items() if k.startswith("PREFECT_SERVER_SERVICES")
                             or k == "PREFECT__SERVER_EPHEMERAL"}}))
"""


def test_with_nothing_configured_a_batch_runs_on_a_temporary_server(tmp_path):
    """Ephemeral mode end to end, in a fresh process with no Prefect configuration (its own
    PREFECT_HOME, so no one's database is touched): `run_here` reads a document, and the server
    Prefect started for it runs without the event persister and the triggers."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    environ.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180")
    done = subprocess.run([sys.executable, "-c", _EPHEMERAL_RUN, str(LETTER_DOCX), str(tmp_path / "home")],
                          capture_output=True, text=True, env=environ, timeout=300, cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["summary"] == {"total": 1, "processed": 1, "failed": 0}
    assert result["server"]["PREFECT__SERVER_EPHEMERAL"] == "1"
    assert result["server"]["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "False"
    assert result["server"]["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "False"
    assert result["server"]["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"] == "50"  # flows' own


def test_a_bad_file_is_one_failed_item_never_a_failed_batch(prefect_api, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(LETTER_PDF, folder)
    shutil.copy(LETTER_DOCX, folder)
    bad = _broken_pdf(folder)
    home = tmp_path / "home"
    state = ingest_batch([str(folder)], home=str(home), return_state=True)
    assert state.is_completed()
    summary = state.result()
    assert (summary["total"], summary["processed"], summary["failed"], summary["skipped"]) == (3, 2, 1, 0)
    failed = next(i for i in summary["items"] if i["status"] == "failed")
    assert failed["path"] == str(bad) and failed["output"]["error"]["code"] == "FILE-CORRUPT"
    quarantined = Path(failed["output"]["error"]["quarantined"])
    assert quarantined.read_bytes() == bad.read_bytes()
    assert json.loads(quarantined.with_name(quarantined.name + ".reason.json").read_text())["code"] == "FILE-CORRUPT"
    for item in summary["items"]:
        jsonschema.validate(item["output"], contract.schema())
    # Only successes are committed; the bad file was tried once (not retryable).
    assert sorted(r["sha256"] for r in Ledger.of_home(home).records()) == sorted(
        i["sha256"] for i in summary["items"] if i["status"] == "processed")
    runs = {Path(r.name.removeprefix("ingest ")).name: r.run_count for r in _task_runs(state.state_details.flow_run_id, 3)}
    assert runs["cut-short.pdf"] == 1


def test_already_processed_bytes_are_skipped_under_any_name(prefect_api, tmp_path):
    home = str(tmp_path / "home")
    first = batch.run_here([str(LETTER_PDF)], home=home)
    renamed = tmp_path / "same-bytes-new-name.pdf"
    shutil.copy(LETTER_PDF, renamed)
    seen = []
    second = ingest_batch([str(renamed), str(LETTER_DOCX)], home=home, progress=seen.append)
    assert [i["status"] for i in second["items"]] == ["skipped", "processed"]
    assert sorted(i["path"] for i in seen) == sorted([str(renamed), str(LETTER_DOCX)])  # one call each
    skipped = second["items"][0]
    # Same bytes, same output; only the source differs (CONTRACT.md).
    assert skipped["output"] == dict(first["items"][0]["output"], source=str(renamed))
    assert skipped["timings"] == {}
    commits = (Path(home) / "ledger" / "commits.jsonl").read_text().splitlines()
    assert len(commits) == 2


def test_a_batch_reads_its_documents_with_opencv_pool_off_and_short_gil_turns(prefect_api, tmp_path, monkeypatch):
    import cv2

    seen = []
    process_file = batch.compose.process_file

    def spying(path, ctx, *args, **kwargs):
        seen.append((cv2.getNumThreads(), sys.getswitchinterval()))
        return process_file(path, ctx, *args, **kwargs)

    monkeypatch.setattr(batch.compose, "process_file", spying)
    pool, turn = cv2.getNumThreads(), sys.getswitchinterval()
    summary = ingest_batch([str(LETTER_PDF), str(LETTER_DOCX)], home=str(tmp_path / "home"))
    assert summary["processed"] == 2 and seen == [(1, batch.GIL_TURN_S)] * 2
    assert cv2.getNumThreads() == pool > 1 and sys.getswitchinterval() == turn  # given back at the end
    assert turn > batch.GIL_TURN_S
    ingest_batch([str(LETTER_SCAN)], home=str(tmp_path / "home"))  # one document alone keeps both
    assert seen[-1] == (pool, turn)


def test_completed_documents_log_no_line_each_but_failures_do(prefect_api, tmp_path):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    task_logger = logging.getLogger("prefect.task_runs")
    task_logger.addHandler(handler)
    try:
        broken = tmp_path / "broken.pdf"
        broken.write_bytes(b"%PDF-1.4 not really")
        summary = ingest_batch([str(LETTER_DOCX), str(broken)], home=str(tmp_path / "home"))
    finally:
        task_logger.removeHandler(handler)
    assert summary["processed"] == 1 and summary["failed"] == 1
    finished = [r for r in records if str(r.msg).startswith("Finished in state")]
    assert finished == []  # the task run's state says it; hundreds of lines a night would not

    def record(level: int, msg: str, task_name: str) -> logging.LogRecord:
        made = logging.LogRecord("prefect.task_runs", level, __file__, 1, msg, None, None)
        made.task_name = task_name
        return made

    quiet = batch.QuietCompletedDocuments()
    assert quiet.filter(record(logging.ERROR, "Finished in state Failed('…')", "ingest-document"))
    assert quiet.filter(record(logging.INFO, "Finished in state Completed()", "deadline-notices"))
    assert quiet.filter(record(logging.INFO, "Task run failed with exception … Retry 1/2", "ingest-document"))
    assert not quiet.filter(record(logging.INFO, "Finished in state Completed()", "ingest-document"))


def test_retryable_failures_are_retried_then_reported_not_quarantined(prefect_api, tmp_path):
    home = tmp_path / "home"
    ctx = build_context(home, ocr_timeout_s=0.001)
    state = ingest_batch([str(LETTER_SCAN)], context=ctx, retry_delay_s=0, return_state=True)
    assert state.is_completed()
    (item,) = state.result()["items"]
    assert item["status"] == "failed" and item["output"]["error"]["code"] == "OCR-TIMEOUT"
    assert item["output"]["error"]["quarantined"] is None and not (home / "quarantine").exists()
    assert Ledger.of_home(home).get(item["sha256"]) is None  # to be tried again later
    (run,) = _task_runs(state.state_details.flow_run_id, 1)
    assert run.run_count == 1 + batch.RETRIES


def test_dry_run_neither_reads_nor_writes_the_ledger(prefect_api, tmp_path):
    home = tmp_path / "home"
    ingest_batch([str(LETTER_DOCX)], home=str(home))
    summary = ingest_batch([str(LETTER_DOCX)], home=str(home), dry_run=True)
    assert summary["items"][0]["status"] == "processed"
    assert len((home / "ledger" / "commits.jsonl").read_text().splitlines()) == 1


# ── inbox ─────────────────────────────────────────────────────────────────────────────────────────

def _write_slowly(source: Path, target: Path, seconds: float, done: threading.Event) -> None:
    data = source.read_bytes()
    chunks = max(1, int(seconds / 0.1))
    size = len(data) // chunks + 1
    with open(target, "wb") as out:
        for start in range(0, len(data), size):
            out.write(data[start : start + size])
            out.flush()
            time.sleep(0.1)
    done.set()


def test_settled_ignores_a_file_still_being_written(tmp_path):
    growing = tmp_path / "growing.pdf"
    done = threading.Event()
    writer = threading.Thread(target=_write_slowly, args=(LETTER_PDF, growing, 3.0, done))
    writer.start()
    time.sleep(0.3)
    still = tmp_path / "still.docx"
    shutil.copy(LETTER_DOCX, still)
    os.utime(still, (time.time() - 10, time.time() - 10))
    assert inbox.settled([growing, still], settle_s=0.5) == [still]
    writer.join()
    assert done.is_set()
    assert inbox.settled([growing], settle_s=0.5) == [growing]


def test_candidates_skip_partial_names_locks_and_filed_folders(tmp_path):
    for name in ("a.pdf", "b.pdf.part", ".hidden.pdf", "~$c.docx", "d.pdf", "d.pdf.lock", "e.docx",
                 ".~lock.e.docx#", "processed/old.pdf", "quarantine/bad.pdf", "unit/f.pdf", ".tmp/g.pdf"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in inbox.candidates(tmp_path)] == ["a.pdf", "unit/f.pdf"]


@pytest.mark.slow
def test_inbox_files_settled_files_and_leaves_a_half_written_one(prefect_api, tmp_path):
    box, home = tmp_path / "inbox", tmp_path / "home"
    (box / "so-y-te").mkdir(parents=True)
    shutil.copy(LETTER_DOCX, box / "letter.docx")
    _broken_pdf(box)
    done = threading.Event()
    writer = threading.Thread(target=_write_slowly, args=(LETTER_PDF, box / "so-y-te" / "letter.pdf", 6.0, done))
    writer.start()
    try:
        first = watch_inbox(str(box), home=str(home), settle_s=1.0)
        assert not done.is_set(), "the writer finished too early for this test to mean anything"
    finally:
        writer.join()
    assert {f["file"]: f["status"] for f in first["files"]} == {"letter.docx": "processed",
                                                               "cut-short.pdf": "failed"}
    assert (box / "processed" / "letter.docx").is_file() and not (box / "letter.docx").exists()
    assert (box / "quarantine" / "cut-short.pdf").is_file()
    reason = json.loads((box / "quarantine" / "cut-short.pdf.reason.json").read_text(encoding="utf-8"))
    assert reason["code"] == "FILE-CORRUPT" and reason["message"]
    assert (box / "so-y-te" / "letter.pdf").is_file()  # not picked up early, not quarantined
    second = watch_inbox(str(box), home=str(home), settle_s=1.0)
    assert [(f["file"], f["status"]) for f in second["files"]] == [("so-y-te/letter.pdf", "processed")]
    assert (box / "processed" / "so-y-te" / "letter.pdf").read_bytes() == LETTER_PDF.read_bytes()
    # The same bytes dropped again are skipped by sha256 and filed beside the first copy.
    shutil.copy(LETTER_DOCX, box / "letter.docx")
    os.utime(box / "letter.docx", (time.time() - 60, time.time() - 60))
    third = watch_inbox(str(box), home=str(home), settle_s=0.2)
    assert [(f["file"], f["status"]) for f in third["files"]] == [("letter.docx", "skipped")]
    assert len(list((box / "processed").glob("letter*.docx"))) == 2


# ── several workers sharing a batch (a process work pool on the same temporary server) ─────────────

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


class Worker:
    """`prefect worker start` on the process pool, one flow run at a time, logging to a file."""

    def __init__(self, name: str, env: dict, logs: Path):
        self.name, self.env, self.logs = name, env, logs
        self.process = None
        self.start()

    def start(self) -> None:
        log = open(self.logs / f"{self.name}-{time.time_ns()}.log", "w")
        self.process = subprocess.Popen([PREFECT, "worker", "start", "--pool", "sohoa", "--limit", "1",
                                         "--name", self.name], env=self.env, cwd=ROOT, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def tree(self) -> set[int]:
        return {self.process.pid} | _descendants(self.process.pid)

    def kill(self) -> set[int]:
        """SIGKILL the worker and everything under it (its flow run, Tesseract): a machine crash."""
        pids = self.tree()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


@pytest.fixture(scope="module")
def pool(prefect_api, tmp_path_factory):
    """The `sohoa` work pool, the ingest-batch deployment and the automations, made from prefect.yaml
    by the real CLI."""
    scratch = tmp_path_factory.mktemp("pool")
    env = dict(os.environ, PREFECT_API_URL=prefect_api, PREFECT_HOME=str(scratch / "prefect"),
               SOHOA_HOME=str(scratch / "home"), SOHOA_DATABASE_URL="", SOHOA_SEARCH_URL="",  # embedded
               PREFECT_WORKER_QUERY_SECONDS="1",
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    for command in (["work-pool", "create", "sohoa", "--type", "process"],
                    ["--no-prompt", "deploy", "--name", "ingest-batch"]):
        done = subprocess.run([PREFECT, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run([sys.executable, "-m", "flows.deployments", "automations"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # as prefect.yaml's header says
    assert done.returncode == 0, done.stdout + done.stderr
    workers = []
    yield env, scratch, workers
    for worker in workers:
        worker.stop()


def _wait_for(predicate, timeout: float, what: str, poll: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out waiting for {what}")


def _flow_run(run_id):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id)


def _run_state(run_id):
    return _flow_run(run_id).state


def _states(run_id) -> list:
    """Every state the run went through, oldest first."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return sorted(client.read_flow_run_states(run_id), key=lambda s: s.timestamp)


def _online(names: set[str]) -> bool:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        workers = client.read_workers_for_work_pool("sohoa")
    return names <= {w.name for w in workers if str(w.status).upper().endswith("ONLINE")}


def _corpus(folder: Path, seed: int, n_docs: int, n_scans: int) -> list[str]:
    from bench.corpus.build import build

    build(folder, n_docs, seed, kinds=("docx", "pdf"))
    build(folder / "scans", n_scans, seed + 1, kinds=("scan150",))
    files = [p for p in folder.rglob("*") if p.suffix in (".pdf", ".docx")]
    return sorted(str(p) for p in files)


def _commit_counts(home: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in (home / "ledger" / "commits.jsonl").read_text().splitlines():
        sha = json.loads(line)["sha256"]
        counts[sha] = counts.get(sha, 0) + 1
    return counts


def _held(ledger: Ledger, sha: str) -> bool:
    """Someone holds the claim (taking it to look, and giving it straight back if free)."""
    claim = ledger.try_claim(sha)
    if claim is None:
        return True
    claim.release()
    return False


def _assert_applied_and_indexed_once(home: Path, shas: set[str]) -> None:
    """Every committed document went through the records stage, and the shared index holds each once."""
    from flows.stores import open_search

    assert all("records" in Ledger.of_home(home).get(sha)["result"] for sha in shas)
    search = open_search(home)
    try:
        assert search.count() == len(shas)
    finally:
        search.close()


def _shas(files: list[str]) -> set[str]:
    from pipeline.intake import sha256_of

    return {sha256_of(Path(f)) for f in files}


@pytest.mark.slow
def test_two_workers_share_a_batch_each_document_once(pool):
    env, scratch, workers = pool
    workers += [Worker("w-a", env, scratch), Worker("w-b", env, scratch)]
    _wait_for(lambda: _online({"w-a", "w-b"}), 120, "both workers online", poll=0.5)
    home = Path(env["SOHOA_HOME"])
    files = _corpus(scratch / "batch1", seed=21, n_docs=2, n_scans=10)  # enough for both to start
    runs = batch.submit_batch(files, str(home), runs=2)
    states = [_wait_for(lambda r=r: (s := _run_state(r)).is_final() and s, 300, "flow run") for r in runs]
    assert all(s.is_completed() for s in states), states
    expected = _shas(files)
    assert {r["sha256"] for r in Ledger.of_home(home).records()} == expected
    counts = _commit_counts(home)
    assert set(counts) == expected and set(counts.values()) == {1}
    processes = {r["by"].split(":")[1] for r in Ledger.of_home(home).records()}
    assert len(processes) == 2, "both workers should have taken documents"
    _assert_applied_and_indexed_once(home, expected)


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_applies_nothing_twice(pool):
    env, scratch, workers = pool
    if not workers:  # run alone (-k): start the pair here
        workers += [Worker("w-a", env, scratch), Worker("w-b", env, scratch)]
    _wait_for(lambda: _online({"w-a", "w-b"}), 120, "both workers online", poll=0.5)
    home = Path(env["SOHOA_HOME"])
    files = _corpus(scratch / "batch2", seed=31, n_docs=2, n_scans=4)
    ledger = Ledger.of_home(home)
    runs = batch.submit_batch(files, str(home), runs=2)

    def a_worker_holding_a_document():
        trees = {w: {str(p) for p in w.tree()} for w in workers}
        for claim in (home / "ledger" / "claims").glob("*"):
            lines = claim.read_text().splitlines()  # the holder's line is the last
            holder = lines[-1].split(":") if lines else []
            for worker, tree in trees.items():
                if len(holder) > 1 and holder[1] in tree and claim.name not in ledger and _held(ledger, claim.name):
                    return worker, claim.name
        return None

    victim, sha = _wait_for(a_worker_holding_a_document, 240, "a worker to hold a document", poll=0.05)
    killed = {str(p) for p in victim.kill()}  # mid-document: its OCR, its flow run, the worker
    victim.start()
    _wait_for(lambda: {r["sha256"] for r in ledger.records()} >= _shas(files), 300, "every document committed")
    _wait_for(lambda: any(_run_state(r).is_completed() for r in runs), 120, "the surviving run to complete")
    # The lost document was taken over by a live worker, not by anyone under the dead one.
    assert ledger.get(sha)["by"].split(":")[1] not in killed
    # The same batch again, with the restarted worker in the pool: everything is already done.
    (again,) = batch.submit_batch(files, str(home), runs=1)
    state = _wait_for(lambda: (s := _run_state(again)).is_final() and s, 300, "the re-run")
    assert state.is_completed()
    counts = _commit_counts(home)
    assert all(counts[s] == 1 for s in _shas(files)), counts
    _assert_applied_and_indexed_once(home, {r["sha256"] for r in ledger.records()})
    # The killed run does not stay Running: its heartbeats (every 30 s) stopped, and the automation
    # of prefect.yaml marks it Crashed 90 s after the last one, then schedules it again: a live
    # worker runs it to the end (with runs=1 that is what finishes the batch; here the survivor
    # already did, so everything is skipped).
    (dead,) = [r for r in runs if not _run_state(r).is_completed()]
    assert _flow_run(dead).infrastructure_pid.rsplit(":", 1)[-1] in killed
    try:
        final = _wait_for(lambda: (s := _run_state(dead)).is_completed() and s, 300, "the killed run to run again")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {[(s.type.value, s.name, s.message) for s in _states(dead)]}") from None
    history = _states(dead)
    crashed = [s for s in history if s.is_crashed()]
    assert crashed and "nhịp tim" in crashed[-1].message
    assert any(s.name == "AwaitingRetry" for s in history) and _flow_run(dead).run_count == 2
    assert _flow_run(dead).infrastructure_pid.rsplit(":", 1)[-1] not in killed
    assert final.is_completed()
    assert all(counts[s] == 1 for s in _shas(files)), _commit_counts(home)
    assert _commit_counts(home) == counts  # the re-run committed nothing new


def test_a_file_that_killed_two_readers_is_quarantined_not_read_again(tmp_path):
    home = tmp_path / "home"
    ctx = build_context(home)
    sha = _shas([str(LETTER_DOCX)]).pop()
    ledger = Ledger.of_home(home)
    for _ in range(2):  # two workers died holding it (as when Tesseract runs out of memory)
        code = ("import os, signal, sys; from flows.ledger import Ledger; "
                f"Ledger(sys.argv[1]).try_claim('{sha}'); os.kill(os.getpid(), signal.SIGKILL)")
        subprocess.run([sys.executable, "-c", code, str(ledger.root)], cwd=ROOT, timeout=60)
    item = ingest_document.fn(str(LETTER_DOCX), ctx)
    error = item["output"]["error"]
    assert item["status"] == "failed" and error["code"] == "FILE-CRASHED-READER" and error["quarantined"]
    assert Path(error["quarantined"]).read_bytes() == LETTER_DOCX.read_bytes()
    assert sha not in ledger and "timings" in item and not item["timings"]  # refused unread
    again = ingest_document.fn(str(LETTER_DOCX), ctx)  # the same bytes again: refused again, cheaply
    assert again["output"]["error"]["code"] == "FILE-CRASHED-READER"
    # One death alone (a machine that lost power) does not condemn a file: it is read.
    other = tmp_path / "other.docx"
    shutil.copy(SAMPLES / "letter_3647.docx", other)
    fresh = build_context(tmp_path / "home2")
    code = ("import os, signal, sys; from flows.ledger import Ledger; "
            f"Ledger(sys.argv[1]).try_claim('{sha}'); os.kill(os.getpid(), signal.SIGKILL)")
    subprocess.run([sys.executable, "-c", code, str(Ledger.of_home(tmp_path / "home2").root)], cwd=ROOT, timeout=60)
    assert ingest_document.fn(str(other), fresh)["status"] == "processed"


def test_automations_are_put_on_the_server_by_name_however_often(prefect_api):
    from prefect.client.orchestration import get_client

    from flows.deployments import sync_automations

    def names() -> list[str]:
        with get_client(sync_client=True) as client:
            return sorted(a.name for a in client.read_automations())

    declared = ["crash-unresponsive-flow-runs", "rerun-crashed-flow-runs"]
    before = [n for n in names() if n in declared]
    first = sync_automations(ROOT / "prefect.yaml")
    assert set(first) == set(declared) and all(first[n] == ("updated" if n in before else "created") for n in first)
    # The Prefect command run twice on top (as an operator might) leaves duplicates; sync collapses them.
    subprocess.run([PREFECT, "automation", "create", "--from-file", "prefect.yaml"], cwd=ROOT, check=True,
                   capture_output=True, env=dict(os.environ, PREFECT_API_URL=prefect_api), timeout=120)
    assert sync_automations(ROOT / "prefect.yaml") == dict.fromkeys(declared, "updated")
    assert [n for n in names() if n in declared] == declared


def test_inbox_acts_for_the_unit_whose_folder_a_file_is_in(prefect_api, tmp_path):
    """INBOX/<unit code>/… is applied as that unit's clerk (its scope, R6); any other folder as the
    Department. Seen in the records' audit log: who received the document."""
    from records import department_admin

    home, box = tmp_path / "home", tmp_path / "inbox"
    samples = ROOT / "app" / "samples"
    for folder, name in (("dn.syt", "qd-bo-nhiem.docx"), ("ho-so-cu", "qd-nang-bac-luong-danh-sach.pdf")):
        (box / folder).mkdir(parents=True)
        shutil.copy(samples / name, box / folder / name)
        os.utime(box / folder / name, (time.time() - 60, time.time() - 60))
    with opened_context(home) as ctx:
        files = watch_inbox(str(box), context=ctx, settle_s=0.2)["files"]
        assert {f["file"]: f["status"] for f in files} == {"dn.syt/qd-bo-nhiem.docx": "processed",
                                                          "ho-so-cu/qd-nang-bac-luong-danh-sach.pdf": "processed"}
        received = {}
        for f in files:
            trail = ctx.records.audit_trail(department_admin(), sha256=f["output"]["sha256"])
            [entry] = [a for a in trail if a["action"] == "receive_document"]
            received[f["file"].split("/")[0]] = (entry["user"], entry["unit"], entry["role"])
        assert inbox.unit_of_folder(Path("DN.STC/x.pdf"), ctx) == "DN.STC"
        assert inbox.unit_of_folder(Path("x.pdf"), ctx) is None  # the inbox itself
    assert received["dn.syt"] == ("inbox", "DN.SYT", "clerk")
    assert received["ho-so-cu"][1] == "DN.SNV"  # not a unit's code: the Department
