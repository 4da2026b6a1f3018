"""OCR throughput and accuracy of `sohoa ingest` against the raw `tesseract -l vie` command.

    python -m bench.ocr_throughput [--pages 24] [--workers 2] [--presets scan300,scan200] [--seed 7]
                                   [--repeat 1] [--corpus DIR]

Both sides read the same scanned pages in the same run with the same parallelism:
- baseline: the page images exactly as embedded in the scanned PDFs (extracted with poppler's
  `pdfimages`), each given to `tesseract page.png stdout -l vie` (OMP_THREAD_LIMIT=1, `workers`
  commands at a time) — no clean-up;
- sohoa: `sohoa ingest --json --dry-run` over the scanned PDFs themselves with SOHOA_WORKERS=workers,
  timed end to end (process start, PDF parsing, clean-up, OCR, structure, checks, events).
Character error rate is measured against the text layer of the born-digital PDF rendered from the
same specification (read by sohoa's own text-PDF loader, so reading order is the same for both
sides), on whitespace-collapsed text, with and without diacritics.

Memory, per process: every run of the `tesseract` program on both sides goes through GNU time
(`/usr/bin/time -f %M`, when installed), which records that process's own peak RSS; the `sohoa`
process's own peak (VmHWM: its threads, images, libraries and — where libtesseract loads — its
in-process Tesseract engines) is sampled from /proc while it runs. The workers are threads of
that one process, each running one Tesseract at a time, so one worker's share is the process's
peak over the workers, plus the largest `tesseract` program it ran, if any.

CPU seconds of each side (its processes' user + system time) are reported beside the wall-clock
figures. With `--repeat N` the two sides run N times, alternately, and each side's fastest round
counts (other work on the machine slows a round, never speeds one up). Also reported: the load
average before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.corpus.build import build
from pipeline import intake, loaders
from pipeline.config import PipelineConfig, Paths
from pipeline.vietnamese import fold

ROOT = Path(__file__).resolve().parents[1]


def collapse(text: str) -> str:
    return " ".join(text.split())


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = collapse(reference), collapse(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def reference_pages(pdf: Path, home: Path) -> list[str]:
    source = intake.identify(pdf, PipelineConfig(paths=Paths(home)).limits)
    doc = loaders.load(pdf, source, PipelineConfig(paths=Paths(home)))
    return [p.text for p in doc.pages]


def extract_page_images(scan: Path, out: Path) -> list[Path]:
    prefix = out / scan.stem
    subprocess.run(["pdfimages", "-png", str(scan), str(prefix)], check=True)
    return sorted(out.glob(f"{scan.stem}-*.png"))


def _env_with_tesseract_probe(log: Path | None) -> dict[str, str]:
    """One Tesseract thread per process (as sohoa runs it) and, when GNU time is installed, a
    `tesseract` first on PATH that appends each run's own peak RSS (KiB) to `log`."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    real, timer = shutil.which("tesseract"), Path("/usr/bin/time")
    if log is None or real is None or not timer.exists():
        return env
    probe = log.parent / "probe"
    probe.mkdir(exist_ok=True)
    script = probe / "tesseract"
    script.write_text(f'#!/bin/sh\nexec {timer} -a -o {log} -f %M {real} "$@"\n')
    script.chmod(0o755)
    env["PATH"] = f"{probe}{os.pathsep}{env.get('PATH', '')}"
    return env


def _peaks_mb(log: Path) -> list[float]:
    if not log.exists():
        return []
    return [int(line) / 1024 for line in log.read_text().split() if line.isdigit()]


def run_raw(images: list[Path], workers: int, log: Path | None = None) -> tuple[float, list[str]]:
    env = _env_with_tesseract_probe(log)

    def one(image: Path) -> str:
        done = subprocess.run(["tesseract", str(image), "stdout", "-l", "vie"], env=env,
                              capture_output=True, text=True, check=True)
        return done.stdout

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        texts = list(pool.map(one, images))
    return time.perf_counter() - start, texts


