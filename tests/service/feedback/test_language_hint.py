"""``FeedbackIn.language``: a language hint is validated and stored instead of detected."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from service.feedback.schemas import FeedbackIn, language_hint
from service.imports.parsers import ImportedItem
from service.imports.runs import to_feedback

FR = "Colis arrivé avec 5 jours de retard, personne ne répond au téléphone."


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr-FR", "fr"),
        ("fr_CA", "fr"),
        ("fra", "fr"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "other"),
        ("es-ES", "other"),
        (" pt ", "other"),
        ("", None),
        (None, None),
        ("français", None),
        ("12", None),
    ],
)
def test_language_hint_reads_platform_tags(tag: str | None, expected: str | None) -> None:
    assert language_hint(tag) == expected


@pytest.mark.parametrize(
    ("given", "stored"), [("fr", "fr"), ("EN", "en"), ("en-US", "en"), ("other", "other")]
)
def test_feedback_in_accepts_the_three_languages_and_tags(given: str, stored: str) -> None:
    assert FeedbackIn(text=FR, language=given).language == stored


@pytest.mark.parametrize("bad", ["de", "francais", "", "xx-"])
def test_feedback_in_rejects_anything_else(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        FeedbackIn(text=FR, language=bad)
    assert info.value.errors()[0]["loc"] == ("language",)


def test_hint_is_stored_instead_of_detected(client: TestClient, auth_headers: dict[str, str]) -> None:
    hinted = client.post("/v1/feedback", json={"text": FR, "language": "en"}, headers=auth_headers)
    assert hinted.status_code == 201, hinted.text
    assert hinted.json()["language"] == "en"  # the sender's word wins over the detector
    stored = client.get(f"/v1/feedback/{hinted.json()['id']}", headers=auth_headers).json()
    assert stored["language"] == "en"
    detected = client.post("/v1/feedback", json={"text": FR + " Bis."}, headers=auth_headers)
    assert detected.json()["language"] == "fr"


def test_bad_hint_is_a_422_naming_field_and_rule(client: TestClient, auth_headers: dict[str, str]) -> None:
    r = client.post("/v1/feedback", json={"text": FR, "language": "german"}, headers=auth_headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "language"
    assert r.json()["errors"][0]["rule"] == "one_of"


def test_importers_pass_the_platform_language_as_the_hint() -> None:
    def payload(language: str | None) -> dict[str, object]:
        return to_feedback(ImportedItem(external_id="r1", text=FR, language=language), "trustpilot_csv", "tp")

    assert payload("fr-FR")["language"] == "fr"
    assert payload("de")["language"] == "other"
    assert "language" not in payload(None)
    assert "language" not in payload("n/a")  # not a tag: ingest detects
    assert payload("en")["metadata"] == {"platform_language": "en"}  # the raw tag is still kept
    assert FeedbackIn.model_validate(payload("en-GB")).language == "en"
