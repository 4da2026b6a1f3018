"""Applying events to the records store: events/s on SQLite and PostgreSQL, and look-up latency.

    python -m bench.records_apply [--people 50000] [--events 10000] [--postgres URL|auto|none]

A store is filled with `--people` files (bulk-inserted: one post and one salary step each, half
with a personal ID), then `--events` events are applied through the public API as the
Department's administrator — the first half with `RecordsStore.apply` (one transaction per
decision, as ingestion does), the second with `apply_many` (50 decisions per transaction, for
bulk loads) — each rate reported by wall clock and by this process's CPU time: salary
raises 40 %, transfers 20 %, appointments 15 %, awards 15 %, recruitments 10 %; 60 % of the events
come one per decision, the rest in decisions listing 20 people. People are named from the corpus
vocabulary, so folded names repeat (~8 files per name at 50,000) and matching needs the birth date.
Then look-ups: `find_people` by name or personal ID, and `person_file`, timed per call.
Targets (issue 5): ≥ 500 events/s on SQLite, p95 look-up ≤ 20 ms. Results: bench/out/records_apply.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, insert

from bench.corpus import vocab
from pipeline.model import Event, Outcome, Person, Post, Salary, Structure
from records import StoreConfig, department_admin, open_store
from records.codec import name_key
from records.schema import Assignment, Person as PersonRow, SalaryStep

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "records_apply.json"
ADMIN = department_admin("bench")
GRID = [2.34, 2.67, 3.00, 3.33, 3.66, 3.99, 4.32, 4.65, 4.98]  # A1 (01.003)


def _people(rng: random.Random, n: int, sections: list[str], pid_prefix: str = "075") -> list[dict]:
    p = vocab.load("people")
    out = []
    for i in range(n):
        female = rng.random() < 0.5
        name = " ".join((rng.choice(p["family"]), rng.choice(p["middle_female" if female else "middle_male"]),
                         rng.choice(p["given_female" if female else "given_male"])))
        birth = dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        out.append({"id": i + 1, "name": name, "birth": birth, "unit": rng.choice(sections),
                    "pid": f"{pid_prefix}{i:09d}" if i % 2 == 0 else None, "step": rng.randint(1, 7)})
    return out


def _fill(url: str, people: list[dict]) -> float:
    """Bulk-insert the population (the real apply path is what is measured afterwards)."""
    t0 = time.perf_counter()
    engine = create_engine(url)
    now = dt.datetime(2025, 1, 1)
    with engine.begin() as conn:
        for i in range(0, len(people), 5000):
            chunk = people[i:i + 5000]
            conn.execute(insert(PersonRow.__table__), [
                {"id": p["id"], "personal_id": p["pid"], "name": p["name"], "name_folded": name_key(p["name"]),
                 "birth_date": p["birth"], "unit_code": p["unit"], "status": "active", "created_at": now}
                for p in chunk])
            conn.execute(insert(Assignment.__table__), [
                {"person_id": p["id"], "kind": "recruitment", "track": "main", "unit_code": p["unit"],
                 "unit_text": None, "position": "Chuyên viên", "start_date": dt.date(2015, 1, 1),
                 "end_explicit": False} for p in chunk])
            conn.execute(insert(SalaryStep.__table__), [
                {"person_id": p["id"], "kind": "salary_raise", "scale_code": "01.003", "step": p["step"],
                 "coefficient": GRID[p["step"] - 1], "valid_from": dt.date(2022, 1, 1)} for p in chunk])
        if engine.url.get_backend_name() == "postgresql":  # explicit ids: move the sequence past them
            conn.exec_driver_sql("SELECT setval('person_id_seq', (SELECT max(id) FROM person))")
    engine.dispose()
    return time.perf_counter() - t0


def _event(rng: random.Random, kind: str, who: dict, tree, sections: list[str], day: dt.date) -> Event:
    person = Person(who["name"], who["birth"], who["pid"] if rng.random() < 0.5 else None)
    here = Post(tree.full_name(who["unit"]), "Chuyên viên")
    if kind == "salary_raise":
        step = min(who["step"] + 1, 9)
        return Event(kind, person, salary=Salary("01.003", step, GRID[step - 1]), effective_date=day, confidence=0.97)
    if kind == "transfer":
        return Event(kind, person, from_post=here, to_post=Post(tree.full_name(rng.choice(sections)), "Chuyên viên"),
                     effective_date=day, confidence=0.97)
    if kind == "appointment":
        return Event(kind, person, from_post=here, to_post=Post(here.unit, "Phó Trưởng phòng"), term_months=60,
                     effective_date=day, confidence=0.97)
    if kind == "award":
        return Event(kind, person, from_post=here, detail="Giấy khen", effective_date=day, confidence=0.97)
    return Event(kind, person, to_post=Post(tree.full_name(rng.choice(sections)), "Chuyên viên"),
                 salary=Salary("01.003", 1, 2.34), effective_date=day, confidence=0.97)


def _outcomes(rng: random.Random, people: list[dict], n: int, tree, sections: list[str]) -> list[Outcome]:
    kinds = ["salary_raise"] * 8 + ["transfer"] * 4 + ["appointment"] * 3 + ["award"] * 3 + ["recruitment"] * 2
    fresh = _people(random.Random(99), n // 5, sections, pid_prefix="079")  # recruits: new IDs
    events: list[Event] = []
    for i in range(n):
        kind = rng.choice(kinds)
        who = fresh.pop() if kind == "recruitment" else rng.choice(people)
        events.append(_event(rng, kind, who, tree, sections, dt.date(2025, 1, 2) + dt.timedelta(days=i % 300)))
    out, i, number = [], 0, 0
    while i < len(events):
        # 3.2 % of decisions list 20 people: then 40 % of the events come in such tables.
        size = 20 if rng.random() < 0.4 / 12.4 and len(events) - i >= 20 else 1
        batch, i, number = events[i:i + size], i + size, number + 1
        issued = (batch[0].effective_date or dt.date(2025, 1, 2)) - dt.timedelta(days=3)
        st = Structure(issuer="Sở Nội vụ tỉnh Đồng Nai", number=f"{number}/QĐ-SNV", doc_type="Quyết định",
                       issued_date=issued, subject="Về việc nhân sự")
        sha = hashlib.sha256(f"bench-{number}".encode()).hexdigest()
        out.append(Outcome(source=f"{number}.pdf", sha256=sha, structure=st, events=tuple(batch)))
    return out


def _p(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2)


def run(url: str, n_people: int, n_events: int, seed: int) -> dict:
    store = open_store(url, StoreConfig(clock=lambda: dt.datetime(2025, 12, 1, 9, 0)))
    sections = sorted(c for c, u in store.tree.units.items()
                      if u.kind == "section" and u.valid_to is None and c.startswith("DN."))
    rng = random.Random(seed)
    people = _people(rng, n_people, sections)
    fill_s = _fill(url, people)
    outcomes = _outcomes(rng, people, n_events, store.tree, sections)
    statuses: dict[str, int] = {}
    half = len(outcomes) // 2
    rates = {}
    for mode, part in (("apply", outcomes[:half]), ("apply_many", outcomes[half:])):
        t0, c0 = time.perf_counter(), time.process_time()
        updates = [store.apply(o, ADMIN) for o in part] if mode == "apply" else store.apply_many(part, ADMIN)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        n = sum(len(o.events) for o in part)
        # CPU: this process only. On a shared machine the wall clock also counts other work;
        # PostgreSQL's server time is not in it.
        rates[mode] = {"events": n, "wall_s": round(wall, 2), "events_per_s": round(n / wall, 1),
                       "cpu_s": round(cpu, 2), "events_per_cpu_s": round(n / cpu, 1)}
        for e in (e for u in updates for e in u.events):
            statuses[e.status] = statuses.get(e.status, 0) + 1
    queries = [p["pid"] if i % 2 and p["pid"] else p["name"] for i, p in enumerate(rng.sample(people, 1000))]
    find = []
    for q in queries:
        t = time.perf_counter()
        store.find_people(q, ADMIN)
        find.append(time.perf_counter() - t)
    files = []
    for p in rng.sample(people, 300):
        t = time.perf_counter()
        store.person_file(p["id"], ADMIN)
        files.append(time.perf_counter() - t)
    store.close()
    return {"people": n_people, "events": n_events, "documents": len(outcomes), "fill_s": round(fill_s, 1),
            **rates, "statuses": statuses, "load_average": os.getloadavg(),
            "find_people_ms": {"p50": _p(find, 50), "p95": _p(find, 95)},
            "person_file_ms": {"p50": _p(files, 50), "p95": _p(files, 95)}}


def _postgres(choice: str) -> str | None:
    if choice == "none":
        return None
    if choice != "auto":
        return choice
    done = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True,
                          env={"SOHOA_TEST_DB": "sohoa_bench", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    if done.returncode != 0:
        raise SystemExit(f"PostgreSQL could not be started: {done.stderr}")
    url = done.stdout.strip().splitlines()[-1]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--postgres", default="auto", help="URL, 'auto' (.ci/postgres.sh) or 'none'")
    args = ap.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{tmp}/records.db", args.people, args.events, args.seed)
        print("sqlite", json.dumps(results["sqlite"], ensure_ascii=False), flush=True)
    url = _postgres(args.postgres)
    if url:
        results["postgresql"] = run(url, args.people, args.events, args.seed)
        print("postgresql", json.dumps(results["postgresql"], ensure_ascii=False), flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
