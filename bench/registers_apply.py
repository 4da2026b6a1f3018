"""Register decisions read and applied for real: events applied, held for review or refused, per family.

    python -m bench.registers_apply [--n 160] [--seed 0] [--kinds docx,pdf] [--corpus DIR] [--jobs 2]
                                    [--unit CODE] [--json]

Builds (or reuses) the register corpus (`bench.corpus.registers`: organisation, local government,
awards, training; `--n` documents in all, so 160 is 40 a family), then runs every file of each kind
through the whole pipeline (`flows.compose.process_file`: read, check, extract, apply, index) into
a fresh embedded store and index per kind, in document order, as `sohoa ingest` would. People the
records do not hold open a file (`create_unknown_people`, as `sohoa demo` does): the corpus names
people no store has, and matching them is the personnel side's business, not the registers'.

Reported per kind and family: events read against the truth, and what the records did with them —
applied, held for review (with the reasons), waiting for a transfer approval, refused. The truth
says which events must wait (`event_notes` "expect": "review": the corpus' deliberately unknown
units, councils and communes, `bench.corpus.register_tree`); every other event is expected to
apply. "unexpected" lists the events whose outcome differs, with the records' reason. Last, the
index: documents found under each family facet. `--unit` acts as that unit's administrator
instead of the Department (whole province), so events about units outside its subtree are refused.
Results: bench/out/registers_apply.json.

The corpus takes the organisation rows in turn (a unit is ended or renamed once): past about 40
decisions a family the rows come round again, and a second merger or dissolution of a unit already
ended rightly waits for review (unit_closed, unit_exists) — reported as unexpected.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench.corpus.build import build
from bench.extraction_accuracy import REGISTER_FAMILIES, _key
from flows.compose import Context, default_stages, process_file
from flows.stores import open_records, open_search
from index.model import SearchQuery
from pipeline.config import Paths, PipelineConfig
from pipeline.contract import event_to_dict
from records import Actor, department_admin

OUT = Path(__file__).resolve().parent / "out"
STATUSES = ("applied", "needs_review", "pending_transfer", "refused", "unchanged")


def _corpus(corpus: Path, n: int, seed: int, kinds: tuple[str, ...], jobs: int) -> dict:
    manifest_path = corpus / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    if not manifest or manifest.get("n") != n or manifest.get("seed") != seed \
            or not set(kinds) <= set(manifest.get("kinds", [])) or manifest.get("families") != ["registers"]:
        manifest = build(corpus, n, seed, kinds, jobs=jobs, families=("registers",))
    return manifest


def _tally_document(family: dict, truth: dict, outcome, name: str) -> None:
    """Count one decision's events: read against the truth, then what the records did."""
    notes = truth["spec"].get("event_notes") or [{}] * len(truth["events"])
    expected = {_key(e): note or {} for e, note in zip(truth["events"], notes)}
    family["documents"] += 1
    family["events_true"] += len(truth["events"])
    family["expected_review"] += sum((note or {}).get("expect") == "review" for note in notes)
    if not outcome.ok:
        family["failed_files"].append(f"{name}: {outcome.error_code}")
        return
    results = (outcome.records or {}).get("events", [])
    read = [_key(event_to_dict(e)) for e in outcome.events]
    family["events_read"] += len(read)
    family["events_right"] += sum(k in expected for k in read)
    for key, result in zip(read, results):
        status = result["status"]
        family["status"][status] += 1
        if status != "applied":
            family["reasons"][result.get("reason") or status] += 1
        note = expected.get(key)
        if note is None:  # read wrong: the extraction benchmark's business
            continue
        want, why = note.get("expect", "applied"), note.get("reason")
        got = "applied" if status in ("applied", "unchanged") else "review" if status == "needs_review" else status
        if got != want or (why and result.get("reason") != why):
            family["unexpected"].append(f"{name} {key[0]} {key[1]}: {status} ({result.get('reason')}), "
                                        f"expected {want}" + (f" ({why})" if why else ""))


def _empty() -> dict:
    return {"documents": 0, "events_true": 0, "events_read": 0, "events_right": 0, "expected_review": 0,
            "status": Counter(), "reasons": Counter(), "unexpected": [], "failed_files": []}


def run_kind(corpus: Path, manifest: dict, kind: str, actor: Actor, home: Path) -> dict:
    """Every file of `kind` through the pipeline into a fresh store and index under `home`."""
    records = open_records(home, create_unknown_people=True)
    search = open_search(home)
    ctx = Context(config=PipelineConfig(Paths(home)), stages=default_stages(dt.date.today()),
                  records=records, search=search, actor=actor)
    families: dict[str, dict] = defaultdict(_empty)
    start = time.perf_counter()
    try:
        for entry in sorted((e for e in manifest["files"] if e["preset"] == kind), key=lambda e: e["doc_id"]):
            truth = json.loads((corpus / entry["truth"]).read_text(encoding="utf-8"))
            outcome = process_file(corpus / entry["file"], ctx, display_name=entry["file"])
            _tally_document(families[truth["spec"]["topic"]], truth, outcome, entry["file"])
        seconds = time.perf_counter() - start
        for family, tally in families.items():
            tally["indexed"] = search.search(SearchQuery(family=family, limit=1)).total
    finally:
        records.close()
        search.close()
    out = {f: {**t, "status": dict(t["status"]), "reasons": dict(t["reasons"])} for f, t in sorted(families.items())}
    return {"seconds": round(seconds, 1), "families": out}


def _print(results: dict) -> None:
    print(f"{'kind / family':<28}{'docs':>5}{'true':>6}{'read':>6}{'applied':>8}{'review':>7}{'expect':>7}"
          f"{'transfer':>9}{'refused':>8}{'indexed':>8}  reasons held")
    for kind, result in results.items():
        for family, t in result["families"].items():
            s = t["status"]
            reasons = ", ".join(f"{r} {c}" for r, c in sorted(t["reasons"].items()))
            print(f"{kind + ' ' + family:<28}{t['documents']:>5}{t['events_true']:>6}{t['events_read']:>6}"
                  f"{s.get('applied', 0) + s.get('unchanged', 0):>8}{s.get('needs_review', 0):>7}"
                  f"{t['expected_review']:>7}{s.get('pending_transfer', 0):>9}{s.get('refused', 0):>8}"
                  f"{t['indexed']:>8}  {reasons}")
            for line in t["unexpected"][:10] + t["failed_files"][:10]:
                print("    !", line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.registers_apply", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=160, help="documents in all (a quarter per family)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kinds", default="docx,pdf")
    ap.add_argument("--corpus", type=Path, help="corpus folder (default bench/out/registers-SEED-N)")
    ap.add_argument("--jobs", type=int, default=1, help="processes to render the corpus with")
    ap.add_argument("--unit", default=None, help="act as this unit's administrator (default: the Department)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    corpus = args.corpus or OUT / f"registers-{args.seed}-{args.n}"
    manifest = _corpus(corpus, args.n, args.seed, kinds, args.jobs)
    actor = Actor("bench", args.unit, "admin") if args.unit else department_admin("bench")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            results[kind] = run_kind(corpus, manifest, kind, actor, Path(tmp) / kind)
    report = {"n": args.n, "seed": args.seed, "actor": actor.unit, "families": list(REGISTER_FAMILIES),
              "kinds": results}
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.unit}" if args.unit else ""
    (OUT / f"registers_apply{suffix}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
