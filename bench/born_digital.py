"""Documents per second for born-digital inputs (text PDF, DOCX) on one core, and peak memory.

    python -m bench.born_digital [--n 60] [--seed 3]

Runs the reading half of the per-document pipeline (`flows.compose.process_file` with no checks
or extractors: identify, keep the original, load, parse) sequentially in one thread, so the figure
is one core's throughput; one document of each kind is read first, untimed, so that one-time
start-up (lazy imports, pdfminer's predefined CMaps) is not spread over the batch.
Baseline beside it in the same run: pdfplumber's own `extract_text()` and python-docx's paragraph
walk on the same files — the libraries alone, with no reading-order repair and no parsing.
Reported per kind: documents/s by the wall clock and by the process's CPU time (other work on the
machine slows the first, hardly the second), and milliseconds per document in each stage (`keep`
writes the original to the store and fsyncs it: disk latency, not CPU).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import docx
import pdfplumber

from bench.corpus.build import build
from flows.compose import Context, process_file
from pipeline.config import PipelineConfig, Paths


def _baseline(path: Path) -> int:
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            return sum(len(page.extract_text() or "") for page in pdf.pages)
    return sum(len(p.text) for p in docx.Document(str(path)).paragraphs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)
    result: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        manifest = build(tmp / "corpus", args.n, args.seed, kinds=("pdf", "docx"))
        ctx = Context(config=PipelineConfig(paths=Paths(tmp / "home")))
        for preset in ("pdf", "docx"):
            files = [tmp / "corpus" / e["file"] for e in manifest["files"] if e["preset"] == preset]
            process_file(files[0], Context(config=PipelineConfig(paths=Paths(tmp / "warm-up"))))
            stages: dict[str, float] = defaultdict(float)
            start, cpu = time.perf_counter(), time.process_time()
            failed = 0
            for f in files:
                outcome = process_file(f, ctx)
                failed += not outcome.ok
                for stage, seconds in outcome.timings.items():
                    stages[stage] += seconds
            sohoa_s, sohoa_cpu = time.perf_counter() - start, time.process_time() - cpu
            start = time.perf_counter()
            for f in files:
                _baseline(f)
            base_s = time.perf_counter() - start
            pages = sum(e["pages"] or 1 for e in manifest["files"] if e["preset"] == preset)
            result[preset] = {
                "documents": len(files), "pages": pages, "failed": failed,
                "sohoa_docs_per_s": len(files) / sohoa_s, "sohoa_docs_per_cpu_s": len(files) / sohoa_cpu,
                "library_only_docs_per_s": len(files) / base_s,
                "ms_per_doc": {stage: round(1000 * v / len(files), 1) for stage, v in stages.items()},
            }
    result["peak_rss_mb"] = {"process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
