"""Response headers naming the data version a request's figures reflect (``read_freshness``).

A read may serve the last complete build of the stored sums while a newer one is built in the background;
the client sees it: ``X-Frictionmap-Data-Version`` (the version served), ``X-Frictionmap-Current-Version``
(the data's) and ``X-Frictionmap-Stale: true`` when they differ. Requests that read no sums carry none.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.analysis.read_freshness import SERVED, Served


class FreshnessHeadersMiddleware:
    """Gives each HTTP request a ``Served`` record (a context variable: sync routes run in a thread pool
    with a copy of the context, which holds the same object) and adds its versions to the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        served = Served()
        token = SERVED.set(served)

        async def send_with_versions(message: Message) -> None:
            if message["type"] == "http.response.start" and served.served is not None:
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-frictionmap-data-version", str(served.served).encode()),
                    (b"x-frictionmap-current-version", str(served.current).encode()),
                    (b"x-frictionmap-stale", b"true" if served.stale else b"false"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_versions)
        finally:
            SERVED.reset(token)
