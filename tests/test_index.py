"""The search contract, run unchanged against the embedded engine (tantivy) and a real OpenSearch node.

The node comes from SOHOA_TEST_SEARCH_URL, or else from .ci/opensearch.sh (built from Maven
Central jars and started here, on ports of its own): a node that cannot start fails the tests, it
never skips them.
Documents are built as the pipeline builds them (Outcome → IndexedDocument.from_outcome).
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path

import pytest

from index.backend import SearchBackend, open_backend, parse_cluster_url
from index.errors import SearchConfigInvalid
from index.model import IndexedDocument, SearchQuery
from pipeline.model import Document, Event, Outcome, Page, Person, Post, SourceFile, Structure

ROOT = Path(__file__).resolve().parents[1]
_names = itertools.count()

# Units: dept (the Department, root) ⊃ a ⊃ a1, and dept ⊃ b.
A, A1, B, ROOT_UNIT = ("dept", "a"), ("dept", "a", "a1"), ("dept", "b"), ("dept",)


def outcome(key: str, *, number=None, doc_type="Quyết định", issuer="Ủy ban nhân dân tỉnh Đồng Nai",
            date=None, subject=None, body="", events=(), signer=None) -> Outcome:
    sha = (key * 64)[:64]
    text = "\n".join(x for x in (issuer.upper(), f"Số: {number}" if number else "", subject or "", body) if x)
    document = Document(SourceFile(f"{key}.pdf", sha, "application/pdf", 1000), "text_pdf",
                        (Page(1, text, "text-layer", 1.0),))
    structure = Structure(issuer=issuer, number=number, doc_type=doc_type, issued_place="Đồng Nai",
                          issued_date=date, subject=subject, signer_name=signer)
    return Outcome(source=f"{key}.pdf", sha256=sha, document=document, structure=structure, events=tuple(events))


def appointment(name: str, unit: str, kind: str = "appointment") -> Event:
    return Event(kind, Person(name), to_post=Post(unit=unit, position="Phó Giám đốc"))


CORPUS = [
    (outcome("1", number="1234/QĐ-UBND", date=dt.date(2024, 3, 5),
             subject="Về việc bổ nhiệm ông Nguyễn Văn An",
             body="Bổ nhiệm ông Nguyễn Văn An giữ chức Phó Giám đốc Sở Y tế tỉnh Đồng Nai.",
             events=[appointment("Nguyễn Văn An", "Sở Y tế tỉnh Đồng Nai")], signer="Võ Tấn Đức"), A),
    (outcome("2", number="3647/SNV-VP", doc_type="Công văn", issuer="Sở Nội vụ tỉnh Đồng Nai",
             date=dt.date(2020, 8, 31), subject="V/v kiểm tra, nhắc nhở tình hình cập nhật dữ liệu",
             body="Đề nghị các đơn vị cập nhật dữ liệu mà Sở đã hướng dẫn."), B),
    (outcome("3", number="15/QĐ-SNV", issuer="Sở Nội vụ tỉnh Đồng Nai", date=dt.date(2021, 1, 4),
             subject="Về việc nâng bậc lương thường xuyên",
             body="Thực hiện Công văn số 3647/SNV-VP của Sở Nội vụ. Nâng bậc lương cho bà Trần Thị Ma.",
             events=[appointment("Trần Thị Ma", "Phòng Công chức, viên chức, Sở Nội vụ", "salary_raise")]), A1),
    (outcome("4", number="20/TB-UBND", doc_type="Thông báo", date=dt.date(2021, 6, 30),
             subject="Kết luận cuộc họp giao ban", body="Ý kiến của má Hai được ghi nhận. Cộng hoà xã hội."), A),
    (outcome("5", number="7/QĐ-UBND", date=dt.date(2022, 12, 31),
             subject="Về việc bổ nhiệm lại ông Lê Hoàng Long",
             body="Bổ nhiệm lại ông Lê Hoàng Long giữ chức Giám đốc Sở Tài chính tỉnh Đồng Nai.",
             events=[appointment("Lê Hoàng Long", "Sở Tài chính tỉnh Đồng Nai", "reappointment")]), B),
    (outcome("6", number="8/QĐ-UBND", date=dt.date(2023, 1, 1), subject="Về việc điều động công chức",
             body="Điều động ông Phạm Minh Hòa về công tác tại Sở Nội vụ; việc bổ sung biên chế và nhiệm vụ lại giao sau.",
             events=[appointment("Phạm Minh Hòa", "Sở Nội vụ tỉnh Đồng Nai", "transfer")]), A),
]
DOCS = [IndexedDocument.from_outcome(o, unit_path=path) for o, path in CORPUS]
SHA = {o.source[0]: o.sha256 for o, _ in CORPUS}


def shas(result) -> list[str]:
    return [next(k for k, v in SHA.items() if v == h.sha256) for h in result.hits]


# -- the engines ------------------------------------------------------------------------------
def make_backend(kind: str, tmp: Path, cluster_url: str | None) -> SearchBackend:
    if kind == "tantivy":
        return open_backend(None, tmp / "index")
    return open_backend(f"{cluster_url}/sohoa-test-{os.getpid()}-{next(_names)}", tmp)


def dispose(backend: SearchBackend) -> None:
    if hasattr(backend, "drop"):
        backend.drop()
    backend.close()


ENGINES = ["tantivy", "opensearch"]


@pytest.fixture(scope="module", params=ENGINES)
def loaded(request, tmp_path_factory):
    """An engine holding the corpus; read-only tests share it."""
    url = request.getfixturevalue("cluster_url") if request.param != "tantivy" else None
    backend = make_backend(request.param, tmp_path_factory.mktemp(request.param), url)
    assert backend.rebuild(DOCS) == len(DOCS)
    yield backend
    dispose(backend)


@pytest.fixture(params=ENGINES)
def fresh(request, tmp_path):
    """An empty engine for tests that write."""
    url = request.getfixturevalue("cluster_url") if request.param != "tantivy" else None
    backend = make_backend(request.param, tmp_path, url)
    yield backend
    dispose(backend)


def search(backend, text="", **kw):
    return backend.search(SearchQuery(text=text, **kw))


# -- Vietnamese -------------------------------------------------------------------------------
def test_name_typed_without_diacritics_finds_the_person(loaded):
    result = search(loaded, "nguyen van an")
    assert shas(result) == ["1"]
    assert "<em>Nguyễn</em> <em>Văn</em> <em>An</em>" in result.hits[0].highlight


def test_folded_and_diacritic_queries_find_identical_sets(loaded):
    for typed, folded in [("Nguyễn Văn An", "nguyen van an"), ("Đồng Nai", "dong nai"),
                          ("bổ nhiệm", "bo nhiem"), ("Sở Nội vụ", "so noi vu")]:
        assert set(shas(search(loaded, typed))) == set(shas(search(loaded, folded))) != set()


def test_d_with_stroke_folds_to_d(loaded):
    assert shas(search(loaded, "dieu dong")) == shas(search(loaded, "Điều động")) == ["6"]
    assert search(loaded, "dong nai").total == 6  # every issuer is in Đồng Nai
    assert shas(search(loaded, "Duc")) == ["1"]  # the signer Võ Tấn Đức


def test_both_tone_placements_match(loaded):
    # Document 4 writes "hoà" (new placement), document 6 "Hòa" (traditional).
    assert set(shas(search(loaded, "hòa"))) == {"4", "6"}
    assert set(shas(search(loaded, "hoà"))) == {"4", "6"}


def test_exact_diacritics_rank_above_folded_matches(loaded):
    result = search(loaded, "mà")
    assert set(shas(result)) == {"2", "3", "4"}  # mà, Ma, má: folding keeps every hit
    assert shas(result)[0] == "2"
    assert shas(search(loaded, "má"))[0] == "4"


def test_phrase_must_stand_together(loaded):
    assert set(shas(search(loaded, "bổ nhiệm lại"))) == {"5", "6"}  # words anywhere
    assert shas(search(loaded, '"bổ nhiệm lại"')) == ["5"]
    assert shas(search(loaded, '"bo nhiem lai"')) == ["5"]


def test_number_as_written_ranks_its_own_document_first(loaded):
    result = search(loaded, "3647/SNV-VP")
    assert shas(result) == ["2", "3"]  # 3 only cites it
    assert result.hits[0].number == "3647/SNV-VP"
    assert shas(search(loaded, "1234/QD-UBND")) == ["1"]
    assert "<em>3647/SNV-VP</em>" in result.hits[1].highlight


def test_person_names_are_searchable(loaded):
    assert shas(search(loaded, "le hoang long")) == ["5"]


# -- facets, filters, dates -----------------------------------------------------------------------
def test_facets_count_the_whole_result(loaded):
    result = search(loaded, facets=("doc_type", "year", "event_types", "issuer", "units"))
    assert result.total == 6
    assert result.facet("doc_type") == {"Quyết định": 4, "Công văn": 1, "Thông báo": 1}
    assert [fc.value for fc in result.facets["doc_type"]] == ["Quyết định", "Công văn", "Thông báo"]
    assert result.facet("year") == {"2020": 1, "2021": 2, "2022": 1, "2023": 1, "2024": 1}
    assert result.facet("event_types") == {"appointment": 1, "salary_raise": 1, "reappointment": 1,
                                           "transfer": 1}
    assert result.facet("issuer") == {"Ủy ban nhân dân tỉnh Đồng Nai": 4, "Sở Nội vụ tỉnh Đồng Nai": 2}
    assert result.facet("units")["Sở Y tế tỉnh Đồng Nai"] == 1


def test_filters_narrow_hits_and_facets(loaded):
    result = search(loaded, doc_type="quyet dinh", issuer="so noi vu", facets=("year",))
    assert shas(result) == ["3"]
    assert result.facet("year") == {"2021": 1}
    assert shas(search(loaded, event_type="reappointment")) == ["5"]
    assert shas(search(loaded, unit="So Y te tinh Dong Nai")) == ["1"]
    assert set(shas(search(loaded, year=2021))) == {"3", "4"}
    assert shas(search(loaded, "bổ nhiệm", year=2024)) == ["1"]


def test_date_ranges_include_both_ends(loaded):
    found = search(loaded, date_from=dt.date(2021, 1, 4), date_to=dt.date(2022, 12, 31))
    assert set(shas(found)) == {"3", "4", "5"}
    assert set(shas(search(loaded, date_to=dt.date(2020, 12, 31)))) == {"2"}
    assert set(shas(search(loaded, date_from=dt.date(2023, 1, 1)))) == {"1", "6"}


def test_empty_query_lists_newest_first_and_pages(loaded):
    assert shas(search(loaded)) == ["1", "6", "5", "4", "3", "2"]
    page = search(loaded, limit=2, offset=2)
    assert shas(page) == ["5", "4"] and page.total == 6
    only_total = search(loaded, "bổ nhiệm", limit=0)
    assert only_total.hits == () and only_total.total == 3


def test_hits_carry_the_contract_fields(loaded):
    [hit] = search(loaded, "1234/QĐ-UBND").hits
    data = hit.to_json()
    assert set(data) == {"sha256", "number", "doc_type", "issued_date", "subject", "score", "highlight"}
    assert data["number"] == "1234/QĐ-UBND" and data["issued_date"] == "2024-03-05"
    assert data["subject"] == "Về việc bổ nhiệm ông Nguyễn Văn An" and data["score"] > 0


# -- scope (R6) ----------------------------------------------------------------------------------
def test_scope_sees_only_the_units_subtree(loaded):
    facets = ("doc_type", "year", "event_types", "issuer", "units")
    a = search(loaded, scope="a", facets=facets)
    assert set(shas(a)) == {"1", "3", "4", "6"} and a.total == 4
    b = search(loaded, "bổ nhiệm", scope="b", facets=facets)
    assert shas(b) == ["5"] and b.total == 1
    # Unit B's documents leave no trace for unit A: not in hits, totals or facet counts.
    a_lai = search(loaded, "lai", scope="a", facets=facets)
    assert "5" not in shas(a_lai)
    assert "reappointment" not in a_lai.facet("event_types")
    assert search(loaded, "3647/SNV-VP", scope="a", facets=facets).facet("doc_type") == {"Quyết định": 1}
    assert shas(search(loaded, scope="a1")) == ["3"]
    assert search(loaded, scope="dept").total == 6
    assert search(loaded, scope="nowhere").total == 0
    assert loaded.count() == 6 and loaded.count("a") == 4 and loaded.count("b") == 2


# -- writing --------------------------------------------------------------------------------------
def test_add_replaces_by_sha256_and_delete_removes(fresh):
    fresh.add(DOCS[0])
    fresh.add(DOCS[0].with_unit_path(B))
    assert fresh.count() == 1
    assert fresh.count("b") == 1 and fresh.count("a") == 0
    assert fresh.add_many(DOCS[1:3]) == 2
    fresh.delete(DOCS[1].sha256)
    fresh.delete(DOCS[1].sha256)  # deleting twice is no error
    assert fresh.count() == 2
    fresh.clear()
    assert fresh.count() == 0 and search(fresh, "nguyen").total == 0


def test_rebuild_replaces_everything(fresh):
    fresh.add_many(DOCS)
    assert fresh.rebuild(DOCS[:2]) == 2
    assert fresh.count() == 2
    assert shas(search(fresh, "3647/SNV-VP")) == ["2"]


# -- engine specifics -------------------------------------------------------------------------------
def test_the_other_products_client_is_refused(cluster_url):
    address = parse_cluster_url(cluster_url)
    other = "elasticsearch" if address.product == "opensearch" else "opensearch"
    with pytest.raises(SearchConfigInvalid):
        open_backend(cluster_url.replace(address.product, other, 1) + "/sohoa-wrong", Path("."))


def test_cluster_url_without_a_product_is_refused():
    with pytest.raises(SearchConfigInvalid, match="opensearch://"):
        open_backend("http://127.0.0.1:9200", Path("."))
