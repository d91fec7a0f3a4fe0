"""A French name starts where its phrase does (docs/benchmarks.md R24–R28): what widens it, what never."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.themes.name_syntax import complete_phrase
from nlp.themes.name_tokens import BOUNDARY, TOKEN
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
        ("genre du western", "Un hommage au genre du western.", "genre du western"),
        # ... except the preposition of a listed locution (R28)
        ("moitié vide", "Le flacon est arrivé à moitié vide.", "à moitié vide"),
        ("panne depuis 12 jours", "Box fibre en panne depuis 12 jours.", "en panne depuis 12 jours"),
        ("colis endommagé", "J'ai reçu un colis endommagé.", "colis endommagé"),
        ("poser une question", "Puis-je vous poser une question ?", "poser une question"),
        # a name starting on its own subject noun is a clause: the determiner comes with it (R40)
        ("box redémarre", "Ma box redémarre toute seule.", "Ma box redémarre"),
        ("technicien doit passer", "Le technicien doit passer demain.", "Le technicien doit passer"),
        (
            "appartements à Manhattan sont plus chers",
            "Je sais, les appartements à Manhattan sont plus chers...",
            "les appartements à Manhattan sont plus chers",
        ),
        ("monde a oublié", "Tout le monde a oublié.", "Tout le monde a oublié"),
        (
            "film était plutôt drôle",
            "Le premier film était plutôt drôle.",
            "Le premier film était plutôt drôle",
        ),
        # ... not a noun phrase's ("colis endommagé" above), nor an object's
        ("facture de ce mois", "Je conteste la facture de ce mois.", "facture de ce mois"),
        # never across punctuation
        (
            "cassent très facilement",
            "Les élastiques, eux, cassent très facilement.",
            "cassent très facilement",
        ),
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


def test_units_are_found_as_whole_words_case_ignored_and_the_chosen_spelling_kept() -> None:
    """R37: a unit writing the span with another case counts; a span inside a longer word does not."""
    texts = ["L'appli de l'assurance Refuse ma carte."]
    assert complete_phrase("refuse ma carte", texts, max_words=8) == "L'appli de l'assurance refuse ma carte"
    assert complete_phrase("fuse ma carte", texts, max_words=8) == "fuse ma carte"


def test_a_span_no_unit_holds_is_returned_as_it_is() -> None:
    assert complete_phrase("guide des tailles", ["Rien à voir."], max_words=8) == "guide des tailles"


def test_french_names_keep_their_subject_and_numeral_english_ones_without_contractions_are_untouched() -> (
    None
):
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


# Chunks of customer French (subjects, verbs, complements, an inverted subject), glued in any order with any
# punctuation: about one drawn span in six gets widened, the rest must come back unchanged.
_CHUNKS = [
    "le colis", "n'a jamais été livré", "la livreuse", "est très gentille", "trois jours de retard",
    "j'ai reçu", "un carton abîmé", "puis-je", "vous poser une question", "aujourd'hui", "ça marche pas",
    "les élastiques cassent", "mon compteur", "a été relevé", "elle", "taille petit", "une absence totale",
    "de scénario", "mais", "plusieurs fois",
]  # fmt: skip
_PUNCT = ["", "", "", ",", ".", " !", " ?", " -", " (", ")", " «", "»", "…"]


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.tuples(st.sampled_from(_CHUNKS), st.sampled_from(_PUNCT)), min_size=2, max_size=8),
    cut=st.tuples(st.integers(0, 40), st.integers(1, 4)),
    max_words=st.integers(2, 8),
)
def test_a_completed_name_is_a_span_of_a_unit_ending_with_the_name(
    parts: list[tuple[str, str]], cut: tuple[int, int], max_words: int
) -> None:
    """Whatever the text: the completion is text a customer wrote, it ends with the chosen span, it never
    reaches back across punctuation, and it never grows a name past ``max_words``."""
    text = " ".join(w + p for w, p in parts)
    words = " ".join(c for c, _ in parts).split()
    first = min(cut[0], len(words) - 1)
    surface = " ".join(words[first : first + cut[1]])
    if surface not in text:
        return
    out = complete_phrase(surface, [text], max_words)
    assert out.endswith(surface) and out in text
    added = out[: len(out) - len(surface)]
    assert not BOUNDARY.search(added)
    if out != surface:
        assert len(TOKEN.findall(out)) <= max_words


def test_the_subjects_determiner_comes_only_when_most_units_write_the_same_one() -> None:
    # R40: "La" is written by two of three units; with three different ones the bare span stays
    texts = ["Ma box redémarre toute seule.", "La box redémarre sans arrêt.", "La box redémarre la nuit."]
    assert complete_phrase("box redémarre", texts, max_words=8) == "La box redémarre"
    texts = ["Ma box redémarre toute seule.", "La box redémarre sans arrêt.", "Cette box redémarre la nuit."]
    assert complete_phrase("box redémarre", texts, max_words=8) == "box redémarre"


def test_a_subject_noun_with_nothing_before_it_is_left_as_it_is() -> None:
    # R40: a subject noun with no determiner ends the widening (it once looped forever)
    assert complete_phrase("Box redémarre", ["Box redémarre toute seule."], max_words=8) == "Box redémarre"


def test_a_subordinator_never_comes_with_the_subjects_determiner() -> None:
    # R41: the parser may hang "que" under the subject; only determiners, numerals and adjectives come
    text = "Je pense que le film est un chef-d'oeuvre."
    assert complete_phrase("film est un chef-d'oeuvre", [text], max_words=8) == "le film est un chef-d'oeuvre"
    text = "On peut dire que David et Bethsabée est un film intimiste empreint de tendres sentiments."
    name = "David et Bethsabée est un film"
    assert complete_phrase(name, [text], max_words=8) == name
