"""Documents/min through the `ingest_batch` flow against a plain sequential loop over compose.

    python -m bench.batch_bench [--n 25] [--kinds docx,pdf,scan300,scan150] [--threads 0[,3…]] [--seed 7]
                                [--rounds 1] [--repeats 1]

The corpus is `n` documents rendered in each kind (bench.corpus; default 4 × 25 = 100 mixed files:
DOCX, text PDFs, scans at 300 and 150 dpi). In the same run, after one warm-up document:
- sequential, twice: `compose.process_file` on each file in turn, first with one OCR thread (one
  thing at a time: the plain loop), then with the CLI's default (OCR threads = cores, so the pages
  of one multi-page scan are already read in parallel — a stronger baseline);
- flow: `ingest_batch` (ThreadPoolTaskRunner, `--threads` task threads, default one per core; a
  list measures one flow side per value) in Prefect's ephemeral mode as `flows.batch.run_here`
  runs it (no heartbeats; the temporary server with `flows/prefect_settings.py`'s settings); the
  temporary server's start-up is measured apart, on a warm-up run.
Every side runs the whole pipeline (records store and search index embedded in a data folder of
its own, made before its clock starts, as a nightly batch finds the Department's). By default
each side takes the whole batch once (for the flow: one flow run of every document, as a day's
stack arrives); `--repeats` runs it again, the sides taking turns in a
rotating order so that other work coming and going on a shared machine weighs on them alike, and
`--rounds` cuts the corpus into that many slices (each a mix of every kind, one flow run each).
Each side records its CPU time ("cores busy" = CPU / wall) and the load average as it starts; a
probe of the cores the machine gives one busy process per core runs between rounds ("cores
available"). The CPU is split into this process's own (Python and the C libraries it calls,
Tesseract included when it runs in-process through libtesseract), Tesseract children's (only
where pipeline.ocr falls back to the program) and the ephemeral Prefect server's: the flow side's
extra over the plain loop is the cost of Prefect per document. Prints a table and writes bench/out/batch_bench.json with the time per
stage (summed `Outcome.timings`) per side and kind.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
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

    started = time.perf_counter()  # opening the stores counts, as it does inside the flow
    with opened_context(home, workers=ocr_workers) as ctx:  # records and index too, as the flow does
        rows = []
        for path in files:
            outcome = compose.process_file(path, ctx)
            rows.append({"file": path.name, "ok": outcome.ok, "timings": outcome.timings})
        return time.perf_counter() - started, rows


def through_flow(files: list[Path], home: Path, threads: int) -> tuple[float, list[dict]]:
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows import prefect_settings
    from flows.batch import ingest_batch

    flow = ingest_batch if not threads else ingest_batch.with_options(
        task_runner=ThreadPoolTaskRunner(max_workers=threads))
    started = time.perf_counter()
    with prefect_settings.local_runs():  # as flows.batch.run_here runs it
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


def cpu_seconds() -> tuple[float, float]:
    """CPU used so far by this process (Python, and the C libraries it calls: the GIL's share lies
    in it, and Tesseract's when it runs in-process) and by its finished children (Tesseract runs
    of the program, where libtesseract could not be loaded)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def live_children_cpu() -> float:
    """CPU so far of this process's children still running: the ephemeral Prefect server (its work
    for every task run competes for the same cores but shows in no rusage until it exits)."""
    total, me, tick = 0.0, os.getpid(), os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _spin(seconds: float) -> float:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return time.process_time()


def ready_home(home: Path) -> Path:
    """A data folder as a Department's nightly batch finds it: the records database and the search
    index already made (made once, when the folder is set up: 0.3 s of migrations on 2 cores,
    not a batch's work). Each side still opens and closes its stores inside its time."""
    from flows.runtime import opened_context

    with opened_context(home):
        pass
    return home


