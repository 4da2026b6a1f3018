"""OCR throughput and accuracy of `sohoa ingest` against the raw `tesseract -l vie` command.

    python -m bench.ocr_throughput [--pages 24] [--workers 2] [--presets scan300,scan200] [--seed 7]

Both sides read the same scanned pages in the same run with the same parallelism:
- baseline: the page images exactly as embedded in the scanned PDFs (extracted with poppler's
  `pdfimages`), each given to `tesseract page.png stdout -l vie` (OMP_THREAD_LIMIT=1, `workers`
  commands at a time) — no clean-up;
- sohoa: `sohoa ingest --json --dry-run` over the scanned PDFs themselves with SOHOA_WORKERS=workers,
  timed end to end (process start, PDF parsing, clean-up, OCR, structure).
Character error rate is measured against the text layer of the born-digital PDF rendered from the
same specification (read by sohoa's own text-PDF loader, so reading order is the same for both
sides), on whitespace-collapsed text, with and without diacritics.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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


def run_raw(images: list[Path], workers: int) -> tuple[float, list[str]]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(image: Path) -> str:
        done = subprocess.run(["tesseract", str(image), "stdout", "-l", "vie"], env=env,
                              capture_output=True, text=True, check=True)
        return done.stdout

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        texts = list(pool.map(one, images))
    return time.perf_counter() - start, texts


def run_sohoa(scans: list[Path], workers: int, home: Path) -> tuple[float, list[dict], int]:
    env = dict(os.environ, SOHOA_WORKERS=str(workers), SOHOA_HOME=str(home))
    cmd = [str(Path(sys.executable).with_name("sohoa")), "ingest", "--json", "--dry-run", *map(str, scans)]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    outputs = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return elapsed, outputs, peak_kb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=24, help="at least this many scanned pages")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--presets", default="scan300,scan200")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    presets = tuple(args.presets.split(","))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus, images_dir, home = tmp / "corpus", tmp / "images", tmp / "home"
        images_dir.mkdir()
        n = max(2, args.pages // len(presets))
        manifest = build(corpus, n, args.seed, kinds=("pdf", *presets))
        by_doc: dict[str, dict[str, Path]] = {}
        for entry in manifest["files"]:
            by_doc.setdefault(entry["doc_id"], {})[entry["preset"]] = corpus / entry["file"]
        scans, images, refs = [], [], []
        for doc_id, files in sorted(by_doc.items()):
            ref = reference_pages(files["pdf"], home)
            for preset in presets:
                page_images = extract_page_images(files[preset], images_dir)
                if len(page_images) != len(ref):
                    continue  # a page with several images would not compare page for page
                scans.append(files[preset])
                images.extend(page_images)
                refs.append(ref)
        pages = len(images)
        raw_time, raw_texts = run_raw(images, args.workers)
        sohoa_time, outputs, peak_kb = run_sohoa(scans, args.workers, home)
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

        result = {
            "pages": pages, "documents": len(scans), "workers": args.workers, "presets": presets,
            "raw_pages_per_s": pages / raw_time, "sohoa_pages_per_s": pages / sohoa_time,
            "ratio": raw_time / sohoa_time,
            "raw_cer": mean_cer(raw_docs, False), "sohoa_cer": mean_cer(sohoa_docs, False),
            "raw_cer_folded": mean_cer(raw_docs, True), "sohoa_cer_folded": mean_cer(sohoa_docs, True),
            "sohoa_failures": failures, "peak_rss_mb": peak_kb / 1024,
        }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
