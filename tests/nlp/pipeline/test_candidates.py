"""The pain-point candidate rule: recall-oriented, one rule for the CLI (extract_units) and the service."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.pipeline.extract import (
    PAIN_CANDIDATE_MAX_SCORE,
    _polarity_from_tags,
    candidate_max_score,
    candidate_polarity,
    pain_candidates,
)
from nlp.tagging.types import UnitTags


def _tags(sentiment: str, score: float) -> UnitTags:
    return UnitTags("usage", 0.9, sentiment, score, None, 0.0, False, None)  # type: ignore[arg-type]


def test_negative_units_are_candidates() -> None:
    assert candidate_polarity("negative", -0.9, "Colis jamais reçu.") == -1


def test_requests_for_help_are_candidates_whatever_their_tone() -> None:
    assert candidate_polarity("neutral", 0.1, "How do I activate my card?") == -1
    assert candidate_polarity("positive", 0.6, "Comment faire pour changer mon RIB ?") == -1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_threshold_keeps_uncertain_units_per_language(language: str) -> None:
    t = PAIN_CANDIDATE_MAX_SCORE[language]
    assert candidate_polarity("neutral", t - 0.01, "La livraison était prévue mardi.", language) == -1
    assert candidate_polarity("neutral", t + 0.01, "La livraison était prévue mardi.", language) != -1


def test_uncalibrated_languages_take_the_largest_threshold() -> None:
    """Recall first: a language without its own calibration keeps the most units of the calibrated ones."""
    assert set(PAIN_CANDIDATE_MAX_SCORE) == {"fr", "en"}
    largest = max(PAIN_CANDIDATE_MAX_SCORE.values())
    assert candidate_max_score("de") == candidate_max_score(None) == largest
    assert candidate_polarity("neutral", largest - 0.01, "Lieferung am Dienstag.", "de") == -1


def test_confident_praise_is_an_opportunity_and_facts_stay_out() -> None:
    assert candidate_polarity("positive", 0.9, "Great service, thank you", "en") == 1
    assert candidate_polarity("neutral", candidate_max_score("en") + 0.05, "Delivered on Tuesday.", "en") == 0


def test_polarity_from_tags_is_the_same_rule() -> None:
    tags = [_tags("negative", -0.8), _tags("neutral", 0.5), _tags("positive", 0.9), _tags("neutral", 0.5)]
    texts = ["Bad", "Delivered on Tuesday.", "Great", "Why was I charged twice?"]
    langs = ["en", "fr", "en", "en"]
    expected = [
        candidate_polarity(t.sentiment, t.sentiment_score, x, lang)
        for t, x, lang in zip(tags, texts, langs, strict=True)
    ]
    np.testing.assert_array_equal(_polarity_from_tags(tags, texts, langs), np.array(expected, dtype=np.int8))
    assert list(_polarity_from_tags(tags, texts, langs)) == [-1, 0, 1, -1]


def test_each_unit_is_judged_by_its_own_languages_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PAIN_CANDIDATE_MAX_SCORE, "fr", 0.3)
    monkeypatch.setitem(PAIN_CANDIDATE_MAX_SCORE, "en", 0.1)
    tags = [_tags("neutral", 0.2), _tags("neutral", 0.2)]
    texts = ["Commande reçue le 3 mars.", "Order received on March 3."]
    assert list(_polarity_from_tags(tags, texts, ["fr", "en"])) == [-1, 0]


def test_pain_candidates_read_probabilities_as_the_rule_reads_tags() -> None:
    texts = ["Colis jamais reçu.", "Super produit, merci !", "How do I activate my card?", "Livré mardi."]
    p = np.array(
        [
            [0.80, 0.15, 0.05],  # negative
            [0.02, 0.08, 0.90],  # clearly positive: left out
            [0.05, 0.25, 0.70],  # positive, but a request for help
            [0.30, 0.50, 0.20],  # neutral, score −0.10 below the threshold
        ]
    )
    langs = ["fr", "fr", "en", "fr"]
    expected = [
        candidate_polarity(s, float(q[2] - q[0]), t, lang) == -1
        for s, q, t, lang in zip(
            ("negative", "positive", "positive", "neutral"), p, texts, langs, strict=True
        )
    ]
    assert pain_candidates(p, texts, langs).tolist() == expected == [True, False, True, True]
    with pytest.raises(ValueError):
        pain_candidates(p, texts[:2], langs)
