"""Search benchmark: tantivy (the embedded default) and a real OpenSearch node, with SQLite FTS5 beside
them in the same run as the baseline.

    python -m bench.search_bench [--docs 100000] [--node-docs N] [--repeat 3] [--seed 11]
                                 [--node-url opensearch://127.0.0.1:9200] [--no-node]

Documents are generated quickly from the corpus vocabulary (bench/corpus/data/*.toml: issuers and
units, people, article wording, legal grounds, letters and plans) — no PDF is rendered. Measured per
engine: indexing documents/s (preparing the searchable view, i.e. canonical spelling, counted
separately), query latency p50/p95 for text queries (top 20 with snippets and the total) and, for
the two real engines, the same with filters, scope and four facets; and whether queries typed
without diacritics find exactly the documents their diacritic forms find. FTS5 uses
`unicode61 remove_diacritics 2` with đ/Đ mapped to d/D at index and query time (it does not fold
đ). The node is started with .ci/opensearch.sh unless --node-url is given.
Targets for tantivy: ≥ 2,000 documents/s, p95 ≤ 20 ms. Results go to bench/out/search.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.corpus import vocab
from index.backend import open_backend
from index.model import IndexedDocument, SearchQuery
from index.query import parse, tokens_of
from pipeline.vietnamese import fold

ROOT = Path(__file__).resolve().parents[1]
FACETS = ("doc_type", "year", "event_types", "issuer")
DAY0, DAYS = dt.date(2019, 1, 1), 7 * 365


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return "01"


class Synthetic:
    """Decisions, letters, notices and plans assembled from the corpus vocabulary."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.people = vocab.load("people")
        self.wording = {k: v for k, v in vocab.load("wording").items() if k != "closing"}
        self.closing = vocab.load("wording")["closing"]["decision"]
        self.others = vocab.load("documents")["doc"]
        self.grounds = [g["text"] for g in vocab.load("grounds")["ground"]]
        self.issuers = [i for i in vocab.issuers() if i.units]
        self.counters: dict[tuple[str, int], int] = {}

    def name(self) -> tuple[str, str]:
        p, r = self.people, self.rng
        male = r.random() < 0.55
        middle = r.choice(p["middle_male" if male else "middle_female"])
        given = r.choice(p["given_male" if male else "given_female"])
        return ("ông" if male else "bà"), f"{r.choice(p['family'])} {middle} {given}"

    def fields(self) -> dict:
        r = self.rng
        issuer = r.choice(self.issuers)
        unit_no = r.randrange(len(issuer.units))
        unit, other = issuer.units[unit_no], r.choice(issuer.units)
        day = DAY0 + dt.timedelta(days=r.randrange(DAYS))
        hon, name = self.name()
        fill = _Fill(hon=hon, Hon=hon.capitalize(), name=name, dob=f"{r.randint(1,28):02d}/{r.randint(1,12):02d}/{r.randint(1965,1998)}",
                     from_phrase=other.staff_phrase("Chuyên viên"), to_phrase=unit.leader_phrase(unit.deputy),
                     to_unit=unit.truth, eff_clause=f" kể từ ngày {day:%d/%m/%Y}", staff=issuer.staff,
                     STAFF=issuer.staff.upper(), office=issuer.office, short=issuer.short, year=day.year,
                     prev_year=day.year - 1, head_of=issuer.raw.get("head_of", ""), award="Giấy khen",
                     reason="theo nguyện vọng cá nhân", executors=f"{issuer.office}, {unit.truth} và {hon} {name}")
        if r.random() < 0.75:
            event = r.choice(list(self.wording))
            words = self.wording[event]
            doc_type, events, names = "Quyết định", [event], [name]
            subject = r.choice(words["subject"]).format_map(fill)
            body = [f"Điều 1. {r.choice(words['single']).format_map(fill)}",
                    f"Điều 2. {r.choice(words['second']).format_map(fill)}",
                    f"Điều 3. {r.choice(self.closing).format_map(fill)}"]
        else:
            other_doc = r.choice(self.others)
            doc_type, events, names = other_doc["doc_type"], [], []
            subject = other_doc["subject"].format_map(fill)
            body = [line.format_map(fill) for line in other_doc.get("body") or other_doc["articles"]]
        kind = {"Quyết định": "QĐ", "Công văn": issuer.abbr, "Thông báo": "TB", "Kế hoạch": "KH"}.get(doc_type, "QĐ")
        seq = self.counters[(issuer.key, day.year)] = self.counters.get((issuer.key, day.year), 0) + 1
        number = f"{seq}/{kind}-{issuer.abbr}" if kind != issuer.abbr else f"{seq}/{issuer.abbr}-{issuer.desk}"
        signer = self.name()[1]
        text = "\n".join([issuer.parent, issuer.name, f"Số: {number}",
                          f"{issuer.place}, ngày {day.day:02d} tháng {day.month} năm {day.year}",
                          doc_type.upper(), subject, *r.sample(self.grounds, 4), *body,
                          "Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", issuer.head.upper(), signer])
        return dict(sha256=f"{r.getrandbits(256):064x}", number=number, doc_type=doc_type,
                    issuer=issuer.display, issued_place=issuer.place, issued_date=day, subject=subject,
                    text=text, person_names=tuple(names) + (signer,), event_types=tuple(events),
                    units=(unit.truth,) if events else (),
                    unit_path=("dept", issuer.key, f"{issuer.key}.{unit_no}"))


