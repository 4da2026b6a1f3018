"""The registers in search (issue 10), on the embedded engine and a real OpenSearch node: a
`family` facet and filter (personnel, organisation, local government, awards, training), unit
names of unit-level events searchable and filterable, within the reader's scope; an index of the
older cluster schema takes the new field before its rebuild."""
from __future__ import annotations

import datetime as dt

import pytest

from index.cluster import ClusterBackend
from index.cluster_query import mapping
from index.model import IndexedDocument, SearchQuery
from pipeline.model import Course, Event, Person, Post, UnitRef
from tests.test_index import dispose, make_backend, outcome

D = dt.date


def unit_event(type_: str, name: str, **more) -> Event:
    return Event(type_, None, unit=UnitRef(name, **more), effective_date=D(2025, 8, 1), confidence=0.97)


CORPUS = [
    (outcome("a", number="500/QĐ-UBND", date=D(2025, 7, 20), subject="Về việc thành lập Trung tâm Y tế khu vực",
             body="Thành lập đơn vị sự nghiệp công lập trực thuộc Sở Y tế.",
             events=[unit_event("unit_founding", "Trung tâm Y tế khu vực Long Thành", parent="Sở Y tế")]),
     ("dept", "syt")),
    (outcome("b", number="600/QĐ-UBND", date=D(2025, 9, 25), subject="Về việc hợp nhất các phòng",
             events=[unit_event("unit_merger", "Phòng Nghiệp vụ Y - Dược",
                                related=("Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược"))]), ("dept", "syt")),
    (outcome("c", number="5/NQ-HĐND", issuer="Hội đồng nhân dân xã Long Thành", date=D(2025, 7, 1),
             subject="Về việc bầu Phó Chủ tịch Hội đồng nhân dân xã",
             events=[Event("local_election", Person("Võ Thị Hạnh"),
                           to_post=Post("Hội đồng nhân dân xã Long Thành", "Phó Chủ tịch"))]), ("dept", "xlt")),
    (outcome("d", number="7/QĐ-UBND", date=D(2025, 1, 6), subject="Về việc khen thưởng",
             events=[Event("award", Person("Nguyễn Văn An"), detail="Bằng khen"),
                     unit_event("collective_award", "Phòng Tổ chức cán bộ, Sở Y tế")]), ("dept", "syt")),
    (outcome("e", number="250/QĐ-SNV", issuer="Sở Nội vụ tỉnh Đồng Nai", date=D(2025, 8, 20),
             subject="Về việc mở lớp bồi dưỡng",
             events=[Event("training_class", None, unit=UnitRef("Sở Nội vụ"),
                           course=Course("Bồi dưỡng quản lý nhà nước", "Học viện Hành chính Quốc gia"))]), ("dept",)),
    (outcome("f", number="12/QĐ-SYT", issuer="Sở Y tế tỉnh Đồng Nai", date=D(2024, 3, 5),
             subject="Về việc tuyển dụng viên chức",
             events=[Event("recruitment", Person("Trần Thị Bình"), to_post=Post("Sở Y tế", "Chuyên viên"))]),
     ("dept", "syt")),
]
DOCS = [IndexedDocument.from_outcome(o, unit_path=path) for o, path in CORPUS]
KEY = {o.sha256: o.source[0] for o, _ in CORPUS}


def keys(result) -> list[str]:
    return sorted(KEY[h.sha256] for h in result.hits)


@pytest.fixture(scope="module", params=["tantivy", "opensearch"])
def loaded(request, tmp_path_factory):
    url = request.getfixturevalue("cluster_url") if request.param != "tantivy" else None
    backend = make_backend(request.param, tmp_path_factory.mktemp(request.param), url)
    assert backend.rebuild(DOCS) == len(DOCS)
    yield backend
    dispose(backend)


def test_documents_know_the_registers_of_their_events():
    by_key = {KEY[d.sha256]: d for d in DOCS}
    assert by_key["a"].families == ("organisation",) and by_key["d"].families == ("awards",)
    assert by_key["b"].units == ("Phòng Nghiệp vụ Y - Dược", "Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược")
    assert by_key["e"].units == ("Sở Nội vụ", "Học viện Hành chính Quốc gia")
    assert by_key["c"].person_names == ("Võ Thị Hạnh",)


def test_family_facet_counts_and_filters_within_scope(loaded):
    everything = loaded.search(SearchQuery(limit=10, facets=("family",)))
    assert everything.facet("family") == {"organisation": 2, "local_government": 1, "awards": 1, "training": 1,
                                          "personnel": 1}
    mine = loaded.search(SearchQuery(scope="syt", limit=10, facets=("family",)))
    assert mine.facet("family") == {"organisation": 2, "awards": 1, "personnel": 1}
    assert keys(loaded.search(SearchQuery(family="organisation", limit=10))) == ["a", "b"]
    assert keys(loaded.search(SearchQuery(family="local_government", scope="syt", limit=10))) == []
    assert loaded.search(SearchQuery(family="organisation", limit=0, facets=("family",))).total == 2


def test_unit_names_of_unit_events_are_searchable(loaded):
    assert keys(loaded.search(SearchQuery("trung tam y te khu vuc long thanh", limit=10))) == ["a"]
    assert keys(loaded.search(SearchQuery("Phòng Nghiệp vụ Dược", limit=10))) == ["b"]
    assert keys(loaded.search(SearchQuery(unit="phong to chuc can bo, so y te", limit=10))) == ["d"]
    units = loaded.search(SearchQuery(family="organisation", limit=10, facets=("units",))).facet("units")
    assert units["Trung tâm Y tế khu vực Long Thành"] == 1 and units["Phòng Nghiệp vụ Y"] == 1


def test_an_older_cluster_index_takes_the_new_field_before_its_rebuild(cluster_url, tmp_path):
    backend = make_backend("opensearch", tmp_path, cluster_url)
    try:
        old = mapping()
        old["mappings"]["_meta"]["sohoa_schema_version"] = 1
        del old["mappings"]["properties"]["families"]
        client, alias = backend._client, backend.alias
        for name in list(client.indices.get_alias(name=alias)):
            client.indices.delete(index=name)
        client.indices.create(index=f"{alias}-old", body={**old, "aliases": {alias: {}}})
        reopened = ClusterBackend.connect(backend.address)  # as the next process opens it
        assert reopened.needs_rebuild
        reopened.add(DOCS[0])
        assert keys(reopened.search(SearchQuery(family="organisation"))) == ["a"]
        reopened.close()
    finally:
        dispose(backend)
