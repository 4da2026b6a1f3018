"""Metadata field accuracy of `sohoa ingest` on the generated corpus, per format.

    python -m bench.metadata_accuracy [--n 20] [--seed 1] [--kinds docx,pdf,scan300] [--corpus DIR]

Reads every file of a corpus built by `bench.corpus.build` through the real pipeline (dry run:
nothing stored) and compares the eight contract metadata fields with the truth files. Values are
compared after `pipeline.vietnamese.canonical` (NFC, one tone-mark placement, collapsed spaces):
a field counts as right only when it is exactly the expected string (or both are null). A phone
photo shows page 1 only: where the truth is partial (the signer is on a later page), the signer's
name and title are not scored for it.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus.build import build
from flows.compose import Context, process_file
from pipeline.config import PipelineConfig, Paths
from pipeline.contract import outcome_to_dict
from pipeline.vietnamese import canonical

FIELDS = ("issuer", "number", "doc_type", "issued_place", "issued_date", "subject",
          "signer_name", "signer_title")


SIGNER_FIELDS = ("signer_name", "signer_title")  # on the last page: not in a photo of page 1


@dataclass
class KindScore:
    documents: int = 0
    failures: int = 0
    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    scored: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[tuple[str, str, object, object]] = field(default_factory=list)

    @property
    def fields_total(self) -> int:
        return sum(self.scored.values())

    @property
    def accuracy(self) -> float:
        total = self.fields_total
        return sum(self.right.values()) / total if total else 0.0


def _same(expected: object, actual: object) -> bool:
    if expected is None or actual is None:
        return expected is actual
    return canonical(str(expected)) == canonical(str(actual))


def score_one(score: KindScore, name: str, truth: dict, output: dict) -> None:
    score.documents += 1
    keys = [key for key in FIELDS if not (truth.get("partial") and key in SIGNER_FIELDS)]
    for key in keys:
        score.scored[key] += 1
    if "error" in output:
        score.failures += 1
        score.misses.append((name, "error", None, output["error"]["code"]))
        return
    for key in keys:
        expected, actual = truth["metadata"].get(key), output["metadata"].get(key)
        if _same(expected, actual):
            score.right[key] += 1
        else:
            score.misses.append((name, key, expected, actual))


def evaluate(corpus: Path, kinds: Iterable[str] | None = None, workers: int = 2) -> dict[str, KindScore]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    wanted = set(kinds) if kinds else None
    entries = [e for e in manifest["files"] if wanted is None or e["preset"] in wanted]
    with tempfile.TemporaryDirectory() as home:
        ctx = Context(config=PipelineConfig(paths=Paths(Path(home))), dry_run=True)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda e: process_file(corpus / e["file"], ctx), entries))
    scores: dict[str, KindScore] = defaultdict(KindScore)
    for entry, outcome in zip(entries, outcomes):
        truth = json.loads((corpus / entry["truth"]).read_text(encoding="utf-8"))
        score_one(scores[entry["preset"]], entry["file"], truth, outcome_to_dict(outcome))
    return dict(scores)


def report(scores: dict[str, KindScore], out=sys.stdout) -> None:
    print(f"{'format':10} {'docs':>5} {'failed':>6} {'accuracy':>9}  " + " ".join(f"{f[:8]:>8}" for f in FIELDS),
          file=out)
    for preset, s in sorted(scores.items()):
        per_field = " ".join(f"{s.right[f] / s.scored[f]:8.2%}" if s.scored[f] else "       -" for f in FIELDS)
        print(f"{preset:10} {s.documents:5d} {s.failures:6d} {s.accuracy:9.2%}  {per_field}", file=out)
    for preset, s in sorted(scores.items()):
        for name, key, expected, actual in s.misses[:15]:
            print(f"  miss {preset} {name} {key}: expected {expected!r} got {actual!r}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="docx,pdf,scan300")
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder (else one is built)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    kinds = tuple(args.kinds.split(","))
    if args.corpus:
        scores = evaluate(args.corpus, kinds, args.workers)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(tmp, args.n, args.seed, kinds=kinds)
            scores = evaluate(Path(tmp), kinds, args.workers)
    report(scores)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
