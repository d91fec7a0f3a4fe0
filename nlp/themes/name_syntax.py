"""A French name completed to the phrase it was cut from, by the dependency parse of the units holding it.

Why: a name is a span that starts and ends on a content word (``naming.py``), so in French it loses the
words on its left that make it a phrase — the subject of its verb, the numeral, the noun an adjective
qualifies: "Existe en version" (Ce livre existe …), "Mois pour un remboursement" (Quatre mois …), "Totale de
scénario" (Absence totale de …). A CX lead reads those as broken titles. Content words decide *which*
phrase names a theme; the parse only decides where that phrase *starts*, so ``bench.naming``'s figures are
untouched.

How: the shipped ``fr_core_news_sm`` (parser on) parses the few most central units that contain the name; in
each, the span grows to the left — never across punctuation, never past ``max_words`` — only by what
docs/benchmarks.md R24–R28 showed helps:
* the subject of a verb or predicate in the span, with its subtree and every word up to the span (its
  auxiliaries, copula, clitics and negation come with it): "Le scénario est au poil";
* numerals and quantity articles; the preposition of a listed locution ("à moitié", "au bout", "en panne");
* the noun right before a first-word adjective or participle that qualifies it;
* the determiner of a subject noun the name starts on, when its verb or predicate is in the name (the name is
  a clause: "Box redémarre" → "La box redémarre", R40), and only the determiners, numerals and adjectives
  right before it ("Tout le monde", "Le premier film"; R41: R40 took the subject's whole left subtree and
  once a subordinator with it, "Que David et Bethsabée est un film").
Not: subordinators ("Que dans l'opus original"), a copula or auxiliary without its subject ("Est très
préjudiciable au film"), the article of a noun phrase ("Un colis endommagé"), a noun that a noun modifies
("Prétexte d'une histoire vraie"), other prepositions ("Au genre du Western", "À l'étape du paiement"), an
inverted subject ("-je vous poser une question"): R24 and R25 measured those turning phrases into fragments.
The longest completed form that most of those units end with wins; without one the span stays as it was
(one customer's "Le pantalon a …" names a theme only when that customer wrote most of the units holding the
span). English is left as it is: no English parser ships with the product.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from nlp.themes.name_tokens import TOKEN, clause_bounds, ends_alike, longest_backed, units_holding

_SUBJECT = frozenset({"nsubj", "csubj"})  # with its subtree and the words up to the span
# Articles that say a quantity ("plusieurs jours", "aucun retour"); numerals come as nummod. Not "un" / "une":
# "J'ai reçu un colis endommagé" names a theme "Colis endommagé", not "Un colis …".
_QUANTITY = frozenset({"plusieurs", "quelques", "aucun", "aucune", "certains", "certaines"})
_NOUN_POS = frozenset({"NOUN", "PROPN"})
# French locutions whose preposition is obligatory: kept when the name starts on their second word and the
# first sits right before it ("Moitié vide" → "À moitié vide"). Prepositions in general are not (R25); "sans"
# needs no entry, the negation reach keeps it (docs/benchmarks.md R28).
_LOCUTIONS = frozenset(
    {
        ("à", "moitié"), ("au", "bout"), ("en", "panne"), ("en", "retard"), ("en", "attente"),
        ("en", "rupture"), ("en", "cours"), ("en", "double"), ("hors", "service"), ("hors", "délai"),
        ("hors", "stock"), ("hors", "d'usage"),
    }
)  # fmt: skip
_CLAUSE_POS = frozenset({"VERB", "AUX"})
_DETERMINERS = frozenset({"det", "amod", "nummod"})  # what a clause's subject noun brings along (R41)


@lru_cache(maxsize=1)
def _parser() -> Any:
    import spacy

    return spacy.load("fr_core_news_sm", exclude=["ner", "lemmatizer"])


@lru_cache(maxsize=1024)
def _parse(text: str) -> Any:
    return _parser()(text)


def parse_units(texts: Iterable[str]) -> Iterator[Any]:
    """The parses of ``texts``, by the one parser every French completion reads; cached per text, so that the
    completions that parse the same central units of a name (R26's, R42's) parse them once."""
    return (_parse(t) for t in texts)


def base_dep(dep: str) -> str:
    """A dependency label without its subtype ("nsubj:pass" → "nsubj")."""
    return dep.split(":", 1)[0]


def _predicate(token: Any) -> bool:
    """A verb, or a word made a predicate by its copula ("est au poil"): whose subject completes the name.
    Not a bare noun the parser gave a subject to ("Les autres ainsi qu'une absence …")."""
    return bool(token.pos_ in _CLAUSE_POS or any(base_dep(c.dep_) == "cop" for c in token.children))


def _stray(token: Any) -> bool:
    """A lone letter ("C réussira-t-elle"): a typo or an initial the parser took for a subject."""
    return len(token.text) == 1 and token.text.isalpha() and token.lower_ not in {"à", "a", "y"}


def _opens_clause(first: Any, inside: set[int]) -> bool:
    """``first`` is a noun whose verb or predicate is in the name, as its subject ("box redémarre")."""
    head = first.head
    return bool(
        first.pos_ in _NOUN_POS and base_dep(first.dep_) in _SUBJECT and head.i in inside and _predicate(head)
    )


def _determiners(doc: Any, lo: int) -> set[int]:
    """The run of words right before ``doc[lo]`` that are its determiners, numerals or adjectives ("Tout le
    monde", "Le premier film"): never a subordinator or anything else the parser hung under it (R41)."""
    run: set[int] = set()
    j = lo - 1
    while j >= 0 and doc[j].head.i == lo and base_dep(doc[j].dep_) in _DETERMINERS:
        run.add(j)
        j -= 1
    return run


def _widen(doc: Any, start: int, end: int, max_words: int) -> tuple[int, int]:
    """Character bounds of the span [start, end) of ``doc``'s text, widened to the left as the module says."""
    text = doc.text
    floor, _ = clause_bounds(text, start, end)
    inside = {t.i for t in doc if t.idx >= start and t.idx + len(t) <= end}
    if not inside:
        return start, end
    while True:
        lo = min(inside)
        first = doc[lo]
        options: list[set[int]] = []
        for i in sorted(inside):
            for child in doc[i].lefts:
                if child.i >= lo:
                    continue
                dep, word = base_dep(child.dep_), child.lower_
                if dep in _SUBJECT and _predicate(doc[i]) and not child.text.startswith("-"):
                    options.append({t.i for t in child.subtree})  # not an inverted "-je", "-t-elle"
                elif dep == "nummod" or (dep == "det" and word in _QUANTITY):
                    options.append({child.i})
        if lo > 0 and (doc[lo - 1].lower_, first.lower_) in _LOCUTIONS:
            options.append({lo - 1})
        # a name that starts on its own subject noun is a clause: the subject's determiner comes with it (R40)
        if _opens_clause(first, inside) and (left := _determiners(doc, lo)):
            options.append(left)
        # an adjective or participle right after the noun it qualifies: "absence totale", "élastiques cassent"
        head = first.head
        qualifies = base_dep(first.dep_) == "amod" and first.pos_ in {"ADJ", "VERB"}
        if qualifies and head.pos_ in _NOUN_POS and head.i == lo - 1:
            options.append({head.i})
        grown = False
        for extra in options:
            new_lo = min(extra | inside)
            begin = doc[new_lo].idx
            words = len(TOKEN.findall(text[begin:end]))
            if begin < floor or words > max_words or any(_stray(doc[j]) for j in range(new_lo, lo)):
                continue
            inside |= extra | set(range(new_lo, lo))
            lo = min(inside)
            grown = True
        if not grown:
            return doc[min(inside)].idx, end


def complete_phrase(surface: str, texts: Sequence[str], max_words: int) -> str:
    """``surface`` widened to the French phrase it was cut from in the first ``name_tokens.UNITS_READ`` of
    ``texts`` (central first) that hold it as whole words, case ignored (R37); ``surface`` itself when none
    does."""
    if len(TOKEN.findall(surface)) >= max_words:
        return surface
    held = units_holding(surface, texts)
    if not held:
        return surface
    forms = []
    for doc, (_, start) in zip(parse_units(t for t, _ in held), held, strict=True):
        begin, _ = _widen(doc, start, start + len(surface), max_words)
        forms.append(doc.text[begin:start] + surface)  # this unit's words, then the chosen spelling
    # A form is backed by every unit whose completion ends with it (the span itself by all of them); the
    # longest form most units back wins, so one customer's subject ("Le pantalon a rétréci au lavage") names
    # the theme only when that customer is most of the units holding the span.
    return longest_backed(forms, len(forms), ends_alike) or surface
