"""A French name starts where its phrase does (docs/benchmarks.md R24–R26): what widens it, what never."""

from __future__ import annotations

import pytest

from nlp.themes.name_syntax import complete_phrase
from nlp.themes.naming import name_themes


@pytest.mark.parametrize(
    ("surface", "text", "expected"),
    [
        # the subject of the span's verb, with its subtree
        (
            "refuse ma carte",
            "L'appli de l'assurance refuse ma carte.",
            "L'appli de l'assurance refuse ma carte",
        ),
        # a numeral
        (
            "mois pour un remboursement",
            "Il a fallu quatre mois pour un remboursement.",
            "quatre mois pour un remboursement",
        ),
        # the noun a first-word adjective qualifies
        ("totale de scénario", "Une absence totale de scénario.", "absence totale de scénario"),
        # never a preposition (R25: "Au genre du Western"), an article, or an inverted subject
        ("moitié vide", "Le flacon est arrivé à moitié vide.", "moitié vide"),
        ("colis endommagé", "J'ai reçu un colis endommagé.", "colis endommagé"),
        ("poser une question", "Puis-je vous poser une question ?", "poser une question"),
        # never across punctuation
        ("est arrivé en retard", "Mon colis, lui, est arrivé en retard.", "est arrivé en retard"),
    ],
)
def test_a_french_span_grows_only_by_what_a_phrase_needs(surface: str, text: str, expected: str) -> None:
    assert complete_phrase(surface, [text], max_words=8) == expected


def test_the_widened_name_never_exceeds_max_words() -> None:
    text = "L'appli de l'assurance refuse ma carte."
    assert complete_phrase("refuse ma carte", [text], max_words=4) == "refuse ma carte"


def test_one_customers_subject_names_the_theme_only_when_most_units_agree() -> None:
    different = [
        "Le pantalon a rétréci au lavage.",
        "Mon pull a rétréci au lavage.",
        "La robe a rétréci au lavage.",
    ]
    assert complete_phrase("rétréci au lavage", different, max_words=8) == "rétréci au lavage"
    mostly = ["Le pantalon a rétréci au lavage.", "Le pantalon a rétréci au lavage hier.", different[2]]
    assert complete_phrase("rétréci au lavage", mostly, max_words=8) == "Le pantalon a rétréci au lavage"


def test_a_span_no_unit_holds_is_returned_as_it_is() -> None:
    assert complete_phrase("guide des tailles", ["Rien à voir."], max_words=8) == "guide des tailles"


def test_french_theme_names_keep_their_subject_and_numeral_english_ones_are_untouched() -> None:
    fr = [
        [
            "Je ne recommanderai plus cet opérateur.",
            "Franchement je ne recommanderai plus cet opérateur.",
            "Je ne recommanderai plus cet opérateur à personne.",
        ],
        [
            "Il a fallu quatre mois pour un remboursement.",
            "Quatre mois pour un remboursement, c'est trop.",
            "J'ai attendu quatre mois pour un remboursement.",
        ],
    ]
    names = name_themes(fr, [["fr"] * 3] * 2, [[0.9, 0.8, 0.7]] * 2)
    # before R26: "Ne recommanderai plus cet opérateur", "Mois pour un remboursement"
    assert [n.name for n in names] == [
        "Je ne recommanderai plus cet opérateur",
        "Quatre mois pour un remboursement",
    ]
    en = [
        [
            "I think the parcel arrived damaged.",
            "The parcel arrived damaged again.",
            "Parcel arrived damaged.",
        ]
    ]
    assert name_themes(en, [["en"] * 3], [[0.9, 0.8, 0.7]])[0].name == "Parcel arrived damaged"
