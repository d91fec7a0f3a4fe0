"""The web app in a real browser: Playwright driving Debian's Chromium against uvicorn on 127.0.0.1.

One server per module, on an SQLite file in a temp dir, holding the journey seed analysed by the
deterministic ``TopicBackend``. Every test asserts that the page asked nothing of any other host and that
the console logged no error. ``FRICTIONMAP_SCREENSHOTS=1`` also saves a screenshot of each page under
``docs/screenshots/`` (how the README's pictures are made). Skipped when Chromium or Playwright is missing
(``.ci/run`` installs Chromium; never ``playwright install``).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium (apt-get install -y chromium)"),
]

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from service.db import forget_engine, get_engine, upgrade_to_head  # noqa: E402
from service.settings import Settings  # noqa: E402
from tests.helpers import paths  # noqa: E402
from tests.service.journey_map.test_journey_api import analyse, ingest  # noqa: E402
from tests.service.web.conftest import PASSWORD, USERS, make_users  # noqa: E402

SCREENSHOTS = paths.ROOT / "docs" / "screenshots"
SHOOT = os.environ.get("FRICTIONMAP_SCREENSHOTS", "") not in ("", "0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from service.analysis import backend_factory
    from service.main import create_app
    from service.queue import use_settings
    from service.workspaces.security import create_api_key, get_or_create_workspace
    from tests.helpers.journey_backend import TopicBackend

    tmp = tmp_path_factory.mktemp("web-browser")
    url = f"sqlite:///{tmp / 'frictionmap.db'}"
    settings = Settings(
        database_url=url, data_dir=tmp / "data", queue_immediate=True, worker_in_process=False, queue_url=""
    )
    upgrade_to_head(settings)
    backend = TopicBackend()
    backend_factory.set_backend_factory(lambda _s: backend)
    use_settings(settings)
    with Session(get_engine(settings)) as s:
        key = create_api_key(s, get_or_create_workspace(s, "acme"))
        s.commit()
    make_users(get_engine(settings))
    app = create_app(settings)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {key}"}
        ingest(client, headers)
        analyse(client, headers)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    backend_factory.set_backend_factory(None)
    use_settings(None)
    forget_engine(url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Watched:
    """A page that records requests to other hosts and console errors, checked when the test ends."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context.route(re.compile(r".*"), self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base + "/") or url == self.base:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def sign_in(self, role: str) -> None:
        self.goto("/login")
        self.page.fill('input[name="email"]', USERS[role])
        self.page.fill('input[name="password"]', PASSWORD)
        self.page.press('input[name="password"]', "Enter")  # the keyboard is enough
        self.page.wait_for_url(self.base + "/")

    def shoot(self, name: str) -> None:
        if SHOOT:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def check(self) -> None:
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def web(browser: Any, server: str) -> Iterator[Watched]:
    w = Watched(browser, server)
    yield w
    w.check()
    w.context.close()


def test_sign_in_and_out(web: Watched) -> None:
    web.goto("/pain-points?stage=delivery")
    assert web.page.url.startswith(web.base + "/login?next=")
    web.shoot("login")
    web.page.fill('input[name="email"]', USERS["viewer"])
    web.page.fill('input[name="password"]', "wrong password")
    web.page.click('button[type="submit"]')
    assert web.page.locator('[role="alert"]').inner_text() == "Wrong e-mail or password."
    web.page.fill('input[name="password"]', PASSWORD)
    web.page.click('button[type="submit"]')
    web.page.wait_for_url(web.base + "/pain-points?stage=delivery")
    assert web.page.locator("h1").inner_text().startswith("Pain points")
    web.page.click("text=Sign out")
    web.page.wait_for_url(web.base + "/login")
    web.goto("/")
    assert "/login" in web.page.url


def test_overview_and_the_three_clicks(web: Watched) -> None:
    web.sign_in("viewer")
    assert web.page.locator("svg.chart").count() == 3
    web.shoot("overview")
    # Keyboard: the first Tab reaches "Skip to content", Enter moves focus to the page's content.
    web.page.keyboard.press("Tab")
    assert web.page.evaluate("document.activeElement.className") == "skip"
    web.page.keyboard.press("Enter")
    assert web.page.evaluate("document.activeElement.id") == "main"
    # Ranked pain points -> a pain point's quotes and trend -> the journey map.
    web.page.click("text=Pain points →")
    web.page.locator("table.list a").first.click()
    assert web.page.locator("blockquote").count() > 0
    assert web.page.locator('svg[aria-label="Mentions per week"] polyline').count() == 1
    web.page.click('nav >> text="Journey map"')
    assert web.page.locator('[data-testid="emotion-curve"] svg polyline').count() >= 1


