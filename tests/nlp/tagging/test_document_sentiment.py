"""The document sentiment rule (issue 10): mixed reviews follow their balance, factual text stays neutral."""

from __future__ import annotations

import numpy as np

from nlp.tagging.aggregate import DocumentRule, document_polarities, document_sentiment
from nlp.tagging.types import UnitTags


def _u(sentiment: str, score: float) -> UnitTags:
    return UnitTags("unknown", 0.0, sentiment, score, None, 0.0, False, None)  # type: ignore[arg-type]


def test_no_unit_or_no_polar_unit_is_neutral() -> None:
    assert document_sentiment([]) == "neutral"
    # the head called every clause neutral: a score of -0.3 (beyond the old ±0.2 band) does not overrule it
    assert document_sentiment([_u("neutral", -0.3), _u("neutral", -0.25)]) == "neutral"


def test_mixed_review_follows_its_balance_instead_of_falling_neutral() -> None:
    praise_then_criticism = [
        _u("positive", 0.7),
        _u("negative", -0.5),
        _u("positive", 0.6),
        _u("negative", -0.4),
    ]
    assert document_sentiment(praise_then_criticism) == "positive"  # mean 0.1: neutral under the old rule
    mostly_criticism = [_u("positive", 0.5), _u("negative", -0.6), _u("negative", -0.3)]
    assert document_sentiment(mostly_criticism) == "negative"


def test_factual_document_with_one_weak_polar_clause_stays_neutral() -> None:
    ticket = [_u("neutral", 0.09), _u("neutral", -0.24), _u("positive", 0.46)]  # "Merci de me confirmer…"
    assert document_sentiment(ticket) == "neutral"


def test_complaint_after_a_factual_preamble_is_negative() -> None:
    assert document_sentiment([_u("neutral", 0.05), _u("negative", -0.8)]) == "negative"


def test_rule_parameters_move_the_decision() -> None:
    doc = [_u("positive", 0.3), _u("negative", -0.32)]  # mean -0.01, just below the shipped center 0
    assert document_sentiment(doc) == "negative"
    assert document_sentiment(doc, DocumentRule(center=-0.05)) == "positive"
    assert document_sentiment(doc, DocumentRule(band=0.1)) == "neutral"


def test_document_polarities_over_many_documents_equal_one_document_at_a_time() -> None:
    """The vectorised rule (adaptation, benchmarks) and the per-document call (CLI) give the same verdicts;
    a document without units is neutral."""
    rng = np.random.default_rng(7)
    classes = ("negative", "neutral", "positive")
    docs = [
        [_u(classes[int(rng.integers(3))], float(rng.uniform(-1, 1))) for _ in range(int(rng.integers(1, 6)))]
        for _ in range(300)
    ]
    docs.insert(5, [])
    rows = [d for d, units in enumerate(docs) for _ in units]
    flat = [u for units in docs for u in units]
    pol = [{"negative": -1, "positive": 1}.get(u.sentiment, 0) for u in flat]
    verdicts = document_polarities(pol, [u.sentiment_score for u in flat], rows, len(docs))
    expected = [{"negative": -1, "neutral": 0, "positive": 1}[document_sentiment(units)] for units in docs]
    assert verdicts.tolist() == expected
    assert verdicts[5] == 0 and set(verdicts.tolist()) == {-1, 0, 1}
