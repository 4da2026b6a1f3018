"""False alarms of the document checks on the synthetic corpus (`bench.corpus`).

    python -m bench.validator_false_alarms CORPUS_DIR [--build N --kinds docx,pdf,scan300] [--cache DIR]

Reads every file of a corpus built by `python -m bench.corpus.build` (or builds one first with
--build), the way `flows.compose` does (identify → load → parse; PDFs also get their version and
signatures), runs `validators.all_document_checks(today)` and compares the findings with what the
file's truth says must be found:

- SCAN-DPI-LOW when the scan's dpi is below 200; SCAN-NOT-COLOUR for grey and bilevel scans;
  SEAL-MISSING for a colour scan rendered without its seal; DATE-FORMAT for the "date-not-padded"
  defect; a partial photo (page 1 of a longer document) may miss its last-page components.

An `error` finding the truth does not call for is a false alarm. Reported: files, files with a
false alarm (the rate), the same for clean files (those whose truth calls for no error: a false
alarm there sends good events to review), false alarms per code, warnings the truth does not call
for per code, and expected findings that were missed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from flows import compose
from pipeline.config import Paths, PipelineConfig
from pipeline.errors import SohoaError
from pipeline.signatures import read_pdf_version, read_signatures
from validators import all_document_checks, catalogue

# Components a page-1-only photo of a longer document legitimately lacks.
LAST_PAGE_CODES = {"SIGNER-MISSING", "RECIPIENTS-MISSING", "SEAL-MISSING", "SIGNER-AUTHORITY-MISMATCH",
                   "CONTENT-MISSING", "METADATA-INCOMPLETE"}


def expected_codes(truth: dict) -> set[str]:
    """What a correct check must report for this file, from its render options and defects."""
    render = truth.get("render", {})
    expected: set[str] = set()
    if "date-not-padded" in truth.get("spec", {}).get("defects", []):
        expected.add("DATE-FORMAT")
    dpi = render.get("dpi")
    if dpi is not None and dpi < 200:
        expected.add("SCAN-DPI-LOW")
    mode = render.get("mode")
    if mode in ("gray", "bilevel"):
        expected.add("SCAN-NOT-COLOUR")
    elif mode == "color" and render.get("seal") is False:
        expected.add("SEAL-MISSING")
    return expected


def read(path: Path, ctx: compose.Context, cache: Path | None = None):
    """(Document, Structure) of a file; with `cache`, kept as a pickle so checks can be re-run fast
    (delete the cache after changing a loader, OCR or the parser)."""
    cached = cache / f"{path.name}.pickle" if cache else None
    if cached is not None and cached.exists():
        return pickle.loads(cached.read_bytes())
    document, structure = compose.read_document(path, ctx)
    if document.source.media_type == "application/pdf":
        document = replace(document, pdf_version=document.pdf_version or read_pdf_version(path),
                           signatures=read_signatures(path))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps((document, structure)))
    return document, structure


def measure(corpus: Path, today: dt.date, limit: int | None = None, cache: Path | None = None) -> dict:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    checks = all_document_checks(today)
    report: dict = {"files": 0, "failed": [], "files_with_false_alarm": 0, "clean_files": 0,
                    "clean_files_with_false_alarm": 0, "false_alarms": Counter(),
                    "unexpected_warnings": Counter(), "missed": Counter(), "examples": [],
                    "by_preset": {}}
    with tempfile.TemporaryDirectory() as home:
        ctx = compose.Context(config=PipelineConfig(paths=Paths(Path(home))), dry_run=True)
        for entry in manifest["files"][:limit]:
            path = corpus / entry["file"]
            truth = json.loads((corpus / entry["truth"]).read_text(encoding="utf-8"))
            try:
                document, structure = read(path, ctx, cache)
            except SohoaError as exc:
                report["failed"].append(f"{entry['file']}: {exc.code}")
                continue
            findings = [f for check in checks for f in check(document, structure)]
            _score(report, entry, truth, findings)
    return report


def _score(report: dict, entry: dict, truth: dict, findings) -> None:
    expected = expected_codes(truth)
    allowed = expected | (LAST_PAGE_CODES if truth.get("partial") else set())
    found = {f.rule for f in findings}
    false = sorted({f.rule for f in findings if f.severity == "error" and f.rule not in allowed})
    odd = sorted({f.rule for f in findings if f.severity == "warning" and f.rule not in allowed})
    preset = report["by_preset"].setdefault(entry["preset"], {"files": 0, "with_false_alarm": 0})
    clean = not any(catalogue.entries()[code].severity == "error" for code in allowed)
    report["files"] += 1
    report["clean_files"] += clean
    preset["files"] += 1
    if false:
        report["files_with_false_alarm"] += 1
        report["clean_files_with_false_alarm"] += clean
        preset["with_false_alarm"] += 1
        if len(report["examples"]) < 30:
            messages = [f"{f.rule}: {f.message}" for f in findings if f.rule in false]
            report["examples"].append({"file": entry["file"], "findings": messages})
    report["false_alarms"].update(false)
    report["unexpected_warnings"].update(odd)
    report["missed"].update(expected - found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.validator_false_alarms",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--build", type=int, default=0, help="build a corpus of N documents first")
    parser.add_argument("--kinds", default="docx,pdf,scan300")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="read only the first files")
    parser.add_argument("--today", default="2026-12-31", help="no document may be issued after it")
    parser.add_argument("--cache", default=None, help="folder to keep read documents in (dev loop)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if args.build:
        from bench.corpus.build import build

        build(corpus, args.build, args.seed, tuple(args.kinds.split(",")), jobs=args.jobs)
    start = time.perf_counter()
    report = measure(corpus, dt.date.fromisoformat(args.today), args.limit,
                     Path(args.cache) if args.cache else None)
    report["seconds"] = round(time.perf_counter() - start, 1)
    report["false_alarm_rate"] = round(report["files_with_false_alarm"] / max(1, report["files"]), 4)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=dict))
    else:
        print(f"{report['files']} files read ({len(report['failed'])} failed) in {report['seconds']} s")
        print(f"files with a false-alarm error: {report['files_with_false_alarm']} "
              f"({report['false_alarm_rate']:.1%})")
        print(f"clean files (the truth expects no error) sent to review by a false alarm: "
              f"{report['clean_files_with_false_alarm']} of {report['clean_files']}")
        for name, counter in (("false alarms (error)", "false_alarms"),
                              ("unexpected warnings", "unexpected_warnings"), ("missed", "missed")):
            print(f"{name}: {dict(report[counter].most_common()) or '-'}")
        print("by preset:", report["by_preset"])
        for example in report["examples"][:10]:
            print(" ", example["file"], example["findings"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