def available_cores(seconds: float = 2.0) -> float:
    """How many cores this machine gives us right now: one busy process per core, CPU got / wall.
    On a shared machine this is the ceiling any side could reach in the same minute."""
    from concurrent.futures import ProcessPoolExecutor

    n = os.cpu_count() or 1
    with ProcessPoolExecutor(n) as pool:
        pool.submit(_spin, 0.01).result()  # workers started before the clock runs
        return round(sum(pool.map(_spin, [seconds] * n)) / seconds, 2)


class Side:
    """One way of running the batch, measured over the rounds: wall time, and CPU time split into
    this process's own, Tesseract children's and the Prefect server's (on a shared machine
    other work takes its share: cores_busy shows what this side got). Each run gets a data folder
    of its own made beforehand (`ready_home`)."""

    def __init__(self, name: str, measure, home):
        self.name, self.measure, self.home = name, measure, home
        self.seconds = self.own = self.children = self.server = 0.0
        self.rows: list[dict] = []
        self.loads: list[float] = []
        self.rounds: list[float] = []  # seconds per round

    def run(self, files: list[Path]) -> None:
        home = ready_home(self.home())
        self.loads.append(os.getloadavg()[0])
        own, children = cpu_seconds()
        server = live_children_cpu()
        elapsed, rows = self.measure(files, home)
        self.server += max(0.0, live_children_cpu() - server)
        own_after, children_after = cpu_seconds()
        self.own += own_after - own
        self.children += children_after - children
        self.seconds += elapsed
        self.rounds.append(elapsed)
        self.rows += rows

    def result(self) -> dict:
        cpu = self.own + self.children + self.server
        return {"side": self.name, "seconds": round(self.seconds, 2), "documents": len(self.rows),
                "failed": sum(1 for r in self.rows if not r["ok"]),
                "docs_per_min": round(60 * len(self.rows) / self.seconds, 1), "cpu_s": round(cpu, 1),
                "python_cpu_s": round(self.own, 1), "tesseract_cpu_s": round(self.children, 1),
                "prefect_server_cpu_s": round(self.server, 1), "cores_busy": round(cpu / self.seconds, 2),
                "seconds_per_round": [round(x, 2) for x in self.rounds],
                "load_average_at_start": [round(x, 2) for x in self.loads], "stages": stage_totals(self.rows)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.batch_bench", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=25, help="documents per kind")
    ap.add_argument("--kinds", default="docx,pdf,scan300,scan150")
    ap.add_argument("--threads", default="0", help="task threads, comma-separated (0: one per core)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=None, help="where to render the corpus (kept)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="slices of the corpus the sides take turns on (1: the whole batch, one flow run)")
    ap.add_argument("--repeats", type=int, default=1, help="times each side runs every slice, in turns")
    args = ap.parse_args(argv)
    # A loaded machine can exceed the ephemeral server's default 20 s start-up (design/FACTS.md).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    kinds = tuple(args.kinds.split(","))
    work = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    folder = args.corpus or work / "corpus"
    files = corpus(folder, args.n, args.seed, kinds)
    try:
        result = run(files, work, [int(t) for t in args.threads.split(",")], args.rounds, args.repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.update(kinds=list(kinds), n_per_kind=args.n, cores=os.cpu_count(), date=dt.date.today().isoformat(),
                  load_average=[round(x, 2) for x in os.getloadavg()])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "batch_bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print_table(result)
    return 0


def run(files: list[Path], work: Path, threads: list[int], rounds: int, repeats: int = 1) -> dict:
    """The sides take turns on `rounds` slices of the corpus (each a mix of every kind), `repeats`
    times over, in a rotating order, so that a machine whose load comes and goes weighs on all of
    them alike. Each side works in its own data folder per repeat (nothing is skipped as seen)."""
    from flows.batch import run_here

    started = time.perf_counter()
    run_here([str(files[0])], home=str(work / "warm-up"))  # the temporary server as run_here starts it, spaCy, imports
    warm_up = time.perf_counter() - started
    cores = os.cpu_count() or 1
    runs = itertools.count(1)

    def fresh(name: str) -> Path:  # a new data folder for every run of a side
        return work / f"{name}-{next(runs)}"

    sides = [Side("sequential loop, 1 OCR thread", lambda f, h: sequential(f, h, 1), lambda: fresh("seq1")),
             Side(f"sequential loop, {cores} OCR threads", lambda f, h: sequential(f, h, None), lambda: fresh("seq"))]
    sides += [Side(f"ingest_batch ({t or cores} task threads)", lambda f, h, t=t: through_flow(f, h, t),
                   lambda t=t: fresh(f"flow{t}")) for t in threads]
    available = [available_cores()]
    turn = 0
    for _ in range(repeats):
        for part in slices(files, rounds):
            k = turn % len(sides)
            turn += 1
            for s in sides[k:] + sides[:k]:
                s.run(part)
            available.append(available_cores())
    plain, default, *flows = (s.result() for s in sides)
    return {"warm_up_s": round(warm_up, 2), "rounds": rounds, "repeats": repeats, "sides": [plain, default, *flows],
            "cores_available": available,
            "speedup": {f["side"]: {"vs_plain_loop": round(plain["seconds"] / f["seconds"], 2),
                                    "vs_default_loop": round(default["seconds"] / f["seconds"], 2),
                                    "vs_plain_loop_per_round": _per_round(plain, f),
                                    "prefect_cpu_ms_per_document": _overhead_ms(f, plain)}
                        for f in flows}}


def slices(files: list[Path], rounds: int) -> list[list[Path]]:
    """Whole documents (every kind of one document number) dealt round-robin: each slice a mix."""
    numbers = sorted({p.name.split(".", 1)[0] for p in files})
    slot = {number: i % rounds for i, number in enumerate(numbers)}
    return [[p for p in files if slot[p.name.split(".", 1)[0]] == r] for r in range(rounds)]


def _per_round(plain: dict, flow: dict) -> list[float]:
    """The ratio on each slice: the two ran minutes apart, so under a load that comes and goes
    the spread of these says how far to trust the total."""
    return [round(a / b, 2) for a, b in zip(plain["seconds_per_round"], flow["seconds_per_round"])]


def _overhead_ms(flow: dict, plain: dict) -> float:
    """Prefect's own cost: the flow side's CPU beyond the plain loop's (client and server), per document."""
    extra = flow["python_cpu_s"] + flow["prefect_server_cpu_s"] - plain["python_cpu_s"]
    return round(1000 * extra / max(1, flow["documents"]), 1)


def print_table(result: dict) -> None:
    print(f"{len(result['sides'][0]['stages'].get('all', {}))} stages · warm-up (ephemeral server, "
          f"imports) {result['warm_up_s']} s · {result['rounds']} rounds × {result['repeats']} · cores available "
          f"{result['cores_available']} · load average at the end {result['load_average']}")
    for s in result["sides"]:
        print(f"{s['side']:<34} {s['documents']:>4} docs {s['seconds']:>8.1f} s {s['docs_per_min']:>7.1f} docs/min"
              f"  cpu {s['cpu_s']:.0f} s (python {s['python_cpu_s']:.0f}, tesseract {s['tesseract_cpu_s']:.0f},"
              f" prefect server {s['prefect_server_cpu_s']:.0f}; {s['cores_busy']} cores busy; load average"
              f" {s['load_average_at_start']} at each start)  failed {s['failed']}")
        for kind, stages in sorted(s["stages"].items()):
            print(f"    {kind:<12} " + "  ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    for name, speedup in result["speedup"].items():
        print(f"{name}: {speedup['vs_plain_loop']}× the plain loop (per round "
              f"{speedup['vs_plain_loop_per_round']}), {speedup['vs_default_loop']}× the loop "
              f"with per-page OCR threads; Prefect {speedup['prefect_cpu_ms_per_document']} ms CPU per document")

if __name__ == "__main__":
    raise SystemExit(main())
