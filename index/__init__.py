"""Full-text search over the archive: one backend interface, embedded and cluster engines.

    from index.backend import open_backend, index_folder
    from index.model import IndexedDocument, SearchQuery

    backend = open_backend(settings.search_url, index_folder(settings.home))  # tantivy when no URL
    backend.add(IndexedDocument.from_outcome(outcome, unit_path=("dept", "so-noi-vu")))
    result = backend.search(SearchQuery("nguyen van an", scope="so-noi-vu", facets=("doc_type",)))

Modules: `model` (documents, queries, results), `query` (reading what users type; field weights),
`backend` (the protocol and `open_backend`), `embedded` (tantivy, the only importer of tantivy),
`cluster` (OpenSearch / Elasticsearch 7, the only importer of their clients), `cluster_query` (the
shared mapping and query builder), `errors`. This package imports nothing heavy until a backend is
opened.
"""