def make_queries(docs: list[IndexedDocument], rng: random.Random) -> tuple[list[SearchQuery], list[SearchQuery], list[tuple[str, str]]]:
    """Text queries (all engines), filtered+faceted queries (real engines), recall pairs."""
    sample = rng.sample(docs, 40)
    names = [d.person_names[0] for d in sample[:15]]
    phrases = ['"nâng bậc lương thường xuyên"', '"bổ nhiệm lại"', '"điều động"', '"kê khai tài sản"',
               '"Sở Nội vụ"', '"Bệnh viện Đa khoa"']
    words = ["thuyên chuyển", "biệt phái", "kỷ luật", "nghỉ hưu", "Đồng Nai", "phụ cấp thâm niên"]
    texts = names + [fold(n) for n in names[:10]] + [d.number for d in sample[15:30]] + phrases + words \
        + [fold(p) for p in phrases[:4]] + [d.subject for d in sample[30:35]]
    text_queries = [SearchQuery(t) for t in texts]
    filtered = []
    for d, t in zip(sample[:20], texts[:20]):
        filtered.append(SearchQuery(t, doc_type=d.doc_type if rng.random() < 0.5 else None, year=d.year,
                                    scope=d.unit_path[1], facets=FACETS))
    filtered += [SearchQuery("", scope="dept", facets=FACETS), SearchQuery("bổ nhiệm", facets=FACETS)]
    pairs = [(n, fold(n)) for n in names] + [(p, fold(p)) for p in phrases] \
        + [(d.subject, fold(d.subject)) for d in sample[30:35]]
    return text_queries, filtered, pairs


class Fts5:
    """The baseline: SQLite FTS5, diacritics removed by unicode61, đ folded by hand."""

    name = "sqlite-fts5"

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(sha UNINDEXED, number, subject, names, text, "
                        "tokenize='unicode61 remove_diacritics 2')")

    @staticmethod
    def _d(s: str) -> str:
        return s.replace("đ", "d").replace("Đ", "D")

    def add_many(self, docs) -> int:
        with self.db:
            self.db.executemany("INSERT INTO docs VALUES (?,?,?,?,?)", (
                (d.sha256, self._d(d.number or ""), self._d(d.subject or ""), self._d(" ".join(d.person_names)),
                 self._d(d.text)) for d in docs))
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def _match(self, text: str) -> str:
        return " AND ".join('"' + " ".join(tokens_of(self._d(c.text))) + '"' for c in parse(text))

    def search(self, q: SearchQuery) -> tuple[int, list]:
        m = self._match(q.text)
        hits = self.db.execute("SELECT sha, snippet(docs, 4, '<em>', '</em>', '…', 16) FROM docs WHERE docs "
                               "MATCH ? ORDER BY rank LIMIT ?", (m, q.limit)).fetchall()
        total = self.db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (m,)).fetchone()[0]
        return total, hits

    def all_hits(self, text: str, cap: int = 10_000) -> set[str] | None:
        found = {r[0] for r in self.db.execute("SELECT sha FROM docs WHERE docs MATCH ?", (self._match(text),))}
        return found if len(found) <= cap else None


def latencies(search, queries, repeat: int, in_process: bool) -> dict:
    """Wall-clock p50/p95; for in-process engines also CPU time of the calling thread, which a
    machine busy with other work inflates far less than wall time."""
    for q in queries:  # warm-up: caches, JIT, first segment loads
        search(q)
    wall, cpu = [], []
    for _ in range(repeat):
        for q in queries:
            t0, c0 = time.perf_counter(), time.thread_time()
            search(q)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
    out = {"queries": len(wall), **_percentiles(wall, "")}
    if in_process:
        out.update(_percentiles(cpu, "cpu_"))
    return out


