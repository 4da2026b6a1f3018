"""`ingest_batch`: a stack of documents through `compose.process_file`, one Prefect task run each.

    paths ─expand─▶ files ─┬─ ingest_document (task) ─▶ skipped | processed | failed   (threads)
                           └─ … one per file; documents another worker holds are waited for last

- **Parallelism**: `ThreadPoolTaskRunner`, one thread per core; the files OCR reads biggest first,
  the text documents spread between them (`work_order`). The heavy
  work is Tesseract (in-process through libtesseract, whose calls let go of the GIL), OpenCV,
  Pillow and numpy: sampled under two task threads, the GIL was held ~6% of the time, so threads
  keep the cores busy without a process pool's costs (docs/scaling.md) — in ephemeral mode
  Prefect's process runner starts one server per worker (design/FACTS.md), each process would load
  its own Tesseract models and spaCy, and only threads share the OCR module's process-wide bound of
  one Tesseract run per core. While a batch of several documents runs (`documents_side_by_side`)
  OpenCV's own thread pool is off — the documents already fill the cores — and the interpreter
  hands the GIL on after 1 ms instead of 5, so a thread coming back from Tesseract or OpenCV does
  not leave its core idle while the other runs Python. bench/batch_bench.py measures it.
- **Log**: Prefect's line for each document that completes ("Finished in state Completed()") is
  left out (`QuietCompletedDocuments`); failures, retries and the batch's summary are logged, and
  every task run and its states are still recorded.
- **Exactly once**: the ledger (`flows/ledger.py`) is the source of truth. A document whose sha256
  is committed is skipped; otherwise it is claimed (flock), processed and committed atomically.
  Several flow runs may share one batch (`submit_batch`): each takes the documents nobody holds,
  then waits for the others' — so a document whose worker died is picked up by a survivor. The
  dead worker's run stops beating and is set to Crashed by prefect.yaml's automation.
- **A file that kills its reader**: the ledger counts the workers that died holding a document;
  after two it is quarantined (FILE-CRASHED-READER) instead of being handed to the next worker.
- **Failures**: `process_file` never raises. A failed outcome whose error is retryable (OCR timeout,
  storage) makes the task raise `RetryableFailure`, and the task's declared retries apply; any other
  failure is returned as a failed item — the file is already quarantined by compose. A bad file is
  one failed item, never a failed batch.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal, TypedDict

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import compose, prefect_settings, runtime
from flows.compose import Context
from flows.ledger import Ledger, worker_identity
from pipeline import imaging, intake
from pipeline.contract import outcome_to_dict
from pipeline.errors import ProcessingError, ReaderCrashed, SohoaError, all_error_classes
from pipeline.model import Outcome
from pipeline.shared_setting import SharedSetting

log = logging.getLogger(__name__)

Status = Literal["processed", "skipped", "failed", "busy"]
RETRIES = 2
RETRY_DELAYS_S = [10, 60]  # an OCR timeout under load, a storage hiccup: give the machine a breath
CLAIM_WAIT_S = 6 * 3600.0  # how long to wait for a document another live worker is processing
# Workers that may die holding one document before it is quarantined (FILE-CRASHED-READER): one
# death may be the machine's (power, a kill); a second on the same bytes is most likely the file's.
CRASHES_BEFORE_QUARANTINE = 2
_RETRYABLE = {cls.code: cls.retryable for cls in all_error_classes()}
# The GIL's turn while several documents run in this process's threads. Python's 5 ms default lets
# a thread running Python keep the GIL that long while another, back from a C call that let it go
# (Tesseract, OpenCV, numpy), waits on an idle core. Measured on the bench's 100 documents, three
# flow runs each way, taking turns: idle cores 2.03 → 1.63 core-seconds per run, 43.7 → 43.5 s.
GIL_TURN_S = 0.001
_SHORT_GIL_TURNS = SharedSetting(sys.getswitchinterval, sys.setswitchinterval, GIL_TURN_S)


class DocumentItem(TypedDict):
    """What one input became in a batch: plain data, JSON-ready."""

    path: str
    sha256: str | None
    status: Status
    output: dict[str, Any]  # the contract object (pipeline.contract), or {} while busy
    timings: dict[str, float]  # seconds per stage (compose's clock); empty when skipped


class RetryableFailure(Exception):
    """Raised by the task for a retryable failed outcome, so that the task's retries apply."""

    def __init__(self, item: DocumentItem):
        super().__init__(f"{item['path']}: {item['output'].get('error', {}).get('code')}")
        self.item = item


