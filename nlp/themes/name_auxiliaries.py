"""A French name that stops on "été" after a form of "avoir", completed from the units holding it (R39).

Why: spaCy's French stop list holds "est", "a", "sont" but not "été", so "été" counts as a content word (it is
also the noun "summer") and a name can stop on it: "Carte a été", "Remboursement a été", "Film aurait été"
(seed lines, Allociné train; CLI defaults). "a été" is an auxiliary or a copula: what the customer said comes
after it ("a été débitée deux fois", "a été très aimable"). Making "été" a stop word (R29) changed which
words group and broke other names; so, as the English contractions (``name_contractions``), only the end of a
name that was already chosen is touched:
* a name whose last word is "été" right after a form of "avoir" (negation and a few adverbs may stand
  between: "n'a toujours pas été") is read on inside its clause, past adverbs, to the word that says what
  was ("Remboursement a été fait", "Livreur a été très aimable"), or past articles and prepositions to the
  word they introduce ("Film aurait été un succès"); the longest such form most of the central units holding
  it start with replaces it;
* without one (the units go on differently: "bloquée", "débitée", "suspendue") the name is refused
  (``None``): the caller takes its next candidate, so a title that stops on "a été" is never shown.
"été" after anything else ("cet été", "l'été dernier") is the noun and is left as it is. No parse is needed:
the clause boundary and the word definition are the ones the span search uses (``name_tokens``).
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.text.folding import fold
from nlp.themes.name_tokens import TOKEN, longest_backed, read_until, starts_alike, units_holding

# Forms of "avoir" that make "été" an auxiliary or a copula ("a été", "aurait été", "n'ont pas été").
_AVOIR = frozenset(
    {
        "ai", "as", "a", "avons", "avez", "ont", "avais", "avait", "avions", "aviez", "avaient", "aurai",
        "auras", "aura", "aurons", "aurez", "auront", "aurais", "aurait", "aurions", "auriez", "auraient",
        "aie", "ait", "aient", "eut", "avoir", "ayant",
    }
)  # fmt: skip
# Words that may stand between the auxiliary and "été" ("n'a toujours pas été", "a déjà été").
_BETWEEN = frozenset({"pas", "jamais", "toujours", "encore", "deja", "bien", "vraiment", "souvent", "plus"})
# Adverbs read past after "été" ("a été très aimable").
_ADVERBS = _BETWEEN | {"tres", "trop", "si", "plutot", "assez", "tellement", "super", "hyper", "aussi"}
# Articles, possessives and prepositions read past to the word they introduce ("a été un succès").
_FUNCTION = frozenset(
    {
        "un", "une", "le", "la", "les", "l", "de", "du", "des", "d", "a", "au", "aux", "en", "pour", "par",
        "sur", "dans", "avec", "sans", "chez", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses",
        "notre", "nos", "votre", "vos", "leur", "leurs", "ce", "cet", "cette", "ces", "tout", "toute", "tous",
    }
)  # fmt: skip


def _ends_on_auxiliary(words: Sequence[str]) -> bool:
    """The name's last word is "été" and the first word before it that is not negation or an adverb is a
    form of "avoir" (with or without its elided n')."""
    folded = [fold(w) for w in words]
    if len(folded) < 2 or folded[-1] != "ete":
        return False
    for word in reversed(folded[:-1]):
        if word in _BETWEEN:
            continue
        return (word[2:] if word.startswith("n'") else word) in _AVOIR
    return False


def complete_auxiliary(surface: str, texts: Sequence[str], max_words: int) -> str | None:
    """``surface`` read on past "a été" as the module says, from the first ``name_tokens.UNITS_READ`` of
    ``texts`` (central first) holding it; ``surface`` itself when it does not end on such an "été"; None
    when most of those units do not go on the same way."""
    if not _ends_on_auxiliary(TOKEN.findall(surface)):
        return surface  # most names: no unit is searched
    holding = units_holding(surface, texts)
    ends = [f for text, at in holding if (f := _read_past(surface, text, at, max_words)) is not None]
    return longest_backed(ends, len(holding), starts_alike)


def _read_past(surface: str, text: str, start: int, max_words: int) -> str | None:
    """``surface``, standing at ``start`` in ``text``, read on past adverbs to the word that says what was
    ("fait", "très aimable", "différent"), or past articles and prepositions to the word they introduce ("un
    succès", "à l'heure"); None when the clause ends first."""
    return read_until(surface, text, start, max_words, _says_what_was)


def _says_what_was(word: str) -> bool:
    """Not an adverb, an article or preposition, nor "été" again ("l'heure" is read as "heure")."""
    folded = fold(word).rpartition("'")[2]
    return folded not in _ADVERBS and folded not in _FUNCTION and folded != "ete"
