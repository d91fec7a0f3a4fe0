"""Set verdict expressions (nlp/tagging/hedges.py) and their pull on the tagger's sentiment."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.tagging.hedges import HEDGE_WEIGHT, apply_hedges, hedge_polarity


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("Correct, sans plus.", -1),
        ("Franchement bof.", -1),
        ("Le produit n'est pas terrible.", -1),
        ("Pas très top, la batterie lâche.", -1),
        ("Ça pourrait être mieux.", -1),
        ("L'emballage laisse à désirer", -1),
        ("Could be better, honestly.", -1),
        ("Not great, the app crashes.", -1),
        ("Pas déçu du tout !", 1),
        ("Pas mal du tout, je recommande.", 1),
        ("Rien à redire, livraison parfaite.", 1),
        ("Aucun souci avec la commande", 1),
        ("Not bad at all", 1),
        ("No complaints.", 1),
        ("Pas mal de problèmes avec ce modèle", 0),  # a quantity, not a verdict
        ("J'ai eu pas mal d'ennuis", 0),
        ("Livraison rapide, produit conforme.", 0),
        ("Pas mal, mais sans plus.", 0),  # both polarities: no pull
        ("", 0),
    ],
)
def test_hedge_polarity(text: str, polarity: int) -> None:
    assert hedge_polarity(text) == polarity


def test_apply_hedges_pulls_only_hedged_rows_and_keeps_probabilities() -> None:
    p = np.array([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3]])
    texts = ["Correct, sans plus.", "Pas déçu du tout", "Livré mardi."]
    out = apply_hedges(p, texts)
    np.testing.assert_allclose(out[0], (1 - HEDGE_WEIGHT) * p[0] + HEDGE_WEIGHT * np.array([1.0, 0, 0]))
    np.testing.assert_allclose(out[1], (1 - HEDGE_WEIGHT) * p[1] + HEDGE_WEIGHT * np.array([0, 0, 1.0]))
    np.testing.assert_array_equal(out[2], p[2])
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    assert out[0].argmax() == 0 and out[1].argmax() == 2
    np.testing.assert_array_equal(p[0], [0.1, 0.2, 0.7])  # input untouched
