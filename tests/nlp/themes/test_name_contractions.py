"""An English name never stops on a contraction it cuts off (docs/benchmarks.md R30)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from nlp.themes.name_contractions import complete_contraction, is_contraction, is_negated_contraction
from nlp.themes.name_tokens import BOUNDARY, TOKEN
from nlp.themes.naming import is_content_word, name_themes
from tests.helpers.name_cases import glued_units


@pytest.mark.parametrize(
    ("word", "contraction", "negated"),
    [
        ("doesn't", True, True),
        ("Can’t", True, True),
        ("I'm", True, False),
        ("what's", True, False),
        ("there's", True, False),
        ("card's", False, False),  # a content word's possessive
        ("o'clock", False, False),
        ("card", False, False),
    ],
)
def test_what_counts_as_a_contraction(word: str, contraction: bool, negated: bool) -> None:
    assert is_contraction(word) is contraction
    assert is_negated_contraction(word) is negated


def complete(surface: str, texts: list[str], max_words: int = 8) -> str | None:
    return complete_contraction(surface, texts, max_words, is_content_word)


def test_a_name_ending_on_a_contraction_takes_the_next_content_word_most_units_share() -> None:
    texts = ["The app doesn't work", "app doesn't work at all", "My App doesn't work", "App doesn't load"]
    assert complete("App doesn't", texts) == "App doesn't work"


def test_without_a_shared_continuation_the_name_is_refused() -> None:
    assert complete("App doesn't", ["App doesn't work", "App doesn't load", "App doesn't open"]) is None
    texts = ["card if I'm abroad", "card if I'm in Europe", "Card if I'm travelling"]
    assert complete("Card if I'm", texts) is None
    # the continuation never crosses punctuation: "doesn't. Work" is another clause
    assert complete("App doesn't", ["App doesn't. Work is hard", "App doesn't. Work"]) is None


def test_a_negated_auxiliary_gets_its_subject_back_when_most_units_agree() -> None:
    same = ["Google Pay isn't working", "google pay isn't working", "it isn't working"]
    assert complete("Isn't working", same) == "Google Pay isn't working"
    assert complete(
        "isn't much left", ["there isn't much left", "There isn't much left in it", "isn't much left"]
    ) == ("there isn't much left")
    # a compound is taken whole or not at all ("Pay isn't working" would be a fragment)
    differ = ["Google Pay isn't working", "Apple Pay isn't working", "my card isn't working"]
    assert complete("Isn't working", differ) == "Isn't working"
    # an imperative has no subject: it stays a phrase
    assert complete("Don't worry", ["Don't worry", "don't worry about it"]) == "Don't worry"


def test_names_without_a_contraction_at_an_edge_are_untouched() -> None:
    texts = ["I'm sorry", "I'm sorry about that"]
    assert complete("I'm sorry", texts) == "I'm sorry"
    assert complete("Card was declined", ["My card was declined"]) == "Card was declined"
    assert complete("Check what's going", ["check what's going on"]) == "Check what's going"


def test_the_widened_name_never_exceeds_max_words() -> None:
    texts = ["the app doesn't even ever work", "the app doesn't even ever work"]  # even, ever: not content
    assert complete("app doesn't", texts, max_words=5) == "app doesn't even ever work"
    assert complete("app doesn't", texts, max_words=4) is None


def test_english_theme_names_never_stop_on_a_contraction() -> None:
    """Before R30 these themes were named "Card if I'm" and "App doesn't"."""
    themes = [
        [
            "Can I use my card if I'm abroad?",
            "Does my card work if I'm in Europe?",
            "Will my card work if I'm travelling?",
            "Card if I'm in Spain",
        ],
        [
            "The app doesn't work",
            "My app doesn't load",
            "App doesn't open anymore",
            "the app doesn't respond",
        ],
    ]
    other = ["Where is my refund?", "Refund still not received", "I want a refund"]
    for units in themes:
        names = name_themes(
            [units, other], [["en"] * 4, ["en"] * 3], [[0.9, 0.85, 0.8, 0.75], [0.9, 0.8, 0.7]]
        )
        assert not is_contraction(TOKEN.findall(names[0].name)[-1]), names[0].name
    assert names[0].name == "App doesn't work"


_CHUNKS = [
    "the app", "doesn't", "work", "I'm", "abroad", "my card", "isn't working", "there", "isn't much left",
    "what's", "going on", "google pay", "it", "can't", "log in", "since", "yesterday", "card's", "pin",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(case=glued_units(_CHUNKS, 7))
def test_a_completed_name_holds_the_name_stays_in_one_clause_and_never_ends_on_a_contraction(
    case: tuple[list[str], str, int],
) -> None:
    texts, surface, max_words = case
    out = complete(surface, texts, max_words)
    if out is None:
        assert is_contraction(TOKEN.findall(surface)[-1])
        return
    assert surface.lower() in out.lower()
    assert not is_contraction(TOKEN.findall(out)[-1])
    added = out.lower().replace(surface.lower(), " ", 1)
    assert not BOUNDARY.search(added)
    if out != surface:
        assert len(TOKEN.findall(out)) <= max_words
