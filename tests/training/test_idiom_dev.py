"""``python -m training.idiom_dev`` (issue 10 R8): bad options exit 2; the matched-unit count it reports."""

from __future__ import annotations

import numpy as np
import pytest

from training.idiom_dev import main, matched


@pytest.mark.parametrize(
    "argv",
    [
        ["--shifts", "x"],
        ["--shifts", "-1"],
        ["--shifts", "9"],
        ["--shifts", ","],
        ["--sources", "nope"],
        ["--sources", ","],
    ],
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_matched_counts_idiom_units_and_the_polar_ones_read_on_the_right_side() -> None:
    texts = ["Pas mal du tout.", "Could be better.", "Sans plus.", "Très bon.", "Rien à redire."]
    labels = np.array(["positive", "negative", "neutral", "positive", "positive"])
    p = np.array([[0.6, 0.1, 0.3], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3], [0.1, 0.1, 0.8], [0.1, 0.1, 0.8]])
    assert matched(texts, labels, p) == {"units": 4, "polar": 3, "sign_right": 1}
