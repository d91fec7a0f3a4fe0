"""VADER's English valence as a verdict cue (issue 10 R16): English units only, graded, two forms."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.tagging.valence import VALENCE_MAX_CHARS, english_valence
from nlp.tagging.verdict_cues import CUE_SHIFTS, CueShifts, shift_verdict_cues
from tests.helpers.log_odds import neutral_odds, odds_moved

OFF = CueShifts(idiom=0.0, emoji=0.0, valence=0.0)


def test_english_valence_reads_english_units_only() -> None:
    texts = ["I hate waiting, this is awful.", "Je déteste attendre.", "The parcel came on Tuesday.", "  "]
    c = english_valence(texts, ["en", "fr", "en", "en"])
    assert c[0] < -0.5 and c[1] == 0.0 and c[2] == 0.0 and c[3] == 0.0
    assert english_valence(["Great service, love it!"], ["en"])[0] > 0.5
    assert not english_valence(texts, None).any()  # languages unknown: no cue rather than a guess
    assert english_valence([], []).shape == (0,)
    with pytest.raises(ValueError, match="languages"):
        english_valence(texts, ["en"])


def test_sign_form_moves_positive_against_negative_by_w_times_c() -> None:
    texts = ["I hate waiting, this is awful.", "Je déteste attendre.", "The parcel came on Tuesday."]
    langs = ["en", "fr", "en"]
    p = np.array([[0.3, 0.5, 0.2], [0.3, 0.5, 0.2], [0.2, 0.6, 0.2]])
    c = english_valence(texts, langs)[0]
    out = shift_verdict_cues(texts, p, CueShifts(0.0, 0.0, valence=2.0, valence_form="sign"), langs)
    np.testing.assert_array_equal(out[1:], p[1:])  # French, and an English line VADER reads as neutral
    np.testing.assert_allclose(odds_moved(p, out, 0, 2, 0), 2.0 * c)
    # neutral keeps its odds against the polar classes' geometric mean
    np.testing.assert_allclose(neutral_odds(out, 0), neutral_odds(p, 0))


def test_both_form_moves_the_side_against_both_other_classes() -> None:
    texts = ["I hate waiting, this is awful."]
    p = np.array([[0.3, 0.5, 0.2]])
    c = english_valence(texts, ["en"])[0]
    out = shift_verdict_cues(texts, p, CueShifts(0.0, 0.0, valence=2.0, valence_form="both"), ["en"])
    for k in (1, 2):
        np.testing.assert_allclose(odds_moved(p, out, 0, 0, k), 2.0 * abs(c))
    assert out[0].argmax() == 0  # a strongly worded line leaves neutral


def test_valence_zero_or_no_languages_is_the_input_itself() -> None:
    texts = ["I hate waiting, this is awful."]
    p = np.array([[0.3, 0.5, 0.2]])
    assert shift_verdict_cues(texts, p, OFF, ["en"]) is p
    assert shift_verdict_cues(texts, p, CueShifts(0.0, 0.0, valence=2.0)) is p


def test_the_shipped_default_reads_english_valence() -> None:
    assert CUE_SHIFTS.valence > 0 and CUE_SHIFTS.valence_form == "both"  # R17


def test_a_run_on_unit_is_read_on_its_first_characters_only() -> None:
    """VADER is quadratic in a unit's words; a unit longer than a sentence is read on its start."""
    calm = ("The parcel came on Tuesday and " * 200)[:VALENCE_MAX_CHARS]
    assert english_valence([calm + " awful, terrible, I hate it!"], ["en"])[0] == 0.0
    assert english_valence([calm[:100] + " awful, terrible, I hate it!"], ["en"])[0] < -0.5
