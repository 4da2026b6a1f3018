"""The search backend interface and the one function that picks an engine from the settings.

    open_backend(None, folder)                           embedded tantivy index in `folder`
    open_backend("opensearch://host:9200", folder)       an OpenSearch cluster (opensearch-py)
    open_backend("elasticsearch://host:9200/name", …)    an Elasticsearch 7.x cluster (elasticsearch 7.x)

Cluster URLs: the scheme names the product, because each official client talks only to its own
server family (the Elasticsearch client's product check refuses OpenSearch, and its 8.x/9.x media
types are refused by 7.x servers and OpenSearch). `+https` selects TLS (`opensearch+https://…`),
`user:password@` gives basic authentication, and the path names the index alias (default
`sohoa`). A plain `http://` URL is refused with a message saying which scheme to use.

The index is derived data: `rebuild` recreates it from documents the caller reads again from the
store of originals. Every engine answers the same `SearchQuery` with the same `SearchResult`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

from index.errors import SearchConfigInvalid
from index.model import IndexedDocument, SearchQuery, SearchResult

DEFAULT_ALIAS = "sohoa"
PRODUCTS = ("opensearch", "elasticsearch")


@runtime_checkable
class SearchBackend(Protocol):
    """What every engine does. Writes are visible to searches when the call returns."""

    name: str  # "tantivy", "opensearch", "elasticsearch"

    def add(self, doc: IndexedDocument) -> None:
        """Index one document, replacing any earlier version with the same sha256."""

    def add_many(self, docs: Iterable[IndexedDocument]) -> int:
        """Index many documents in one batch (replacing by sha256); returns how many."""

    def delete(self, sha256: str) -> None:
        """Remove a document; removing one that is not there is no error."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Hits best first, the total and the facets, all within `query.scope`."""

    def count(self, scope: str | None = None) -> int:
        """How many documents the index holds (within a unit's scope)."""

    def clear(self) -> None:
        """Remove every document."""

    def rebuild(self, docs: Iterable[IndexedDocument]) -> int:
        """Replace the whole index by `docs`; searches see the old index until it is done."""

    def close(self) -> None:
        """Release files and connections."""


@dataclass(frozen=True)
class ClusterAddress:
    """A parsed cluster URL."""

    product: str  # "opensearch" | "elasticsearch"
    url: str  # http(s)://host:port for the client, without credentials
    alias: str
    username: str | None = None
    password: str | None = None


def parse_cluster_url(url: str) -> ClusterAddress:
    """`opensearch://host:port[/alias]`, `elasticsearch+https://user:pw@host:port/alias`, …"""
    parts = urlsplit(url.strip())
    product, _, transport = parts.scheme.lower().partition("+")
    if product not in PRODUCTS or transport not in ("", "http", "https"):
        raise SearchConfigInvalid(
            f"Không nhận ra máy chủ tìm kiếm '{_without_password(url)}': địa chỉ phải bắt đầu bằng "
            "opensearch:// hoặc elasticsearch:// (thêm +https nếu dùng TLS), ví dụ "
            "opensearch://127.0.0.1:9200."
        )
    if not parts.hostname:
        raise SearchConfigInvalid(f"Địa chỉ máy chủ tìm kiếm thiếu tên máy: '{_without_password(url)}'.")
    try:
        port = parts.port or 9200
    except ValueError as exc:
        raise SearchConfigInvalid(f"Cổng không hợp lệ trong '{_without_password(url)}'.") from exc
    alias = parts.path.strip("/") or DEFAULT_ALIAS
    if "/" in alias or alias != alias.lower() or alias.startswith(("_", "-", "+")):
        raise SearchConfigInvalid(f"Tên chỉ mục '{alias}' không hợp lệ: dùng chữ thường, không có '/'.")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return ClusterAddress(
        product=product,
        url=f"{transport or 'http'}://{host}:{port}",
        alias=alias,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(":" + parts.password + "@", ":***@")
    return url


def open_backend(url: str | None, folder: Path) -> SearchBackend:
    """The embedded index in `folder` when `url` is None or empty, else the cluster it names."""
    if not url:
        from index.embedded import TantivyBackend  # imported here: tantivy loads only when used

        return TantivyBackend(Path(folder))
    address = parse_cluster_url(url)
    from index.cluster import ClusterBackend

    return ClusterBackend.connect(address)


def index_folder(home: Path) -> Path:
    """Where the embedded index lives inside the data folder (SOHOA_HOME)."""
    return Path(home) / "index"
