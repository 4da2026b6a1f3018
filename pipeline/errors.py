"""The one exception tree for processing failures (content problems are Findings, not errors).

    SohoaError                      code, retryable, message telling the user what to do
    ├── InputError                  the file itself is unusable; it goes to quarantine
    │   ├── EmptyFile               FILE-EMPTY
    │   ├── UnsupportedType         FILE-TYPE-UNSUPPORTED
    │   ├── CorruptFile             FILE-CORRUPT (truncated or damaged)
    │   ├── EncryptedFile           FILE-ENCRYPTED
    │   ├── FileTooLarge            FILE-TOO-LARGE (bytes)
    │   ├── TooManyPages            FILE-TOO-MANY-PAGES
    │   ├── ImageTooLarge           IMAGE-TOO-LARGE (pixels: decompression bombs)
    │   ├── HostileFile             FILE-HOSTILE (zip bombs, path tricks, active content)
    │   └── ReaderCrashed           FILE-CRASHED-READER (the process reading it died, twice)
    ├── DependencyMissing           DEPENDENCY-MISSING (e.g. tesseract or its Vietnamese data)
    └── ProcessingError             PROCESSING-FAILED
        ├── OcrTimeout              OCR-TIMEOUT (retryable)
        └── StorageError            STORAGE-FAILED (retryable)

Wrappers around third-party libraries translate their exceptions into these at the boundary
(`raise CorruptFile(...) from exc`). Only `flows/` and `app/` catch broadly.
"""
from __future__ import annotations


class SohoaError(Exception):
    code = "SOHOA-ERROR"
    retryable = False
    default_message = "Lỗi xử lý tệp."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self)


class InputError(SohoaError):
    code = "INPUT-INVALID"
    default_message = "Tệp không đọc được."


class EmptyFile(InputError):
    code = "FILE-EMPTY"
    default_message = "Tệp rỗng (0 byte hoặc không có trang nào). Hãy quét hoặc xuất lại văn bản."


class UnsupportedType(InputError):
    code = "FILE-TYPE-UNSUPPORTED"
    default_message = "Loại tệp không được hỗ trợ. Chỉ nhận PDF, DOCX, JPG, PNG, TIFF."


class CorruptFile(InputError):
    code = "FILE-CORRUPT"
    default_message = "Tệp bị hỏng hoặc không trọn vẹn (có thể tải lên bị gián đoạn). Hãy gửi lại tệp gốc."


class EncryptedFile(InputError):
    code = "FILE-ENCRYPTED"
    default_message = "Tệp được đặt mật khẩu. Hãy gỡ mật khẩu rồi gửi lại."


class FileTooLarge(InputError):
    code = "FILE-TOO-LARGE"
    default_message = "Tệp vượt quá dung lượng cho phép."


class TooManyPages(InputError):
    code = "FILE-TOO-MANY-PAGES"
    default_message = "Tệp có quá nhiều trang. Hãy tách văn bản thành các tệp riêng."


class ImageTooLarge(InputError):
    code = "IMAGE-TOO-LARGE"
    default_message = "Ảnh có số điểm ảnh vượt giới hạn (nghi ngờ tệp nén bất thường)."


class HostileFile(InputError):
    code = "FILE-HOSTILE"
    default_message = "Tệp có cấu trúc bất thường, có thể gây hại; đã được cách ly."


class ReaderCrashed(InputError):
    code = "FILE-CRASHED-READER"
    default_message = ("Tiến trình đọc tệp này đã dừng đột ngột nhiều lần (hết bộ nhớ hoặc lỗi thư viện); "
                       "tệp được cách ly để kiểm tra bằng tay.")


class DependencyMissing(SohoaError):
    code = "DEPENDENCY-MISSING"
    default_message = (
        "Thiếu phần mềm nhận dạng chữ: cài 'apt-get install tesseract-ocr tesseract-ocr-vie'."
    )


class ProcessingError(SohoaError):
    code = "PROCESSING-FAILED"
    default_message = "Xử lý tệp thất bại."


class OcrTimeout(ProcessingError):
    code = "OCR-TIMEOUT"
    retryable = True
    default_message = "Nhận dạng chữ quá thời gian cho phép; tệp sẽ được thử lại."


class StorageError(ProcessingError):
    code = "STORAGE-FAILED"
    retryable = True
    default_message = "Không ghi được tệp vào kho lưu trữ; sẽ thử lại."


def all_error_classes() -> list[type[SohoaError]]:
    """Every class of the tree, for the code catalogue and the tests."""
    found: list[type[SohoaError]] = []
    pending: list[type[SohoaError]] = [SohoaError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
