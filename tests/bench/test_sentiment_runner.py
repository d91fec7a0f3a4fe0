"""bench.sentiment_runner: the items' languages as a user's file gives them (no models loaded)."""

from __future__ import annotations

from bench.sentiment_data import Labelled
from bench.sentiment_runner import Runner

DOCS = [
    Labelled("Le colis est arrivé en retard et le carton était abîmé.", "en", "negative"),  # a wrong label
    Labelled("The parcel came late and the box was damaged.", "fr", "negative"),
]


def test_languages_are_detected_by_default_as_in_a_file_without_a_language_column() -> None:
    assert Runner("auto", None).languages(DOCS) == ["fr", "en"]


def test_given_languages_pass_the_sets_own_through() -> None:
    assert Runner("auto", None, detect=False).languages(DOCS) == ["en", "fr"]


def test_auto_resolves_on_the_languages_read() -> None:
    runner = Runner("auto", None)
    french = [Labelled("Le service client ne répond jamais à mes messages.", "en", "negative")] * 3
    assert runner.spec_for(runner.languages(french)) == "use-multilingual"
