"""Processing failures of the records store, in the project's one error tree (pipeline.errors).

    SohoaError
    └── RecordsError               RECORDS-FAILED
        ├── RecordsUnavailable     RECORDS-UNAVAILABLE (retryable: the database cannot be reached)
        ├── NotFound               RECORDS-NOT-FOUND (no such person, review item, unit)
        ├── NotPermitted           RECORDS-NOT-PERMITTED (outside the actor's scope or role, R6)
        └── InvalidRequest         RECORDS-INVALID (e.g. approving an ambiguous match without a choice)

Content problems (a doubtful event) are not errors: they go to the review queue.
"""
from __future__ import annotations

from pipeline.errors import SohoaError


class RecordsError(SohoaError):
    code = "RECORDS-FAILED"
    default_message = "Không cập nhật được hồ sơ."


class RecordsUnavailable(RecordsError):
    code = "RECORDS-UNAVAILABLE"
    retryable = True
    default_message = "Không kết nối được cơ sở dữ liệu hồ sơ; sẽ thử lại."


class NotFound(RecordsError):
    code = "RECORDS-NOT-FOUND"
    default_message = "Không tìm thấy."


class NotPermitted(RecordsError):
    code = "RECORDS-NOT-PERMITTED"
    default_message = "Ngoài phạm vi quản lý hoặc quyền của người dùng."


class InvalidRequest(RecordsError):
    code = "RECORDS-INVALID"
    default_message = "Yêu cầu không hợp lệ."
