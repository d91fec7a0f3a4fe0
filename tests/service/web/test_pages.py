"""The web app's pages on an analysed workspace (the journey seed through ``TopicBackend``): what a CX lead
reads, filters, searches and edits, checked against the API's own answers."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.models import PainPoint
from tests.service.web.conftest import csrf_of

PP_LINK = re.compile(r'<a href="/pain-points/([0-9a-f-]{36})">([^<]+)</a>')


def _listed(html: str) -> list[tuple[str, str]]:
    return PP_LINK.findall(html)


def _api_ranked(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    r = client.get("/v1/pain-points", params={"limit": 200, **params}, headers=headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_overview_ranks_like_the_api_and_draws_its_charts(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    api = [p for p in _api_ranked(client, auth_headers, kind="pain")]
    html = sign_in("viewer").get("/").text
    top = [label for _, label in _listed(html.split("<h2>Emerging")[0])]
    assert top == [p["name"] for p in api][: len(top)] and len(top) >= 4
    emerging = html.split("<h2>Emerging pain points</h2>")[1].split("</section>")[0]
    assert "App crashes" in emerging  # the seed's emerging irritant (see test_journey_api)
    assert html.count('<svg class="chart"') == 3
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html


def test_filters_live_in_the_url_and_match_the_api(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    c = sign_in("viewer")
    for params in ({"stage": "delivery"}, {"channel": "app"}, {"language": "fr", "sort": "volume"}):
        html = c.get("/pain-points", params=params).text
        api = _api_ranked(client, auth_headers, **params)
        assert [label for _, label in _listed(html)] == [p["name"] for p in api], params
    # A bad value is dropped and named, the rest of the view still renders.
    r = c.get("/pain-points", params={"language": "klingon", "stage": "delivery"})
    assert r.status_code == 200 and "language" in r.text
    assert [label for _, label in _listed(r.text)] == [
        p["name"] for p in _api_ranked(client, auth_headers, stage="delivery")
    ]


def test_search_across_verbatims_highlights_the_words(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient]
) -> None:
    c = sign_in("viewer")
    html = c.get("/pain-points", params={"q": "rembours"}).text
    labels = [label for _, label in _listed(html)]
    assert "Refund never received" in labels
    assert "App crashes" not in labels
    assert re.search(r"<mark>rembours</mark>", html, re.IGNORECASE)
    n = int(re.search(r"(\d+) verbatims contain", html).group(1))  # type: ignore[union-attr]
    assert n > 0
    assert "Refund never received" not in [
        label for _, label in _listed(c.get("/pain-points", params={"q": "zzz-nothing"}).text)
    ]
    # LIKE wildcards are taken literally (no seed text holds "%_%").
    assert "0 verbatims contain" in c.get("/pain-points", params={"q": "%_%"}).text


def test_detail_explains_the_score_and_shows_trend_quotes_feedback(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    card = next(p for p in _api_ranked(client, auth_headers) if p["name"] == "Card declined at checkout")
    api = client.get(f"/v1/pain-points/{card['id']}", headers=auth_headers).json()
    html = sign_in("viewer").get(f"/pain-points/{card['id']}").text
    assert f"{api['score']['priority']:.1f}" in html
    for word in ("Volume:", "Severity:", "Impact:", "Trend:", "Effort:", "Recency:"):
        assert word in html
    assert "points lower on rating" in html  # impact measured on ratings for this one
    assert 'aria-label="Mentions per week"' in html
    assert html.count("<blockquote>") == len(api["quotes"])
    assert "<mark>" in html
    assert f'Feedback that mentions it <small class="muted">{api["items"]}</small>' in html
    assert "Mark the pain point resolved" in html
    assert f"Trend: {api['score']['trend']['reason']}" in html  # the API's words, in English
    fr = sign_in("editor").get(f"/pain-points/{card['id']}?lang=fr").text  # editors see the form
    assert "Tendance : " in fr and api["score"]["trend"]["reason"] not in fr  # said in French
    impact = next(i for i in api["score"]["impacts"] if i["metric"] == "rating")
    assert f"notent {impact['difference']:.2f} points de moins (note)".replace(".", ",") in fr  # decimal mark
    assert ">Achat / commande / paiement</option>" in fr  # the stage choices in French too


def test_pages_show_the_generated_name_not_the_keyword_label(
    client: TestClient,
    analysed: object,
    sign_in: Callable[[str], TestClient],
    auth_headers: dict[str, str],
    engine: Engine,
) -> None:
    """The analysis names a pain point with a phrase its customers wrote and keeps keyword pairs as its
    ``label``; every page shows the name the API and the journey map give (the workspace's name language),
    and a person's rename wins over both."""
    target = _api_ranked(client, auth_headers, kind="pain")[0]
    with Session(engine) as db:
        pp = db.get(PainPoint, target["id"])
        assert pp is not None
        pp.label, pp.name, pp.names = (
            "refund · remboursement",
            "Refund never received",
            {
                "en": "Refund never received",
                "fr": "Remboursement jamais reçu",
            },
        )
        db.add(pp)
        db.commit()
    api = client.get(f"/v1/pain-points/{target['id']}", headers=auth_headers).json()
    c = sign_in("editor")
    for path in ("/", "/pain-points", f"/pain-points/{target['id']}"):
        html = c.get(path).text
        assert api["name"] in html, path
        assert "refund · remboursement" not in html, path
    assert (target["id"], api["name"]) in _listed(c.get("/pain-points").text)
    detail = c.get(f"/pain-points/{target['id']}").text
    assert f'<h1 id="pp-label">{api["name"]}</h1>' in detail
    assert f'name="label" value="{api["name"]}"' in detail  # renaming starts from what the lead reads
    token = csrf_of(detail)
    r = c.post(
        f"/pain-points/{target['id']}/edit",
        data={"label": "Refunds stuck", "stage": api["stage"], "status": "open", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert (target["id"], "Refunds stuck") in _listed(c.get("/pain-points").text)


def test_editor_renames_restages_merges_and_splits(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    c = sign_in("editor")
    ranked = _api_ranked(client, auth_headers, kind="pain")
    target, source = ranked[0], ranked[1]
    page = c.get(f"/pain-points/{target['id']}").text
    token = csrf_of(page)
    r = c.post(
        f"/pain-points/{target['id']}/edit",
        data={
            "label": "Renamed by the CX lead",
            "stage": "support",
            "status": "in_progress",
            "owner": "Camille",
            "due_date": "2026-12-31",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    api = client.get(f"/v1/pain-points/{target['id']}", headers=auth_headers).json()
    assert (api["label"], api["stage"], api["status"], api["owner"], api["due_date"]) == (
        "Renamed by the CX lead",
        "support",
        "in_progress",
        "Camille",
        "2026-12-31",
    )
    assert api["label_edited"] and api["stage_edited"]
    assert [label for _, label in _listed(c.get("/pain-points", params={"owner": "Camille"}).text)] == [
        "Renamed by the CX lead"
    ]
    # A rule the service refuses comes back on the page with the API's status.
    bad = c.post(
        f"/pain-points/{target['id']}/edit",
        data={"label": "x", "stage": "nowhere", "status": "open", "csrf_token": token},
    )
    assert bad.status_code == 422 and "stage" in bad.text
    # Merge the second into the first.
    r = c.post(
        f"/pain-points/{target['id']}/merge",
        data={"source_ids": source["id"], "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    merged = client.get(f"/v1/pain-points/{target['id']}", headers=auth_headers).json()
    assert merged["units"] == target["units"] + source["units"]
    assert client.get(f"/v1/pain-points/{source['id']}", headers=auth_headers).status_code == 409
    # The merged-away id now leads to its target.
    gone = c.get(f"/pain-points/{source['id']}", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == f"/pain-points/{target['id']}"
    # Split it back into two.
    r = c.post(
        f"/pain-points/{target['id']}/split", data={"parts": "2", "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    after = client.get(f"/v1/pain-points/{target['id']}", headers=auth_headers).json()
    assert after["units"] < merged["units"]
    assert len(_api_ranked(client, auth_headers, kind="pain")) == len(ranked)


def test_journey_map_page_and_exports_with_the_session_cookie(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    c = sign_in("viewer")
    html = c.get("/journey-map").text
    assert "<polyline" in html and 'data-testid="emotion-curve"' in html
    doc = client.get("/v1/journey-map", headers=auth_headers).json()
    for stage in doc["stages"]:
        for p in stage["pain_points"]:
            assert f'href="/pain-points/{p["id"]}"' in html
            # the number beside a pain point says what it is (a CX lead read it as a count)
            assert f"· priority {round(p['priority'])}</span>" in html, p
    moments = doc["moments_of_truth"]
    assert moments and all(m["explanation"] in html for m in moments)  # the export's English words
    fr = c.get("/journey-map?lang=fr").text
    assert not any(m["explanation"] in fr for m in moments)  # said in French on a French page
    assert any(w in fr for w in ("le sentiment moyen baisse de", "coûtent le plus en KPI"))
    for fmt in ("csv", "mermaid", "theydo", "html"):
        # The session now reads French: an export without ``lang`` follows it, as the API's ``lang=fr``.
        r = c.get("/journey-map/export", params={"format": fmt})
        api = client.get("/v1/journey-map", params={"format": fmt, "lang": "fr"}, headers=auth_headers)
        assert r.status_code == 200, fmt
        assert r.headers["content-type"] == api.headers["content-type"]
        if fmt == "csv":
            assert list(csv.reader(io.StringIO(r.text))) == list(csv.reader(io.StringIO(api.text)))
    anon = TestClient(client.app).get("/journey-map/export?format=csv", follow_redirects=False)
    assert anon.status_code == 303


def test_french_interface_from_query_then_session_or_browser(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient]
) -> None:
    c = sign_in("viewer")
    assert "Top pain points by priority" in c.get("/").text
    fr = c.get("/?lang=fr").text
    assert '<html lang="fr">' in fr and "Principaux irritants par priorité" in fr
    assert "Achat / commande / paiement" in fr  # the taxonomy's French stage labels, in charts too
    assert 'aria-label="Retours par semaine"' in fr and 'aria-label="Sentiment moyen par semaine"' in fr
    assert "+0.0" not in fr and "+0,0" in fr  # the sentiment axis's middle tick, with a decimal comma
    assert "Utilisation" in c.get("/journey-map").text
    assert "Irritants" in c.get("/pain-points").text  # kept in the session
    assert "Pain points" in c.get("/pain-points?lang=en").text
    fresh = TestClient(client.app)
    assert "Se connecter" in fresh.get("/login", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}).text
    assert "Sign in" in fresh.get("/login", headers={"accept-language": "de, en;q=0.5"}).text


def test_compare_jobs_sources_and_admin_settings(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    c = sign_in("admin")
    html = c.get("/compare", params={"a_channel": "web", "b_channel": "app"}).text
    left, right = html.split('<section class="card">')[1:3]
    assert "channel=web" in left and "channel=app" in right
    assert [label for _, label in _listed(left)][:3] == [
        p["name"] for p in _api_ranked(client, auth_headers, channel="web", kind="pain")
    ][:3]
    jobs = c.get("/jobs").text
    assert "analysis" in jobs and "100 %" in jobs
    assert c.get("/sources").status_code == 200
    settings = c.get("/settings").text
    token = csrf_of(settings)
    r = c.post(
        "/settings/weights",
        data={
            "volume": "1",
            "severity": "0",
            "impact": "0",
            "trend": "0",
            "effort": "0",
            "recency": "0",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    cfg = client.get("/v1/priority-config", headers=auth_headers).json()
    assert cfg["weights"]["volume"] == 1 and cfg["weights"]["trend"] == 0
    by_volume = [p["name"] for p in _api_ranked(client, auth_headers, sort="volume")]
    assert [p["name"] for p in _api_ranked(client, auth_headers)] == by_volume
    r = c.post(
        "/settings/users",
        data={"email": "new@example.org", "password": "long enough", "role": "editor", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "new@example.org" in c.get("/settings").text
    dup = c.post(
        "/settings/users",
        data={"email": "new@example.org", "password": "long enough", "role": "editor", "csrf_token": token},
    )
    assert dup.status_code == 422 and "already has an account" in dup.text


def test_language_choice_follows_the_user_to_a_new_session(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient]
) -> None:
    c = sign_in("viewer")
    c.get("/?lang=fr")
    c.cookies.clear()
    again = sign_in("viewer")
    assert "Principaux irritants par priorité" in again.get("/").text


def test_search_results_link_to_their_pain_points(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    refund = next(p for p in _api_ranked(client, auth_headers) if p["label"] == "Refund never received")
    html = sign_in("viewer").get("/pain-points", params={"q": "refund"}).text
    assert f'class="pp-ref" href="/pain-points/{refund["id"]}?q=refund">{refund["name"]}</a>' in html


def test_jobs_poll_while_running_and_sources_show_rejected_rows(
    client: TestClient, web_users: dict[str, str], sign_in: Callable[[str], TestClient], engine: Any
) -> None:
    from sqlmodel import Session, select

    from service.models import Job, SourceRun, Workspace

    with Session(engine) as s:
        ws = s.exec(select(Workspace).where(Workspace.name == "acme")).one()
        s.add(Job(workspace_id=ws.id, kind="analysis", state="running", progress=0.42))
        s.add(
            SourceRun(
                workspace_id=ws.id,
                type="generic_csv",
                location="upload.csv",
                mapping={},
                feedback_source="upload",
                state="done",
                read=3,
                created=2,
                rejected=1,
                rejected_rows=[{"row": 3, "reason": "text: must not be blank", "external_id": None}],
            )
        )
        s.commit()
    c = sign_in("viewer")
    jobs = c.get("/jobs").text
    assert 'hx-trigger="every 3s"' in jobs and "42 %" in jobs
    fragment = c.get("/jobs/table").text
    assert fragment.lstrip().startswith('<div id="jobs"') and "<html" not in fragment
    assert '<script src="/assets/vendor/htmx.min.js"' in jobs
    assert c.get("/assets/vendor/htmx.min.js").status_code == 200
    sources = c.get("/sources").text
    assert "row 3: text: must not be blank" in sources
    with Session(engine) as s:
        job = s.exec(select(Job)).one()
        job.state, job.progress = "done", 1.0
        s.add(job)
        s.commit()
    assert "hx-trigger" not in c.get("/jobs/table").text  # polling stops once nothing runs


def test_an_unknown_pain_point_is_a_404_page(
    client: TestClient, web_users: dict[str, str], sign_in: Callable[[str], TestClient]
) -> None:
    r = sign_in("viewer").get("/pain-points/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 404 and "<html" in r.text and "no pain point" in r.text


def test_journey_map_filters_apply_to_the_page_and_its_exports(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    c = sign_in("viewer")
    html = c.get("/journey-map", params={"channel": "app"}).text
    assert '<option value="app" selected>' in html
    assert "/journey-map/export?channel=app&amp;format=csv&amp;lang=en" in html
    mine = c.get("/journey-map/export", params={"channel": "app", "format": "csv"}).text
    api = client.get("/v1/journey-map", params={"channel": "app", "format": "csv"}, headers=auth_headers).text
    everything = client.get("/v1/journey-map", params={"format": "csv"}, headers=auth_headers).text
    assert list(csv.reader(io.StringIO(mine))) == list(csv.reader(io.StringIO(api)))
    assert mine != everything


def test_compare_lists_the_biggest_gaps_with_the_api_shares(
    client: TestClient, analysed: object, sign_in: Callable[[str], TestClient], auth_headers: dict[str, str]
) -> None:
    html = sign_in("viewer").get("/compare", params={"a_channel": "web", "b_channel": "app"}).text
    table = html.split('id="gaps"')[1].split("</table>")[0]
    rows = re.findall(
        r'href="/pain-points/([0-9a-f-]{36})">[^<]+</a></td><td class="num">([\d.]+) %</td>'
        r'<td class="num">([\d.]+) %</td><td class="num">([+-][\d.]+) pts',
        table,
    )
    assert rows
    web = {p["id"]: p["score"]["share"] for p in _api_ranked(client, auth_headers, channel="web")}
    app = {p["id"]: p["score"]["share"] for p in _api_ranked(client, auth_headers, channel="app")}
    gaps = []
    for pid, a, b, diff in rows:
        assert float(a) == pytest.approx(100 * web.get(pid, 0.0), abs=0.051)
        assert float(b) == pytest.approx(100 * app.get(pid, 0.0), abs=0.051)
        assert float(diff) == pytest.approx(float(b) - float(a), abs=0.11)
        gaps.append(abs(float(diff)))
    assert gaps == sorted(gaps, reverse=True)


def test_admin_edits_webhooks_and_taxonomy_with_the_api_rules(
    client: TestClient,
    analysed: object,
    sign_in: Callable[[str], TestClient],
    auth_headers: dict[str, str],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Settings edits go through the same domain functions as the API: same refusals, same stored result."""
    from service import netguard

    # A fake resolver (no DNS packet leaves the machine); the internal receiver is allow-listed, on loopback.
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["127.0.0.1"])
    monkeypatch.setattr(settings, "outbound_allow_hosts", ["hooks.example.test"])
    c = sign_in("admin")
    token = csrf_of(c.get("/settings").text)
    refused = c.post(
        "/settings/webhooks",
        data={"url": "http://10.1.2.3/hook", "events": ["pain_point.created"], "csrf_token": token},
    )
    assert refused.status_code == 422 and "public_address" in refused.text
    assert client.get("/v1/webhooks", headers=auth_headers).json() == []
    ok = c.post(
        "/settings/webhooks",
        data={
            "url": "http://hooks.example.test/frictionmap",
            "events": ["pain_point.emerging"],
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    (hook,) = client.get("/v1/webhooks", headers=auth_headers).json()
    assert hook["url"] == "http://hooks.example.test/frictionmap" and hook["events"] == [
        "pain_point.emerging"
    ]
    gone = c.post(
        f"/settings/webhooks/{hook['id']}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert gone.status_code == 303 and client.get("/v1/webhooks", headers=auth_headers).json() == []

    doc = client.get("/v1/taxonomy", headers=auth_headers).json()
    taxonomy = {k: v for k, v in doc.items() if k not in ("is_default",)}
    taxonomy["stages"] = taxonomy["stages"][:3]
    saved = c.post(
        "/settings/taxonomy",
        data={"taxonomy": json.dumps(taxonomy), "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    after = client.get("/v1/taxonomy", headers=auth_headers).json()
    assert [s["id"] for s in after["stages"]] == [s["id"] for s in taxonomy["stages"]]
    bad = c.post("/settings/taxonomy", data={"taxonomy": '{"stages": []}', "csrf_token": token})
    assert bad.status_code == 422
    assert [s["id"] for s in client.get("/v1/taxonomy", headers=auth_headers).json()["stages"]] == [
        s["id"] for s in taxonomy["stages"]
    ]  # unchanged by the refused document
    reset = c.post("/settings/taxonomy/reset", data={"csrf_token": token}, follow_redirects=False)
    assert reset.status_code == 303
    assert client.get("/v1/taxonomy", headers=auth_headers).json()["is_default"] is True
    viewer = sign_in("viewer")
    vtoken = csrf_of(viewer.get("/").text)
    denied = viewer.post("/settings/taxonomy/reset", data={"csrf_token": vtoken}, follow_redirects=False)
    assert denied.status_code == 403


def test_jobs_say_what_the_analysis_did_to_the_workspaces_sentiment(
    client: TestClient, web_users: dict[str, str], sign_in: Callable[[str], TestClient], engine: Any
) -> None:
    """Every sentiment figure depends on whether the analysis adapted the sentiment to the workspace's stars:
    the Jobs page says it, with the held-out figures, or why not, in the page's language."""
    from sqlmodel import select

    from service.models import Job, Workspace

    def report(adapted: bool, **kw: Any) -> dict[str, Any]:
        base = {"adapted": adapted, "rated_items": 91, "negative_items": 45, "positive_items": 46}
        return {"stage": "done", "sentiment_adaptation": {**base, **kw}}

    with Session(engine) as s:
        ws = s.exec(select(Workspace).where(Workspace.name == "acme")).one()
        results = [
            report(
                True, weight=0.75, cv_f1_generic=0.81, heldout_f1_generic=0.7434, heldout_f1_adapted=0.7612
            ),
            report(False, weight=0.0, cv_f1_generic=0.86, heldout_f1_generic=0.957, heldout_f1_adapted=0.803),
            report(False, weight=0.0, cv_f1_generic=None, negative_items=3, positive_items=40),
            {"stage": "done"},  # an analysis without a tagger: no report, no sentence
        ]
        for result in results:
            s.add(Job(workspace_id=ws.id, kind="analysis", state="done", progress=1.0, result=result))
        s.commit()
    c = sign_in("viewer")
    en = c.get("/jobs").text
    assert "Sentiment adapted to this workspace&#39;s 91 rated items (weight 0.75; " in en
    assert "0.743 → 0.761" in en
    assert "Sentiment not adapted: the 91 rated items showed no reliable gain" in en
    assert "Sentiment not adapted: 3 negative and 40 positive rated items, 20 of each are needed." in en
    assert en.count('class="muted adaptation"') == 3
    fr = c.get("/jobs", params={"lang": "fr"}).text
    assert "Sentiment adapté aux 91 avis notés de cet espace (poids 0,75 ; " in fr and "0,743 → 0,761" in fr
    assert "il en faut 20 de chaque" in fr
    assert "<td>analyse</td><td>terminée" in fr and "<td>analysis</td><td>done" in en  # kind and state too
