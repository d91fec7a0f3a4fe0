"""A French name starting on its verb gets back its subject pronoun (docs/benchmarks.md R35)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from nlp.themes.name_subjects import complete_subject
from nlp.themes.name_syntax import complete_phrase
from nlp.themes.name_tokens import BOUNDARY, TOKEN
from nlp.themes.naming import name_themes
from tests.helpers.name_cases import glued_units


@pytest.mark.parametrize(
    ("surface", "texts", "named"),
    [
        ("conduis vraiment bien", ["Tu conduis vraiment bien !"], "Tu conduis vraiment bien"),
        ("serais content", ["Je pensais que tu serais content."], "tu serais content"),  # after "que"
        ("prendras soin", ["Je sais que tu en prendras soin."], "tu en prendras soin"),  # an object clitic
        ("rappelé depuis", ["Il ne m'a jamais rappelé depuis"], "Il ne m'a jamais rappelé depuis"),
        ("faire pleurer", ["Ça pourrait faire pleurer."], "Ça pourrait faire pleurer"),  # a modal
        ("lâché ma main", ["Et qu'il a lâché ma main."], "il a lâché ma main"),  # the pronoun, not "qu'"
        ("plaît venez", ["S'il vous plaît venez."], "S'il vous plaît venez"),  # "s'il" is one word
        ("allez bien", ["Et vous allez bien ?"], "vous allez bien"),  # "vous" after a clause opener
        ("appelle demain", ["Il vous appelle demain"], "Il vous appelle demain"),  # "vous" an object
        ("difficile de décider", ["C'est difficile de décider"], "C'est difficile de décider"),  # elided "c'"
    ],
)
def test_the_subject_pronoun_before_the_verb_comes_back(surface: str, texts: list[str], named: str) -> None:
    assert complete_subject(surface, texts, 8) == named


@pytest.mark.parametrize(
    ("surface", "texts"),
    [
        ("service client", ["C'est le service client."]),  # an article: the name is a noun phrase
        ("aider vite", ["Il faut nous aider vite"]),  # "nous" after a verb: an object
        ("allez tous bien", ["Dieu merci vous allez tous bien."]),  # "vous" after a content word
        ("poser une question", ["Puis-je vous poser une question ?"]),  # inverted subject
        ("fou putain", ["Es-tu fou putain ?"]),
        ("remboursement reçu", ["Toujours aucun remboursement reçu"]),  # no pronoun at all
        # R35's confirmation runs: an object "vous", a determiner "ce", a stray letter, a mistyped hyphen
        ("sécher Keith", ["Allez vous sécher Keith."]),
        ("film avec son scénario", ["Ce film avec son scénario bidon"]),
        ("réussira-t-elle à coucher", ["C réussira-t-elle à coucher"]),
        ("voir le film", ["Vous-voulez voir le film"]),
    ],
)
def test_no_subject_pronoun_no_change(surface: str, texts: list[str]) -> None:
    assert complete_subject(surface, texts, 8) == surface


def test_most_units_must_give_the_same_subject() -> None:
    texts = ["Tu conduis vraiment bien", "Elle conduis vraiment bien", "Mais il conduis vraiment bien"]
    assert complete_subject("conduis vraiment bien", texts, 8) == "conduis vraiment bien"
    # case does not split the vote
    assert complete_subject("lâché ma main", ["Il a lâché ma main.", "Et lui, il a lâché ma main."], 8) == (
        "Il a lâché ma main"
    )


def test_max_words_bounds_the_name() -> None:
    assert complete_subject("rappelé depuis", ["Il ne m'a jamais rappelé depuis"], 4) == "rappelé depuis"


def test_the_parse_completion_no_longer_splits_its_vote_by_case() -> None:
    """R35 (a): "Il a lâché ma main" and "il a lâché ma main" back each other."""
    texts = ["Il a lâché ma main.", "Et lui, il a lâché ma main."]
    assert complete_phrase("lâché ma main", texts, 8).lower() == "il a lâché ma main"


def test_french_theme_names_start_at_their_subject() -> None:
    """Before R35 this theme was named "Conduis vraiment bien"."""
    units = ["Tu conduis vraiment bien !", "tu conduis vraiment bien.", "Tu conduis vraiment bien, bravo"]
    other = ["Le colis est arrivé cassé", "Colis cassé à la livraison", "Mon colis est abîmé"]
    names = name_themes([units, other], [["fr"] * 3, ["fr"] * 3], [[0.9, 0.8, 0.7], [0.9, 0.8, 0.7]])
    assert names[0].name == "Tu conduis vraiment bien"


_CHUNKS = [
    "tu", "je", "il", "vous", "nous", "qu'il", "ne", "m'a", "en", "a", "pourrait", "conduis", "bien",
    "le service", "client", "que", "merci", "jamais", "rappelé", "s'il", "plaît", "venez", "-je", "est",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(case=glued_units(_CHUNKS, 8))
def test_a_completed_name_ends_with_the_name_adds_words_only_on_its_left_within_its_clause(
    case: tuple[list[str], str, int],
) -> None:
    texts, surface, max_words = case
    out = complete_subject(surface, texts, max_words)
    assert out.endswith(surface)
    if out == surface:
        return
    added = out[: -len(surface)]
    assert not BOUNDARY.search(added)
    assert len(TOKEN.findall(out)) <= max_words
