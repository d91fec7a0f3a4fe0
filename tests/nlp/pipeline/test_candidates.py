"""The pain-point candidate rule: recall-oriented, one rule for the CLI (extract_units) and the service."""

from __future__ import annotations

import numpy as np

from nlp.pipeline.extract import PAIN_CANDIDATE_MAX_SCORE, _polarity_from_tags, candidate_polarity
from nlp.tagging.types import UnitTags


def _tags(sentiment: str, score: float) -> UnitTags:
    return UnitTags("usage", 0.9, sentiment, score, None, 0.0, False, None)  # type: ignore[arg-type]


def test_negative_units_are_candidates() -> None:
    assert candidate_polarity("negative", -0.9, "Colis jamais reçu.") == -1


def test_requests_for_help_are_candidates_whatever_their_tone() -> None:
    assert candidate_polarity("neutral", 0.1, "How do I activate my card?") == -1
    assert candidate_polarity("positive", 0.6, "Comment faire pour changer mon RIB ?") == -1


def test_threshold_keeps_uncertain_units() -> None:
    below = PAIN_CANDIDATE_MAX_SCORE - 0.01
    above = PAIN_CANDIDATE_MAX_SCORE + 0.01
    assert candidate_polarity("neutral", below, "La livraison était prévue mardi.") == -1
    assert candidate_polarity("neutral", above, "La livraison était prévue mardi.") != -1


def test_confident_praise_is_an_opportunity_and_facts_stay_out() -> None:
    assert candidate_polarity("positive", 0.9, "Great service, thank you") == 1
    assert (
        candidate_polarity("neutral", max(PAIN_CANDIDATE_MAX_SCORE, 0.0) + 0.05, "Delivered on Tuesday.") == 0
    )


def test_polarity_from_tags_is_the_same_rule() -> None:
    tags = [_tags("negative", -0.8), _tags("neutral", 0.5), _tags("positive", 0.9), _tags("neutral", 0.5)]
    texts = ["Bad", "Delivered on Tuesday.", "Great", "Why was I charged twice?"]
    expected = [
        candidate_polarity(t.sentiment, t.sentiment_score, x) for t, x in zip(tags, texts, strict=True)
    ]
    np.testing.assert_array_equal(_polarity_from_tags(tags, texts), np.array(expected, dtype=np.int8))
    assert list(_polarity_from_tags(tags, texts)) == [-1, 0, 1, -1]
