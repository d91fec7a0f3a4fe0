"""A French name cut out of an inverted question gets its question word back (docs/benchmarks.md R36)."""

from __future__ import annotations

import pytest

from nlp.themes.name_questions_fr import complete_question_fr
from nlp.themes.naming import is_content_word, name_themes


def complete(surface: str, texts: list[str], max_words: int = 8) -> str:
    return complete_question_fr(surface, texts, max_words, is_content_word)


@pytest.mark.parametrize(
    ("surface", "texts", "named"),
    [
        ("dois-je faire", ["Que dois-je faire ?"], "Que dois-je faire"),
        ("dois-je plaider", ["Et moi, que dois-je plaider ?"], "que dois-je plaider"),  # after a comma
        ("avez-vous trouvé", ["Où avez-vous trouvé ça ?"], "Où avez-vous trouvé ça"),  # read to its end
        ("avez-vous trouvé", ["Qu'avez-vous trouvé ?"], "Qu'avez-vous trouvé"),  # an elided "qu'"
        (
            "puis-je avoir un remboursement",
            [
                "Comment puis-je avoir un remboursement ?",
                "comment puis-je avoir un remboursement",
                "Quand puis-je avoir un remboursement",
            ],
            "Comment puis-je avoir un remboursement",
        ),  # 2 of 3 units
    ],
)  # fmt: skip
def test_the_question_word_comes_back(surface: str, texts: list[str], named: str) -> None:
    assert complete(surface, texts) == named


@pytest.mark.parametrize(
    ("surface", "texts"),
    [
        ("réussira-t-elle à coucher", ["C réussira-t-elle à coucher"]),  # no question word before it
        ("mac s'est-il sacrifié", ["Commandant, Mac s'est-il sacrifié en vain ?"]),
        ("dois-je faire", ["Je me demande que dois-je faire"]),  # a content word in the opening
        ("remboursement reçu", ["Pourquoi remboursement reçu ?"]),  # no inverted subject in the name
        ("dois-je faire", ["Que dois-je faire", "Dois-je faire", "Alors dois-je faire"]),  # 1 of 3
    ],
)
def test_otherwise_the_name_is_kept(surface: str, texts: list[str]) -> None:
    assert complete(surface, texts) == surface


def test_max_words_bounds_the_question() -> None:
    assert complete("avez-vous trouvé", ["Où avez-vous trouvé ça ?"], max_words=4) == "Où avez-vous trouvé"
    assert complete("avez-vous trouvé", ["Où avez-vous trouvé ça ?"], max_words=3) == "avez-vous trouvé"


def test_french_theme_names_keep_their_question_word() -> None:
    """Before R36 this theme was named "Dois-je faire"."""
    units = ["Que dois-je faire ?", "Que dois-je faire maintenant ?", "que dois-je faire"]
    other = ["Le colis est arrivé cassé", "Colis cassé à la livraison", "Mon colis est abîmé"]
    names = name_themes([units, other], [["fr"] * 3, ["fr"] * 3], [[0.9, 0.8, 0.7], [0.9, 0.8, 0.7]])
    assert names[0].name == "Que dois-je faire"
