"""A French name cut out of an inverted question gets its question word back (docs/benchmarks.md R36).

Why: French question words are stop words (que, comment, pourquoi, quand, où, combien, quel), so a name cut
from "Que dois-je faire ?" reads "Dois-je faire", from "Où avez-vous trouvé ça ?" "Avez-vous trouvé" (XED FR
test, CLI defaults). The English counterpart is ``name_questions`` (R33); the French one needs no auxiliary
list: the name itself holds the inverted subject ("dois-je", "avez-vous", "réussira-t-elle"), the surest sign
of a question. When only stop words stand between the start of the clause and the name, the nearest of them
right before the name being a question word, the clause's opening comes back ("Et moi, que dois-je plaider"
→ "Que dois-je plaider"); the question is then read to the end of its clause when only stop words remain
there ("Où avez-vous trouvé ça"). Backed as the other completions: most of the :data:`UNITS_READ` most central
units holding the name give the same form, else the name is kept as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from nlp.text.folding import fold
from nlp.themes.name_tokens import (
    TOKEN,
    clause_bounds,
    ends_alike,
    longest_backed,
    starts_alike,
    units_holding,
)

UNITS_READ = 5  # central units holding the name that are read (as the other completions)
_INVERTED = re.compile(r"-(?:t-)?(?:je|tu|il|elle|on|nous|vous|ils|elles)\b", re.IGNORECASE)
_QUESTION_WORDS = frozenset(
    {
        "que", "qu", "quoi", "comment", "pourquoi", "quand", "ou", "combien", "quel", "quelle", "quels",
        "quelles", "lequel", "laquelle", "lesquels", "lesquelles",
    }
)  # fmt: skip


def _asked(
    surface: str, text: str, start: int, max_words: int, is_content: Callable[[str], bool]
) -> str | None:
    """``surface``, standing at ``start`` in ``text``, with its clause's opening when it ends on a question
    word and holds no content word, or None."""
    floor, _ = clause_bounds(text, start, start + len(surface))
    before = list(TOKEN.finditer(text, floor, start))
    words = [m.group() for m in before]
    if not words or fold(words[-1]) not in _QUESTION_WORDS or any(is_content(w) for w in words):
        return None
    if len(words) + len(TOKEN.findall(surface)) > max_words:
        return None
    return text[before[0].start() : start] + surface


def _whole(surface: str, text: str, start: int, max_words: int, is_content: Callable[[str], bool]) -> str:
    """``surface`` read to its clause's end when only stop words remain there and it fits ``max_words``."""
    end = start + len(surface)
    _, ceiling = clause_bounds(text, start, end)
    rest = TOKEN.findall(text, end, ceiling)
    if not rest or any(is_content(w) for w in rest) or len(TOKEN.findall(surface)) + len(rest) > max_words:
        return surface
    last = list(TOKEN.finditer(text, end, ceiling))[-1]
    return surface + text[end : last.end()]


def complete_question_fr(
    surface: str, texts: Sequence[str], max_words: int, is_content: Callable[[str], bool]
) -> str:
    """``surface`` given back the question word of the inverted question it was cut from, and read to the
    end of that question, as the module says; ``surface`` unchanged otherwise."""
    if not _INVERTED.search(surface):
        return surface  # most names: no unit is searched
    held = units_holding(surface, texts, UNITS_READ)
    asked = [f for t, at in held if (f := _asked(surface, t, at, max_words, is_content)) is not None]
    opened = longest_backed(asked, len(held), ends_alike)
    if opened is None:
        return surface
    held = units_holding(opened, texts, UNITS_READ)
    whole = [_whole(opened, t, at, max_words, is_content) for t, at in held]
    return longest_backed(whole, len(held), starts_alike) or opened
