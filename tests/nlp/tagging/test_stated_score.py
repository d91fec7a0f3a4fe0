"""A grade stated in the text (nlp/tagging/stated_score.py) and how the document verdict uses it."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.tagging.document_expert import document_sentiments
from nlp.tagging.stated_score import stated_polarities, stated_polarity
from nlp.tagging.types import UnitTags


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("Un très bon épisode… Non sans déconner, c'est mauvais. Ma note 2/5", -1),
        ("Livraison rapide, produit conforme. Je mets 5/5 !", 1),
        ("Service client injoignable. 0/10", -1),
        ("Pas mal du tout, je lui donne 8 sur 10.", 1),
        ("Correct sans plus. Noté 12/20.", 0),  # middling grade: no verdict
        ("I'd give it 4/5, the battery is great.", 1),
        ("Rated 1 out of 5: it broke after a week.", -1),
        ("Note : 3,5/5", 1),
        ("Note : 4/5 au départ, mais au final 1/5.", -1),  # the last grade counts
        ("Commande passée le 03/10, reçue le 15/10, rien à redire.", 0),  # dates, not grades
        ("Colis reçu le 02/10 en bon état", 0),
        ("Commande jamais livrée, passée le 02/10", 0),  # a date ending the text
        ("Delivered on 4/10", 0),
        ("Support 24/7, très réactif", 0),
        ("J'ai attendu 1/2 heure au téléphone", 0),
        ("Remboursement du 03/10/2026 jamais reçu", 0),
        ("Ma note : 15/10 tellement c'est bien", 0),  # over the scale
        ("Il manquait 2/5 des pièces dans le colis, le SAV ne répond pas", 0),  # no cue, not at the end
        ("", 0),
        # stars: grades out of 5 in a grading form only
        ("Colis arrivé cassé. Je mets une étoile car le SAV ne répond pas.", -1),
        ("4 étoiles pour la rapidité de livraison.", 1),
        ("Bon produit. Mais une étoile pour l'emballage.", -1),
        ("I'd give it zero stars if I could.", -1),
        ("One star because the app keeps crashing.", -1),
        ("Je lui accorde malgré tout cinq étoiles.", 1),
        ("J'ai mis une demi étoile.", -1),
        ("Je mets 1 étoile et demie pour l'accueil.", -1),
        ("Je mets 3 étoiles, correct sans plus.", 0),  # middling
        ("Décevant pour un hôtel 5 étoiles.", 0),  # a hotel's class, not a grade
        ("Hôtel 4 étoiles, chambre sale, personnel désagréable.", 0),
        ("Le casting était 5 étoiles mais le scénario est nul", 0),
        ("Ceux qui ont mis 1 étoile n'ont rien compris, c'est génial", 0),  # someone else's grade
        ("Vous êtes une star, merci pour tout", 0),
    ],
)
def test_stated_polarity(text: str, polarity: int) -> None:
    assert stated_polarity(text) == polarity


def test_stated_polarities_is_vectorised() -> None:
    out = stated_polarities(["Note 1/5", "rien", "Je donne 9/10"])
    assert out.dtype == np.int8
    assert out.tolist() == [-1, 0, 1]


def _u(sentiment: str, score: float) -> UnitTags:
    return UnitTags("unknown", 0.0, sentiment, score, None, 0.0, False, None)  # type: ignore[arg-type]


def test_a_stated_grade_decides_text_only_documents_and_never_rated_ones() -> None:
    # Both documents read positive unit by unit; the first states 2/5, the second states nothing.
    docs = [[_u("positive", 0.7), _u("positive", 0.5)], [_u("positive", 0.7)]]
    embs = [np.zeros((2, 4), np.float32), np.zeros((1, 4), np.float32)]
    texts = ["Très beau, vraiment bien. Ma note 2/5", "Très beau"]
    assert document_sentiments(docs, embs, texts, None) == ["negative", "positive"]
    # with a rating (use_expert False) the rating's fusion already decided the units: no text grade
    assert document_sentiments(docs, embs, texts, None, use_expert=[False, True]) == ["positive", "positive"]
    # a neutral document that states a grade takes it
    neutral = [[_u("neutral", 0.0)]]
    assert document_sentiments(neutral, [np.zeros((1, 4), np.float32)], ["Bof. 9/10"], None) == ["positive"]
