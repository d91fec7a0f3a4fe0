"""``/docs`` and ``/redoc`` work with no internet: every asset they reference is served by the app itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings

BASE = "http://testserver"


class _Refs(HTMLParser):
    """Collects every URL a browser would fetch from a page: script/img src, link href, ReDoc's spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for attr in ("src", "href", "spec-url", "data", "poster"):
            if values.get(attr):
                self.urls.append(str(values[attr]))
        self._in_script = tag == "script" and not values.get("src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts.append(data)


@pytest.fixture
def docs_client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=sqlite_url,
        data_dir=tmp_path,
        queue_immediate=True,
        worker_in_process=False,
        queue_url="",
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _same_origin(url: str) -> bool:
    return urlsplit(urljoin(BASE + "/docs", url)).netloc == urlsplit(BASE).netloc


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_page_references_only_the_app(docs_client: TestClient, page: str) -> None:
    r = docs_client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    refs = _Refs()
    refs.feed(r.text)
    # inline script (Swagger UI's config) may name URLs too: the spec, a validator
    for script in refs.inline_scripts:
        refs.urls += re.findall(r"""(?:url|validatorUrl)["']?\s*:\s*["']([^"']+)["']""", script)
    assert refs.urls, "no asset found: the page layout changed, update this test"
    foreign = [u for u in refs.urls if not _same_origin(u)]
    assert foreign == [], f"{page} loads from another host: {foreign}"
    assert "fonts.googleapis.com" not in r.text and "cdn.jsdelivr.net" not in r.text
    for url in refs.urls:
        asset = docs_client.get(url)
        assert asset.status_code == 200, f"{page}: {url} answers {asset.status_code}"
        assert asset.content, url
        if url.endswith(".css"):  # a stylesheet's own url(...) must be inline data or local too
            for inner in re.findall(r"url\(\s*[\"']?([^\"')]+)", asset.text):
                assert inner.startswith("data:") or _same_origin(urljoin(BASE + url, inner)), inner


def test_swagger_ui_validator_badge_is_off(docs_client: TestClient) -> None:
    """Swagger UI's default validator is an image from validator.swagger.io: a request to another host."""
    assert '"validatorUrl": null' in docs_client.get("/docs").text


def test_docs_assets_are_scripts_of_the_expected_tools(docs_client: TestClient) -> None:
    swagger = docs_client.get("/docs-assets/swagger-ui-bundle.js")
    redoc = docs_client.get("/docs-assets/redoc.standalone.js")
    assert "SwaggerUIBundle" in swagger.text[:2000]
    assert "Redoc" in redoc.text[:2000]
    assert docs_client.get("/docs-assets/nope.js").status_code == 404
