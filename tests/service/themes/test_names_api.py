"""Pain point names through the real app: stored per language, shown in the workspace's language, and a
person's label always wins (also across re-analyses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from nlp.themes.naming import name_themes
from service.analysis.backend import ClusterOut, UnitForClustering
from service.models import PainPoint
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import analyse, ingest, seed_items

# Parent themes of the test backend's topics: support irritants share one, every other topic is its own.
PARENT = {"Refund never received": "support", "Long wait and repeat calls": "support"}
PARENT_NAMES = {"support": {"en": "Customer support", "fr": "Service client"}}


class NamingBackend(TopicBackend):
    """TopicBackend's clusters, named by the real ``nlp.themes.naming`` from their members' text, and
    grouped under parent themes (``PARENT``)."""

    def cluster(self, units: Sequence[UnitForClustering]) -> list[ClusterOut]:
        out = super().cluster(units)
        named = name_themes(
            [[units[m].text for m in c.members] for c in out],
            [[units[m].language for m in c.members] for c in out],
            [[1.0] * len(c.members) for c in out],
        )
        parents = sorted({(c.kind, PARENT.get(c.label, c.label)) for c in out})
        number = {p: n for n, p in enumerate(parents)}
        return [
            replace(
                c,
                name=n.name,
                names=n.names,
                theme=number[(c.kind, PARENT.get(c.label, c.label))],
                theme_names=PARENT_NAMES.get(PARENT.get(c.label, ""), n.names),
            )
            for c, n in zip(out, named, strict=True)
        ]


def _items(client: TestClient, headers: dict[str, str]) -> list[dict]:
    r = client.get("/v1/pain-points", params={"limit": 200}, headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_names_languages_and_human_label(
    client: TestClient, auth_headers: dict[str, str], naming_backend: NamingBackend
) -> None:
    ingest(client, auth_headers)
    analyse(client, auth_headers)
    items = _items(client, auth_headers)
    assert items
    for p in items:
        assert p["name"] and "·" not in p["name"] and 2 <= len(p["name"].split()) <= 8
        mix = client.get(f"/v1/pain-points/{p['id']}", headers=auth_headers).json()["language_mix"]
        assert set(p["names"]) == {lang for lang, share in mix.items() if share > 0} - {"other"}
        assert p["name"] in p["names"].values()
    bilingual = next(p for p in items if {"fr", "en"} <= set(p["names"]))

    assert client.get("/v1/name-language", headers=auth_headers).json() == {"language": None}
    for lang in ("fr", "en"):
        r = client.put("/v1/name-language", json={"language": lang}, headers=auth_headers)
        assert r.status_code == 200 and r.json() == {"language": lang}
        now = {p["id"]: p for p in _items(client, auth_headers)}
        assert now[bilingual["id"]]["name"] == bilingual["names"][lang]
    bad = client.put("/v1/name-language", json={"language": "de"}, headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "language"

    target = items[0]
    r = client.patch(f"/v1/pain-points/{target['id']}", json={"label": "Mon nom à moi"}, headers=auth_headers)
    assert r.status_code == 200 and r.json()["name"] == "Mon nom à moi"
    analyse(client, auth_headers)
    after = {p["id"]: p for p in _items(client, auth_headers)}
    assert after[target["id"]]["name"] == "Mon nom à moi"


def test_names_never_keyed_by_other_or_a_missing_language(
    client: TestClient, auth_headers: dict[str, str], naming_backend: NamingBackend, session: Session
) -> None:
    """Items in a language that is neither French nor English join pain points without giving them an
    ``other`` name; a stored name in a language the pain point has no units in is not shown."""
    others = [
        {"external_id": f"de-{n}", "language": "other", "rating": 1, "text": text}
        for n, text in enumerate(
            ["Refund never received, ich warte immer noch.", "Where is my refund? Noch nichts bekommen."]
        )
    ]
    ingest(client, auth_headers, [*seed_items(), *others])
    analyse(client, auth_headers)
    items = _items(client, auth_headers)
    mixes = {p["id"]: client.get(f"/v1/pain-points/{p['id']}", headers=auth_headers).json()["language_mix"]
             for p in items}  # fmt: skip
    assert any(mix.get("other", 0) > 0 for mix in mixes.values())  # the case under test happened
    for p in items:
        assert set(p["names"]) <= {lang for lang, share in mixes[p["id"]].items() if share > 0} & {"fr", "en"}
    stored = session.exec(select(PainPoint).where(PainPoint.id == items[0]["id"])).one()
    missing = next((lang for lang in ("fr", "en") if not mixes[stored.id].get(lang)), "de")
    stored.names = {**(stored.names or {}), "other": "Autre chose", missing: "Not there"}
    session.add(stored)
    session.commit()
    shown = {p["id"]: p for p in _items(client, auth_headers)}[stored.id]["names"]
    assert "other" not in shown and missing not in shown
    themes = client.get("/v1/themes", headers=auth_headers).json()["items"]
    assert themes and all(set(t["names"]) <= {"fr", "en"} for t in themes)
