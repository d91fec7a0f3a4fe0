"""Emoji and emoticons as verdicts (issue 10 R12): which units take a side, and the shift they get."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.tagging.emoji_cues import emoji_side, emoji_sides
from nlp.tagging.verdict_cues import CUE_SHIFTS, NO_SHIFTS, CueShifts, shift_verdict_cues
from tests.helpers.log_odds import odds_moved


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Livraison reçue 😡😡", -1),
        ("Colis arrivé 👍", 1),
        ("Paiement accepté 👍🏼", 1),  # a skin-tone modifier keeps the side
        ("Remboursé ❤️", 1),  # the emoji presentation selector too
        ("Point relais fermé ☹️", -1),
        ("Thanks for the great service 🙄", -1),
        ("Annulée 😡 mais remboursée 👍", 0),  # both sides: no shift
        ("When I saw the bill 😂", 0),  # used both ways: not listed
        ("Merci d'avance 🙏", 0),
        ("Ma commande est partie 📦", 0),
        ("Reçu en retard :(", -1),
        ("Installé :) merci", 1),
        ("Top <3", 1),
        (":D", 1),
        ("voir https://exemple.fr:8080/a", 0),  # not an emoticon inside a word or an address
        ("(voir :D)", 0),
        ("a:(b", 0),
        ("Bonne appli mais des pubs :/", 0),  # not listed
        ("", 0),
    ],
)
def test_emoji_side(text: str, side: int) -> None:
    assert emoji_side(text) == side


def test_emoji_sides_is_emoji_side_of_each_text() -> None:
    texts = ["😡", "ok", "👍"]
    assert emoji_sides(texts).tolist() == [-1, 0, 1]
    assert emoji_sides([]).shape == (0,)


def test_emoji_shift_moves_the_side_against_both_other_classes() -> None:
    texts = ["Livraison reçue 😡", "Colis arrivé 👍", "Rien à signaler.", "Annulée 😡 mais remboursée 👍"]
    p = np.array([[0.15, 0.65, 0.2], [0.5, 0.4, 0.1], [0.2, 0.6, 0.2], [0.3, 0.4, 0.3]])
    out = shift_verdict_cues(texts, p, CueShifts(idiom=0.0, emoji=3.0))
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    np.testing.assert_array_equal(out[2:], p[2:])  # no emoji, or both sides: untouched
    for row, col in ((0, 0), (1, 2)):
        others = [k for k in range(3) if k != col]
        for k in others:  # the side gains 3 log-odds against each other class; those two keep their ratio
            np.testing.assert_allclose(odds_moved(p, out, row, col, k), 3.0)
        np.testing.assert_allclose(
            out[row, others[0]] / out[row, others[1]], p[row, others[0]] / p[row, others[1]]
        )
    assert out[0].argmax() == 0 and out[1].argmax() == 2  # a neutral-looking unit takes its emoji's side


def test_phrase_and_emoji_shifts_compose_and_zero_is_identity() -> None:
    texts = ["Pas terrible 👍"]  # a negative phrase, a positive emoji: both shifts apply, in turn
    p = np.array([[0.3, 0.4, 0.3]])
    phrase = shift_verdict_cues(texts, p, CueShifts(idiom=1.0, emoji=0.0))
    both = shift_verdict_cues(texts, p, CueShifts(idiom=1.0, emoji=2.0))
    np.testing.assert_allclose(both, shift_verdict_cues(texts, phrase, CueShifts(idiom=0.0, emoji=2.0)))
    assert shift_verdict_cues(texts, p, NO_SHIFTS) is p
    assert CUE_SHIFTS.emoji > 0  # the shipped default reads emoji (R12)
