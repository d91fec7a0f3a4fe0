"""The shared pieces of the name completions: whole-word matching and the majority that backs a form."""

from __future__ import annotations

from nlp.themes.name_tokens import (
    ends_alike,
    find_words,
    longest_backed,
    read_on,
    read_until,
    starts_alike,
    units_holding,
)


def test_forms_back_each_other_by_whole_words_case_ignored() -> None:
    assert starts_alike("App doesn't work at all", "app doesn't work")
    assert not starts_alike("app doesn't workflow", "app doesn't work")
    assert ends_alike("Il a lâché ma main", "il a lâché ma main")
    assert not ends_alike("là moitié vide", "à moitié vide")
    assert not ends_alike("vide", "à moitié vide")


def test_units_holding_finds_whole_words_central_first_up_to_the_limit() -> None:
    texts = ["the workflow app", "My App doesn't work", "app doesn't work", "APP DOESN'T WORK", "x app"]
    assert find_words("app", "the workflow app") == 13
    assert find_words("work", "workflow") is None
    held = units_holding("app doesn't work", texts, 2)
    assert held == [("My App doesn't work", 3), ("app doesn't work", 0)]


def test_the_longest_form_most_units_back_wins() -> None:
    forms = ["How long does a transfer take", "how long does a transfer take", "How long does a transfer"]
    assert longest_backed(forms, 3, ends_alike) == "How long does a transfer take"  # 2 of 3 end with it
    assert longest_backed(forms, 5, ends_alike) is None  # 2 of 5 units are no majority
    assert longest_backed(forms, 3, starts_alike) == "How long does a transfer take"  # first spelling kept
    assert longest_backed(forms, 5, starts_alike) == "How long does a transfer"  # 3 of 5 units back only it
    assert longest_backed([], 3, starts_alike) is None


def test_units_own_forms_can_differ_from_the_candidates() -> None:
    own = ["what countries do you do business in", "What countries do you do business"]
    candidates = ["What countries do you do business", "What countries do you do business in"]
    assert longest_backed(candidates, 2, starts_alike, units=own) == "What countries do you do business"


def test_read_on_gives_each_longer_form_with_its_last_word_inside_the_clause_and_max_words() -> None:
    text = "Hi, how long does a transfer take to arrive? Thanks"
    at = text.index("long does")
    forms, whole = read_on("long does a transfer", text, at, 8)
    assert forms == [("long does a transfer take", "take"), ("long does a transfer take to", "to"),
                     ("long does a transfer take to arrive", "arrive")]  # fmt: skip
    assert whole
    forms, whole = read_on("long does a transfer", text, at, 5)
    assert forms == [("long does a transfer take", "take")] and not whole


def test_read_until_stops_on_the_first_accepted_word_within_the_clause() -> None:
    text = "Hi, how long does a transfer take to arrive? Thanks"
    at = text.index("long does")
    assert (
        read_until("long does a transfer", text, at, 8, lambda w: w == "to") == "long does a transfer take to"
    )
    assert read_until("long does a transfer", text, at, 8, lambda w: w == "Thanks") is None  # past the clause
    assert read_until("long does a transfer", text, at, 5, lambda w: w == "to") is None  # past max_words
