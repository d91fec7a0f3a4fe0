"""What a word is and where a clause ends, for names: one definition for the span search (``naming.py``) and
the completions (``name_syntax.py``, ``name_subjects.py`` in French, ``name_contractions.py``,
``name_questions.py`` in English), so a completed name never crosses a boundary the search respects, the units
every completion reads, and one way to say that most of them back a completed form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import islice

# Words with an optional elided prefix ("l'application", "n'est"); digits count as words.
TOKEN = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
# The most central units holding a name that every completion reads: a few agree, more only cost time.
UNITS_READ = 5
# A name never crosses punctuation or a spaced dash.
BOUNDARY = re.compile(r"[.,;:!?()\[\]\"«»…/|–—]|\s-\s")


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause holding [start, end) of ``text``: from the last boundary before it to the next one
    after it; a completed name stays inside them."""
    floor = max((b.end() for b in BOUNDARY.finditer(text, 0, start)), default=0)
    nxt = BOUNDARY.search(text, end)
    return floor, nxt.start() if nxt is not None else len(text)


def find_words(surface: str, text: str) -> int | None:
    """Where ``surface`` stands in ``text`` as whole words (not inside a longer word, any case), or None."""
    for m in re.finditer(re.escape(surface), text, re.IGNORECASE):
        before = text[m.start() - 1] if m.start() > 0 else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if not (before.isalnum() or after.isalnum()):
            return m.start()
    return None


def units_holding(surface: str, texts: Sequence[str], limit: int = UNITS_READ) -> list[tuple[str, int]]:
    """The first ``limit`` of ``texts`` (central first) holding ``surface`` as whole words, with where it
    starts: the units a completion reads to back its form."""
    found = ((t, find_words(surface, t)) for t in texts)
    return list(islice(((t, at) for t, at in found if at is not None), limit))


def read_on(surface: str, text: str, start: int, max_words: int) -> tuple[list[tuple[str, str]], bool]:
    """``surface``, standing at ``start`` in ``text``, read on word by word inside its clause within
    ``max_words``: each longer form (shortest first; the chosen spelling, then this unit's words) with the
    word it ends on, and whether the last one reaches the clause's end. The English completions pick from
    these where to stop ("App doesn't work", "How long does a transfer take")."""
    end = start + len(surface)
    _, ceiling = clause_bounds(text, start, end)
    words = len(TOKEN.findall(surface))
    forms: list[tuple[str, str]] = []
    for tok in TOKEN.finditer(text, end, ceiling):
        words += 1
        if words > max_words:
            return forms, False
        forms.append((surface + text[end : tok.end()], tok.group()))
    return forms, True


def read_until(
    surface: str, text: str, start: int, max_words: int, stops: Callable[[str], bool]
) -> str | None:
    """The shortest form of :func:`read_on` whose last word ``stops`` accepts, or None: where a completion
    that reads a name on to one kind of word ends ("App doesn't work", "Remboursement a été fait")."""
    forms, _ = read_on(surface, text, start, max_words)
    return next((form for form, last in forms if stops(last)), None)


def starts_alike(form: str, head: str) -> bool:
    """``form`` starts with the words of ``head``, case ignored, not inside a word ("app doesn't work" is
    backed by "App doesn't work at all", not by "app doesn't workflow")."""
    form, head = form.lower(), head.lower()
    return form == head or (form.startswith(head) and not form[len(head)].isalnum())


def ends_alike(form: str, tail: str) -> bool:
    """``form`` ends with the words of ``tail``, case ignored, not inside a word ("à moitié vide" is not
    backed by "là moitié vide")."""
    form, tail = form.lower(), tail.lower()
    return form == tail or (form.endswith(tail) and not form[-len(tail) - 1].isalnum())


def longest_backed(
    forms: Sequence[str], n: int, agree: Callable[[str, str], bool], units: Sequence[str] | None = None
) -> str | None:
    """The longest of ``forms`` that more than half of the ``n`` units holding a name back, or None: a unit
    backs a form when ``agree(its own form, form)``; ``units`` are the units' own forms (``forms`` when
    omitted). One customer's wording names a theme only when that customer wrote most of the units read;
    between equally long forms the first (the most central unit's spelling) is kept."""
    own = forms if units is None else units
    backed = [f for f in dict.fromkeys(forms) if 2 * sum(agree(u, f) for u in own) > n]
    return max(backed, key=len) if backed else None
