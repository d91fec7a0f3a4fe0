"""``GET /v1/journey-map?lang=``: each export in the reader's language, machine contracts unchanged, the
default rule (the web app's, without a signed-in user: ``Accept-Language``, else English) and the 422."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from nlp.journey_map.renderers import CSV_COLUMNS
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import analyse, ingest

NNBSP = "\u202f"
NBSP = "\u00a0"


def _get(client: TestClient, headers: dict[str, str], **params: str) -> tuple[str, dict[str, str]]:
    extra = {k: v for k, v in params.items() if k == "accept_language"}
    query = {k: v for k, v in params.items() if k != "accept_language"}
    h = {**headers, **({"Accept-Language": extra["accept_language"]} if extra else {})}
    r = client.get("/v1/journey-map", params=query, headers=h)
    assert r.status_code == 200, r.text
    return r.text, dict(r.headers)


def test_every_export_in_french_and_english(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)

    page, headers = _get(client, auth_headers, format="html", lang="fr")
    assert headers["content-language"] == "fr" and "accept-language" in headers["vary"].lower()
    assert '<html lang="fr">' in page and "acme — parcours client" in page
    assert "<h2>Utilisation</h2>" in page and "<h3>Irritants</h3>" in page and "Points de contact" in page
    assert "▲ émergent" in page and "<b>Moments de vérité</b>" in page and " retours (" in page
    assert f"{NNBSP}%)" in page  # shares as French writes them
    assert "Pain points" not in page and "feedback items" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "src=" not in page
    en_page, en_headers = _get(client, auth_headers, format="html", lang="en")
    assert en_headers["content-language"] == "en" and '<html lang="en">' in en_page
    assert "<h2>Usage</h2>" in en_page and "<h3>Pain points</h3>" in en_page and "▲ emerging" in en_page

    fr_doc = client.get("/v1/journey-map", params={"lang": "fr"}, headers=auth_headers).json()
    en_doc = client.get("/v1/journey-map", params={"lang": "en"}, headers=auth_headers).json()
    assert fr_doc.keys() == en_doc.keys() and fr_doc["title"] == "acme — parcours client"
    assert [s["id"] for s in fr_doc["stages"]] == [s["id"] for s in en_doc["stages"]]
    assert [s["stage"] for s in fr_doc["moments_of_truth"]] == [
        s["stage"] for s in en_doc["moments_of_truth"]
    ]
    labels = {s["id"]: s["label"] for s in fr_doc["stages"]}
    assert labels["purchase"] == "Achat / commande / paiement"
    french_moments = ("le sentiment moyen baisse de", "coûtent le plus en KPI")
    assert all(any(w in m["explanation"] for w in french_moments) for m in fr_doc["moments_of_truth"])
    drop = next(m for m in fr_doc["moments_of_truth"] if m["reason"] == "sentiment_drop")
    assert f"{drop['value']:.2f}".replace(".", ",") in drop["explanation"]  # with a decimal comma

    fr_csv = list(csv.reader(io.StringIO(_get(client, auth_headers, format="csv", lang="fr")[0])))
    en_csv = list(csv.reader(io.StringIO(_get(client, auth_headers, format="csv", lang="en")[0])))
    assert fr_csv[0] == en_csv[0] == CSV_COLUMNS  # integrators' column ids never move
    label_at = CSV_COLUMNS.index("stage_label")
    assert {r[label_at] for r in fr_csv[1:]} >= {"Utilisation", "Achat / commande / paiement"}
    assert [r[:label_at] + r[label_at + 1 :] for r in fr_csv] == [
        r[:label_at] + r[label_at + 1 :] for r in en_csv
    ]
    sheet = _get(client, auth_headers, format="csv", lang="fr", csv_style="labels")[0]
    assert sheet.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(sheet[1:]), delimiter=";"))
    head = rows[0]
    assert head[2] == "Étape" and "Priorité (0 à 100)" in head
    crash = next(r for r in rows if r[head.index("Nom")] == "App crashes")
    assert crash[head.index("Type")] == "irritant" and crash[head.index("Émergent")] == "oui"
    assert "," in crash[head.index("Part des retours")] and "." not in crash[head.index("Part des retours")]

    mermaid = _get(client, auth_headers, format="mermaid", lang="fr")[0].splitlines()
    assert "    title acme — parcours client" in mermaid and "    section Utilisation" in mermaid
    assert "      App crashes: 2: app" in mermaid
    assert "    section Usage" in _get(client, auth_headers, format="mermaid", lang="en")[0].splitlines()

    fr_td = client.get("/v1/journey-map", params={"format": "theydo", "lang": "fr"}, headers=auth_headers)
    en_td = client.get("/v1/journey-map", params={"format": "theydo", "lang": "en"}, headers=auth_headers)
    fr_ins, en_ins = fr_td.json()["insights"], en_td.json()["insights"]
    assert [(i["importKey"], i["type"]) for i in fr_ins] == [(i["importKey"], i["type"]) for i in en_ins]
    crash_fr = next(i for i in fr_ins if i["title"] == "App crashes")
    assert crash_fr["groupTags"] == ["Utilisation"] and "stage:Utilisation" in crash_fr["tags"]
    assert crash_fr["description"].startswith(f"Étape{NBSP}: Utilisation. Mentionné dans ")
    assert "(émergent)" in crash_fr["description"] and f"{NNBSP}%)." in crash_fr["description"]


def test_default_language_follows_the_web_rule_and_a_bad_lang_is_a_422(
    client: TestClient, auth_headers: dict[str, str], topic_backend: TopicBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)

    page, headers = _get(client, auth_headers, format="html")
    assert headers["content-language"] == "en" and '<html lang="en">' in page  # no preference: English
    page, headers = _get(client, auth_headers, format="html", accept_language="fr-CA,fr;q=0.9,en;q=0.5")
    assert headers["content-language"] == "fr" and '<html lang="fr">' in page
    page, _ = _get(client, auth_headers, format="html", accept_language="de, en;q=0.5")
    assert '<html lang="en">' in page
    page, headers = _get(client, auth_headers, format="html", lang="en", accept_language="fr")
    assert headers["content-language"] == "en" and '<html lang="en">' in page  # explicit lang wins

    for bad in ("de", "FR", "fr-FR", ""):
        r = client.get("/v1/journey-map", params={"format": "csv", "lang": bad}, headers=auth_headers)
        assert r.status_code == 422, (bad, r.text)
        err = r.json()["errors"][0]
        assert err["field"] == "lang" and "'en'" in err["message"] and "'fr'" in err["message"], err
    r = client.get("/v1/journey-map", params={"csv_style": "pretty"}, headers=auth_headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "csv_style"


def test_openapi_documents_lang_and_csv_style(client: TestClient) -> None:
    params = {
        p["name"]: p
        for p in client.get("/openapi.json").json()["paths"]["/v1/journey-map"]["get"]["parameters"]
    }
    lang = params["lang"]
    schema = lang["schema"]
    enums = schema.get("enum") or next(s.get("enum") for s in schema.get("anyOf", []) if s.get("enum"))
    assert sorted(enums) == ["en", "fr"] and "Accept-Language" in lang["description"]
    assert "csv_style" in params and "labels" in params["csv_style"]["description"]
