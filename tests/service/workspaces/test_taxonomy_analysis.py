"""A workspace's own taxonomy reaches the tagger: analysis jobs and the post-ingest path place units on its
stages, never on the default ones. Runs the real nlp/ backend (shipped USE embeddings and tagging heads,
about a second to load), because the point is the wiring from ``workspace.taxonomy`` to ``load_tagger``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from nlp.tagging.taxonomy import load_default_taxonomy
from nlp.tagging.types import UNKNOWN_STAGE
from service.models import OpinionUnit, PainPoint
from tests.service.journey_map.test_journey_api import analyse, ingest

INSURANCE_STAGES = {"quote", "claim", "renewal"}


def _stage(sid: str, en: str, fr: str, ex_en: list[str], ex_fr: list[str]) -> dict[str, Any]:
    return {
        "id": sid,
        "label": {"en": en, "fr": fr},
        "description": {
            "en": f"The insurance {en.lower()} step",
            "fr": f"L'étape {fr.lower()} de l'assurance",
        },
        "examples": {"en": ex_en, "fr": ex_fr},
    }


INSURANCE = {
    "id": "insurance",
    "name": {"en": "Insurance journey", "fr": "Parcours assurance"},
    "stages": [
        _stage(
            "quote",
            "Quote",
            "Devis",
            ["getting a price quote for car insurance", "the online quote form"],
            ["obtenir un devis d'assurance auto", "le formulaire de devis en ligne"],
        ),
        _stage(
            "claim",
            "Claim",
            "Sinistre",
            ["my claim for water damage is still pending", "the expert never came for the claim"],
            ["mon dossier de sinistre dégât des eaux est en attente", "l'expert n'est jamais venu"],
        ),
        _stage(
            "renewal",
            "Renewal",
            "Renouvellement",
            ["the premium went up at renewal", "my contract renewed without notice"],
            ["la cotisation a augmenté au renouvellement", "contrat renouvelé sans prévenir"],
        ),
    ],
    "touchpoints": [{"id": "phone", "label": {"en": "Phone", "fr": "Téléphone"}}],
}

ITEMS = [
    ("My water damage claim has been pending for three months and nobody calls back.", 1),
    ("Mon sinistre dégât des eaux n'est toujours pas indemnisé après deux mois.", 1),
    ("The premium went up by 40% at renewal without any warning.", 2),
    ("Ma cotisation a augmenté au renouvellement sans explication.", 1),
    ("The online quote form crashed three times before giving me a price.", 2),
    ("Impossible d'obtenir un devis en ligne, le formulaire plante.", 1),
]


def _items(prefix: str) -> list[dict[str, Any]]:
    return [{"external_id": f"{prefix}{i}", "text": t, "rating": r} for i, (t, r) in enumerate(ITEMS)]


def _unit_stages(engine: Engine) -> list[str | None]:
    with Session(engine) as s:
        return [u.stage for u in s.exec(select(OpinionUnit)).all()]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the queries are covered on both elsewhere
def test_replaced_taxonomy_drives_stage_tagging(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, real_backend: None
) -> None:
    default_ids = set(load_default_taxonomy().stage_ids)
    assert not default_ids & INSURANCE_STAGES  # the test needs distinct ids to tell them apart

    # Under the default taxonomy the same texts get default stages (so the tagger does place them).
    ingest(client, auth_headers, _items("a"))
    analyse(client, auth_headers)
    before = _unit_stages(engine)
    assert before and set(before) <= default_ids | {UNKNOWN_STAGE}
    assert set(before) & default_ids

    # Replacing the taxonomy re-tags stored units at the next analysis.
    assert client.put("/v1/taxonomy", json=INSURANCE, headers=auth_headers).status_code == 200
    analyse(client, auth_headers)
    after = _unit_stages(engine)
    assert after and set(after) <= INSURANCE_STAGES | {UNKNOWN_STAGE}, after
    assert "claim" in after and "renewal" in after, after

    # Items arriving afterwards (post-ingest incremental path) get the workspace's stages too.
    ingest(client, auth_headers, _items("b"))
    assert len(_unit_stages(engine)) > len(after)
    assert set(_unit_stages(engine)) <= INSURANCE_STAGES | {UNKNOWN_STAGE}
    analyse(client, auth_headers)
    with Session(engine) as s:
        stages = {p.stage for p in s.exec(select(PainPoint)).all()}
    assert stages and stages <= INSURANCE_STAGES | {UNKNOWN_STAGE, None}, stages
