"""``python -m training.valence_dev`` (issue 10 R16): bad options exit 2; the English extras' arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from training.valence_dev import english_extras, main


@pytest.mark.parametrize(
    "argv",
    [["--runs", "bogus"], ["--runs", ","], ["--shifts", "x"], ["--shifts", "9"], ["--shifts", "-1"]],
)
def test_bad_options_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_english_extras_count_english_rows_only() -> None:
    texts = ["bad", "good", "meh", "mauvais", "help me please"]
    y = np.array(["negative", "positive", "negative", "negative", "negative"])
    langs = ["en", "en", "en", "fr", "en"]
    p = np.array(
        [[0.8, 0.1, 0.1], [0.1, 0.1, 0.8], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.05, 0.05, 0.9]]
    )  # "meh" neutral; "help me please" positive but asks for help; the French row would be wrong
    out = english_extras(texts, y, langs, p)
    assert out["neg_vs_pos_strict"] == 0.5  # bad right, good right, meh neutral (miss), help wrong: 2 of 4
    assert out["neg_vs_pos_among_polar"] == round(2 / 3, 4)
    # candidates: bad (negative), meh (score 0 < 0.2), help (asks for help) → 3 of 3 English negatives
    assert out["complaint_recall"] == 1.0 and out["complaint_recall_se"] == 0.0
