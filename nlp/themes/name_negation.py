"""Which negation words reach each word of a clause, so that a theme's name keeps them.

Why: a name is a span customers wrote that starts and ends on content words, and negation words are not
content words ("pas", "jamais", "never", "n'est"), so a span could start right after one and say the
opposite of what was written: "Le délai annoncé n'a pas été tenu" named a theme "Été tenu", "Toujours pas de
remboursement malgré mes relances" named one "Remboursement malgré mes relances" (``frictionmap analyze``,
2026-12-07). Each word in a negation's reach is grouped apart from the same word unnegated
(``nlp.themes.naming``) and a span holding it is widened to the negation words, so the name reads
"N'a pas été tenu" / "Pas de remboursement malgré mes relances".

The reach is deliberately local (a clause, up to :data:`SCOPE` words after a negation word; French
post-verbal "pas" / "jamais" / "rien" / "plus" also reach the word just before them: "ça marche pas",
"ne marche plus"), because a name
is a few words of one clause. Words are compared accent-folded and lower-cased, ’ read as '.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.tagging.polarity_lexicon import NEGATION_WINDOW, is_negator
from nlp.text.folding import fold

SCOPE = NEGATION_WINDOW  # words after a negation word that it reaches ("n'a pas été tenu": été, tenu)
# French negation words that follow the verb they negate: "ne marche plus", or with "ne" dropped, "ça marche
# pas" ("plus" is a negation word only after ne / n', see negation_words).
_POSTVERBAL = frozenset({"pas", "jamais", "rien", "plus"})


def _is_ne(word: str) -> bool:
    return word == "ne" or word.startswith("n'")


def negation_words(words: Sequence[str]) -> list[bool]:
    """Which of a clause's words are negation words: the polarity lexicon's negators (one list for the
    sentiment features, the document words and the names), and French "ne" / n' ("n'est" counts, for its
    n'), which names must keep; "plus" only after ne / n' ("plus rapide" is a comparison)."""
    return _negators([fold(w) for w in words])


def _negators(low: Sequence[str]) -> list[bool]:
    """:func:`negation_words` over words already folded."""
    return [
        any(map(_is_ne, low[max(0, i - SCOPE) : i])) if w == "plus" else _is_ne(w) or is_negator(w)
        for i, w in enumerate(low)
    ]


def negation_reach(words: Sequence[str]) -> list[tuple[int, int] | None]:
    """Per word of a clause, the first and last index of the negation words that reach it (None: no negation
    reaches it; negation words themselves get None)."""
    low = [fold(w) for w in words]
    neg = _negators(low)
    out: list[tuple[int, int] | None] = []
    for i in range(len(words)):
        if neg[i]:
            out.append(None)
            continue
        reach = [j for j in range(max(0, i - SCOPE), i) if neg[j]]
        if i + 1 < len(words) and neg[i + 1] and low[i + 1] in _POSTVERBAL:
            reach.append(i + 1)
        out.append((min(reach), max(reach)) if reach else None)
    return out
