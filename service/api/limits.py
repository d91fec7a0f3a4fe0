"""Request body size limit, enforced while streaming so an oversized (or lying) upload is cut off early."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.errors import FieldError


class BodyTooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so routes that parse bodies themselves still answer 413."""

    def __init__(self, max_bytes: int) -> None:
        message = f"request body must be at most {max_bytes} bytes"
        super().__init__(413, f"body: {message} (max_body_bytes)")
        self.errors = [FieldError(field="body", rule="max_body_bytes", message=message)]


def _too_large_body(max_bytes: int) -> bytes:
    message = f"request body must be at most {max_bytes} bytes"
    return json.dumps(
        {
            "detail": f"body: {message} (max_body_bytes)",
            "errors": [{"field": "body", "rule": "max_body_bytes", "message": message}],
        }
    ).encode()


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        body = _too_large_body(self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await self._reject(send)