def _own_peak_kb(pid: int) -> int:
    """VmHWM of a running process: its own peak resident memory (children not included)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def run_sohoa(scans: list[Path], workers: int, home: Path, log: Path | None = None
              ) -> tuple[float, list[dict], int]:
    """(seconds, the JSON outputs, the sohoa process's own peak RSS in KiB)."""
    env = dict(_env_with_tesseract_probe(log), SOHOA_WORKERS=str(workers), SOHOA_HOME=str(home))
    cmd = [str(Path(sys.executable).with_name("sohoa")), "ingest", "--json", "--dry-run", *map(str, scans)]
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, subprocess.Popen(cmd, env=env, stdout=out,
                                                              stderr=subprocess.DEVNULL, text=True) as proc:
        peak_kb = 0
        while proc.poll() is None:
            peak_kb = max(peak_kb, _own_peak_kb(proc.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        out.seek(0)
        outputs = [json.loads(line) for line in out.read().splitlines() if line.strip()]
    return elapsed, outputs, peak_kb


def _pages_and_references(corpus: Path, manifest: dict, presets: tuple[str, ...], images_dir: Path,
                          home: Path) -> tuple[list[Path], list[Path], list[list[str]]]:
    """The scanned PDFs, their page images and each one's reference pages (from the text PDF)."""
    by_doc: dict[str, dict[str, Path]] = {}
    for entry in manifest["files"]:
        by_doc.setdefault(entry["doc_id"], {})[entry["preset"]] = corpus / entry["file"]
    scans, images, refs = [], [], []
    for _, files in sorted(by_doc.items()):
        if "pdf" not in files:
            continue
        ref = reference_pages(files["pdf"], home)
        for preset in presets:
            if preset not in files:
                continue
            page_images = extract_page_images(files[preset], images_dir)
            if len(page_images) != len(ref):
                continue  # a page with several images would not compare page for page
            scans.append(files[preset])
            images.extend(page_images)
            refs.append(ref)
    return scans, images, refs


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far, their children included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=24, help="at least this many scanned pages")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--presets", default="scan300,scan200")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=1, help="rounds of both sides; the fastest of each counts")
    ap.add_argument("--corpus", type=Path, help="an existing corpus with `pdf` and the presets (else one is built)")
    args = ap.parse_args(argv)
    presets = tuple(args.presets.split(","))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus, images_dir, home = args.corpus or tmp / "corpus", tmp / "images", tmp / "home"
        images_dir.mkdir()
        if args.corpus:
            manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
        else:
            manifest = build(corpus, max(2, args.pages // len(presets)), args.seed, kinds=("pdf", *presets))
        scans, images, refs = _pages_and_references(corpus, manifest, presets, images_dir, home)
        pages = len(images)
        load_before = _load_average()
        raw_times, sohoa_times, cpu, peak_kb = [], [], {"raw": [], "sohoa": []}, 0
        for _ in range(args.repeat):  # alternated: a burst of other work slows one round of both
            before = _children_cpu()
            raw_time, raw_texts = run_raw(images, args.workers, tmp / "raw.rss")
            middle = _children_cpu()
            sohoa_time, outputs, peak = run_sohoa(scans, args.workers, home, tmp / "sohoa.rss")
            cpu["raw"].append(round(middle - before, 1))
            cpu["sohoa"].append(round(_children_cpu() - middle, 1))
            raw_times.append(raw_time)
            sohoa_times.append(sohoa_time)
            peak_kb = max(peak_kb, peak)
        raw_time, sohoa_time = min(raw_times), min(sohoa_times)
        load_after = _load_average()
        raw_rss, sohoa_rss = _peaks_mb(tmp / "raw.rss"), _peaks_mb(tmp / "sohoa.rss")
        # CER is computed per document: the contract's text joins the pages of a document.
        sohoa_docs = [out.get("text", "") for out in outputs]
        ref_docs = ["\n".join(ref) for ref in refs]
        raw_docs, i = [], 0
        for ref in refs:
            raw_docs.append("\n".join(raw_texts[i:i + len(ref)]))
            i += len(ref)
        failures = sum(1 for out in outputs if "error" in out)

        def mean_cer(hyps: list[str], folded: bool) -> float:
            pairs = [(fold(r), fold(h)) if folded else (r, h) for r, h in zip(ref_docs, hyps)]
            total = sum(len(collapse(r)) for r, _ in pairs)
            return sum(cer(r, h) * len(collapse(r)) for r, h in pairs) / max(1, total)

        parent_mb = peak_kb / 1024
        tesseract_mb = max(sohoa_rss, default=0.0)
        result = {
            "pages": pages, "documents": len(scans), "workers": args.workers, "presets": presets,
            "load_average": [load_before, load_after],
            "raw_pages_per_s": pages / raw_time, "sohoa_pages_per_s": pages / sohoa_time,
            "ratio": raw_time / sohoa_time,
            "raw_cer": mean_cer(raw_docs, False), "sohoa_cer": mean_cer(sohoa_docs, False),
            "raw_cer_folded": mean_cer(raw_docs, True), "sohoa_cer_folded": mean_cer(sohoa_docs, True),
            "sohoa_failures": failures,
            "seconds": {"raw": [round(t, 1) for t in raw_times], "sohoa": [round(t, 1) for t in sohoa_times]},
            "cpu_seconds": cpu,
            "tesseract_programs_per_round": {"raw": len(raw_rss) // args.repeat,
                                             "sohoa": len(sohoa_rss) // args.repeat},
            "peak_rss_mb": {
                "sohoa_process": parent_mb,
                "tesseract_process_max": {"raw": max(raw_rss, default=None), "sohoa": tesseract_mb or None},
                "per_worker": parent_mb / args.workers + tesseract_mb,
            },
        }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
