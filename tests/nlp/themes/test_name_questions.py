"""An English name cut out of a question gets its question back (docs/benchmarks.md R33)."""

from __future__ import annotations

from hypothesis import given, settings

from nlp.themes.name_questions import complete_question
from nlp.themes.name_tokens import BOUNDARY, TOKEN
from nlp.themes.naming import is_content_word, name_themes
from tests.helpers.name_cases import glued_units


def complete(surface: str, texts: list[str], max_words: int = 8) -> str:
    return complete_question(surface, texts, max_words, is_content_word)


def test_a_wh_word_comes_back_and_the_question_reads_on_as_far_as_most_units_agree() -> None:
    texts = [
        "How long does a transfer take to be confirmed?",
        "How long does a transfer take from china?",
        "how long does a transfer take from the point it is sent?",
        "How long does a transfer stay pending?",
    ]
    # 3 of 4 go on with "take", 2 with "take from": the title stops on "take"
    assert complete("long does a transfer", texts) == "How long does a transfer take"


def test_the_clauses_opening_words_before_the_wh_word_come_too_when_most_units_have_them() -> None:
    both = ["In what countries do you do business?", "What countries do you do business in?"]
    assert complete("countries do you do business", both) == "What countries do you do business"
    assert complete("countries do you do business", both[:1]) == "In what countries do you do business"


def test_an_inverted_auxiliary_opening_the_clause_comes_back_with_its_subject_pronoun() -> None:
    assert complete("delivery to the US take long", ["Does delivery to the US take long?"]) == (
        "Does delivery to the US take long"
    )
    assert complete("necessary to verify", ["Is it necessary to verify my top up?"]) == (
        "Is it necessary to verify my top up"
    )


def test_an_auxiliary_opening_a_statement_asks_nothing() -> None:
    """XED EN test (R33's check run) named "Have multiple targets sighted" and "Is nice in the spring"."""
    assert complete("multiple targets sighted", ["Have multiple targets sighted."] * 2) == (
        "multiple targets sighted"
    )
    assert complete("nice in the spring", ["[LOCATION] is nice in the spring ."]) == "nice in the spring"
    assert complete("nice in the spring", ["[LOCATION] is nice in the spring ?"]) == "is nice in the spring"


def test_a_phrase_that_merely_sits_in_a_question_is_left_alone() -> None:
    # no auxiliary inside the name: "cards and currencies" is a phrase on its own
    assert complete("cards and currencies", ["What cards and currencies do you support?"] * 3) == (
        "cards and currencies"
    )
    # the opening is not right before the name ("is the" between, a content word, a non-subject)
    assert complete("exchange rate", ["What is the exchange rate?"] * 3) == "exchange rate"
    assert complete("long does it take", ["I want to know how long does it take?"]) == "long does it take"
    assert complete("card work abroad", ["Does my card work abroad?"]) == "card work abroad"


def test_without_a_majority_of_questions_the_name_is_kept() -> None:
    texts = ["How long does a transfer take?", "long does a transfer feel", "So long does a transfer go"]
    assert complete("long does a transfer", texts) == "long does a transfer"


def test_a_title_never_stops_on_a_function_word_unless_the_question_ends_there() -> None:
    assert complete("ATMs is the card", ["What ATMs is the card used at?"]) == "What ATMs is the card used at"
    # cut by max_words, the question does not end on "to": the title stops before it
    long = ["What ATMs is the card okay to use at in the UK?"]
    assert complete("ATMs is the card", long, max_words=7) == "What ATMs is the card okay"


def test_the_question_stays_in_its_clause_and_within_max_words() -> None:
    texts = ["Hi, how long does a transfer take? It's urgent"] * 2
    assert complete("long does a transfer", texts) == "how long does a transfer take"
    assert complete("long does a transfer", texts, max_words=4) == "long does a transfer"


def test_english_theme_names_keep_their_question() -> None:
    """Before R33 this theme was named "Long does a transfer"."""
    units = [
        "How long does a transfer take?",
        "How long does a transfer take from Spain?",
        "how long does a transfer take to arrive?",
        "How long does a transfer take to show?",
    ]
    other = ["Where is my refund?", "Refund still not received", "I want a refund"]
    names = name_themes([units, other], [["en"] * 4, ["en"] * 3], [[0.9, 0.85, 0.8, 0.75], [0.9, 0.8, 0.7]])
    assert names[0].name == "How long does a transfer take"


_CHUNKS = [
    "how", "long", "does", "a transfer", "take", "what", "countries", "do you", "business", "is it",
    "necessary", "to verify", "my card", "in", "the", "can I", "get", "refund", "at", "ATMs", "which",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(case=glued_units(_CHUNKS, 8))
def test_a_completed_question_holds_the_name_stays_in_one_clause_and_within_max_words(
    case: tuple[list[str], str, int],
) -> None:
    texts, surface, max_words = case
    out = complete(surface, texts, max_words)
    assert surface.lower() in out.lower()
    if out == surface:
        return
    assert len(TOKEN.findall(out)) <= max_words
    before, _, after = out.lower().partition(surface.lower())
    assert not BOUNDARY.search(before) and not BOUNDARY.search(after)
    assert TOKEN.findall(before), "a question gives the name its opening words"
