"""Documents/min through the `ingest_batch` flow against a plain sequential loop over compose.

    python -m bench.batch_bench [--n 25] [--kinds docx,pdf,scan300,scan150] [--threads 0] [--seed 7]

The corpus is `n` documents rendered in each kind (bench.corpus; default 4 × 25 = 100 mixed files:
DOCX, text PDFs, scans at 300 and 150 dpi). In the same run, after one warm-up document:
- sequential, twice: `compose.process_file` on each file in turn, first with one OCR thread (one
  thing at a time: the plain loop), then with the CLI's default (OCR threads = cores, so the pages
  of one multi-page scan are already read in parallel — a stronger baseline);
- flow: `ingest_batch` (ThreadPoolTaskRunner, `--threads` task threads, default one per core) in
  Prefect's ephemeral mode; the temporary server's start-up is measured apart, on a warm-up run.
Every side runs the whole pipeline (records store and search index embedded in its own fresh data
folder). On a shared machine the wall times say little on their own, so each side also records
its CPU time ("cores busy" = CPU / wall) and a probe of the cores the machine gave to one busy
process per core just before and after it ("cores available"). Prints a table and writes
bench/out/batch_bench.json with the time per stage (summed `Outcome.timings`) per side and kind.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def corpus(folder: Path, n: int, seed: int, kinds: tuple[str, ...]) -> list[Path]:
    from bench.corpus.build import build

    manifest = folder / "manifest.json"
    if not manifest.exists() or json.loads(manifest.read_text())["n"] != n:
        build(folder, n, seed, kinds=kinds, jobs=os.cpu_count() or 1)
    return sorted(p for p in folder.iterdir() if p.suffix in (".pdf", ".docx", ".jpg", ".png"))


def kind_of(path: Path) -> str:
    return path.name.split(".", 1)[1]


def sequential(files: list[Path], home: Path, ocr_workers: int | None) -> tuple[float, list[dict]]:
    from flows import compose
    from flows.runtime import opened_context

    with opened_context(home, workers=ocr_workers) as ctx:  # records and index too, as the flow does
        started = time.perf_counter()
        rows = []
        for path in files:
            outcome = compose.process_file(path, ctx)
            rows.append({"file": path.name, "ok": outcome.ok, "timings": outcome.timings})
        return time.perf_counter() - started, rows


def through_flow(files: list[Path], home: Path, threads: int) -> tuple[float, list[dict]]:
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.batch import ingest_batch

    flow = ingest_batch if not threads else ingest_batch.with_options(
        task_runner=ThreadPoolTaskRunner(max_workers=threads))
    started = time.perf_counter()
    summary = flow([str(p) for p in files], home=str(home))
    elapsed = time.perf_counter() - started
    rows = [{"file": Path(i["path"]).name, "ok": i["status"] == "processed", "timings": i["timings"]}
            for i in summary["items"]]
    return elapsed, rows


def stage_totals(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Seconds per stage, summed over documents, overall and per kind."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        for stage, seconds in row["timings"].items():
            totals["all"][stage] += seconds
            totals[kind_of(Path(row["file"]))][stage] += seconds
    return {k: {s: round(v, 2) for s, v in stages.items()} for k, stages in totals.items()}


def cpu_seconds() -> float:
    """CPU used so far by this process and its finished children (the Tesseract runs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _spin(seconds: float) -> float:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return time.process_time()


def available_cores(seconds: float = 3.0) -> float:
    """How many cores this machine gives us right now: one busy process per core, CPU got / wall.
    On a shared machine this is the ceiling any side could reach in the same minute."""
    from concurrent.futures import ProcessPoolExecutor

    n = os.cpu_count() or 1
    with ProcessPoolExecutor(n) as pool:
        pool.submit(_spin, 0.01).result()  # workers started before the clock runs
        return round(sum(pool.map(_spin, [seconds] * n)) / seconds, 2)


def side(name: str, measure) -> dict:
    """Run one side; record wall time, and CPU time to tell how many cores it actually kept busy
    (on a shared machine other work takes its share: cores_busy shows what this side got)."""
    before = available_cores()
    cpu = cpu_seconds()
    elapsed, rows = measure()
    cpu = cpu_seconds() - cpu
    after = available_cores()
    return {"side": name, "seconds": round(elapsed, 2), "documents": len(rows),
            "failed": sum(1 for r in rows if not r["ok"]),
            "docs_per_min": round(60 * len(rows) / elapsed, 1), "cpu_s": round(cpu, 1),
            "cores_busy": round(cpu / elapsed, 2), "cores_available": [before, after],
            "stages": stage_totals(rows)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.batch_bench", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=25, help="documents per kind")
    ap.add_argument("--kinds", default="docx,pdf,scan300,scan150")
    ap.add_argument("--threads", type=int, default=0, help="task threads (0: one per core)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=None, help="where to render the corpus (kept)")
    args = ap.parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A loaded machine can exceed the ephemeral server's default 20 s start-up (design/FACTS.md).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    kinds = tuple(args.kinds.split(","))
    work = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    folder = args.corpus or work / "corpus"
    files = corpus(folder, args.n, args.seed, kinds)
    try:
        result = run(files, work, args.threads)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.update(kinds=list(kinds), n_per_kind=args.n, cores=os.cpu_count(), date=dt.date.today().isoformat(),
                  load_average=[round(x, 2) for x in os.getloadavg()])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "batch_bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print_table(result)
    return 0


def run(files: list[Path], work: Path, threads: int) -> dict:
    from flows.batch import ingest_batch

    started = time.perf_counter()
    ingest_batch([str(files[0])], home=str(work / "warm-up"))  # ephemeral server, spaCy, imports
    warm_up = time.perf_counter() - started
    plain = side("sequential loop, 1 OCR thread", lambda: sequential(files, work / "seq1", 1))
    default = side(f"sequential loop, {os.cpu_count()} OCR threads", lambda: sequential(files, work / "seq", None))
    flow = side(f"ingest_batch ({threads or os.cpu_count()} task threads)",
                lambda: through_flow(files, work / "flow", threads))
    return {"warm_up_s": round(warm_up, 2), "sides": [plain, default, flow],
            "speedup": {"vs_plain_loop": round(plain["seconds"] / flow["seconds"], 2),
                        "vs_default_loop": round(default["seconds"] / flow["seconds"], 2)}}


def print_table(result: dict) -> None:
    print(f"{len(result['sides'][0]['stages'].get('all', {}))} stages · warm-up (ephemeral server, "
          f"imports) {result['warm_up_s']} s · load average {result['load_average']}")
    for s in result["sides"]:
        print(f"{s['side']:<34} {s['documents']:>4} docs {s['seconds']:>8.1f} s {s['docs_per_min']:>7.1f} docs/min"
              f"  cpu {s['cpu_s']:.0f} s ({s['cores_busy']} cores busy of {s['cores_available']} available"
              f" before/after)  failed {s['failed']}")
        for kind, stages in sorted(s["stages"].items()):
            print(f"    {kind:<12} " + "  ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    speedup = result["speedup"]
    print(f"speed-up on {result['cores']} cores: {speedup['vs_plain_loop']}× the plain loop, "
          f"{speedup['vs_default_loop']}× the loop with per-page OCR threads")


if __name__ == "__main__":
    raise SystemExit(main())
