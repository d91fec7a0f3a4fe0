"""training.mitigation_dev: which units count as hedged, and that only their negative scores are damped."""

from __future__ import annotations

import numpy as np
import pytest

from training.mitigation_dev import damped_scores, main, mitigated


def test_hedged_units_in_both_languages() -> None:
    texts = [
        "Un peu cher quand même.",
        "Seul bémol : le bruit.",
        "Dommage que le bol ne passe pas au lave-vaisselle.",
        "A bit tight after an hour.",
        "Only downside is the small bin.",
        "Le produit est nul.",
        "Very expensive.",
        "Il est juste nul.",
    ]
    assert mitigated(texts).tolist() == [True] * 5 + [False] * 3


def test_only_negative_scores_of_hedged_units_are_damped() -> None:
    texts = ["Un peu cher.", "Un peu magique, j'adore.", "Cher."]
    got = damped_scores(np.array([-0.8, 0.6, -0.8]), mitigated(texts), 0.5)
    np.testing.assert_allclose(got, [-0.4, 0.6, -0.8])
    np.testing.assert_allclose(damped_scores([-0.8], mitigated(["Un peu cher."]), 1.0), [-0.8])


@pytest.mark.parametrize("bad", ["x", "1.5", "-0.1", ""])
def test_factors_must_be_numbers_in_the_unit_interval(bad: str) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--factors", bad])
    assert stop.value.code == 2