def is_retryable(error_code: str | None) -> bool:
    return bool(error_code and _RETRYABLE.get(error_code, False))


def process_one(path: Path, ctx: Context, *, wait_s: float = 0.0,
                display_name: str | None = None) -> DocumentItem:
    """Skip, or claim → process → commit one document. Never raises: the task turns retryable
    failed items into raises."""
    name = display_name if display_name is not None else str(path)
    if ctx.dry_run:  # a preview: the ledger is neither read nor written
        return _item(name, compose.process_file(path, ctx, name))
    ledger = Ledger.of_home(ctx.config.paths.home)
    try:
        sha = intake.sha256_of(path)
    except SohoaError:  # unreadable: compose turns it into the right failed outcome
        return _item(name, compose.process_file(path, ctx, name))
    try:
        return _claimed(path, name, sha, ctx, ledger, wait_s)
    except SohoaError as exc:  # the ledger itself failed (disk full, permissions): retryable
        return _error_item(name, sha, exc)


def _claimed(path: Path, name: str, sha: str, ctx: Context, ledger: Ledger, wait_s: float) -> DocumentItem:
    if (record := ledger.get(sha)) is not None:
        return _skipped(name, record)
    claim = ledger.try_claim(sha, wait_s)
    if claim is None:
        return DocumentItem(path=name, sha256=sha, status="busy", output={}, timings={})
    with claim:
        if (record := ledger.get(sha)) is not None:  # committed while we waited for the claim
            return _skipped(name, record)
        if claim.crashes >= CRASHES_BEFORE_QUARANTINE:
            claim.keep_attempts()
            return _item(name, compose.refuse(path, ctx, ReaderCrashed(), name))
        outcome = compose.process_file(path, ctx, name)
        item = _item(name, outcome)
        if outcome.ok and outcome.sha256:
            if not ledger.commit(outcome.sha256, item["output"], by=worker_identity()):
                return _skipped(name, ledger.get(outcome.sha256) or {"result": item["output"]})
        return item


def _item(name: str, outcome: Outcome) -> DocumentItem:
    return DocumentItem(path=name, sha256=outcome.sha256, status="processed" if outcome.ok else "failed",
                        output=outcome_to_dict(outcome), timings=dict(outcome.timings))


def _skipped(name: str, record: dict[str, Any]) -> DocumentItem:
    # Same bytes, same output (CONTRACT.md); only "source" says how it was given this time.
    output = dict(record["result"], source=name)
    return DocumentItem(path=name, sha256=output.get("sha256"), status="skipped", output=output, timings={})


def _error_item(name: str, sha: str | None, exc: SohoaError) -> DocumentItem:
    output = {"source": name, "sha256": sha,
              "error": {"code": exc.code, "message": exc.message, "quarantined": None}}
    return DocumentItem(path=name, sha256=sha, status="failed", output=output, timings={})


def _only_retryable(task, task_run, state) -> bool:
    """Retry a task run only when it raised RetryableFailure (not for bugs, not for bad files)."""
    return isinstance(state.data, RetryableFailure)


@task(
    name="ingest-document",
    task_run_name="ingest {path}",
    retries=RETRIES,
    retry_delay_seconds=RETRY_DELAYS_S,
    retry_condition_fn=_only_retryable,
    cache_policy=NO_CACHE,  # the ledger decides what is done; Prefect's cache must not
)
def ingest_document(path: str, ctx: Context, wait_s: float = 0.0) -> DocumentItem:
    """One document; raises RetryableFailure (retried) for a retryable failed outcome."""
    item = process_one(Path(path), ctx, wait_s=wait_s)
    if item["status"] == "failed" and is_retryable(item["output"]["error"]["code"]):
        raise RetryableFailure(item)
    return item


