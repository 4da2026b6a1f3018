"""The web app's own refusals, in the project's one error tree (pipeline.errors), each with a
stable code and the HTTP status the factory answers with.

    SohoaError
    └── WebError                   WEB-REFUSED
        ├── RequestTooLarge        WEB-REQUEST-TOO-LARGE (413: the whole request body over the cap)
        ├── TooManyFiles           WEB-TOO-MANY-FILES (413: more files in one upload than allowed)
        ├── UploadThrottled        WEB-UPLOAD-THROTTLED (429: too many files sent lately / waiting)
        ├── PasswordChangeRequired WEB-PASSWORD-CHANGE-REQUIRED (403: a reset password not yet changed)
        └── AccountRefused         WEB-ACCOUNT-INVALID (400: a bad account request)

JSON answers carry {"code", "detail"}; pages show the message.
"""
from __future__ import annotations

from pipeline.errors import SohoaError


class WebError(SohoaError):
    code = "WEB-REFUSED"
    status = 400
    default_message = "Yêu cầu không được chấp nhận."


class RequestTooLarge(WebError):
    code = "WEB-REQUEST-TOO-LARGE"
    status = 413
    default_message = "Yêu cầu quá lớn."


class TooManyFiles(WebError):
    code = "WEB-TOO-MANY-FILES"
    status = 413
    default_message = "Quá nhiều tệp trong một lần tải lên."


class UploadThrottled(WebError):
    code = "WEB-UPLOAD-THROTTLED"
    status = 429
    default_message = "Bạn đã tải lên quá nhiều tệp trong thời gian ngắn; hãy chờ ít phút rồi thử lại."


class PasswordChangeRequired(WebError):
    code = "WEB-PASSWORD-CHANGE-REQUIRED"
    status = 403
    default_message = "Mật khẩu đã được đặt lại: hãy đổi mật khẩu trước khi tiếp tục."


class AccountRefused(WebError):
    code = "WEB-ACCOUNT-INVALID"
    status = 400
    default_message = "Yêu cầu về tài khoản không hợp lệ."
