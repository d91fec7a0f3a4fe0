"""The written fit documents stay out of every evaluation set, and their weighting is what the search says."""

from __future__ import annotations

import numpy as np

from training.corpus import Unit, load_docfit, load_seed
from training.document_expert_lang import fit_weights
from training.document_words import with_docfit


def _u(text: str, sentiment: str, source: str = "seed") -> Unit:
    return Unit(text, "en", None, sentiment, None, None, None, source=source)


def test_written_documents_are_polar_bilingual_and_never_seed_or_dev() -> None:
    docs = load_docfit()
    assert {u.lang for u in docs} == {"fr", "en"} and all(u.source == "docfit" for u in docs)
    for lang in ("fr", "en"):
        labels = [u.sentiment for u in docs if u.lang == lang]
        assert len(labels) >= 150 and {"negative", "positive", "neutral"} <= set(labels)
        assert labels.count("negative") >= 60 and labels.count("positive") >= 60
    texts = [" ".join(u.text.lower().split()) for u in docs]
    assert len(set(texts)) == len(texts)
    seed = {" ".join(u.text.lower().split()) for u in load_seed()}  # train and held-out alike
    assert not seed & set(texts)


def test_docfit_weighting_modes() -> None:
    parts = [[_u("a", "negative")] * 4, [_u("b", "positive")] * 8]
    docfit = [_u("c", "negative", "docfit")] * 2
    assert fit_weights(parts, docfit, "none").tolist() == [1.0] * 4 + [0.5] * 8
    assert fit_weights(parts, docfit, "unit").tolist() == [1.0] * 4 + [0.5] * 8 + [1.0] * 2
    w = fit_weights(parts, docfit, "source")
    assert w.tolist() == [1.0] * 4 + [0.5] * 8 + [2.0] * 2 and w[-2:].sum() == w[:4].sum()


def test_document_words_adds_the_written_documents_only_when_asked() -> None:
    parts = [[_u("a", "negative")] * 4, [_u("b", "positive")] * 8]
    same, w = with_docfit(parts, "none")
    assert same == parts and w.tolist() == [1.0] * 4 + [0.5] * 8
    n = len(load_docfit())
    more, w_unit = with_docfit(parts, "unit")
    assert len(more) == 3 and len(more[2]) == n and w_unit[-n:].tolist() == [1.0] * n
    _, w_source = with_docfit(parts, "source")
    np.testing.assert_allclose(w_source[-n:].sum(), 4.0)
