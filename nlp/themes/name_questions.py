"""An English name cut out of a customer's question, given its question back (docs/benchmarks.md R33).

Why: a name is a span that starts and ends on a content word (``naming.py``), and the words that open an
English question are all stop words ("how", "what", "does", "can"), so a name taken from questions loses its
opening and reads as a fragment: "Long does a transfer" (How long does a transfer take?), "Countries do you do
business" (What countries do you do business in?), "Delivery to the US take long" (Does delivery to the US
take long?) — Banking77 test with the CLI's defaults. Support queries are questions, so a title that keeps the
question is what the customers asked; a name that merely sits in a question ("Exchange rate" in "What is the
exchange rate?") is already a phrase and is left alone. So only two openings are restored, both shown by the
words right before the name when nothing but stop words stands between it and the start of its clause:
* a wh-word that governs the name's first word when the name holds the auxiliary the question inverted ("how
  | long does a transfer", "what | countries do you do business"; "what | cards and currencies" is a phrase
  already); the clause's opening words before it come too ("In what countries");
* an inverted auxiliary opening the clause, alone or with its subject pronoun ("Does delivery …", "Is it
  necessary to verify …", "Can you check …"), in a sentence that ends with a question mark (a statement can
  open on one too: "Have multiple targets sighted.", "[LOCATION] is nice in the spring .").
Then the question is read on to the right, inside its clause, as far as most of the units agree and on a
word a question can end on ("How long does a transfer take", not "… take from"). Every step is backed like
the other completions: most of the ``name_tokens.UNITS_READ`` most central units holding the name give the
same form, otherwise the name is kept as it was (never refused: it is no worse than before). No parser is
needed (none ships for English); words and clause bounds are the span search's (``name_tokens``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from nlp.text.folding import fold
from nlp.themes.name_contractions import SUBJECT_PRONOUNS
from nlp.themes.name_tokens import (
    TOKEN,
    clause_bounds,
    ends_alike,
    longest_backed,
    read_on,
    starts_alike,
    units_holding,
)

_WH_MODIFIERS = frozenset({"how", "what", "which", "whose"})  # "how long", "what countries", "which card"
_AUXILIARIES = frozenset(
    {
        "do", "does", "did", "is", "are", "was", "were", "am", "can", "could", "will", "would", "should",
        "shall", "may", "might", "must", "have", "has", "had",
    }
)  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?]")
# Words a title cannot stop on unless the question itself ends there ("What ATMs is the card okay to use at").
_DANGLING = frozenset(
    {
        "a", "an", "the", "to", "of", "for", "from", "in", "on", "at", "with", "by", "about", "into", "onto",
        "my", "your", "our", "their", "his", "her", "its", "and", "or", "but", "if", "that", "this", "these",
        "those", "some", "any", "as", "than", "so", "be", "been", "being", "very", "too",
    }
)  # fmt: skip


def _opening(words: Sequence[str], surface: str) -> bool:
    """``words`` (the clause's words before the name, all stop words) open a question that ``surface`` is a
    fragment of: a wh-word before a name holding the inverted auxiliary ("how | long does a transfer"; not
    "what | cards and currencies", a phrase on its own), or an auxiliary (with its subject) opening the
    clause."""
    folded = [fold(w) for w in words]
    if folded and folded[-1] in _WH_MODIFIERS:
        return any(fold(w) in _AUXILIARIES for w in TOKEN.findall(surface)[1:])
    if not 1 <= len(folded) <= 2 or folded[0] not in _AUXILIARIES:
        return False
    return len(folded) == 1 or folded[1] in SUBJECT_PRONOUNS


def _asks(text: str, end: int) -> bool:
    """The sentence holding ``text[:end]`` ends with a question mark: an auxiliary opening a statement
    ("Have multiple targets sighted.", "[LOCATION] is nice in the spring .") asks nothing."""
    stop = _SENTENCE_END.search(text, end)
    return stop is not None and stop.group() == "?"


def _asked(
    surface: str, text: str, start: int, max_words: int, is_content: Callable[[str], bool]
) -> str | None:
    """``surface``, standing at ``start`` in ``text``, with its clause's opening words when they open a
    question as the module says, or None."""
    floor, _ = clause_bounds(text, start, start + len(surface))
    before = list(TOKEN.finditer(text, floor, start))
    words = [m.group() for m in before]
    if not before or any(is_content(w) for w in words) or not _opening(words, surface):
        return None
    if fold(words[-1]) not in _WH_MODIFIERS and not _asks(text, start + len(surface)):
        return None
    if len(words) + len(TOKEN.findall(surface)) > max_words:
        return None
    return text[before[0].start() : start] + surface


def complete_question(
    surface: str, texts: Sequence[str], max_words: int, is_content: Callable[[str], bool]
) -> str:
    """``surface`` given back the opening of the question it was cut from, and read on to the words most units
    continue with, as the module says; ``surface`` unchanged when most of the units holding it disagree."""
    held = units_holding(surface, texts)
    asked = [f for t, at in held if (f := _asked(surface, t, at, max_words, is_content)) is not None]
    opened = longest_backed(asked, len(held), ends_alike)
    if opened is None:
        return surface
    held = units_holding(opened, texts)
    read = [read_on(opened, t, at, max_words) for t, at in held]
    # each unit's longest form backs every form it starts with; its whole question may end on a function word
    own = [forms[-1][0] if forms else opened for forms, _ in read]
    questions = [form.lower() for form, (_, whole) in zip(own, read, strict=True) if whole]

    def may_end(form: str, last: str) -> bool:
        return fold(last) not in _DANGLING or 2 * questions.count(form.lower()) > len(held)

    ends = [f for forms, _ in read for f, last in forms if may_end(f, last)]
    return longest_backed(ends, len(held), starts_alike, units=own) or opened
