"""Negation reach for theme names (nlp/themes/name_negation.py) and names that keep their negation."""

from __future__ import annotations

import pytest

from nlp.themes.name_negation import negation_reach, negation_words
from nlp.themes.naming import name_themes


def _reach(text: str) -> dict[str, tuple[int, int] | None]:
    words = text.split()
    return dict(zip(words, negation_reach(words), strict=True))


def test_french_negation_reaches_the_words_after_it_within_the_scope() -> None:
    r = _reach("Le délai annoncé n'a pas été tenu")
    assert r["été"] == r["tenu"] == (3, 4)
    assert r["délai"] is None and r["annoncé"] is None  # before the negation: not reached


def test_post_verbal_negation_reaches_the_verb_before_it() -> None:
    assert _reach("ça marche pas")["marche"] == (2, 2)
    assert _reach("il ne marche plus")["marche"] == (1, 3)  # ne … plus: both ends


@pytest.mark.parametrize(
    ("text", "word"),
    [("plus rapide que prévu", "rapide"), ("de plus le colis", "colis"), ("marche plus vite", "marche")],
)
def test_plus_is_a_negation_only_after_ne(text: str, word: str) -> None:
    assert not any(negation_words(text.split()))
    assert _reach(text)[word] is None


def test_english_negations_and_contractions() -> None:
    assert _reach("The refund never arrived")["arrived"] == (2, 2)
    assert _reach("I didn't get my refund")["get"] == (1, 1)
    assert _reach("card doesnt work")["work"] == (1, 1)
    assert _reach("the card works fine")["works"] is None
    assert _reach("no refund yet")["refund"] == (0, 0)


def test_the_reach_is_bounded() -> None:
    # four words after "not": out of reach
    assert _reach("not a single word about the parcel")["parcel"] is None
    assert negation_reach([]) == []


def test_a_name_keeps_the_negation_its_words_were_written_with() -> None:
    # the negation stands before the content words: a span starting on them alone says the opposite
    fr = [
        "Toujours pas de remboursement malgré mes relances.",
        "Pas de remboursement malgré mes relances.",
        "Toujours pas de remboursement après trois relances.",
        "Pas de remboursement malgré deux relances.",
    ]
    [n] = name_themes([fr], [["fr"] * 4], [[0.9, 0.8, 0.7, 0.6]])
    assert n.name.lower().startswith("pas de remboursement"), n.name
    en = [
        "Never received my new card.",
        "I never received my new card.",
        "Still never received my new card!",
        "Never received my card, ordered weeks ago.",
    ]
    [m] = name_themes([en], [["en"] * 4], [[0.9, 0.8, 0.7, 0.6]])
    assert m.name.lower().startswith("never received"), m.name
    [t] = name_themes([["Le délai annoncé n'a pas été tenu."] * 3], [["fr"] * 3], [[0.9, 0.8, 0.7]])
    assert "pas" in t.name.lower().split(), t.name


def test_negated_and_plain_words_never_share_a_name_group() -> None:
    # the plain phrase is the most frequent surface, but half the units say it negated: the name must not be
    # the plain one (it would say the opposite of those units)
    texts = [
        "Remboursée dans la semaine.",
        "Remboursée dans la semaine, merci.",
        "Toujours pas remboursée dans la semaine promise.",
        "Pas remboursée dans la semaine comme annoncé.",
        "Pas remboursée dans la semaine malgré mes relances.",
    ]
    [n] = name_themes([texts], [["fr"] * 5], [[0.5, 0.5, 0.9, 0.9, 0.9]])
    assert n.name.lower().startswith("pas remboursée"), n.name
