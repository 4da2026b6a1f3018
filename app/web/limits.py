"""Caps enforced before any work is done: the size of a request body (before the multipart parser
reads it), and each user's upload quota (files per time window, files waiting at once).

`BodyLimit` is plain ASGI middleware. A declared Content-Length over the cap is refused at once;
a body sent without one (chunked) is counted as it streams and cut off at the cap. Either way the
client gets 413 with the stable code WEB-REQUEST-TOO-LARGE and a Vietnamese message.
"""
from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from app.settings import WebLimits
from app.web.errors import RequestTooLarge, UploadThrottled

UPLOAD_PATH = "/api/uploads"
Scope = dict[str, Any]
Message = dict[str, Any]


def body_cap(limits: WebLimits, method: str, path: str) -> tuple[int, str]:
    """The cap on one request's body, and the message that explains it."""
    if method == "POST" and path == UPLOAD_PATH:
        mb = limits.max_request_bytes // (1 << 20)
        return limits.max_request_bytes, (f"Yêu cầu quá lớn: tổng dung lượng các tệp trong một lần tải lên tối đa "
                                          f"{mb} MB. Hãy chia thành nhiều lần tải.")
    kb = limits.max_form_bytes // 1024
    return limits.max_form_bytes, f"Nội dung gửi lên quá lớn (tối đa {kb} KB)."


class BodyLimit:
    def __init__(self, app: Callable[..., Awaitable[None]], limits: WebLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap, message = body_cap(self.limits, scope["method"], scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await _refuse(send, message)
            return
        state = {"seen": 0, "over": False, "started": False}

        async def counted() -> Message:
            msg = await receive()
            if msg["type"] == "http.request":
                state["seen"] += len(msg.get("body", b""))
                if state["seen"] > cap:
                    state["over"] = True
                    raise RequestTooLarge(message)
            return msg

        async def guarded(msg: Message) -> None:
            if state["over"]:
                return  # whatever the app answers to a cut-off body, the client gets the 413
            state["started"] = True
            await send(msg)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not state["over"] or state["started"]:
                raise
        if state["over"] and not state["started"]:
            await _refuse(send, message)


async def _refuse(send: Callable[[Message], Awaitable[None]], message: str) -> None:
    body = json.dumps({"code": RequestTooLarge.code, "detail": message}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": RequestTooLarge.status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def check_quota(limits: WebLimits, sent_lately: int, pending: int, files: int) -> None:
    """Refuse an upload of `files` files when the user's window or waiting queue would overflow."""
    if sent_lately + files > limits.uploads_per_window:
        minutes = max(1, limits.upload_window_s // 60)
        raise UploadThrottled(f"Mỗi người được tải lên tối đa {limits.uploads_per_window} tệp trong {minutes} phút; "
                              "hãy chờ ít phút rồi thử lại.")
    if pending + files > limits.max_pending:
        raise UploadThrottled(f"Bạn đang có {pending} tệp chờ xử lý (tối đa {limits.max_pending}); "
                              "hãy chờ các tệp này xử lý xong rồi tải tiếp.")
