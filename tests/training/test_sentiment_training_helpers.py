"""Pieces of the sentiment comparison and the candidate calibration that can be checked without a model."""

from __future__ import annotations

import numpy as np

from training.calibrate_candidates import _selected
from training.compare_sentiment import _ordered, _weights
from training.corpus import Unit


def _u(i: int) -> Unit:
    return Unit(f"t{i}", "fr", None, "negative", None, None, None)


def test_each_real_source_weighs_like_the_seed_corpus() -> None:
    seed, big, small = [_u(i) for i in range(10)], [_u(i) for i in range(100)], [_u(i) for i in range(5)]
    w = _weights([seed, big, small], len(seed))
    assert w.shape == (115,)
    assert w[:10].sum() == 10 and np.isclose(w[10:110].sum(), 10) and np.isclose(w[110:].sum(), 10)


def test_ordered_puts_columns_in_negative_neutral_positive_order() -> None:
    p = np.array([[0.1, 0.2, 0.7]])  # classes as a model may sort them
    np.testing.assert_allclose(_ordered(p, ("positive", "negative", "neutral")), [[0.2, 0.7, 0.1]])


def test_candidate_rule_used_for_calibration() -> None:
    scores = np.array([-0.6, 0.1, 0.1, 0.6])
    sentiments = ["negative", "neutral", "neutral", "positive"]
    cue = np.array([False, False, True, False])
    assert _selected(scores, sentiments, cue, 0.0).tolist() == [True, False, True, False]
    assert _selected(scores, sentiments, cue, 0.2).tolist() == [True, True, True, False]
    assert _selected(scores, sentiments, cue, -np.inf).tolist() == [True, False, True, False]


def test_xed_emotion_mapping_for_training() -> None:
    from training.compare_emotion import xed_emotion

    assert xed_emotion("anger;disgust") == "anger"
    assert xed_emotion("fear") == "worry"
    assert xed_emotion("sadness") == "disappointment"
    assert xed_emotion("joy") == "delight"
    assert xed_emotion("joy;trust") is None  # two product emotions: ambiguous
    assert xed_emotion("surprise") is None and xed_emotion("neutral") is None


def test_emotion_scores_are_reported_per_language_and_selection_reads_the_served_one() -> None:
    from training.compare_emotion import scores, selection

    def e(text: str, lang: str, emotion: str) -> Unit:
        return Unit(text, lang, None, None, emotion, None, None)

    held = [e("a", "fr", "anger"), e("b", "fr", "trust")]
    dev = [e("c", "fr", "anger"), e("d", "fr", "worry"), e("f", "en", "anger"), e("g", "en", "worry")]
    classes = ("anger", "trust", "worry")
    # held-out right; French dev right; English dev: both predicted anger
    p = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0]], dtype=float)
    s = scores(p, classes, held, dev)
    assert s["seed held-out (8 emotions)"] == 1.0
    assert s["xed-fr dev (5 Plutchik)"] == 1.0
    assert s["xed-en dev (5 Plutchik)"] < 1.0
    assert selection(s, "fr") == 1.0 and selection(s, "en") < 1.0


def test_xed_weights_total_the_seed_size_and_can_weigh_languages_equally() -> None:
    from training.compare_emotion import xed_weights

    units = [Unit("f", "fr", None, None, "anger", None, None)] * 2 + [
        Unit("e", "en", None, None, "anger", None, None)
    ] * 6
    pooled = xed_weights(units, 10, "B pooled")
    equal = xed_weights(units, 10, "E pooled, languages equal")
    assert np.isclose(pooled.sum(), 10) and np.isclose(equal.sum(), 10)
    assert np.isclose(equal[:2].sum(), 5) and np.isclose(equal[2:].sum(), 5)
    assert xed_weights([], 10, "B pooled").size == 0


def test_a_run_that_skipped_the_expert_search_keeps_the_shipped_expert(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from training.document_expert import write_expert

    shipped = tmp_path / "docsentiment-v1.npz"
    shipped.write_bytes(b"shipped")
    write_expert(tmp_path, {"expert": None}, {"document_expert": None})
    assert shipped.read_bytes() == b"shipped"
    # A search that ran and found the rule alone better still removes the stale expert.
    write_expert(tmp_path, {"expert": None}, {"document_expert": {"best": "rule alone"}})
    assert not shipped.exists()


def test_a_source_share_scales_its_total_weight() -> None:
    seed, a, b = [_u(i) for i in range(10)], [_u(i) for i in range(40)], [_u(i) for i in range(20)]
    w = _weights([seed, a, b], len(seed), [1.0, 0.25])
    assert np.isclose(w[10:50].sum(), 10) and np.isclose(w[50:].sum(), 2.5)


def test_share_option_refuses_what_is_not_a_share() -> None:
    import pytest

    from training.compare_sentiment import main

    bad_shares = ("reviews-fr", "reviews-fr=x", "reviews-fr=0", "reviews-fr=-1", "tweets-en=1", "foo-de=1")
    for bad in bad_shares:
        with pytest.raises(SystemExit) as stop:
            main(["--share", bad])
        assert stop.value.code == 2


def test_unknown_sources_exit_2_before_any_model_loads() -> None:
    import pytest

    from training.compare_sentiment import main
    from training.sentiment_real import load_real

    for bad in (["--sources", "allocine,imdb"], ["--dev-only", "products-es"], ["--sources", "messages"]):
        with pytest.raises(SystemExit) as stop:
            main(bad)
        assert stop.value.code == 2
    with pytest.raises(ValueError, match="unknown sentiment sources"):
        load_real(sources=("reviews-de",))


def test_allocine_clauses_keep_the_source_weight_and_refuse_bad_combinations() -> None:
    import pytest

    from training.compare_sentiment import main
    from training.sentiment_real import clause_units, labelled_unit

    seed = [_u(i) for i in range(10)]
    reviews = [
        labelled_unit(f"Le film {i} est magnifique. Mais la fin est beaucoup trop longue.", "fr", "positive")
        for i in range(4)
    ]
    clauses = clause_units(reviews)
    assert len(clauses) > len(reviews)
    for part in (reviews, clauses):
        w = _weights([seed, part], len(seed))
        assert np.isclose(w[10:].sum(), 10)
    for bad in (["--allocine-clauses"], ["--allocine-clauses", "--no-doc-expert", "--sources", "xed-fr"]):
        with pytest.raises(SystemExit) as stop:
            main(bad)
        assert stop.value.code == 2
