"""A theme is named and quoted without its members of the opposite tone (nlp/pipeline/themes.py)."""

from __future__ import annotations

import numpy as np

from nlp.pipeline.themes import cluster_themes, group_themes, voiced
from nlp.tagging.aggregate import sentiment_signs


def test_voiced_drops_the_opposite_tone_and_keeps_neutral_members() -> None:
    local = np.arange(5)
    tone = np.array([1, 0, -1, 1, -1], dtype=np.int8)
    np.testing.assert_array_equal(voiced(local, tone, -1), [1, 2, 4])  # a pain point: praise out
    np.testing.assert_array_equal(voiced(local, tone, 1), [0, 1, 3])  # an opportunity: complaints out
    np.testing.assert_array_equal(voiced(local, None, -1), local)  # no tagger: every member
    only_praise = np.array([1, 1, 1, 0, 1], dtype=np.int8)
    np.testing.assert_array_equal(voiced(local, only_praise, -1), local)  # fewer than two left: every member


def test_sentiment_signs() -> None:
    np.testing.assert_array_equal(sentiment_signs(["negative", None, "neutral", "positive"]), [-1, 0, 0, 1])


def test_a_pain_point_is_not_named_or_quoted_after_the_praise_it_holds() -> None:
    """Recall-first candidates let praise into a pain point; its most frequent phrase must not name it."""
    rng = np.random.default_rng(0)
    center = rng.normal(size=16)
    vectors = center + 0.01 * rng.normal(size=(7, 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [
        "Marche parfaitement.",
        "Marche parfaitement, rien à dire.",
        "Marche parfaitement depuis un an.",
        "Marche parfaitement.",
        "L'appli plante au démarrage.",
        "L'appli plante au démarrage, encore.",
        "Depuis hier l'appli plante au démarrage.",
    ]
    tone = np.array([1, 1, 1, 1, -1, -1, -1], dtype=np.int8)
    polarity = np.full(7, -1, dtype=np.int8)  # all pain-point candidates
    [plain] = cluster_themes(texts, ["fr"] * 7, vectors.astype(np.float32), polarity)
    assert plain.name == "Marche parfaitement"  # without tones: the most frequent phrase
    [voiced_theme] = cluster_themes(texts, ["fr"] * 7, vectors.astype(np.float32), polarity, tone=tone)
    assert "plante" in voiced_theme.name.lower(), voiced_theme.name
    assert all(tone[q] == -1 for q in voiced_theme.quotes), [texts[q] for q in voiced_theme.quotes]
    assert voiced_theme.members == plain.members  # the theme itself is unchanged


def test_parent_themes_are_named_the_same_way() -> None:
    rng = np.random.default_rng(0)
    vectors = (rng.normal(size=16) + 0.01 * rng.normal(size=(7, 16))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = ["Marche parfaitement."] * 4 + ["L'appli plante au démarrage."] * 3
    tone = np.array([1, 1, 1, 1, -1, -1, -1], dtype=np.int8)
    polarity = np.full(7, -1, dtype=np.int8)
    clusters = cluster_themes(texts, ["fr"] * 7, vectors, polarity, tone=tone)
    [plain] = group_themes(clusters, texts, ["fr"] * 7, vectors)
    [parent] = group_themes(clusters, texts, ["fr"] * 7, vectors, tone=tone)
    assert "parfaitement" in plain.name.lower() or "marche" in plain.name.lower(), plain.name
    assert "marche" not in parent.name.lower() and "parfaitement" not in parent.name.lower(), parent.name
    assert parent.members == plain.members