class QuietCompletedDocuments(logging.Filter):
    """Leaves out Prefect's INFO line "Finished in state Completed()" of each ingest-document run.

    A night's batch is hundreds of documents: the lines say nothing the task runs' states do not,
    and each cost Prefect's console and log shipping ~1.4 ms of the client's CPU and the server
    ~0.9 ms to store it (measured on 100 no-op task runs), taken from the cores the documents need.
    A failed run's line (ERROR), retries, other tasks' lines and the flow's own stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO
                    and getattr(record, "task_name", None) == ingest_document.name
                    and str(record.msg).startswith("Finished in state Completed"))


_QUIET = QuietCompletedDocuments()
if not any(isinstance(f, QuietCompletedDocuments) for f in logging.getLogger("prefect.task_runs").filters):
    logging.getLogger("prefect.task_runs").addFilter(_QUIET)


def settle(future: PrefectFuture, path: str) -> DocumentItem:
    """The item of a finished task run; a failed run (retries spent, or a bug) becomes a failed item."""
    result = future.result(raise_on_failure=False)
    if isinstance(result, RetryableFailure):
        return result.item
    if isinstance(result, BaseException):
        runtime.run_logger(log).error("ingest-document failed unexpectedly on %s: %r", path, result)
        exc = ProcessingError(f"Lỗi không xác định khi xử lý tệp ({type(result).__name__}).")
        return _error_item(path, None, exc)
    return result


def run_documents(files: Sequence[str], ctx: Context, retry_delay_s: float | None = None,
                  progress: Callable[[DocumentItem], None] | None = None,
                  context_of: Callable[[str], Context] | None = None) -> list[DocumentItem]:
    """Submit every file as a task run; documents other workers hold are waited for at the end.

    `progress` is called with each finished item (busy ones only once they are settled);
    `context_of(path)`, when given, is the context of each file (the inbox acts for the unit whose
    folder a file was dropped in), else `ctx` for all.
    """
    doc_task = ingest_document if retry_delay_s is None else \
        ingest_document.with_options(retry_delay_seconds=retry_delay_s)
    of = context_of or (lambda _path: ctx)
    items: list[DocumentItem | None] = [None] * len(files)
    with documents_side_by_side() if len(files) > 1 else nullcontext():
        first = {doc_task.submit(path, quote(of(path))): i for i, path in enumerate(files)}
        busy = _gather(files, first, items, progress)
        if busy:
            # Another worker holds these. Wait for each: it is committed (skip) or its holder died
            # and the lock fell (process it here).
            futures = {doc_task.submit(files[i], quote(of(files[i])), CLAIM_WAIT_S): i for i in busy}
            _gather(files, futures, items, progress)
    return items  # type: ignore[return-value]


@contextmanager
def documents_side_by_side() -> Iterator[None]:
    """The process set for several documents at once, one per task thread: OpenCV's own pool off
    (the documents already fill the cores), the GIL handed on every `GIL_TURN_S`. Both are the
    process's settings: restored when the last overlapping caller leaves."""
    with imaging.documents_in_parallel(), _SHORT_GIL_TURNS.held():
        yield


def _gather(files: Sequence[str], futures: dict[PrefectFuture, int], items: list,
            progress: Callable[[DocumentItem], None] | None) -> list[int]:
    """Settle futures as they finish into `items`; returns the indexes of busy documents."""
    busy = []
    for future in as_completed(list(futures)):
        i = futures[future]
        items[i] = item = settle(future, files[i])
        if item["status"] == "busy":
            busy.append(i)
        elif progress is not None:
            progress(item)
    return sorted(busy)


def summarize(items: Sequence[DocumentItem], seconds: float) -> dict[str, Any]:
    counts = {status: sum(1 for i in items if i["status"] == status)
              for status in ("processed", "skipped", "failed", "busy")}
    return {"total": len(items), **counts, "seconds": round(seconds, 3), "items": list(items)}


def _threads() -> int:
    return os.cpu_count() or 1


@flow(name="ingest-batch", task_runner=ThreadPoolTaskRunner(max_workers=_threads()),
      validate_parameters=False)
