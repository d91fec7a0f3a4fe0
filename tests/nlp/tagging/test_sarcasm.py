"""Sarcastic praise of a harm (issue 10 R18): the constructions marked, and the near misses left alone."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nlp.tagging.sarcasm import sarcasm_marks
from nlp.tagging.verdict_cues import CueShifts, shift_verdict_cues
from tests.helpers.log_odds import odds_moved


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("Thanks for the 4 hr delay, really made my day", True),
        ("thank you so much for losing my bag", True),
        ("Thanks for the cancellation confirmation", False),  # a document about the harm, not the harm
        ("thanks for the update on the delay", False),
        ("Great, another delay.", True),
        ("Great, another great stay!", False),
        ("I just love being on hold for 50 minutes.", True),
        ("I love the new seats.", False),
        ("Merci pour les 3h de retard !", True),
        ("Merci pour l'annulation rapide de ma commande.", False),
        ("Merci d'avoir perdu ma valise.", True),
        # R31: the French thanks take an adverb and "de m'avoir", and the English harm list's verbs
        ("Merci beaucoup d'avoir perdu ma valise, encore.", True),
        ("Merci de m'avoir raccroché au nez.", True),
        ("Merci de nous avoir laissé en plan à Roissy.", True),
        ("Merci mille fois d'avoir gâché nos vacances.", True),
        ("Merci de m'avoir débité deux fois.", True),
        ("Encore merci d'avoir réglé ma réservation si vite.", False),
        ("Merci d'avoir annulé ma commande comme demandé.", False),  # a cancellation asked for
        ("Merci beaucoup de m'avoir rappelé.", False),
        ("Super, encore une panne.", True),
        ("Super, encore merci !", False),
        ("Parfait, encore une fois au top !", False),
        ("J'adore attendre 45 minutes au téléphone.", True),
        ("J'adore cette appli.", False),
        # R34: praise for a harm "managed", praise for a change after which nothing works
        ("Bravo, vous avez réussi à perdre ma valise.", True),
        ("Félicitations, vous êtes arrivés à me faire attendre 3 heures.", True),
        ("Well done, you managed to lose my luggage.", True),
        ("Congrats, you guys managed to cancel my flight twice", True),
        ("Bravo pour la mise à jour, plus rien ne marche.", True),
        ("Great job on the new update, nothing works now.", True),
        ("Bravo, vous avez réussi à régler mon problème.", False),
        ("Well done, you managed to fix it.", False),
        ("Bravo à l'équipe qui a réussi à annuler ma commande comme demandé.", False),  # asked for
        ("I managed to lose my card.", False),  # no praise: the customer's own mishap
        ("Bravo pour la mise à jour, tout marche.", False),
        ("Great job on the update, nothing is broken anymore.", False),
        ("", False),
    ],
)
def test_sarcasm_marks(text: str, marked: bool) -> None:
    assert bool(sarcasm_marks([text])[0]) is marked


def test_sarcasm_marks_is_one_flag_per_text() -> None:
    assert sarcasm_marks(["Great, another outage.", "ok"]).tolist() == [True, False]
    assert sarcasm_marks([]).shape == (0,)


def test_the_sarcasm_shift_moves_negative_against_both_other_classes() -> None:
    texts = ["Thanks for the 4 hr delay, really made my day", "Thanks for the quick refund."]
    p = np.array([[0.1, 0.2, 0.7], [0.1, 0.2, 0.7]])
    only = CueShifts(idiom=0.0, emoji=0.0, valence=0.0, sarcasm=2.0)
    out = shift_verdict_cues(texts, p, only, ["en", "en"])
    np.testing.assert_array_equal(out[1], p[1])  # genuine thanks: untouched
    for k in (1, 2):
        np.testing.assert_allclose(odds_moved(p, out, 0, 0, k), 2.0)
    np.testing.assert_allclose(out[0, 1] / out[0, 2], p[0, 1] / p[0, 2])
    assert shift_verdict_cues(texts, p, replace(only, sarcasm=0.0), ["en", "en"]) is p
