"""One way to answer a page: the template, the words of the request's language, and the session cookie."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from service.analysis.read_freshness import SumsBuilding
from service.api.errors import building_response
from service.themes.naming import display_name, workspace_language
from service.web.auth import RoleRequired, WebSession, WebUser, read_session, write_session
from service.web.i18n import LANGUAGES, format_count, format_decimal, pick_language, translator
from service.web.insights import stage_labels

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
STATUS_VALUES = ("open", "in_progress", "resolved")


def request_language(request: Request, ws: WebSession, user: WebUser | None) -> str:
    """Pick the language; an explicit ``?lang=`` is remembered in the session."""
    query = request.query_params.get("lang")
    if query in LANGUAGES and query != ws.lang:
        ws.lang = query
        ws.changed = True
    return pick_language(
        query, ws.lang, user.user.language if user else None, request.headers.get("accept-language", "")
    )


def with_query(request: Request, **changes: Any) -> str:
    """The current URL's query with ``changes`` applied (None removes a key): for shareable filter links."""
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def page(
    request: Request, name: str, user: WebUser | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    ws = user.session if user else read_session(request)
    lang = request_language(request, ws, user)
    context.update(
        request=request,
        user=user,
        lang=lang,
        t=translator(lang),
        n=lambda value: format_count(value, lang),
        dec=lambda value, digits=1, sign=False: format_decimal(value, lang, digits, sign),
        csrf=ws.csrf,
        csrf_field=Markup(f'<input type="hidden" name="csrf_token" value="{ws.csrf}">'),
        path=request.url.path,
        with_query=lambda **kw: with_query(request, **kw),
        statuses=STATUS_VALUES,
    )
    if user is not None:
        context["stage_names"] = stage_labels(user.workspace, lang)
        # A pain point's name as the API and the journey map give it: a person's rename, else the generated
        # name in the workspace's name language; the keyword label only when it has no name.
        name_lang = workspace_language(user.workspace)
        context["pp_name"] = lambda pp: display_name(pp, name_lang)
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    write_session(request, response, ws)
    return response


def redirect(request: Request, url: str, ws: WebSession | None = None) -> RedirectResponse:
    """303 after a form POST (the browser then GETs ``url``), carrying a changed session."""
    response = RedirectResponse(url, status_code=303)
    write_session(request, response, ws or read_session(request))
    return response


def install_web_error_pages(app: FastAPI) -> None:
    """Web pages answer a too-low role with the app's error page (HTML, 403); the API keeps its JSON body."""

    @app.exception_handler(SumsBuilding)
    async def _sums_building(request: Request, exc: SumsBuilding) -> Response:
        """A page of a workspace whose figures are built for the first time: the error page (503) that
        reloads itself after ``Retry-After``; API paths keep their JSON answer."""
        if request.url.path.startswith("/v1/"):
            return building_response(exc)
        response = page(request, "error.html", None, 503, status=503, message=str(exc))
        response.headers["Retry-After"] = str(exc.retry_after_s)
        response.headers["Refresh"] = str(exc.retry_after_s)
        response.headers["X-Frictionmap-Building"] = "true"
        return response

    @app.exception_handler(RoleRequired)
    async def _role_required(request: Request, exc: RoleRequired) -> HTMLResponse:
        return page(request, "error.html", exc.user, 403, status=403, message=exc.detail)
