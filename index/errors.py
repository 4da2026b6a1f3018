"""Search failures, as members of the project's one error tree (pipeline/errors.py).

    SohoaError
    ├── SearchConfigInvalid     SEARCH-CONFIG-INVALID  the search URL names no engine we speak,
    │                                                  or the server is of another product
    └── ProcessingError
        └── SearchUnavailable   SEARCH-UNAVAILABLE     the engine cannot be reached or refused a
                                                       request (retryable)

`index.embedded` and `index.cluster` translate tantivy's and the clients' exceptions into these at
their boundary; nothing else in `index` raises library exceptions.
"""
from __future__ import annotations

from pipeline.errors import ProcessingError, SohoaError


class SearchConfigInvalid(SohoaError):
    code = "SEARCH-CONFIG-INVALID"
    default_message = (
        "Địa chỉ máy chủ tìm kiếm (SOHOA_SEARCH_URL) không hợp lệ: dùng opensearch://máy:cổng "
        "hoặc elasticsearch://máy:cổng, hoặc bỏ trống để dùng chỉ mục cài sẵn."
    )


class SearchUnavailable(ProcessingError):
    code = "SEARCH-UNAVAILABLE"
    retryable = True
    default_message = "Không truy cập được chỉ mục tìm kiếm; hãy thử lại sau."
