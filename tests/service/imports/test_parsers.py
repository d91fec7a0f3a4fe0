"""Each platform parser against a fixture that follows the platform's documented export columns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.imports.parsers import ImportedItem, ParsedRow, get_parser
from tests.helpers import paths

FIXTURES = paths.IMPORT_FIXTURES


def parse(source_type: str, name: str, mapping: dict | None = None) -> list[ParsedRow]:
    with (FIXTURES / name).open("rb") as fh:
        return list(get_parser(source_type, mapping).records(fh))


def items(records: list[ParsedRow]) -> list[ImportedItem]:
    return [item for record in records for item in record.items]


def errors(records: list[ParsedRow]) -> dict[int, str]:
    return {r.number: r.error.reason for r in records if r.error is not None}


def test_trustpilot_export_utf8_bom_multiline_and_title() -> None:
    records = parse("trustpilot_csv", "trustpilot_reviews.csv")
    got = items(records)
    assert [i.external_id for i in got] == [
        "64a1f0c2e4b0a1d2c3e4f501",
        "64a1f0c2e4b0a1d2c3e4f502",
        "64a1f0c2e4b0a1d2c3e4f503",
    ]
    first = got[0]
    assert first.text.startswith("Remboursement jamais reçu.\nJ'ai renvoyé le colis")
    assert "Toujours aucun remboursement" in first.text  # second physical line of a quoted field
    assert first.rating == 1.0 and first.language == "fr"
    assert first.created_at == datetime(2024, 3, 2, 9, 14, 55, tzinfo=UTC)
    assert first.metadata["Location Name"] == "Paris Opéra"
    assert got[2].text.startswith('Paiement refusé, "erreur 402".')
    assert errors(records) == {4: "rating '9' is outside the scale 1-5; set mapping.rating_scale"}


def test_google_business_profile_enum_ratings_and_original_text() -> None:
    records = parse("google_business_json", "google_business_reviews.json")
    got = {i.external_id: i for i in items(records)}
    assert set(got) == {"AbFvOqn1", "AbFvOqn2", "AbFvOqn4"}
    assert got["AbFvOqn1"].rating == 2.0
    assert got["AbFvOqn1"].created_at == datetime(2024, 2, 10, 15, 1, 23, 45123, tzinfo=UTC)
    assert got["AbFvOqn2"].text == "Personnel très aimable."  # Google's translation dropped
    assert got["AbFvOqn4"].rating == 1.0
    assert "empty text" in errors(records)[3]  # rating-only review: nothing to analyse
    assert all(i.metadata.get("reviewer") is None for i in got.values())  # no reviewer names imported


def test_app_store_connect_reviews_csv() -> None:
    got = items(parse("app_store_csv", "app_store_reviews.csv"))
    assert len(got) == 3
    assert got[0].text == (
        "Crashes on launch.\nSince the last update the app crashes every time I open it.\n"
        "Reinstalling did not help."
    )
    assert got[0].created_at == datetime(2024, 1, 15, 16, 10, 34, tzinfo=UTC)  # -08:00 converted
    assert got[1].metadata == {"territory": "FRA"}
    assert got[2].text.startswith("Login with Face ID")  # empty title ignored


def test_app_store_connect_api_json() -> None:
    got = items(parse("app_store_json", "app_store_reviews.json"))
    assert [i.external_id for i in got] == [
        "00000028-b08c-0014-729e-fbd500000010",
        "00000028-b08c-0014-729e-fbd500000011",
    ]
    assert got[0].text == "Paiement impossible.\nApple Pay échoue à chaque fois au paiement."
    assert got[0].rating == 2.0 and got[0].metadata == {"territory": "FRA"}
    assert got[1].created_at == datetime(2024, 1, 21, 17, tzinfo=UTC)


def test_google_play_report_utf16_with_ids_from_review_link() -> None:
    got = items(parse("google_play_csv", "google_play_reviews.csv"))
    assert [i.external_id for i in got[:2]] == ["gp:AOqpTOH1", "gp:AOqpTOH2"]
    assert got[2].external_id.startswith("sha256:")  # no link: content hash
    assert got[0].text == "Impossible de payer avec PayPal, l'écran reste blanc."
    assert got[0].created_at == datetime(2024, 4, 1, 7, 12, 45, tzinfo=UTC)  # from millis since epoch
    assert got[1].rating == 4.0 and got[1].language == "en"
    assert got[0].metadata["App Version Name"] == "4.1.2"


def test_avis_verifies_cp1252_semicolon_day_first() -> None:
    records = parse("avis_verifies_csv", "avis_verifies_export.csv")
    got = items(records)
    assert got[0].text == "Colis livré en retard de 5 jours ; aucune information du transporteur."
    assert got[0].created_at == datetime(2024, 2, 3, 14, 22, tzinfo=UTC)
    assert got[1].text.startswith("Très satisfaite")
    assert got[2].external_id == "order:CMD-100233"  # no review id: order reference
    assert got[2].text.endswith("répondre…\nDommage.")
    assert "not a valid calendar date" in errors(records)[4]
    assert "Prénom" not in got[0].metadata  # reviewer names are not copied


@pytest.mark.parametrize("name", ["zendesk_tickets.jsonl", "zendesk_tickets_api.json"])
def test_zendesk_ticket_text_is_subject_description_and_requester_comments(name: str) -> None:
    records = parse("zendesk_json", name)
    got = items(records)
    assert got[0].external_id == "zendesk:35436"
    assert got[0].text == (
        "Remboursement non reçu\n\nBonjour, j'attends mon remboursement depuis trois semaines.\n\n"
        "Toujours rien reçu, c'est inadmissible.\n\nRéponse trop lente."
    )
    assert "Nous regardons" not in got[0].text and "Note interne" not in got[0].text
    assert got[0].csat == 1.0 and got[0].channel == "email"
    assert got[1].csat is None  # satisfaction only offered
    if name.endswith(".jsonl"):
        assert "no subject" in errors(records)[3]


def test_survey_one_item_per_open_ended_answer_with_nps_and_csat() -> None:
    records = parse("survey_csv", "survey_export.csv")
    got = items(records)
    assert [i.external_id for i in got] == [
        "114235981:Why did you give this score?",
        "114235981:What could we improve?",
        "114235982:Why did you give this score?",
    ]
    assert got[0].nps == 3 and got[0].csat == 2.0 and got[0].rating is None
    assert got[2].nps == 10 and got[2].csat == 5.0
    # SurveyMonkey writes US dates with AM/PM: 11/03 is November 3rd for the whole file.
    assert got[0].created_at == datetime(2024, 11, 3, 10, 5, 40, tzinfo=UTC)
    assert "Age range" not in {i.metadata["question"] for i in got}
    assert errors(records) == {3: "NPS answer 'eleven' is not an integer from 0 to 10"}
    assert records[3].items == [] and records[3].error is None  # respondent without free text


def test_survey_explicit_open_ended_mapping() -> None:
    mapping = {"open_ended": ["What could we improve?"], "nps": "Age range"}
    records = parse("survey_csv", "survey_export.csv", {"open_ended": ["What could we improve?"]})
    assert [i.text for i in items(records)] == ["Send tracking updates by SMS"]  # row 3 rejected (NPS)
    # A mapped column that is not an NPS answer rejects rows with the column named in the reason.
    assert "NPS answer '25-34'" in errors(parse("survey_csv", "survey_export.csv", mapping))[1]


def test_generic_csv_latin1_semicolon_with_ten_point_scale() -> None:
    got = items(parse("generic_csv", "generic_latin1.csv", {"rating_scale": "1-10"}))
    assert [i.external_id for i in got] == ["G-1", "G-2", "G-3", "G-4"]
    assert got[0].text == "Le vendeur était très aimable, mais l'attente était trop longue"
    assert got[0].rating == pytest.approx(1 + 6 * 4 / 9, abs=1e-3)
    assert got[3].rating == 5.0
    assert got[2].text == "Produit cassé à l'arrivée.\r\nÉchange refusé."
    assert got[1].created_at == datetime(2024, 3, 15, tzinfo=UTC)


def test_generic_jsonl_with_dotted_mapping_and_epoch() -> None:
    mapping = {"external_id": "uuid", "text": "review.body", "rating": "review.stars", "created_at": "ts"}
    records = parse("generic_jsonl", "generic.jsonl", mapping)
    got = items(records)
    assert [i.external_id for i in got] == ["j-1", "j-2"]
    assert got[0].created_at == datetime.fromtimestamp(1710000000, tz=UTC)
    assert got[1].created_at == datetime(2024, 3, 10, 10, tzinfo=UTC)
    assert "empty text" in errors(records)[3]
