from __future__ import annotations

import numpy as np

from nlp.themes.labelling import label_clusters, make_label, pick_quotes, stopwords
from tests.conftest import HashingEmbedder

TEXTS = [
    "My refund was never received",
    "Still no refund after a month",
    "The refund never arrived on my card",
    "Refund requested twice, nothing received",
    "Remboursement jamais reçu",
    "J'attends toujours mon remboursement",
    "Card declined at checkout",
    "My card was declined at the checkout",
    "Card declined again when paying",
    "Payment card declined at checkout online",
]
LANGS = ["en", "en", "en", "en", "fr", "fr", "en", "en", "en", "en"]
LABELS = np.array([0] * 6 + [1] * 4)


def _centroids(emb: np.ndarray) -> np.ndarray:
    c = np.vstack([emb[k == LABELS].mean(0) for k in (0, 1)])
    return c / np.linalg.norm(c, axis=1, keepdims=True)


def test_keyphrases_label_quotes_and_language_mix() -> None:
    emb = HashingEmbedder().encode(TEXTS)
    out = label_clusters(TEXTS, LANGS, LABELS, emb, _centroids(emb))
    assert [o.size for o in out] == [6, 4]
    assert "refund" in out[0].keyphrases[0] or "refund" in out[0].label
    assert any("declin" in k for k in out[1].keyphrases)
    assert out[0].languages == {"en": 0.667, "fr": 0.333}
    # quotes: members of the cluster only, 3..5, no duplicates
    assert 3 <= len(out[0].quotes) <= 5 and set(out[0].quotes) <= set(range(6))
    assert len(set(out[0].quotes)) == len(out[0].quotes)
    for o in out:
        assert not set(" ".join(o.keyphrases).split()) & {"the", "my", "le", "de", "was"}


def test_quotes_skip_near_duplicates() -> None:
    texts = ["card declined"] * 4 + ["card declined at checkout", "card refused when paying"]
    emb = HashingEmbedder().encode(texts)
    centroid = emb.mean(0) / np.linalg.norm(emb.mean(0))
    quotes = pick_quotes(np.arange(6), emb, centroid, texts)
    assert len({texts[q] for q in quotes}) == len(quotes)


def test_make_label_and_stopwords() -> None:
    assert make_label(["refund never", "card", "refund"]) == "refund never · card"
    assert make_label([]) == "(unlabelled)"
    assert {"the", "le", "les", "and", "et"} <= stopwords()
