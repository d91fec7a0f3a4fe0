"""The FastAPI application factory.

``create_app(settings)`` wires settings, the database engine, error handlers, the body-size limit,
the routers listed in
``_routers`` (one per domain, under ``/v1`` unless the module says otherwise), and — in its lifespan — the
"schema at head?" check and the in-process queue consumer. Tests build one app per configuration; uvicorn uses
``service.main:app`` (built lazily from the environment).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from service import __version__
from service.api.docs import install_docs
from service.api.errors import ErrorResponse, document_errors, install_error_handlers
from service.api.freshness import FreshnessHeadersMiddleware
from service.api.input_guard import reject_unstorable_input
from service.api.limits import BodySizeLimitMiddleware
from service.db import DatabaseNotMigratedError, get_engine, migration_status
from service.feedback.schemas import BatchResult, FeedbackBatchIn, FeedbackIn, ItemResult
from service.settings import Settings, get_settings

logger = logging.getLogger(__name__)

DESCRIPTION = """
**Frictionmap** turns what customers write — reviews, support tickets, open-ended survey answers,
in French and
English — into a short, prioritized list of **pain points**, each placed on a stage of the customer journey.

**Frictionmap** transforme ce que les clients écrivent — avis, tickets, verbatims d'enquête, en français et en
anglais — en une liste courte et priorisée d'**irritants**, chacun placé sur une étape du parcours client.

### Authentication / Authentification
Every `/v1` route needs an API key of your workspace, sent as `Authorization: Bearer <key>` or
`X-API-Key: <key>`. Create one with `frictionmap create-key --workspace <name>`. A key only ever sees its own
workspace's data.

### Errors / Erreurs
Every 4xx answers `{"detail": "...", "errors": [{"field": "...", "rule": "...", "message": "..."}]}`:
`field` names the offending field (e.g. `items.2.rating`), `rule` the rule it breaks (e.g. `le`, `not_blank`).

### Personal data / Données personnelles
Names, postal addresses, e-mails, phone numbers, IBANs, card numbers, French social security numbers and
secrets are replaced by placeholders (`<NAME>`, `<ADDRESS>`, `<EMAIL>`, `<PHONE>`, `<IBAN>`, `<CARD>`,
`<NIR>`, `<SECRET>`, `<URL_SECRET>`) before anything is stored or analysed; order and ticket numbers are
kept. Customer references are stored only as keyed hashes. `POST /v1/erasures` erases a customer's feedback
(or one item by source and external id) and all that was derived from it, and keeps a keyed-hash tombstone
so it is never stored again; `DELETE /v1/feedback/{id}` does the same for one stored item.
"""

_EXTRA_SCHEMAS: tuple[type[BaseModel], ...] = (
    FeedbackIn,
    FeedbackBatchIn,
    ItemResult,
    BatchResult,
    ErrorResponse,
)


def _routers() -> list[tuple[str, APIRouter, list[dict[str, Any]]]]:
    """(prefix, router, OpenAPI tags) of every route module, in the order they are mounted.

    Listed by hand so that readers and static tools can follow the wiring; a module sets ``MOUNT_PREFIX``
    when it does not live under ``/v1`` (the health probes) and ``TAGS`` to document its OpenAPI tags.
    """
    from service.analysis import routes as analysis_routes
    from service.api import health
    from service.erasures import routes as erasure_routes
    from service.feedback import routes as feedback_routes
    from service.imports import routes as import_routes
    from service.imports import source_routes
    from service.journey_map import routes as journey_map_routes
    from service.pain_points import routes as pain_point_routes
    from service.themes import routes as theme_routes
    from service.web import routes as web_routes
    from service.webhooks import routes as webhook_routes
    from service.workspaces import routes as workspace_routes

    modules = (
        analysis_routes,
        erasure_routes,
        feedback_routes,
        health,
        import_routes,
        journey_map_routes,
        pain_point_routes,
        source_routes,
        theme_routes,
        workspace_routes,
        webhook_routes,
        web_routes,
    )
    return [(getattr(m, "MOUNT_PREFIX", "/v1"), m.router, list(getattr(m, "TAGS", []))) for m in modules]


def _custom_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        contact=app.contact,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in _EXTRA_SCHEMAS:
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in model_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault(model.__name__, model_schema)
    # FastAPI documents 422 with its own HTTPValidationError; ours answer ErrorResponse (see api/errors.py).
    _replace_refs(
        schema["paths"], "#/components/schemas/HTTPValidationError", "#/components/schemas/ErrorResponse"
    )
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    document_errors(schema["paths"])
    app.openapi_schema = schema
    return schema


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value == old:
                node[key] = new
            else:
                _replace_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, old, new)


def _warm_up() -> None:
    try:
        from nlp.text.language import detect_language

        detect_language("warm up")
    except Exception:  # never fatal: the first request will load it instead
        logger.exception("language detector warm-up failed")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = get_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.require_migrated:
            status = migration_status(engine)
            if not status.at_head:
                raise DatabaseNotMigratedError(status.message())
        # Load the language detector off the request path (first build takes a second or two).
        threading.Thread(target=_warm_up, name="frictionmap-warm-up", daemon=True).start()
        consumer = None
        if settings.worker_in_process:
            from service.queue import start_in_process_consumer

            consumer = start_in_process_consumer(settings)
        try:
            yield
        finally:
            if consumer is not None:
                from service.queue import stop_consumer

                stop_consumer(consumer)

    routers = _routers()
    tags: list[dict[str, Any]] = []
    for _, _, module_tags in routers:
        tags.extend(t for t in module_tags if t["name"] not in {x["name"] for x in tags})

    app = FastAPI(
        title="Frictionmap API",
        version=__version__,
        summary="Customer feedback in, prioritized pain points on the customer journey out.",
        description=DESCRIPTION,
        openapi_tags=tags,
        contact={"name": "Frictionmap"},
        lifespan=lifespan,
        dependencies=[Depends(reject_unstorable_input)],  # a NUL or lone surrogate: a 422, not a 500
        docs_url=None,  # served by install_docs from packaged assets: no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    install_error_handlers(app)
    install_docs(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(FreshnessHeadersMiddleware)
    for prefix, router, _ in routers:
        app.include_router(router, prefix=prefix)
    from service.web.render import install_web_error_pages
    from service.web.routes import STATIC_DIR, STATIC_PATH

    install_web_error_pages(app)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="web-assets")
    app.openapi = lambda: _custom_openapi(app)  # type: ignore[method-assign]

    from service.queue import huey

    huey.immediate = settings.queue_immediate
    return app


_lazy_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    """``service.main:app`` for ``uvicorn service.main:app``, built on first access from the environment
    (importing this module must not connect to a database)."""
    global _lazy_app
    if name == "app":
        if _lazy_app is None:
            _lazy_app = create_app()
        return _lazy_app
    raise AttributeError(name)
