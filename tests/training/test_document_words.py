"""training.document_words: the word head's mix is scored exactly as the shipped expert would apply it."""

from __future__ import annotations

import numpy as np

from nlp.tagging.doc_words import fit_word_char_head
from nlp.tagging.document_expert import DocumentExpert, blended_polarities
from tests.training.test_document_expert_search import _docs, _proba
from training.corpus import Unit
from training.document_expert import ExpertSearch
from training.document_words import evaluate_mix, source_weights
from training.emotion_gap import gated


def _u(text: str, sentiment: str) -> Unit:
    return Unit(text, "fr", None, sentiment, None, None, None)


def test_each_real_source_weighs_like_the_seed_corpus() -> None:
    parts = [[_u("a", "negative")] * 4, [_u("b", "positive")] * 2, [_u("c", "negative")] * 8]
    w = source_weights(parts)
    assert w.tolist() == [1.0] * 4 + [2.0] * 2 + [0.5] * 8
    assert w[4:6].sum() == w[:4].sum() == w[6:].sum()


def test_evaluate_mix_is_the_expert_with_its_word_head() -> None:
    rng = np.random.default_rng(4)
    dev = _docs(rng, 30, ["negative", "positive"] * 15)
    bank = _docs(rng, 10, ["neutral"] * 10)
    search = ExpertSearch(_proba, {"dev": dev}, bank, "m")  # type: ignore[arg-type]
    coef = np.zeros((3, 3), np.float32)
    coef[0, 0], coef[2, 0] = -5.0, 5.0
    classes = ("negative", "neutral", "positive")
    texts = ["pas terrible", "rien a redire", "nul", "tres bon"] * 3
    labels = ["negative", "positive", "negative", "positive"] * 3
    words = fit_word_char_head(texts, labels, np.ones(len(texts)), 4.0, min_df=1)
    expert = DocumentExpert(classes, coef, np.zeros(3, np.float32), "m", 0.75, 1, 0.0, None, 0.35, words)
    bare = DocumentExpert(classes, coef, np.zeros(3, np.float32), "m", 0.75, 1)
    sets = {"dev": dev, "banking77": bank}
    e_scores = {n: bare.score(d.means, d.texts) for n, d in sets.items()}
    w_scores = {n: words.score(d.texts) for n, d in sets.items()}
    got = evaluate_mix(search, e_scores, w_scores, 0.35, 0.75, 1)
    pol, score = search.unit["dev"]
    direct = blended_polarities(pol, score, dev.rows, 30, expert.score(dev.means, dev.texts), 0.75, 1)
    assert got["dev"] == round(search.evaluate(expert, 0.75, 1)["dev"], 4)
    assert (search.verdicts("dev", dev, expert, 0.75, 1) == direct).all()


def test_gated_emotion_follows_the_unit_polarity_as_the_tagger_does() -> None:
    classes = ("anger", "confusion", "delight", "trust", "worry")
    p_emo = np.array([[0.1, 0.1, 0.6, 0.1, 0.1], [0.1, 0.5, 0.1, 0.2, 0.1], [0.2, 0.2, 0.2, 0.2, 0.2]])
    p_sent = np.array([[0.6, 0.3, 0.1], [0.5, 0.2, 0.3], [0.1, 0.8, 0.1]])
    # negative unit: delight is out of reach, anger/worry tie → first (anger); confusion has no Plutchik twin
    assert gated(p_sent, p_emo, classes) == ["anger", "none", "none"]


def test_written_development_set_is_reported_apart_from_the_others() -> None:
    from training.document_words import WRITTEN_DEV

    rng = np.random.default_rng(5)
    dev = {
        "dev": _docs(rng, 20, ["negative", "positive"] * 10),
        WRITTEN_DEV: _docs(rng, 10, ["negative"] * 10),
    }
    bank = _docs(rng, 10, ["neutral"] * 10)
    search = ExpertSearch(_proba, dev, bank, "m")  # type: ignore[arg-type]
    bare = DocumentExpert(
        ("negative", "neutral", "positive"), np.zeros((3, 3), np.float32), np.zeros(3), "m", 0.5, 1
    )
    scores = {n: bare.score(d.means, d.texts) for n, d in {**dev, "banking77": bank}.items()}
    got = evaluate_mix(search, scores, None, 0.0, 0.5, 1)
    assert got["mean without written"] == got["dev"]
    assert got["mean"] == round((got["dev"] + got[WRITTEN_DEV]) / 2, 4)


def test_dev_written_refuses_the_written_documents_as_fit_data_too() -> None:
    import pytest

    from training.document_words import search

    with pytest.raises(SystemExit, match="choose one"):
        search("use-multilingual", False, ("unit",), (None,), dev_written=True)
