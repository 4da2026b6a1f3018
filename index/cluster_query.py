"""The cluster mapping and the one query builder, shared by the OpenSearch and Elasticsearch clients.

The mapping (cluster_mapping.json) mirrors the embedded schema: the scored fields `title` and
`text` with an exact analyzer (words, lower case; frequencies only, for the exact-spelling bonus)
and a `.folded` sub-field (Lucene's asciifolding, which maps đ→d, with `preserve_original` so the
folded field also keeps the spelled form), keyword fields for facets and filters, and the scope
ids in `unit_path`. Tokens are split on anything but letters and digits, as tantivy's simple
tokenizer does, so both engines see the same words. Everything here is plain data: no client.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from importlib import resources

from index.model import Hit, IndexedDocument, SearchQuery, SearchResult, sorted_facet
from index.query import (EXACT_BONUS, HIGHLIGHT_POST, HIGHLIGHT_PRE, NUMBER_BOOST, SNIPPET_CHARS,
                         SEARCH_FIELDS, Clause, filter_key, number_key, parse, tidy_highlight)

FACET_FIELDS = {"doc_type": "doc_type", "issuer": "issuer", "year": "year",
                "event_types": "event_types", "units": "units", "family": "families"}
HIGHLIGHT_FIELD = "text.folded"
HIT_FIELDS = ["sha256", "number", "doc_type", "issued_date", "subject"]


@lru_cache(maxsize=1)
def _mapping_text() -> str:
    return resources.files("index").joinpath("cluster_mapping.json").read_text("utf-8")


def mapping() -> dict:
    """Settings and mappings for a new index (a fresh copy: callers may change it)."""
    return json.loads(_mapping_text())


def schema_version() -> int:
    return int(mapping()["mappings"]["_meta"]["sohoa_schema_version"])


def to_source(doc: IndexedDocument) -> dict:
    """The JSON document stored for an IndexedDocument."""
    return {
        "sha256": doc.sha256,
        "number": doc.number,
        "number_key": number_key(doc.number) if doc.number else None,
        "doc_type": doc.doc_type,
        "doc_type_key": filter_key(doc.doc_type) if doc.doc_type else None,
        "issuer": doc.issuer,
        "issued_place": doc.issued_place,
        "issued_date": doc.issued_date.isoformat() if doc.issued_date else None,
        "year": doc.year,
        "subject": doc.subject,
        "text": doc.text,
        "title": doc.title,
        "event_types": list(doc.event_types),
        "units": list(doc.units),
        "units_key": [filter_key(u) for u in doc.units],
        "unit_path": list(doc.unit_path),
        "families": list(doc.families),
    }


def clause_query(clause: Clause) -> dict:
    kind = "match_phrase" if clause.phrase else "match"
    should: list[dict] = [{kind: {name + ".folded": {"query": clause.text, "boost": weight}}}
                          for name, weight in SEARCH_FIELDS.items()]
    if clause.number:
        should.append({"term": {"number_key": {"value": clause.number_key, "boost": NUMBER_BOOST}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def bonus_query(clause: Clause) -> dict:
    """EXACT_BONUS when the clause's words appear as spelled in one field (index.query)."""
    spelled = [{"match": {name: {"query": clause.text, "operator": "and"}}} for name in SEARCH_FIELDS]
    return {"constant_score": {"filter": {"bool": {"should": spelled}}, "boost": EXACT_BONUS}}


def filters(q: SearchQuery) -> list[dict]:
    found = []
    if q.scope is not None:
        found.append({"term": {"unit_path": q.scope}})
    if q.doc_type:
        found.append({"term": {"doc_type_key": filter_key(q.doc_type)}})
    if q.issuer:
        found.append({"match_phrase": {"issuer.folded": q.issuer}})
    if q.event_type:
        found.append({"term": {"event_types": q.event_type.strip()}})
    if q.family:
        found.append({"term": {"families": q.family.strip()}})
    if q.unit:
        found.append({"term": {"units_key": filter_key(q.unit)}})
    if q.year is not None:
        found.append({"term": {"year": int(q.year)}})
    if q.date_from or q.date_to:
        bounds = {}
        if q.date_from:
            bounds["gte"] = q.date_from.isoformat()
        if q.date_to:
            bounds["lte"] = q.date_to.isoformat()
        found.append({"range": {"issued_date": bounds}})
    return found


def scope_query(scope: str | None) -> dict:
    return {"match_all": {}} if scope is None else {"bool": {"filter": [{"term": {"unit_path": scope}}]}}


def search_body(q: SearchQuery) -> dict:
    """The request body answering `q`: filters (scope first) apply to hits, total and facets."""
    clauses = parse(q.text)
    must = [clause_query(c) for c in clauses] or [{"match_all": {}}]
    body: dict = {
        "query": {"bool": {"must": must, "should": [bonus_query(c) for c in clauses], "filter": filters(q)}},
        "from": q.offset,
        "size": q.limit,
        "track_total_hits": True,
        "_source": HIT_FIELDS,
    }
    if clauses:
        body["highlight"] = {
            "pre_tags": [HIGHLIGHT_PRE], "post_tags": [HIGHLIGHT_POST],
            "fields": {HIGHLIGHT_FIELD: {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1}},
        }
    else:
        body["sort"] = [{"issued_date": {"order": "desc", "missing": "_last"}}, {"sha256": "asc"}]
    if q.facets:
        body["aggs"] = {name: {"terms": {"field": FACET_FIELDS[name], "size": q.facet_size * 2 + 10}}
                        for name in q.facets}
    return body


def parse_response(response: dict, q: SearchQuery) -> SearchResult:
    hits = []
    for raw in response["hits"]["hits"]:
        src = raw.get("_source", {})
        date = src.get("issued_date")
        hits.append(Hit(
            sha256=src["sha256"],
            number=src.get("number"),
            doc_type=src.get("doc_type"),
            issued_date=_date(date),
            subject=src.get("subject"),
            score=float(raw.get("_score") or 0.0),
            highlight=_highlight(raw.get("highlight", {})),
        ))
    total = response["hits"]["total"]
    facets = {}
    for name in q.facets:
        buckets = response.get("aggregations", {}).get(name, {}).get("buckets", [])
        facets[name] = sorted_facet(((b["key"], b["doc_count"]) for b in buckets), q.facet_size)
    return SearchResult(total=int(total["value"] if isinstance(total, dict) else total),
                        hits=tuple(hits), facets=facets)


def _highlight(found: dict) -> str | None:
    fragments = found.get(HIGHLIGHT_FIELD)
    return tidy_highlight(fragments[0]) if fragments else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
