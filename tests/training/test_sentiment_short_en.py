"""training.sentiment_short_en: message form, neutral shift, document scoring and guards (no models)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bench.sentiment_data import message_form
from nlp.tagging.artifacts import LinearHead, TextHead
from training.sentiment_short_en import DevDocs, allowed, blended, score_docs, shift_neutral

CLASSES = ("negative", "neutral", "positive")


def _heads() -> tuple[LinearHead, TextHead]:
    coef = np.zeros((3, 2), dtype=np.float32)
    head = LinearHead("sentiment", CLASSES, coef, np.zeros(3, dtype=np.float32), "m", False, 0.0)
    text = TextHead(
        "sentiment",
        CLASSES,
        ("abc",),
        np.ones(1, dtype=np.float32),
        np.zeros((3, 1), dtype=np.float32),
        np.zeros(3, dtype=np.float32),
    )
    return head, text


def test_message_form_is_stable_and_opens_with_a_handle() -> None:
    a, b = message_form("The flight was late."), message_form("The flight was late.")
    assert a == b and a.startswith("@") and "The flight was late." in a
    links = ["http://t.co/" in message_form(f"line {i}") for i in range(40)]
    assert 0 < sum(links) < 40  # a link on some lines, not all


def test_shift_neutral_moves_only_the_neutral_intercept_of_both_heads() -> None:
    head, text = _heads()
    h, t = shift_neutral(head, text, -0.3, 0.5)
    assert h.intercept.tolist() == [0.0, np.float32(-0.3), 0.0] and h.text_weight == 0.5
    assert t.intercept[1] == np.float32(-0.3) and t.intercept[0] == 0.0
    assert head.intercept[1] == 0.0  # the input is not modified


def test_blended_proba_mixes_the_text_head() -> None:
    head, text = _heads()
    h, t = shift_neutral(head, text, 1.0, 0.5)
    p = blended(h, t)(["abc"], np.zeros((1, 2), dtype=np.float32))
    assert p.shape == (1, 3) and abs(float(p.sum()) - 1.0) < 1e-6
    assert int(p.argmax()) == 1  # neutral favoured by the shift in both heads


def _docs() -> DevDocs:
    # four one-unit documents and one two-unit document
    return DevDocs(
        docs=["bad", "fine", "great", "meh", "bad. great"],
        labels=["negative", "neutral", "positive", "negative", "positive"],
        rows=np.array([0, 1, 2, 3, 4, 4]),
        texts=["bad", "fine", "great", "meh", "bad.", "great"],
        vectors=np.zeros((6, 2), dtype=np.float32),
    )


def test_score_docs_reads_document_verdicts() -> None:
    table = {
        "bad": [0.8, 0.1, 0.1],
        "fine": [0.1, 0.8, 0.1],
        "great": [0.05, 0.05, 0.9],
        "meh": [0.2, 0.7, 0.1],
        "bad.": [0.6, 0.3, 0.1],
    }

    def proba(texts: Sequence[str], x: np.ndarray) -> np.ndarray:
        return np.array([table[t] for t in texts])

    r = score_docs(_docs(), proba, None)
    # "meh" is a negative line called neutral; "bad. great" has mean score +0.075 → positive
    assert r["neg-vs-pos accuracy"] == 0.75
    assert r["neutral kept neutral"] == 1.0
    # both negative lines enter the pain-point candidates (score below the threshold)
    assert r["complaint recall"] == 1.0
    assert 0 < r["3-class macro-F1"] < 1


def test_guards_refuse_a_candidate_that_lowers_a_benchmark_row() -> None:
    def res(
        seed: float, kept: float, polar: float, recall: float, seed_recall: float = 0.99
    ) -> dict[str, dict[str, float]]:
        return {
            "seed held-out": {
                "3-class macro-F1": seed,
                "neutral kept neutral": kept,
                "complaint recall": seed_recall,
            },
            "xed-en dev": {"polar macro-F1": polar, "complaint recall": recall, "complaint recall SE": 0.008},
        }

    shipped = res(0.8, 0.8, 0.7, 0.92)
    assert allowed(res(0.8, 0.8, 0.71, 0.92), shipped)
    assert not allowed(res(0.79, 0.8, 0.75, 0.95), shipped)  # seed 3-class lower
    assert not allowed(res(0.8, 0.75, 0.75, 0.95), shipped)  # fewer neutral units kept
    assert not allowed(res(0.8, 0.8, 0.69, 0.95), shipped)  # XED polar lower
    assert not allowed(res(0.8, 0.8, 0.75, 0.905), shipped)  # recall − SE below 0.90
    assert not allowed(res(0.8, 0.8, 0.75, 0.95, seed_recall=0.98), shipped)  # seed complaint recall lower
