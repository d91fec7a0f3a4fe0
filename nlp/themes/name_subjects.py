"""A French name starting on its verb gets back the subject pronoun right before it (docs/benchmarks.md R35).

Why: a name starts on a content word (``naming.py``) and French subject pronouns are stop words, so a name
cut from "Tu conduis vraiment bien" reads "Conduis vraiment bien", and from "Je pensais que tu serais
content" reads "Serais content". ``name_syntax`` restores a subject from the dependency parse, but the small
shipped parser misreads exactly these conversational lines ("Tu" tagged a determiner, "tu" an adverb), so
the parse misses them. French word order makes the parse unnecessary here: a subject clitic (je, tu, il,
elle, on, ils, elles, ce, ça; nous and vous only at a clause's start) stands before its verb with only the
negation, object clitics, an auxiliary or modal and a few adverbs in between ("Tu en prendras soin", "Il ne
m'a jamais rappelé", "Ça pourrait faire pleurer"); an inverted subject ("Puis-je vous poser …", "Es-tu fou")
is not one (R24), nor is a lone letter ("C réussira-t-elle"). When exactly such a run sits between a name and
the start of its clause or a word that opens a clause, the name starts at the pronoun: after "qu'" the
pronoun, not the subordinator ("qu'il a lâché ma main" → "Il a lâché ma main"); never over a determiner
("c'est le service client" keeps "Service client", "ce film" is no subject). Backed like the other
completions: the longest form most of the ``name_tokens.UNITS_READ`` most central units holding the name end
with, else the name as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.text.folding import fold
from nlp.themes.name_tokens import (
    TOKEN,
    clause_bounds,
    ends_alike,
    longest_backed,
    units_holding,
)

_SUBJECTS = frozenset({"je", "j", "tu", "il", "elle", "on", "ils", "elles", "ce", "c", "ca", "cela"})
_OBJECT_OR_SUBJECT = frozenset({"nous", "vous"})  # a subject only where a clause may start before it
_BETWEEN = frozenset(
    {
        # negation, object clitics
        "ne", "n", "me", "m", "te", "t", "se", "s", "le", "la", "les", "l", "lui", "leur", "en", "y",
        # adverbs that sit between an auxiliary and its participle or infinitive
        "pas", "plus", "jamais", "rien", "point", "toujours", "encore", "deja", "vraiment", "aussi", "bien",
        "meme", "souvent",
        # avoir, être
        "ai", "as", "a", "avons", "avez", "ont", "avais", "avait", "avions", "aviez", "avaient", "aurai",
        "auras", "aura", "aurons", "aurez", "auront", "aurais", "aurait", "aurions", "auriez", "auraient",
        "eu", "eut", "suis", "es", "est", "sommes", "etes", "sont", "etais", "etait", "etions", "etiez",
        "etaient", "serai", "seras", "sera", "serons", "serez", "seront", "serais", "serait", "serions",
        "seriez", "seraient", "ete", "fut",
        # pouvoir, devoir, vouloir, aller
        "peux", "peut", "pouvons", "pouvez", "peuvent", "pourrais", "pourrait", "pourrions", "pourriez",
        "pourraient", "pouvais", "pouvait", "dois", "doit", "devons", "devez", "doivent", "devrais",
        "devrait", "devrions", "devriez", "devraient", "devais", "devait", "veux", "veut", "voulons",
        "voulez", "veulent", "voudrais", "voudrait", "voulais", "voulait", "vais", "vas", "va", "allons",
        "allez", "vont", "allais", "allait",
    }
)  # fmt: skip
# Words after which a clause starts: "vous" right after one of them is the clause's subject.
_OPENERS = frozenset(
    {
        "que", "qu", "et", "mais", "si", "quand", "comme", "donc", "alors", "car", "puis", "ou", "parce",
        "lorsque", "lorsqu", "puisque", "puisqu", "oui", "non",
    }
)  # fmt: skip
# Right before the name: its determiner, not an object clitic or a subject ("le service client", "ce film").
_DETERMINERS = frozenset({"le", "la", "les", "l", "ce"})
_ELIDED_ONLY = frozenset({"c", "j"})  # subjects only as "c'" and "j'"
_APOSTROPHE = re.compile(r"['’]")


def _parts(text: str, floor: int, start: int) -> list[tuple[str, int, bool]]:
    """The words of ``text[floor:start]`` split at elisions ("qu'il" → "qu", "il"), folded, with where each
    starts and whether it was elided (followed by an apostrophe in its word), last first."""
    out = []
    for tok in TOKEN.finditer(text, floor, start):
        at = tok.start()
        pieces = _APOSTROPHE.split(tok.group())
        for i, piece in enumerate(pieces):
            out.append((fold(piece), at, i < len(pieces) - 1))
            at += len(piece) + 1
    return out[::-1]


def _hyphenated(text: str, at: int, word: str) -> bool:
    """A pronoun joined by a hyphen: inverted ("Puis-je", "Es-tu") or mistyped ("Vous-voulez")."""
    end = at + len(word)
    return (at > 0 and text[at - 1] == "-") or (end < len(text) and text[end] == "-")


def _subject_start(text: str, floor: int, start: int) -> int | None:
    """Where the subject pronoun of the verb starting at ``start`` stands, reading left from it over what
    may stand between them; None when something else comes first."""
    parts = _parts(text, floor, start)
    if parts and parts[0][0] in _DETERMINERS:  # "c'est le service client", "ce film": the name a noun phrase
        return None
    for k, (word, at, elided) in enumerate(parts):
        left = parts[k + 1] if k + 1 < len(parts) else None
        if (word in _SUBJECTS or word in _OBJECT_OR_SUBJECT) and _hyphenated(text, at, word):
            return None
        if word in _SUBJECTS:
            if word in _ELIDED_ONLY and not elided:  # a lone letter ("C réussira-t-elle"), not "c'" / "j'"
                return None
            if left is not None and left[0] == "s" and left[2] and left[1] + 2 == at:  # "s'il": one word
                return left[1]
            return at
        if word in _OBJECT_OR_SUBJECT:
            if left is None or left[0] in _OPENERS:  # "Et vous allez bien", "Vous avez l'air inquiet"
                return at
            continue  # an object: "Il vous appelle", "Allez vous sécher"
        if word not in _BETWEEN:
            return None
    return None


def complete_subject(surface: str, texts: Sequence[str], max_words: int) -> str:
    """``surface`` started at its verb's subject pronoun as the module says, or ``surface`` itself when most
    of the units holding it do not give the same one."""
    held = units_holding(surface, texts)
    forms = []
    for text, at in held:
        floor, _ = clause_bounds(text, at, at + len(surface))
        begin = _subject_start(text, floor, at)
        if (
            begin is not None
            and len(TOKEN.findall(text[begin:at])) + len(TOKEN.findall(surface)) <= max_words
        ):
            forms.append(text[begin:at] + surface)
    return longest_backed(forms, len(held), ends_alike) or surface
