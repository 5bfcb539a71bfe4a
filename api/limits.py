"""The request body size limit, enforced while the body streams in (with or without Content-Length)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisor.config import setting_hint
from advisor.errors import InputError, LimitExceededError
from api.problems import error_response


def _too_large(maximum: int, size: int | None = None) -> LimitExceededError:
    said = f"the request body is {size} bytes, " if size is not None else "the request body is "
    return LimitExceededError(
        f"{said}more than the limit of {maximum} bytes; raise it with {setting_hint('max_body_bytes')}",
        limit="max_body_bytes",
        maximum=maximum,
    )


class BodyLimitMiddleware:
    """Answer 413 at once for a declared length over the limit; stop reading a stream as soon as it passes it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if isinstance(declared, InputError):
            await error_response(declared, scope["path"])(scope, receive, send)
            return
        if declared is not None and declared > self.max_bytes:
            await error_response(_too_large(self.max_bytes, declared), scope["path"])(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _too_large(self.max_bytes)
            return message

        await self.app(scope, limited, send)


def _content_length(scope: Scope) -> int | InputError | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return InputError("the Content-Length header is not a number")
            return length if length >= 0 else InputError("the Content-Length header is negative")
    return None