def ingest_batch(
    paths: list[str],
    home: str | None = None,
    workers: int | None = None,
    dry_run: bool = False,
    database_url: str | None = None,
    search_url: str | None = None,
    start_at: int = 0,
    retry_delay_s: float | None = None,
    context: Context | None = None,
    progress: Callable[[DocumentItem], None] | None = None,
) -> dict[str, Any]:
    """Ingest files and folders into the data folder `home`; returns counts and one item per file.

    Records and search are embedded in `home` unless `database_url`/`search_url` are given.
    `context` and `progress` are for Python callers (the CLI): a Context replaces home/workers/
    dry_run/URLs, `progress(item)` is called as each document finishes. `start_at` rotates the
    order so that runs sharing a batch start on different documents; `retry_delay_s` overrides the
    task's retry delays (tests).
    """
    started = time.perf_counter()
    files = [str(p) for p in runtime.expand_paths(paths)]
    order = _rotated(work_order(files), start_at)
    with flow_context(context, home, workers, dry_run, database_url, search_url) as ctx:
        if not ctx.dry_run:
            Ledger.of_home(ctx.config.paths.home).prune_claims()
        items = run_documents([files[i] for i in order], ctx, retry_delay_s, progress)
    by_input: list[Any] = [None] * len(files)
    for i, item in zip(order, items):
        by_input[i] = item
    summary = summarize(by_input, time.perf_counter() - started)
    runtime.run_logger(log).info("ingest-batch: %(total)d tệp, %(processed)d đã xử lý, %(skipped)d bỏ qua, "
                                 "%(failed)d lỗi", summary)
    return summary


def run_here(paths: list[str], home: str | None = None, **parameters: Any) -> dict[str, Any]:
    """`ingest_batch` in this process: with no Prefect server configured (a temporary one, ephemeral
    mode) its run sends no heartbeats (`prefect_settings.local_runs`), which nothing there watches
    and which cost up to a second at the end of every run; with a server, the plain flow call."""
    with prefect_settings.local_runs():
        return ingest_batch(paths, home=home, **parameters)


def flow_context(context: Context | None, home: str | None, workers: int | None, dry_run: bool,
                 database_url: str | None, search_url: str | None) -> AbstractContextManager[Context]:
    """The caller's Context as is, or one opened from the flow's parameters (closed afterwards)."""
    if context is not None:
        return nullcontext(context)
    if not home:
        raise ValueError("Cần thư mục dữ liệu: tham số 'home' (SOHOA_HOME) hoặc 'context'.")
    return runtime.opened_context(home, workers=workers, dry_run=dry_run,
                                  database_url=database_url, search_url=search_url)


def submit_batch(paths: Sequence[str], home: str | None = None, *, runs: int = 2,
                 deployment: str = "ingest-batch/ingest-batch", **parameters: Any) -> list[Any]:
    """Share one batch between `runs` flow runs of a deployment (one per worker); returns their ids.

    Every run gets the whole list, each starting at a different place; the ledger's claims make
    each document processed by exactly one of them. The paths must be visible to every worker;
    `home` and other parameters default to the deployment's (prefect.yaml).
    """
    from prefect.deployments import run_deployment

    files = [str(Path(p).resolve()) for p in runtime.expand_paths(paths)]
    step = max(1, len(files) // max(1, runs))
    extra = dict(parameters, **({"home": home} if home else {}))
    ids = []
    for i in range(runs):
        params = {"paths": files, "start_at": i * step, **extra}
        ids.append(run_deployment(deployment, parameters=params, timeout=0).id)
    return ids


def work_order(files: Sequence[str]) -> list[int]:
    """Indexes of `files` in the order to process them: the files OCR will read, biggest first,
    with the ones read from a text layer (DOCX, text PDFs) spread evenly between them.

    Biggest first: a 300-dpi scan started last would run alone at the end of a batch while the
    other cores idle. Spread: a text document is mostly Python (the GIL) and the records and index
    writes (a lock each), so two of them side by side run little faster than one after the other
    — measured on the bench, 50 of them at the end of a batch kept 1.3–1.4 of 2 cores busy for
    3 s — while beside an OCR run, which lets go of the GIL, each takes a core nobody else needs.
    A file that cannot be read counts as a text one (it fails in no time wherever it stands)."""
    from pipeline.loaders import needs_ocr

    def size(i: int) -> int:
        try:
            return os.stat(files[i]).st_size
        except OSError:
            return 0

    by_size = sorted(range(len(files)), key=lambda i: -size(i))
    ocr = {i for i in by_size if needs_ocr(Path(files[i]))}
    heavy = [i for i in by_size if i in ocr]
    light = [i for i in by_size if i not in ocr]
    if not heavy:
        return light
    order: list[int] = []
    for k, i in enumerate(heavy):  # after the k-th OCR file, its share of the text files
        order.append(i)
        order += light[k * len(light) // len(heavy):(k + 1) * len(light) // len(heavy)]
    return order


def _rotated(values: list[int], start_at: int) -> list[int]:
    if not values:
        return values
    k = start_at % len(values)
    return values[k:] + values[:k]
