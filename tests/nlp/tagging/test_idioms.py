"""Set verdict phrases (issue 10 R8): which units hold one, and the log-odds shift they get."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.tagging.idioms import idiom_sides
from nlp.tagging.verdict_cues import NO_SHIFTS, CueShifts, shift_verdict_cues
from tests.helpers.log_odds import neutral_odds, odds_moved


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Pas mal du tout.", 1),
        ("C'est pas mal, mais cher.", 1),
        ("Franchement pas mal pour le prix", 1),
        ("Il chauffe pas mal au bout d'une heure.", 0),  # a quantity, not a verdict
        ("Pas mal de monde à la caisse.", 0),
        ("Rien à redire, livraison rapide.", 1),
        ("Je ne regrette pas mon achat.", 1),
        ("Not bad at all.", 1),
        ("I can't fault it.", 1),
        ("No complaints, works as described.", 1),
        ("Couldn't be better!", 1),
        ("I can’t recommend them enough", 1),  # typographic apostrophe
        ("I can't recommend them.", 0),  # a withdrawn recommendation is the lexicon's, not an idiom
        ("Ça pourrait être mieux.", -1),
        ("Could be better.", -1),
        ("Could have been a lot better.", -1),
        ("Sans plus.", -1),
        ("Le service laisse à désirer", -1),
        ("Pas terrible", -1),
        ("Service au top", 1),
        ("Le service n'est pas au top.", -1),  # "au top" negated is the other side
        ("Pas à la hauteur du prix", -1),
        ("Not worth the money", -1),
        ("Merci pour rien.", -1),  # ironic thanks
        ("Thanks for nothing!", -1),
        ("Merci du cadeau...", -1),
        ("Merci pour votre aide.", 0),
        ("Pas mal, sans plus.", 0),  # both sides: no shift
        ("Très bon produit.", 0),
        ("", 0),
    ],
)
def test_idiom_sides(text: str, side: int) -> None:
    assert idiom_sides([text])[0] == side


def test_shift_moves_idiom_units_toward_their_side_by_the_log_odds() -> None:
    texts = ["Pas mal du tout.", "Could be better.", "Très bon produit.", "Pas mal, sans plus."]
    p = np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.4, 0.2, 0.4]])
    out = shift_verdict_cues(texts, p, CueShifts(idiom=2.0, emoji=0.0))
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    np.testing.assert_array_equal(out[2:], p[2:])  # no idiom, or both sides: untouched
    for row, side in ((0, 1), (1, -1)):
        np.testing.assert_allclose(odds_moved(p, out, row, 2, 0), 2.0 * side)
        # neutral against the geometric mean of the two polar classes keeps its odds
        np.testing.assert_allclose(neutral_odds(out, row), neutral_odds(p, row))
    assert out[0, 2] > out[0, 0] and out[1, 0] > out[1, 2]  # both cross to their side at 2 log-odds


def test_shift_zero_is_the_input_itself() -> None:
    p = np.array([[0.5, 0.3, 0.2]])
    assert shift_verdict_cues(["Pas mal du tout."], p, NO_SHIFTS) is p
    assert shift_verdict_cues([], np.zeros((0, 3)), CueShifts(idiom=1.0)).shape == (0, 3)
