"""The parts of the search index that do not need an engine running: analysis, query reading,
URLs, the searchable view of an outcome, and the embedded index's life cycle on disk."""
from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest

from index.backend import open_backend, parse_cluster_url
from index.cluster_query import mapping, search_body
from index.embedded import FOLDED, TantivyBackend, vietnamese_analyzers
from index.errors import SearchConfigInvalid, SearchUnavailable
from index.model import IndexedDocument, SearchQuery
from index.query import number_key, parse, tidy_highlight
from pipeline.model import Outcome
from pipeline.vietnamese import fold

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


def test_tantivy_folding_matches_the_projects_fold_for_every_vietnamese_letter():
    letters = [unicodedata.normalize("NFC", v + t) for v in VOWELS + VOWELS.upper() for t in TONES]
    letters += ["đ", "Đ"]
    tokens = vietnamese_analyzers()[FOLDED].analyze(" ".join(letters))
    assert tokens == [fold(x) for x in letters]


def test_query_reading_phrases_words_and_numbers():
    clauses = parse('“bổ nhiệm lại” 3647/SNV-VP Uỷ  ,')
    assert [(c.text, c.phrase, c.number) for c in clauses] == [
        ("bổ nhiệm lại", True, False), ("3647/SNV-VP", True, True), ("Ủy", False, False)]
    assert parse('"unclosed phrase')[0].phrase
    assert number_key("1234/QĐ-UBND") == number_key("1234/qd-ubnd") == "1234/qd-ubnd"


def test_highlights_mark_whole_written_words():
    assert tidy_highlight("số <em>3647</em>/<em>SNV</em>-<em>VP</em>\n ngày") == "số <em>3647/SNV-VP</em> ngày"
    assert tidy_highlight("<em>Nguyễn</em> <em>Văn</em>") == "<em>Nguyễn</em> <em>Văn</em>"


def test_cluster_urls():
    address = parse_cluster_url("elasticsearch+https://ops:p%40ss@search.local:9243/archive")
    assert (address.product, address.url, address.alias) == ("elasticsearch", "https://search.local:9243", "archive")
    assert (address.username, address.password) == ("ops", "p@ss")
    assert parse_cluster_url("opensearch://127.0.0.1").url == "http://127.0.0.1:9200"
    assert parse_cluster_url("opensearch://127.0.0.1").alias == "sohoa"
    for bad in ("http://127.0.0.1:9200", "solr://x:1", "opensearch://", "opensearch://h:1/Upper"):
        with pytest.raises(SearchConfigInvalid):
            parse_cluster_url(bad)


def test_a_cluster_that_does_not_answer_is_unavailable(tmp_path):
    with pytest.raises(SearchUnavailable) as caught:
        open_backend("opensearch://127.0.0.1:9", tmp_path)  # nothing listens on port 9
    assert caught.value.retryable and caught.value.code == "SEARCH-UNAVAILABLE"


def test_cluster_query_keeps_scope_in_the_filter_that_facets_see():
    body = search_body(SearchQuery("nguyen", scope="a", facets=("doc_type",)))
    assert {"term": {"unit_path": "a"}} in body["query"]["bool"]["filter"]
    assert "post_filter" not in body and body["track_total_hits"] is True
    assert mapping()["settings"]["analysis"]["filter"]["vi_fold"] == {"type": "asciifolding", "preserve_original": True}


def test_indexed_document_is_canonical():
    doc = IndexedDocument(sha256="f" * 64, subject="Quyết định về việc  thuỷ  lợi", text="Hoà bình\nUỷ ban",
                          person_names=("Lê Văn Hoà", "Lê Văn Hòa"), unit_path=("dept", "a", "dept"))
    assert doc.subject == "Quyết định về việc thủy lợi"
    assert doc.text == "Hòa bình\nỦy ban"
    assert doc.person_names == ("Lê Văn Hòa",)
    assert doc.unit_path == ("dept", "a")


def test_a_failed_outcome_cannot_be_indexed():
    with pytest.raises(ValueError):
        IndexedDocument.from_outcome(Outcome(source="x.pdf", error_code="FILE-EMPTY", error_message="rỗng"))


def test_query_rejects_unknown_facets():
    with pytest.raises(ValueError):
        SearchQuery(facets=("colour",))


def _doc(n: int) -> IndexedDocument:
    return IndexedDocument(sha256=f"{n:064x}", number=f"{n}/QĐ-UBND", issued_date=dt.date(2024, 1, n),
                           subject=f"Về việc điều động lần {n}", text="Điều động ông Đặng Văn Hùng")


def test_embedded_index_reopens_with_its_analyzers(tmp_path):
    first = TantivyBackend(tmp_path / "index")
    first.add(_doc(1))
    first.close()
    again = TantivyBackend(tmp_path / "index")  # a new process would do exactly this
    again.add(_doc(2))  # writing folded fields needs the custom tokenizer registered again
    assert again.search(SearchQuery("dang van hung")).total == 2
    assert again.needs_rebuild is False


def test_embedded_index_of_an_older_schema_is_recreated_and_flagged(tmp_path):
    backend = TantivyBackend(tmp_path / "index")
    backend.add(_doc(1))
    backend.close()
    (tmp_path / "index" / "sohoa-index.json").write_text(json.dumps({"schema_version": 0}))
    reopened = TantivyBackend(tmp_path / "index")
    assert reopened.needs_rebuild and reopened.count() == 0
    reopened.rebuild([_doc(1), _doc(2)])
    assert reopened.count() == 2 and not reopened.needs_rebuild
