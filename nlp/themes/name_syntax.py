"""A French name completed to the phrase it was cut from, by the dependency parse of the units holding it.

Why: a name is a span that starts and ends on a content word (``naming.py``), so in French it loses the words
on its left that make it a phrase — the preposition, the numeral, the subject of its verb, the conjunction of
its clause, the noun an adjective qualifies: "Bout de trois semaines" (Au bout de …), "Moitié vide" (à moitié
vide), "Cassent très facilement" (Les élastiques cassent …), "Totale de scénario" (Absence totale de …),
"Baisse c'est tout granuleux" (dès que la lumière baisse …). A CX lead reads those as broken titles
(docs/benchmarks.md, R24). Content words decide *which* phrase names a theme; the parse only decides where
that phrase *starts*, so the choice and its measured quality (``bench.naming``) are untouched.

How: the shipped ``fr_core_news_sm`` (parser on, no NER) parses the few most central units that contain the
name; in each, the span grows to the left — never across punctuation, never past ``max_words`` — to
* the left dependents a phrase needs: mark, auxiliaries, copula, expletives, numerals, fixed expressions,
  the subject with its whole subtree, and the prepositions without which it reads as something else (à, au,
  aux, en, sans);
* an article only when the name holds a verb (it is a clause then: "Le guide des tailles est faux") or the
  article is a quantity ("plusieurs jours", "aucun retour"): "Colis endommagé" stays a title, not "Un
  colis …";
* the noun that the span's first word only modifies ("tailles" in "Le guide des tailles est faux").
The longest completed form that most of those units end with wins; without one the span stays as it was
(units naming different subjects leave the span as it was; one customer's "Le pantalon a …" names a theme only
when that customer wrote most of the units holding the span). English is left as it is: no English parser
ships with the product.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# Left dependents a French phrase needs before its first content word (Universal Dependencies labels as
# fr_core_news_sm writes them; a subtype such as "aux:tense" counts as its base "aux").
_NEEDED = frozenset({"mark", "aux", "cop", "expl", "nummod", "fixed"})
# Prepositions kept before a name: those without which it reads as something else or as nothing ("à moitié
# vide", "au bout de trois semaines", "en panne", "sans réponse"); "Lattes fendues" does not need "avec".
_KEPT_CASE = frozenset({"à", "au", "aux", "en", "sans"})
_SUBJECT = frozenset({"nsubj", "csubj"})
# Relations by which the first word only modifies a noun on its left: that noun belongs to the name.
_MODIFIER = frozenset({"amod", "nmod", "flat", "compound"})
# Articles that say a quantity, kept even on a noun-phrase name.
# ("un" / "une" are not: "J'ai reçu un colis endommagé" names a theme "Colis endommagé", not "Un colis …".)
_QUANTITY = frozenset({"plusieurs", "quelques", "aucun", "aucune", "certains", "certaines"})
_CLAUSE_POS = frozenset({"VERB", "AUX"})
_BOUNDARY = re.compile(r"[.,;:!?()\[\]\"«»…/|–—]|\s-\s")
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
UNITS_PARSED = 5  # central units holding the name that are parsed (a few agree; more only cost time)


@lru_cache(maxsize=1)
def _parser() -> Any:
    import spacy

    return spacy.load("fr_core_news_sm", exclude=["ner", "lemmatizer"])


def _base(dep: str) -> str:
    return dep.split(":", 1)[0]


def _widen(doc: Any, start: int, end: int, max_words: int) -> tuple[int, int]:
    """Character bounds of the span [start, end) of ``doc``'s text, widened to the left as the module says."""
    text = doc.text
    floor = max((m.end() for m in _BOUNDARY.finditer(text, 0, start)), default=0)
    inside = {t.i for t in doc if t.idx >= start and t.idx + len(t) <= end}
    if not inside:
        return start, end
    while True:
        lo = min(inside)
        clause = any(doc[i].pos_ in _CLAUSE_POS for i in inside)
        options: list[set[int]] = []
        for i in sorted(inside):
            for child in doc[i].lefts:
                if child.i >= lo:
                    continue
                dep = _base(child.dep_)
                if dep in _SUBJECT:
                    options.append({t.i for t in child.subtree})
                elif (
                    dep in _NEEDED
                    or (dep == "case" and child.lower_ in _KEPT_CASE)
                    or (dep == "det" and (clause or child.lower_ in _QUANTITY))
                ):
                    options.append({child.i})
        first = doc[lo]
        if _base(first.dep_) in _MODIFIER and first.head.i < lo:
            options.append({first.head.i})
        grown = False
        for extra in options:
            new_lo = min(extra | inside)
            begin = doc[new_lo].idx
            words = len(_WORD.findall(text[begin:end]))
            if begin < floor or words > max_words:
                continue
            inside |= extra | set(range(new_lo, lo))
            lo = min(inside)
            grown = True
        if not grown:
            return doc[min(inside)].idx, end


def complete_phrase(surface: str, texts: Sequence[str], max_words: int) -> str:
    """``surface`` widened to the French phrase it was cut from in the first :data:`UNITS_PARSED` of
    ``texts`` (central first) that contain it; ``surface`` itself when none does."""
    holding = [t for t in texts if surface in t][:UNITS_PARSED]
    if not holding or len(_WORD.findall(surface)) >= max_words:
        return surface
    forms = []
    for doc in _parser().pipe(holding):
        start = doc.text.index(surface)
        begin, end = _widen(doc, start, start + len(surface), max_words)
        forms.append(doc.text[begin:end])
    # A form is backed by every unit whose completion ends with it ("à moitié vide" by "une boîte à moitié
    # vide" too); the longest form most units back wins, so one customer's subject ("Le pantalon a rétréci au
    # lavage") names the theme only when that customer is most of the units holding the span.
    backed = [f for f in dict.fromkeys(forms) if 2 * sum(_ends_with(g, f) for g in forms) > len(forms)]
    return max(backed, key=len) if backed else surface


def _ends_with(form: str, tail: str) -> bool:
    """``form`` ends with the words of ``tail`` (not inside a word: "à moitié vide" is not backed by "là
    moitié vide")."""
    return form == tail or (form.endswith(tail) and not form[-len(tail) - 1].isalnum())
