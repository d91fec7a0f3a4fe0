"""The journey map page's downloads speak the page's language: links carry ``lang``, and an export without it
follows the page's rule (session, then the user's setting, then the browser)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient

from nlp.journey_map.renderers import CSV_COLUMNS
from tests.service.web.conftest import log_in

NNBSP = "\u202f"


def _links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="(/journey-map/export\?[^"]+)"', html)]


def _fresh_sign_in(client: TestClient, role: str, accept_language: str = "") -> TestClient:
    fresh = TestClient(client.app)
    if accept_language:
        fresh.headers["Accept-Language"] = accept_language
    return log_in(fresh, role)


def test_french_page_links_download_french_exports(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient]
) -> None:
    c = sign_in("viewer")
    html = c.get("/journey-map?lang=fr").text
    links = _links(html)
    assert len(links) == 5 and all("lang=fr" in link for link in links), links
    assert "CSV pour tableur" in html and any("csv_style=labels" in link for link in links)
    assert "\u00a0: sentiment moyen par étape" in html  # the curve's accessible name, in French
    by_format = {}
    for link in links:
        query = dict(parse_qsl(urlsplit(link).query))
        by_format[query["format"] + ("+labels" if query.get("csv_style") == "labels" else "")] = link

    page = c.get(by_format["html"])
    assert page.status_code == 200 and page.headers["content-language"] == "fr"
    assert '<html lang="fr">' in page.text and "<h2>Utilisation</h2>" in page.text
    assert "Pain points" not in page.text
    mermaid = c.get(by_format["mermaid"]).text
    assert "    section Utilisation" in mermaid.splitlines()
    rows = list(csv.reader(io.StringIO(c.get(by_format["csv"]).text)))
    assert rows[0] == CSV_COLUMNS and "Utilisation" in {r[2] for r in rows}
    sheet = c.get(by_format["csv+labels"]).text
    assert sheet.startswith("\ufeff") and sheet[1:].split("\r\n")[0].split(";")[2] == "Étape"
    theydo = c.get(by_format["theydo"]).json()
    assert any(i["description"].startswith("Étape\u00a0: ") for i in theydo["insights"])

    english = c.get("/journey-map?lang=en").text
    assert all("lang=en" in link for link in _links(english))
    assert '<html lang="en">' in c.get("/journey-map/export", params={"format": "html", "lang": "en"}).text


def test_an_export_without_lang_follows_the_page_rule(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient]
) -> None:
    c = sign_in("viewer")
    assert '<html lang="en">' in c.get("/journey-map/export?format=html").text  # nothing chosen: English
    c.get("/journey-map?lang=fr")  # chosen on a page: kept in the session and in the user's setting
    assert '<html lang="fr">' in c.get("/journey-map/export?format=html").text
    other_device = _fresh_sign_in(client, "viewer")
    assert '<html lang="fr">' in other_device.get("/journey-map/export?format=html").text
    browser = _fresh_sign_in(client, "editor", accept_language="fr-FR,fr;q=0.9")
    assert '<html lang="fr">' in browser.get("/journey-map/export?format=html").text
    r = c.get("/journey-map/export", params={"format": "csv", "lang": "de"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "lang"
