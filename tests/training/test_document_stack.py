"""Features of the cross-fitted document stack (training.document_stack) and the turn finder."""

from __future__ import annotations

import numpy as np

from training.doc_turn import opens_with_turn, turn_starts
from training.document_stack import features


def test_opens_with_turn_reads_adversatives_not_concessions_or_additions() -> None:
    assert opens_with_turn("Mais c'est trop sombre")
    assert opens_with_turn(", mais le scénario ne suit pas")
    assert opens_with_turn("Et pourtant le chien est adorable")
    assert opens_with_turn("Néanmoins, l'intrigue ne captive pas")
    assert opens_with_turn("but the plot drags")
    assert not opens_with_turn("Même si le casting est bon")  # concession opener: the main clause follows
    assert not opens_with_turn("De plus, la musique est belle")  # addition
    assert not opens_with_turn("Maison hantée, film raté")  # a word that starts like "mais"


def test_turn_starts_is_the_last_turn_after_the_first_unit() -> None:
    units = ["Mais bon début", "beau casting", "mais trop long", "mais fin ratée", "Bon film", "Top"]
    rows = np.array([0, 0, 0, 0, 1, 1])
    assert turn_starts(units, rows, 3).tolist() == [3, -1, -1]  # doc 2 has no unit; a first unit never turns


def test_features_summarise_the_clause_scores() -> None:
    units = ["Beau casting", "mais trop long", "et ennuyeux", "Excellent"]
    score = np.array([0.8, -0.6, -0.4, 0.9])
    pol = np.array([1, -1, -1, 1])
    rows = np.array([0, 0, 0, 1])
    x = features(pol, score, rows, units, 2, np.array([0.1, 0.7]), np.array([-0.2, 0.5]))
    assert x.shape == (2, 12)
    np.testing.assert_allclose(x[0, :9], [-0.2 / 3, -0.6, 0.8, 2 / 3, 1 / 3, 0.8, -0.4, -0.5, np.log1p(3)])
    np.testing.assert_allclose(x[1, :9], [0.9, 0.9, 0.9, 0.0, 1.0, 0.9, 0.9, 0.9, np.log1p(1)])
    np.testing.assert_allclose(x[:, 9:], [[0.1, -0.2, 1.0], [0.7, 0.5, 0.0]])
