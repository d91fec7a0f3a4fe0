"""The stage comparison's source weighting: each source sums to its requested total."""

from __future__ import annotations

import numpy as np
import pytest

from training.compare_stage import _balanced, _confusion, _source_weights, _weights


def test_each_source_sums_to_its_total() -> None:
    w = _weights([4, 10, 2], [4.0, 4.0, 1.0])
    assert len(w) == 16
    assert w[:4].sum() == pytest.approx(4.0)
    assert w[4:14].sum() == pytest.approx(4.0)
    assert w[14:].sum() == pytest.approx(1.0)
    assert np.allclose(w[14:], 0.5)


def test_an_empty_source_adds_no_rows() -> None:
    assert len(_weights([3, 0], [3.0, 5.0])) == 3


def test_class_balancing_power_spreads_a_source_total_over_its_classes() -> None:
    labels = ["usage"] * 6 + ["support"] * 2
    kept = _balanced(labels, 4.0, 0.0)  # power 0: the source's own mix, uniform rows
    assert np.allclose(kept, 0.5)
    even = _balanced(labels, 4.0, 1.0)  # power 1: each class gets the same total
    assert even.sum() == pytest.approx(4.0)
    assert even[:6].sum() == pytest.approx(2.0) and even[6:].sum() == pytest.approx(2.0)
    half = _balanced(labels, 4.0, 0.5)
    assert 2.0 < half[:6].sum() < 3.0  # between the two


def test_source_weights_balance_only_the_last_source() -> None:
    w = _source_weights([2, 4], [2.0, 2.0], ["a", "a", "a", "b"], 1.0)
    assert np.allclose(w[:2], 1.0)
    assert w[2:5].sum() == pytest.approx(1.0) and w[5] == pytest.approx(1.0)
    assert np.allclose(
        _source_weights([2, 4], [2.0, 2.0], ["a", "a", "a", "b"], 0.0), _weights([2, 4], [2.0, 2.0])
    )


def test_confusion_counts_each_truth_by_prediction() -> None:
    got = _confusion(["support", "support", "usage"], ["usage", "support", "usage"])
    assert got == {"support": {"usage": 1, "support": 1}, "usage": {"usage": 1}}


def test_french_blend_moves_french_rows_only() -> None:
    from training.stage_lang import blend, lang_blend

    rng = np.random.default_rng(0)
    pe, pt, prior = (rng.dirichlet(np.ones(3), size=4) for _ in range(3))
    langs = ["fr", "en", "fr", "en"]
    base = blend(pe, pt, prior, 0.7, 0.2)
    got = lang_blend(base, langs, pe, pt, prior, 0.5, 0.1)
    assert np.array_equal(got[[1, 3]], base[[1, 3]])
    assert np.allclose(got[[0, 2]], (0.9 * (0.5 * pe + 0.5 * pt) + 0.1 * prior)[[0, 2]])
    assert np.allclose(got.sum(axis=1), 1.0)


def test_french_fit_weight_keeps_the_total_and_scales_french_rows() -> None:
    from training.stage_lang import lang_fit_weights

    w = np.array([1.0, 1.0, 2.0, 4.0])
    got = lang_fit_weights(w, ["fr", "en", "fr", "en"], 4.0)
    assert got.sum() == pytest.approx(w.sum())
    assert got[0] / got[1] == pytest.approx(4.0) and got[2] / got[3] == pytest.approx(2.0)
    assert np.allclose(lang_fit_weights(w, ["en"] * 4, 4.0), w)


def test_per_language_scores_split_a_set_and_average_one_language() -> None:
    from training.stage_lang import lang_mean, per_language

    got = per_language(["a", "b", "a"], ["a", "a", "a"], ["fr", "en", "fr"])
    assert got == {"en": (["b"], ["a"]), "fr": (["a", "a"], ["a", "a"])}
    scores = {"seed held-out [fr]": 0.6, "irritants dev [fr]": 0.8, "irritants dev [en]": 0.1}
    assert lang_mean(scores) == pytest.approx(0.7)
