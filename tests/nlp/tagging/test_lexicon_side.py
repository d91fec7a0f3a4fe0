"""The French polarity-lexicon side as a verdict cue (issue 10 R19)."""

from __future__ import annotations

import numpy as np

from nlp.tagging.polarity_lexicon import lexicon_sides
from nlp.tagging.verdict_cues import CueShifts, shift_verdict_cues


def test_the_french_lexicon_side_reads_french_units_with_negation() -> None:
    """Issue 10 R19's cue input: the polarity lexicon's net side of French units only."""
    texts = ["Le fil est très cassant !", "Pas cassant du tout.", "Very brittle cable.", "Le colis est là."]
    assert lexicon_sides(texts, ["fr", "fr", "en", "fr"]).tolist() == [-1, 1, 0, 0]
    assert not lexicon_sides(texts, None).any()
    p = np.array([[0.3, 0.3, 0.4]] * 4)
    only = CueShifts(idiom=0.0, emoji=0.0, valence=0.0, sarcasm=0.0, lexicon_fr=2.0)
    out = shift_verdict_cues(texts, p, only, ["fr", "fr", "en", "fr"])
    np.testing.assert_array_equal(out[2:], p[2:])
    for row, side in ((0, -1), (1, 1)):
        np.testing.assert_allclose(
            np.log(out[row, 2] / out[row, 0]) - np.log(p[row, 2] / p[row, 0]), 2.0 * side
        )
