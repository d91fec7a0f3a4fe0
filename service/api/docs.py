"""``/docs`` (Swagger UI) and ``/redoc`` served with no request to another host.

FastAPI's own pages load Swagger UI, ReDoc, a favicon and Google Fonts from CDNs, so on a self-hosted
machine without internet they are blank. The assets come from the ``fastapi-offline`` package (MIT; it
ships Swagger UI's ``swagger-ui-bundle.js`` / ``swagger-ui.css`` (Apache-2.0), ReDoc's
``redoc.standalone.js`` (MIT) and FastAPI's favicon (MIT), refreshed with each release), mounted here as
static files; the pages themselves are FastAPI's ``get_swagger_ui_html`` / ``get_redoc_html`` pointed at
them. We use the package's files, not its ``FastAPIOffline`` factory, so that ``create_app`` keeps building
the app itself. Swagger UI's validator badge (an image from validator.swagger.io) is switched off and ReDoc's
Google Fonts are not requested.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
#: Where the Swagger UI / ReDoc files are served from (kept apart from the web app's own static files).
ASSETS_URL = "/docs-assets"


def assets_dir() -> Path:
    """The directory of the packaged Swagger UI / ReDoc files."""
    return Path(str(files("fastapi_offline") / "static"))


def install_docs(app: FastAPI) -> None:
    """Mount the assets and add ``/docs`` and ``/redoc``; build the app with ``docs_url=redoc_url=None``."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} — Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None, **(app.swagger_ui_parameters or {})},
        )

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} — ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )


def request_examples(
    examples: dict[str, dict[str, Any]], media_type: str = "application/json"
) -> dict[str, Any]:
    """``openapi_extra=`` for a route: named request-body examples (``{"name": {"summary", "value"}}``).

    Declared on the decorator rather than with ``Body(openapi_examples=...)`` so that multipart forms and
    optional bodies get them too. By convention a name ends in ``_fr`` or ``_en`` (the language of its
    summary and text); ``tests/service/api/test_openapi_contract.py`` requires both on every body.
    """
    return {"requestBody": {"content": {media_type: {"examples": examples}}}}
