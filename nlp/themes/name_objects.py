"""A French name that stops on a verb whose object follows, read on to that object (docs/benchmarks.md R42).

Why: a name is a span that ends on a content word (``naming.py``), and the span that most of a theme's units
share can stop on a transitive verb: "Le vendeur refuse", "La montre connectée perd", "Le montage m'a pris"
(written documents and seed lines, French service run; R41's tables). What the customer complained about is
the object: "refuse le remboursement", "perd la connexion". The parse of the central units holding the name
(``fr_core_news_sm``, as ``name_syntax``) says whether the last word is a verb with an object, an
infinitive or an oblique complement after it; the name is read on to that complement's head word (its
article and preposition come with it), never across punctuation or past ``max_words``. The longest form most
of those units start with wins; without one the name stays as it was (a verb alone is a phrase too: "Le
vendeur refuse"), so one customer's object names a theme only when that customer wrote most of the units read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nlp.themes.name_syntax import base_dep, parse_units
from nlp.themes.name_tokens import TOKEN, clause_bounds, longest_backed, starts_alike, units_holding

_COMPLEMENTS = frozenset({"obj", "xcomp", "obl"})


def _complement_end(doc: Any, start: int, end: int, max_words: int) -> int | None:
    """Where the complement of the span's last word ends, when that word is a verb with one after the span."""
    inside = [t for t in doc if t.idx >= start and t.idx + len(t) <= end]
    if not inside or inside[-1].pos_ != "VERB":
        return None
    after = [c for c in inside[-1].rights if base_dep(c.dep_) in _COMPLEMENTS and c.idx >= end]
    if not after:
        return None
    stop = after[0].idx + len(after[0])
    _, ceiling = clause_bounds(doc.text, start, end)
    if stop > ceiling or len(TOKEN.findall(doc.text[start:stop])) > max_words:
        return None
    return stop


def complete_object(surface: str, texts: Sequence[str], max_words: int) -> str:
    """``surface`` read on to its verb's complement, as the module says, from the first
    ``name_tokens.UNITS_READ`` of ``texts`` (central first) holding it; ``surface`` itself otherwise."""
    if len(TOKEN.findall(surface)) >= max_words:
        return surface
    held = units_holding(surface, texts)
    if not held:
        return surface
    forms = []
    for doc, (_, start) in zip(parse_units(t for t, _ in held), held, strict=True):
        end = start + len(surface)
        stop = _complement_end(doc, start, end, max_words)
        if stop is not None:
            forms.append(surface + doc.text[end:stop])  # the chosen spelling, then this unit's words
    return longest_backed(forms, len(held), starts_alike) or surface
