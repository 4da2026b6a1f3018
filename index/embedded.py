"""The embedded search engine: a tantivy index in the data folder, nothing to install or run.

The two scored fields (`title`: subject, names, issuer, units; `text`) are indexed twice:
`<field>_f` with the folded analyzer (words, lower case, diacritics removed: tantivy's ascii_fold
maps every Vietnamese letter as pipeline.vietnamese.fold does, đ→d included; a test holds them
together), which decides the hits and their BM25 score, and `<field>_x` with the exact analyzer
(the canonical spelling the model already applied; frequencies only), which decides the
exact-spelling bonus (index.query). Facet fields are raw fast fields; filters use folded keys.
`text_f` keeps the stored text, so snippets are cut from the original spelling while the folded
analyzer finds every variant in it.

tantivy forgets custom tokenizers when an index is closed: `register_analyzers` is the one place
that registers them, and `_open_index` calls it every time it opens the index.

Writes take tantivy's writer lock for one batch only (a CLI ingest and the web app can share the
folder) and commit before they return; searches use a reader that follows commits.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import tantivy

from index.errors import SearchUnavailable
from index.model import Hit, IndexedDocument, SearchQuery, SearchResult, sorted_facet
from index.query import (EXACT_BONUS, HIGHLIGHT_POST, HIGHLIGHT_PRE, NUMBER_BOOST, SNIPPET_CHARS,
                         SEARCH_FIELDS, Clause, filter_key, number_key, parse, tidy_highlight)

SCHEMA_VERSION = 2  # 2: the `families` facet (issue 10)
EXACT, FOLDED = "vi_exact", "vi_folded"
_VERSION_FILE = "sohoa-index.json"
_FACET_FIELDS = {"doc_type": "doc_type", "issuer": "issuer", "year": "year",
                 "event_types": "event_types", "units": "units", "family": "families"}
_LOCK_WAIT_S = 10.0
_SMALL_HEAP, _BULK_HEAP = 32_000_000, 256_000_000
Occur = tantivy.Occur


def vietnamese_analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """The exact and the folded analyzer (also used to analyse queries the same way)."""
    def base() -> tantivy.TextAnalyzerBuilder:
        # simple: split on anything not a letter or digit (Unicode-aware); very long tokens are junk.
        return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.remove_long(64)).filter(tantivy.Filter.lowercase()))

    return {EXACT: base().build(), FOLDED: base().filter(tantivy.Filter.ascii_fold()).build()}


def register_analyzers(index: tantivy.Index) -> None:
    """Register sohoa's tokenizers on an opened index: required on every open, or writes fail."""
    for name, analyzer in vietnamese_analyzers().items():
        index.register_tokenizer(name, analyzer)


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("sha256", "number", "issued_place", "subject"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in ("number_key", "doc_type_key", "units_key", "unit_path"):
        sb.add_text_field(name, stored=False, tokenizer_name="raw")
    for name in ("doc_type", "issuer", "event_types", "units", "families"):
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    sb.add_date_field("issued_date", stored=True, indexed=True, fast=True)
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    for name in SEARCH_FIELDS:
        # Exact fields only decide the bonus (index.query): no positions needed.
        sb.add_text_field(name + "_x", stored=False, tokenizer_name=EXACT, index_option="freq")
        sb.add_text_field(name + "_f", stored=name == "text", tokenizer_name=FOLDED)
    sb.add_text_field("issuer_f", stored=False, tokenizer_name=FOLDED)  # the --issuer filter
    return sb.build()


def to_fields(doc: IndexedDocument) -> dict:
    """The tantivy document of an IndexedDocument (absent values left out)."""
    fields: dict = {"sha256": doc.sha256, "unit_path": list(doc.unit_path),
                    "event_types": list(doc.event_types), "units": list(doc.units), "families": list(doc.families),
                    "units_key": [filter_key(u) for u in doc.units]}
    if doc.number:
        fields.update(number=doc.number, number_key=number_key(doc.number))
    if doc.doc_type:
        fields.update(doc_type=doc.doc_type, doc_type_key=filter_key(doc.doc_type))
    if doc.issuer:
        fields["issuer"] = fields["issuer_f"] = doc.issuer
    if doc.issued_place:
        fields["issued_place"] = doc.issued_place
    if doc.subject:
        fields["subject"] = doc.subject
    if doc.issued_date:
        fields["issued_date"] = dt.datetime.combine(doc.issued_date, dt.time())
        fields["year"] = doc.issued_date.year
    fields["title_x"] = fields["title_f"] = doc.title
    if doc.text:
        fields["text_x"] = fields["text_f"] = doc.text
    return {k: v for k, v in fields.items() if v not in (None, [])}


class TantivyBackend:
    """SearchBackend on a tantivy index in `folder` (created when missing)."""

    name = "tantivy"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.needs_rebuild = False  # the index was recreated (new schema): run `sohoa index rebuild`
        self._schema = build_schema()
        self._analyzers = vietnamese_analyzers()
        self._lock = threading.Lock()
        self._index = self._open_index()

    # -- opening -------------------------------------------------------------------------------
    def _open_index(self) -> tantivy.Index:
        self.folder.mkdir(parents=True, exist_ok=True)
        version_file = self.folder / _VERSION_FILE
        existing = (self.folder / "meta.json").exists()
        if existing and _read_version(version_file) != SCHEMA_VERSION:
            self._wipe()
            existing = False
        try:
            index = tantivy.Index(self._schema, path=str(self.folder), reuse=True)
        except ValueError as exc:
            if not existing:
                raise SearchUnavailable(f"Không tạo được chỉ mục tìm kiếm tại {self.folder}: {exc}") from exc
            self._wipe()  # a schema tantivy itself refuses: the index is derived data, start again
            index = tantivy.Index(self._schema, path=str(self.folder), reuse=True)
        register_analyzers(index)
        version_file.write_text(json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
        return index

    def _wipe(self) -> None:
        shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        self.needs_rebuild = True

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def _writer(self, heap: int = _SMALL_HEAP, threads: int = 1) -> Iterator[tantivy.IndexWriter]:
        with self._lock:
            writer = self._acquire_writer(heap, threads)
            try:
                yield writer
                writer.commit()
            except (ValueError, OSError) as exc:  # tantivy reports I/O and index errors as ValueError
                writer.rollback()
                raise SearchUnavailable(f"Không ghi được chỉ mục tìm kiếm tại {self.folder}: {exc}") from exc
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # also releases the folder's writer lock
            self._index.reload()

    def _acquire_writer(self, heap: int, threads: int) -> tantivy.IndexWriter:
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                return self._index.writer(heap_size=heap, num_threads=threads)
            except ValueError as exc:  # LockBusy: another process is writing this index
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise SearchUnavailable(
                        f"Chỉ mục tìm kiếm tại {self.folder} đang được tiến trình khác ghi; hãy thử lại."
                    ) from exc
                time.sleep(0.1)

    def add(self, doc: IndexedDocument) -> None:
        with self._writer() as writer:
            writer.delete_documents_by_term("sha256", doc.sha256)
            writer.add_document(tantivy.Document(**to_fields(doc)))

    def add_many(self, docs: Iterable[IndexedDocument]) -> int:
        count = 0
        with self._writer(_BULK_HEAP, 0) as writer:
            for doc in docs:
                writer.delete_documents_by_term("sha256", doc.sha256)
                writer.add_document(tantivy.Document(**to_fields(doc)))
                count += 1
        return count

    def delete(self, sha256: str) -> None:
        with self._writer() as writer:
            writer.delete_documents_by_term("sha256", sha256)

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    def rebuild(self, docs: Iterable[IndexedDocument]) -> int:
        count = 0
        # One commit at the end: readers keep the old index until the new one is complete.
        with self._writer(_BULK_HEAP, 0) as writer:
            writer.delete_all_documents()
            for doc in docs:
                writer.add_document(tantivy.Document(**to_fields(doc)))
                count += 1
        self.needs_rebuild = False
        return count

    def close(self) -> None:
        self._index = None  # type: ignore[assignment]

    # -- searching -----------------------------------------------------------------------------
    def count(self, scope: str | None = None) -> int:
        searcher = self._index.searcher()
        if scope is None:
            return searcher.num_docs
        return searcher.search(self._term("unit_path", scope), limit=1, count=True).count

    def search(self, query: SearchQuery) -> SearchResult:
        clauses = parse(query.text)
        full = self._full_query(query, clauses)
        searcher = self._index.searcher()
        limit = max(query.limit, 1)  # tantivy panics on 0; limit=0 asks for the total alone
        if clauses:
            found = searcher.search(full, limit=limit, offset=query.offset, count=True)
        else:  # nothing typed: the newest documents that pass the filters
            found = searcher.search(full, limit=limit, offset=query.offset, count=True,
                                    order_by_field="issued_date", order=tantivy.Order.Desc)
        snippets = self._snippet_generator(searcher, full) if clauses and query.limit else None
        hits = tuple(self._hit(searcher.doc(address), score, snippets, bool(clauses))
                     for score, address in found.hits[:query.limit])
        return SearchResult(total=found.count, hits=hits, facets=self._facets(searcher, full, query))

    def _full_query(self, query: SearchQuery, clauses: tuple[Clause, ...]) -> tantivy.Query:
        parts = [(Occur.Must, self._clause_query(c)) for c in clauses]
        parts += [(Occur.Should, q) for q in map(self._bonus_query, clauses) if q is not None]
        # Filters must not change the score: wrap them in a constant-score query worth nothing.
        parts += [(Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in self._filters(query)]
        if not clauses:
            parts.append((Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(parts)

    def _clause_query(self, clause: Clause) -> tantivy.Query:
        folded = self._analyzers[FOLDED].analyze(clause.text)
        should = [self._match(name + "_f", folded, weight) for name, weight in SEARCH_FIELDS.items()]
        if clause.number:
            should.append(tantivy.Query.boost_query(self._term("number_key", clause.number_key), NUMBER_BOOST))
        return tantivy.Query.boolean_query([(Occur.Should, q) for q in should if q is not None])

    def _bonus_query(self, clause: Clause) -> tantivy.Query | None:
        """EXACT_BONUS when the clause's words appear as spelled in one field (index.query)."""
        exact = self._analyzers[EXACT].analyze(clause.text)
        if not exact:
            return None
        per_field = [(Occur.Should, tantivy.Query.boolean_query(
            [(Occur.Must, self._term(name + "_x", token)) for token in exact])) for name in SEARCH_FIELDS]
        return tantivy.Query.const_score_query(tantivy.Query.boolean_query(per_field), EXACT_BONUS)

    def _match(self, field: str, tokens: list[str], boost: float = 1.0) -> tantivy.Query | None:
        if not tokens:
            return None
        if len(tokens) == 1:
            q = self._term(field, tokens[0])
        else:
            q = tantivy.Query.phrase_query(self._schema, field, tokens)
        return tantivy.Query.boost_query(q, boost) if boost != 1.0 else q

    def _term(self, field: str, value: object) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value)

    def _filters(self, q: SearchQuery) -> list[tantivy.Query]:
        found: list[tantivy.Query | None] = []
        if q.scope is not None:
            found.append(self._term("unit_path", q.scope))
        if q.doc_type:
            found.append(self._term("doc_type_key", filter_key(q.doc_type)))
        if q.issuer:
            found.append(self._match("issuer_f", self._analyzers[FOLDED].analyze(q.issuer)))
        if q.event_type:
            found.append(self._term("event_types", q.event_type.strip()))
        if q.family:
            found.append(self._term("families", q.family.strip()))
        if q.unit:
            found.append(self._term("units_key", filter_key(q.unit)))
        if q.year is not None:
            found.append(self._term("year", int(q.year)))
        if q.date_from or q.date_to:
            found.append(tantivy.Query.range_query(
                self._schema, "issued_date", tantivy.FieldType.Date,
                _midnight(q.date_from), _midnight(q.date_to)))
        return [f for f in found if f is not None]

    def _facets(self, searcher: tantivy.Searcher, full: tantivy.Query, q: SearchQuery) -> dict:
        if not q.facets:
            return {}
        # Ask for more buckets than shown: tantivy cuts per segment, then we order ties by value.
        aggs = {name: {"terms": {"field": _FACET_FIELDS[name], "size": q.facet_size * 2 + 10}}
                for name in q.facets}
        result = searcher.aggregate(full, aggs)
        out = {}
        for name in q.facets:
            buckets = result.get(name, {}).get("buckets", [])
            pairs = ((_facet_key(b["key"]), b["doc_count"]) for b in buckets)
            out[name] = sorted_facet(pairs, q.facet_size)
        return out

    def _snippet_generator(self, searcher, full) -> tantivy.SnippetGenerator:
        generator = tantivy.SnippetGenerator.create(searcher, full, self._schema, "text_f")
        generator.set_max_num_chars(SNIPPET_CHARS)
        return generator

    def _hit(self, doc: tantivy.Document, score: float, snippets, scored: bool) -> Hit:
        date = doc.get_first("issued_date")
        return Hit(
            sha256=doc.get_first("sha256"),
            number=doc.get_first("number"),
            doc_type=doc.get_first("doc_type"),
            issued_date=date.date() if date else None,
            subject=doc.get_first("subject"),
            score=float(score) if scored else 0.0,
            highlight=_highlight(doc, snippets),
        )


def _highlight(doc: tantivy.Document, generator: tantivy.SnippetGenerator | None) -> str | None:
    """The best fragment of the text, matches wrapped in <em>…</em> (tantivy gives byte ranges)."""
    if generator is None:
        return None
    snippet = generator.snippet_from_doc(doc)
    ranges = snippet.highlighted()
    if not ranges:
        return None
    raw = snippet.fragment().encode("utf-8")
    out, last = [], 0
    for r in sorted(ranges, key=lambda r: r.start):
        out += [raw[last:r.start].decode("utf-8", "replace"), HIGHLIGHT_PRE,
                raw[r.start:r.end].decode("utf-8", "replace"), HIGHLIGHT_POST]
        last = r.end
    out.append(raw[last:].decode("utf-8", "replace"))
    return tidy_highlight("".join(out))


def _facet_key(key: object) -> str:
    return str(int(key)) if isinstance(key, float) else str(key)


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time()) if day else None


def _read_version(path: Path) -> int | None:
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
