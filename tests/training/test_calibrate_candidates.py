"""The per-language candidate calibration (training/calibrate_candidates.py) on a synthetic dev set."""

from __future__ import annotations

import numpy as np

from training.calibrate_candidates import grid_for


def _space(n_neg: int, neg_scores: np.ndarray, lang: str) -> dict:  # type: ignore[type-arg]
    """``n_neg`` truly negative lines tagged neutral with the given scores, 50 positive lines at 0.9, and two
    Banking77 rows (one help request)."""
    scores = np.concatenate([neg_scores, np.full(50, 0.9), [0.5, 0.5]])
    n = n_neg + 50
    return {
        "spec": "test",
        "model_id": "test",
        "n": n,
        "lang": np.array([lang] * n + ["en", "en"]),
        "truth": np.array(["negative"] * n_neg + ["positive"] * 50),
        "scores": scores,
        "sentiments": ["neutral"] * (n + 2),
        "cue": np.array([False] * (n + 1) + [True]),
    }


def test_the_chosen_threshold_keeps_the_target_with_one_standard_error_of_margin() -> None:
    # 100 negative lines with scores -0.50, -0.49, ..., 0.49: recall at t is t + 0.5.
    res = grid_for(_space(100, (np.arange(100) - 50) / 100, "en"), "en", 0.90)
    chosen = res["chosen"]
    assert chosen["recall_minus_se"] >= 0.90
    # t = 0.40 keeps exactly 0.90 (enough without the margin; SE 0.03 makes it 0.87); t = 0.45 keeps 0.95.
    assert chosen["threshold"] == 0.45 and chosen["recall"] == 0.95
    assert chosen["banking77_train_kept"] == 0.5  # both queries score 0.5; only the help request is kept
    res = grid_for(_space(400, np.full(400, 0.12), "fr"), "fr", 0.90)
    assert res["chosen"]["threshold"] == 0.15  # every line kept from 0.15 on, SE 0
    assert "banking77_train_kept" not in res["chosen"]


def test_recall_is_per_language_and_precision_counts_selected_lines() -> None:
    space = _space(100, np.full(100, 0.0), "fr")
    space["lang"][:50] = "en"  # half the negative lines are English: they do not count for French
    res = grid_for(space, "fr", 0.90)
    assert res["n_negative"] == 50 and res["chosen"]["threshold"] == 0.05
    assert res["chosen"]["precision"] == 1.0
