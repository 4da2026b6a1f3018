"""The cluster engine: OpenSearch through opensearch-py, Elasticsearch 7.x through its own client.

The only module that imports the search clients. Each client talks to its own server family — the
`elasticsearch` client (pinned below 8, the server's major version) refuses OpenSearch with its
product check; we also refuse an OpenSearch URL that answers as Elasticsearch — so the product is
part of the URL (index.backend). Both share the mapping and the query builder (index.cluster_query).

The index is reached through an alias (`sohoa` by default) over a concrete index `<alias>-<time>`:
`rebuild` fills a new concrete index and swaps the alias in one atomic step, so searches never see
a half-built index. Client exceptions become SearchUnavailable / SearchConfigInvalid here.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable

from index import cluster_query as cq
from index.backend import ClusterAddress
from index.errors import SearchConfigInvalid, SearchUnavailable
from index.model import IndexedDocument, SearchQuery, SearchResult

_TIMEOUT_S = 30
_BULK_CHUNK = 500


@dataclass(frozen=True)
class _Driver:
    """One client library: the client, its bulk helper and its exception classes."""

    client: Any
    bulk: Callable[..., Any]
    error: type[Exception]  # the library's base exception
    not_found: type[Exception]
    wrong_product: tuple[type[Exception], ...]


def _opensearch(address: ClusterAddress) -> _Driver:
    from opensearchpy import OpenSearch, exceptions, helpers

    auth = (address.username, address.password or "") if address.username else None
    client = OpenSearch(hosts=[address.url], http_auth=auth, timeout=_TIMEOUT_S)
    return _Driver(client, helpers.bulk, exceptions.OpenSearchException, exceptions.NotFoundError, ())


def _elasticsearch(address: ClusterAddress) -> _Driver:
    import elasticsearch
    from elasticsearch import exceptions, helpers

    if elasticsearch.VERSION[0] != 7:
        raise SearchConfigInvalid(
            f"Thư viện elasticsearch {elasticsearch.__versionstr__} không dùng được: sohoa cần bản 7.x "
            "(cùng đời với máy chủ Elasticsearch 7)."
        )
    auth = (address.username, address.password or "") if address.username else None
    client = elasticsearch.Elasticsearch([address.url], http_auth=auth, timeout=_TIMEOUT_S)
    return _Driver(client, helpers.bulk, exceptions.ElasticsearchException, exceptions.NotFoundError,
                   (exceptions.UnsupportedProductError,))


class ClusterBackend:
    """SearchBackend on an OpenSearch or Elasticsearch 7 cluster."""

    def __init__(self, driver: _Driver, address: ClusterAddress):
        self._driver = driver
        self._client = driver.client
        self.address = address
        self.name = address.product
        self.alias = address.alias
        self.needs_rebuild = False

    @classmethod
    def connect(cls, address: ClusterAddress) -> "ClusterBackend":
        driver = _opensearch(address) if address.product == "opensearch" else _elasticsearch(address)
        backend = cls(driver, address)
        backend._check_server()
        backend._ensure_index()
        return backend

    # -- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        try:
            yield
        except self._driver.wrong_product as exc:
            raise self._wrong_product("không phải Elasticsearch") from exc
        except self._driver.error as exc:
            raise SearchUnavailable(
                f"Máy chủ tìm kiếm {self.address.url} lỗi khi {doing}: {_brief(exc)}"
            ) from exc

    def _wrong_product(self, what: str) -> SearchConfigInvalid:
        other = "opensearch" if self.name == "elasticsearch" else "elasticsearch"
        return SearchConfigInvalid(
            f"Máy chủ tại {self.address.url} {what}: hãy dùng địa chỉ {other}://… trong SOHOA_SEARCH_URL."
        )

    def _check_server(self) -> None:
        with self._guard("kết nối"):
            version = self._client.info()["version"]
        distribution = version.get("distribution", "elasticsearch")
        if self.name == "opensearch" and distribution != "opensearch":
            raise self._wrong_product("không phải OpenSearch")
        if self.name == "elasticsearch" and not str(version.get("number", "")).startswith("7."):
            raise SearchConfigInvalid(
                f"Máy chủ Elasticsearch {version.get('number')} tại {self.address.url}: sohoa hỗ trợ bản 7.x."
            )

    def _concrete_indices(self) -> list[str]:
        with self._guard("đọc bí danh chỉ mục"):
            if not self._client.indices.exists_alias(name=self.alias):
                return []
            return sorted(self._client.indices.get_alias(name=self.alias))

    def _ensure_index(self) -> None:
        if self._concrete_indices():
            self._check_version()
            return
        with self._guard("kiểm tra chỉ mục"):
            taken = self._client.indices.exists(index=self.alias)
        if taken:
            raise SearchConfigInvalid(
                f"Trên máy chủ đã có chỉ mục tên '{self.alias}' không do sohoa tạo: chọn tên khác "
                "trong SOHOA_SEARCH_URL (…/ten-chi-muc)."
            )
        self._create(self._new_name(), with_alias=True)

    def _check_version(self) -> None:
        with self._guard("đọc cấu trúc chỉ mục"):
            found = self._client.indices.get_mapping(index=self.alias)
        versions = {m["mappings"].get("_meta", {}).get("sohoa_schema_version") for m in found.values()}
        self.needs_rebuild = versions != {cq.schema_version()}
        if self.needs_rebuild:
            self._add_new_fields()

    def _add_new_fields(self) -> None:
        """Add the fields a newer schema has to an older index (adding fields is allowed), so new
        documents can be written before `sohoa index rebuild` fills them in for the old ones. The
        `_meta` version stays old: the rebuild is still due."""
        properties = cq.mapping()["mappings"]["properties"]
        try:
            with self._guard("bổ sung cấu trúc chỉ mục"):
                self._client.indices.put_mapping(index=self.alias, body={"properties": properties})
        except SearchUnavailable:
            pass  # a field whose type changed: only the rebuild helps; writes may fail until then

    def _new_name(self) -> str:
        return f"{self.alias}-{time.time_ns() // 1_000_000}"

    def _create(self, name: str, with_alias: bool) -> None:
        body = cq.mapping()
        if with_alias:
            body["aliases"] = {self.alias: {}}
        with self._guard("tạo chỉ mục"):
            self._client.indices.create(index=name, body=body)

    def _bulk(self, index: str, docs: Iterable[IndexedDocument]) -> int:
        count = 0

        def actions():
            nonlocal count
            for doc in docs:
                count += 1
                yield {"_index": index, "_id": doc.sha256, "_source": cq.to_source(doc)}

        with self._guard("ghi chỉ mục"):
            self._driver.bulk(self._client, actions(), chunk_size=_BULK_CHUNK, refresh=False)
            self._client.indices.refresh(index=index)
        return count

    # -- SearchBackend -------------------------------------------------------------------------
    def add(self, doc: IndexedDocument) -> None:
        with self._guard("ghi chỉ mục"):
            self._client.index(index=self.alias, id=doc.sha256, body=cq.to_source(doc), refresh=True)

    def add_many(self, docs: Iterable[IndexedDocument]) -> int:
        return self._bulk(self.alias, docs)

    def delete(self, sha256: str) -> None:
        try:
            with self._guard("xóa khỏi chỉ mục"):
                self._client.delete(index=self.alias, id=sha256, refresh=True)
        except SearchUnavailable as exc:
            if not isinstance(exc.__cause__, self._driver.not_found):
                raise

    def search(self, query: SearchQuery) -> SearchResult:
        with self._guard("tìm kiếm"):
            response = self._client.search(index=self.alias, body=cq.search_body(query))
        return cq.parse_response(response, query)

    def count(self, scope: str | None = None) -> int:
        with self._guard("đếm văn bản"):
            return int(self._client.count(index=self.alias, body={"query": cq.scope_query(scope)})["count"])

    def clear(self) -> None:
        self.rebuild(())

    def rebuild(self, docs: Iterable[IndexedDocument]) -> int:
        old = self._concrete_indices()
        new = self._new_name()
        self._create(new, with_alias=False)
        try:
            count = self._bulk(new, docs)
        except BaseException:
            with self._guard("dọn chỉ mục dở dang"):
                self._client.indices.delete(index=new)
            raise
        swap = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        swap.append({"add": {"index": new, "alias": self.alias}})
        with self._guard("chuyển sang chỉ mục mới"):
            self._client.indices.update_aliases(body={"actions": swap})
            for name in old:
                self._client.indices.delete(index=name)
        self.needs_rebuild = False
        return count

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests and benchmarks clean up with this)."""
        for name in self._concrete_indices():
            with self._guard("xóa chỉ mục"):
                self._client.indices.delete(index=name)

    def close(self) -> None:
        self._client.close()


def _brief(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:300] + "…"