def test_viewer_cannot_edit(web: Watched) -> None:
    web.sign_in("viewer")
    web.goto("/pain-points")
    web.page.locator("table.list a").first.click()
    assert web.page.locator("form[action$='/edit']").count() == 0
    assert web.page.locator("form[action$='/merge']").count() == 0
    assert "editing needs the editor role" in web.page.content()
    assert web.page.locator("a[href='/settings']").count() == 0


def test_filters_and_search(web: Watched) -> None:
    web.sign_in("viewer")
    web.goto("/pain-points")
    all_rows = web.page.locator("table.list tbody tr").count()
    web.page.select_option('select[name="stage"]', "delivery")
    web.page.click("text=Apply")
    web.page.wait_for_url(re.compile(r".*stage=delivery.*"))
    stages = web.page.locator("table.list tbody tr td:nth-child(2)").all_inner_texts()
    assert stages and len(set(stages)) == 1 and stages[0].startswith("Delivery") and len(stages) < all_rows
    web.goto("/pain-points")
    web.page.fill('input[name="q"]', "refund")
    web.page.press('input[name="q"]', "Enter")
    web.page.wait_for_url(re.compile(r".*q=refund.*"))
    assert "Refund never received" in web.page.locator("table.list").inner_text()
    assert web.page.locator("ul.verbatims mark").count() > 0
    web.shoot("pain-points")
    # The filtered view is a link: opening it again gives the same list.
    url = web.page.url
    rows = web.page.locator("table.list tbody tr").all_inner_texts()
    web.page.goto(url)
    assert web.page.locator("table.list tbody tr").all_inner_texts() == rows


def test_journey_map_draws_its_curve_and_clicks_through(web: Watched) -> None:
    web.sign_in("viewer")
    web.goto("/journey-map")
    line = web.page.locator('[data-testid="emotion-curve"] svg polyline').first
    points = (line.get_attribute("points") or "").split()
    assert len(points) >= 2
    box = line.bounding_box()
    assert box and box["width"] > 100
    assert web.page.locator('[data-testid="emotion-curve"] svg circle').count() >= 3
    web.shoot("journey-map")
    with web.page.expect_download() as download:
        web.page.click("a.button:has-text('CSV')")
    assert download.value.suggested_filename == "journey-map.csv"
    first = web.page.locator(".stages ol.pps a").first
    label = first.inner_text()
    first.click()
    assert web.page.locator("h1").inner_text() == label


def test_other_pages_render(web: Watched) -> None:
    web.sign_in("admin")
    for path, name in (
        ("/compare?a_channel=web&b_channel=app", "compare"),
        ("/sources", "sources"),
        ("/jobs", "jobs"),
        ("/settings", "settings"),
        ("/?lang=fr", "overview-fr"),
    ):
        response = web.goto(path)
        assert response is not None and response.status == 200, path
        web.shoot(name)
    web.page.set_viewport_size({"width": 820, "height": 1180})  # a tablet
    web.goto("/pain-points?lang=en")
    assert web.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    web.shoot("pain-points-tablet")


def test_editor_renames_merges_and_splits(web: Watched) -> None:
    web.sign_in("editor")
    web.goto("/pain-points?kind=pain")
    web.page.locator("table.list a").first.click()
    detail = web.page.url
    web.page.fill('input[name="label"]', "Renamed in the browser")
    web.page.click("form[action$='/edit'] button")
    web.page.wait_for_url(detail)
    assert web.page.locator("h1").inner_text() == "Renamed in the browser"
    web.shoot("pain-point")
    items = int(web.page.locator(".meta .badge:has-text('Items')").inner_text().split(":")[1])
    options = web.page.locator("select[name='source_ids'] option")
    n_before = options.count()
    web.page.select_option("select[name='source_ids']", index=0)
    web.page.click("form[action$='/merge'] button")
    web.page.wait_for_url(detail)
    merged = int(web.page.locator(".meta .badge:has-text('Items')").inner_text().split(":")[1])
    assert merged > items
    assert web.page.locator("select[name='source_ids'] option").count() == n_before - 1
    web.page.click("form[action$='/split'] button")
    web.page.wait_for_url(detail)
    split = int(web.page.locator(".meta .badge:has-text('Items')").inner_text().split(":")[1])
    assert split < merged
    assert web.page.locator("select[name='source_ids'] option").count() == n_before