def _percentiles(times: list[float], prefix: str) -> dict:
    times = sorted(times)
    return {f"{prefix}p50_ms": round(statistics.median(times), 2),
            f"{prefix}p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
            f"{prefix}max_ms": round(times[-1], 2)}


def hit_set(backend, text: str, cap: int = 10_000) -> set[str] | None:
    """Every hit's sha256, for queries with at most `cap` hits (the node pages no deeper)."""
    total = backend.search(SearchQuery(text, limit=0)).total
    if total > cap:
        return None
    return {h.sha256 for h in backend.search(SearchQuery(text, limit=max(total, 1))).hits}


def recall(sets, pairs) -> dict:
    checked = identical = 0
    worst = 1.0
    for typed, folded in pairs:
        a, b = sets(typed), sets(folded)
        if a is None or b is None:
            continue
        checked += 1
        identical += a == b
        worst = min(worst, len(a & b) / len(a) if a else 1.0)
    return {"pairs": checked, "identical_sets": identical, "min_recall": round(worst, 4)}


def run_engine(name, backend, docs, text_q, filtered_q, pairs, repeat) -> dict:
    t0, c0 = time.perf_counter(), time.process_time()
    count = backend.add_many(docs)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    in_process = name != "opensearch-2.19"
    out = {"engine": name, "docs": count, "index_s": round(elapsed, 1), "docs_per_s": round(count / elapsed)}
    if in_process:
        out["docs_per_cpu_s"] = round(count / cpu)  # all threads of this process
    out["text"] = latencies(backend.search, text_q, repeat, in_process)
    if isinstance(backend, Fts5):
        out["recall"] = recall(backend.all_hits, pairs)
    else:
        out["filtered_faceted"] = latencies(backend.search, filtered_q, repeat, in_process)
        out["recall"] = recall(lambda t: hit_set(backend, t), pairs)
    out["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def start_node() -> tuple[str, bool]:
    started = subprocess.run(["curl", "-fs", "http://127.0.0.1:9200/"], capture_output=True).returncode != 0
    done = subprocess.run(["bash", str(ROOT / ".ci" / "opensearch.sh")], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1], started


def node_rss_mb() -> float | None:
    try:
        pid = Path("/tmp/sohoa-opensearch/pid").read_text().strip()
        return int(subprocess.run(["ps", "-o", "rss=", "-p", pid], capture_output=True, text=True).stdout) / 1024
    except (OSError, ValueError):
        return None


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--node-docs", type=int, default=None, help="documents for the node (default: --docs)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--node-url", default=None)
    ap.add_argument("--no-node", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    gen = Synthetic(args.seed)
    raw = [gen.fields() for _ in range(args.docs)]
    t1 = time.perf_counter()
    docs = [IndexedDocument(**f) for f in raw]
    t2 = time.perf_counter()
    avg_kb = sum(len(d.text.encode()) for d in docs) / len(docs) / 1024
    print(f"generated {len(docs)} documents ({avg_kb:.1f} KB text each) in {t1 - t0:.1f} s; "
          f"searchable view (canonical spelling) {len(docs) / (t2 - t1):.0f} docs/s", flush=True)
    text_q, filtered_q, pairs = make_queries(docs, random.Random(args.seed))
    report = {"cores": os.cpu_count(), "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
              "docs": len(docs), "avg_text_kb": round(avg_kb, 2), "prepare_docs_per_s": round(len(docs) / (t2 - t1)),
              "engines": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tantivy = open_backend(None, tmp / "tantivy")
        report["engines"].append(run_engine("tantivy", tantivy, docs, text_q, filtered_q, pairs, args.repeat))
        report["engines"][-1]["disk_mb"] = folder_mb(tmp / "tantivy")
        tantivy.close()
        fts = Fts5(tmp / "fts.db")
        report["engines"].append(run_engine("sqlite-fts5", fts, docs, text_q, filtered_q, pairs, args.repeat))
        report["engines"][-1]["disk_mb"] = round((tmp / "fts.db").stat().st_size / 2**20, 1)
        if not args.no_node:
            url, started = (args.node_url, False) if args.node_url else start_node()
            node = open_backend(f"{url}/sohoa-bench-{os.getpid()}", tmp)
            try:
                node_docs = docs[: args.node_docs or len(docs)]
                report["engines"].append(run_engine("opensearch-2.19", node, node_docs, text_q, filtered_q, pairs,
                                                     args.repeat))
                report["engines"][-1]["node_rss_mb"] = node_rss_mb()
            finally:
                node.drop()
                node.close()
                if started:
                    subprocess.run(["bash", str(ROOT / ".ci" / "opensearch.sh"), "stop"], capture_output=True)
    out = ROOT / "bench" / "out" / "search.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
