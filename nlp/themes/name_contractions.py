"""An English name that a contraction cuts off, completed from the units holding it (docs/benchmarks.md R30).

Why: a name is a span that starts and ends on a content word (``naming.py``), and spaCy's English stop list
does not hold contractions, so "doesn't" or "I'm" count as content words and a name can stop on them or
start on them: "App doesn't", "Card if I'm", "Isn't working" (Banking77 test, CLI defaults). Dropping
contractions from the content words altogether (R27) broke conversational names, where the contraction *is*
the phrase ("I'm sorry", "What's wrong"); so only the edges of a name that was already chosen are touched:
* a name whose last word is a contraction is widened to the right, inside its clause, to the next content
  word that is not one ("App doesn't work"); the longest widened form most of the central units holding it
  start with replaces it, and without one the name is refused (``None``: the caller takes its next candidate;
  a title that stops on "I'm" is never shown);
* a name whose first word is a negated contraction gets its subject back when it sits right before it — a
  subject pronoun or expletive ("There isn't much left"), or a run of up to three content words ("Google Pay
  isn't working") — when most of those units agree; otherwise it stays ("Don't worry" is a phrase).
No parser is needed (none ships for English): the clause boundary and the word definition are the ones the
span search uses (``name_tokens``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nlp.text.folding import fold
from nlp.themes.name_tokens import (
    TOKEN,
    clause_bounds,
    ends_alike,
    longest_backed,
    read_until,
    starts_alike,
    units_holding,
)

SUBJECT_RUN = 3  # content words a subject may span ("Google Pay", "virtual card top")
# Words that a clitic 'm / 're / 've / 'll / 'd / 's attaches to as a verb, not as a possessive ("card's").
_CLITIC_HOSTS = frozenset(
    {
        "i", "you", "we", "they", "he", "she", "it", "that", "this", "what", "there", "here", "who", "where",
        "how", "when", "why", "let", "everything", "nothing", "something", "someone", "nobody", "everyone",
    }
)  # fmt: skip
_CLITICS = frozenset({"m", "re", "ve", "ll", "d", "s"})
# A subject that may stand right before a negated auxiliary ("it isn't working", "there isn't much left").
SUBJECT_PRONOUNS = frozenset({"i", "you", "we", "they", "he", "she", "it", "there", "that", "this"})


def is_negated_contraction(word: str) -> bool:
    """ "isn't", "doesn't", "can’t": an auxiliary with its negation, which needs a subject before it."""
    return fold(word).endswith("n't")


def is_contraction(word: str) -> bool:
    """A negated auxiliary, or a pronoun / wh-word / "there" / "let" with its verb clitic ("I'm", "what's");
    not a content word's possessive ("card's")."""
    folded = fold(word)
    if folded.endswith("n't"):
        return True
    host, _, clitic = folded.partition("'")
    return bool(clitic) and clitic in _CLITICS and host in _CLITIC_HOSTS


def _widened_right(
    surface: str, text: str, start: int, max_words: int, is_content: Callable[[str], bool]
) -> str | None:
    """``surface``, standing at ``start`` in ``text``, continued to the next content word that is not a
    contraction, or None."""
    return read_until(surface, text, start, max_words, lambda w: is_content(w) and not is_contraction(w))


def _widened_left(
    surface: str, text: str, start: int, max_words: int, is_content: Callable[[str], bool]
) -> str | None:
    """``surface``, standing at ``start`` in ``text``, with the subject right before it (a subject pronoun, or
    the whole run of up to :data:`SUBJECT_RUN` content words: "Google Pay", never "Pay" alone), or None."""
    end = start + len(surface)
    floor, _ = clause_bounds(text, start, end)
    before = list(TOKEN.finditer(text, floor, start))
    room = max_words - len(TOKEN.findall(surface))
    if not before or room < 1:
        return None
    if fold(before[-1].group()) in SUBJECT_PRONOUNS:
        return text[before[-1].start() : end]
    run = 0
    while run < len(before) and run < min(SUBJECT_RUN, room):
        word = before[-1 - run].group()
        if not is_content(word) or is_contraction(word):
            break
        run += 1
    return text[before[-run].start() : end] if run else None


def complete_contraction(
    surface: str, texts: Sequence[str], max_words: int, is_content: Callable[[str], bool]
) -> str | None:
    """``surface`` completed as the module says from the first ``name_tokens.UNITS_READ`` of ``texts``
    (central first) holding it; None when it ends on a contraction that most of them do not continue the same
    way."""
    words = TOKEN.findall(surface)
    if not words or not (is_contraction(words[-1]) or is_negated_contraction(words[0])):
        return surface  # most names: no unit is searched
    holding = units_holding(surface, texts)
    if is_contraction(words[-1]):
        ends = [
            f for t, at in holding if (f := _widened_right(surface, t, at, max_words, is_content)) is not None
        ]
        # forms differing only in case back each other: the first (most central unit's) spelling is kept
        right = longest_backed(ends, len(holding), starts_alike)
        if right is None:
            return None
        surface = right
        holding = units_holding(surface, texts)
    if is_negated_contraction(TOKEN.findall(surface)[0]):
        subjects = [
            f for t, at in holding if (f := _widened_left(surface, t, at, max_words, is_content)) is not None
        ]
        surface = longest_backed(subjects, len(holding), ends_alike) or surface
    return surface
