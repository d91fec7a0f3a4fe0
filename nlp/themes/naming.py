"""Names a CX lead can read: a short natural phrase per theme and per language, from the theme's own text.

Keyphrases (``labelling.py``) are lemmas and lemma pairs: good for search, unreadable as a title ("pomme
terre", "refund · remboursement"). A name is instead a *surface* span that customers actually wrote, so it
keeps its agreement, articles and prepositions ("L'application plante à la connexion").

Two approaches were compared on a bilingual labelled set (``tests/fixtures/naming/irritants.json``, 10
irritants, 91 units; ``python -m bench.naming``): share of pain points whose name shares a content word
with the human name — true groups: phrase en 1.00 / fr 1.00, medoid en 0.80 / fr 1.00; the pipeline's own
pain points (USE): phrase en 1.00 / fr 0.89, medoid en 0.78 / fr 0.89; no name with "·" either way.
``phrase`` is the default:

* ``phrase``: every contiguous span of 2–7 words inside one unit (never across punctuation) that starts and
  ends with a content word is a candidate. Candidates are grouped by their content words (lower-cased,
  accents and elisions stripped, crude prefix stem); a group scores coverage (share of the theme's units that
  contain all its content words) × closeness (their mean similarity to the centroid) × distinctiveness (how
  much rarer the words are in the sibling themes) × a small bonus per extra content word. Product words that
  one or two customers mention ("hamac", "genou") cannot win: their coverage is low. The group's most
  frequent surface form is the name; a French one then starts where its phrase does (``name_syntax``: the
  subject of its verb, a numeral, an adjective's noun — "Je ne recommanderai plus cet opérateur", not "Ne
  recommanderai plus cet opérateur"; without a parse, the subject pronoun before its verb, ``name_subjects``:
  "Tu conduis vraiment bien"), is read on from a final verb to its object (``name_objects``: "Le vendeur
  refuse" → "Le vendeur refuse le retour"), and never stops on the "été" of "a été" (``name_auxiliaries``:
  "Remboursement a été" → "Remboursement a été fait", or the next candidate); an English one keeps the
  opening of the question it was cut from (``name_questions``: "Long does a transfer" → "How long does a
  transfer take") and never stops on a contraction it cuts off (``name_contractions``: "App doesn't" → "App
  doesn't work", or the next candidate).
  Siblings never get the same name (the next candidate is taken).
* ``medoid``: the most central unit, trimmed of leading fillers and cut at the first clause boundary.
  Readable, but it carries whatever detail that one customer gave.

A theme gets one name per *name language* (``NAME_LANGUAGES``: fr, en) it has units in (``names``), computed
from that language's units only, so a name is never in a language the theme does not contain, and never keyed
``other`` (a language detector's "neither": not a language a reader can choose). ``name`` is the preferred
language's name when the theme has units in it, else the one of the theme's majority language; a theme with
units in no name language (all ``other``) gets a ``name`` from all its units and empty ``names``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from nlp.text.folding import fold
from nlp.themes.name_auxiliaries import complete_auxiliary
from nlp.themes.name_contractions import complete_contraction
from nlp.themes.name_negation import negation_reach
from nlp.themes.name_objects import complete_object
from nlp.themes.name_questions import complete_question
from nlp.themes.name_subjects import complete_subject
from nlp.themes.name_syntax import complete_phrase
from nlp.themes.name_tokens import BOUNDARY, TOKEN

Method = Literal["phrase", "medoid"]
NAME_LANGUAGES = ("fr", "en")  # the languages a name can be keyed by (a workspace's name language is one)
_ANY = (
    "*"  # the pooled units of a theme with none in a name language: gives ``name``, never a key of ``names``
)
MAX_SPAN_WORDS = 7
NEGATED = "~"  # appended to the key of a word a negation reaches (never shown)
MAX_CONTENT_WORDS = 4
MAX_NAME_WORDS = 8
UNITS_PER_LANGUAGE = 80  # the most central units of a language feed its name: bounded cost, same result
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
# Not content words even though spaCy's lists miss them, or words a name should not start or end on.
_EXTRA_STOP = {
    "still", "again", "also", "even", "really", "very", "just", "ever", "get", "got", "would", "could", "im",
    "ive", "dont", "didnt", "cant", "wont", "toujours", "encore", "aussi", "vraiment", "très", "trop", "fois",
    "depuis", "malgré", "alors", "dès", "chaque", "every", "since", "despite", "although", "though", "time",
    "times", "thing", "things", "chose", "choses", "mon", "ma", "mes", "my", "your", "votre", "vos", "am",
    "jamais", "pas", "plus", "rien", "aucun", "aucune", "lieu",
}  # fmt: skip
_FILLERS = {
    "i", "je", "j", "we", "nous", "on", "it", "il", "elle", "the", "le", "la", "les", "l", "a", "an", "un",
    "une", "and", "et", "but", "mais", "so", "donc", "still", "toujours", "my", "mon", "ma", "mes", "our",
    "notre",
}  # fmt: skip


@dataclass(frozen=True)
class ThemeName:
    name: str  # in the preferred language when the theme has units in it, else its majority language
    names: dict[str, str]  # language -> name, for every language the theme has units in


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    return frozenset({fold_word(w) for w in EN | FR | _EXTRA_STOP})


def fold_word(word: str) -> str:
    """Lower case, no accents, no elided prefix: "L'Été" → "ete"."""
    return _ELISION.sub("", fold(word))


def word_key(word: str) -> str:
    """Crude stem for grouping surface variants ("refunds" / "refund", "remboursement" / "remboursé"): enough
    to count co-occurrence, never shown to anyone."""
    w = fold_word(word)
    for suffix in ("es", "s", "x"):
        if len(w) > 4 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return w[:6]


# Placeholders, not words: CFPB's "XXXX" masks, and nlp.text.redaction's <EMAIL>, <NAME>, ... (upper case).
_MASK = re.compile(r"X{2,}|EMAIL|PHONE|IBAN|CARD|SECRET|URL_SECRET|NAME|ADDRESS|NIR")


def is_content_word(word: str) -> bool:
    """A word a name may start or end on and is grouped by; public so that ``bench.naming`` judges names by
    the same words."""
    f = fold_word(word)
    return len(f) > 2 and not f.isdigit() and f not in _stopwords() and not _MASK.fullmatch(word)


def _segments(text: str) -> list[list[re.Match[str]]]:
    """Token matches per punctuation-free segment of ``text`` (a name never crosses punctuation)."""
    out: list[list[re.Match[str]]] = []
    pos = 0
    for b in [*BOUNDARY.finditer(text), None]:
        end = b.start() if b is not None else len(text)
        toks = [m for m in TOKEN.finditer(text, pos, end)]
        if toks:
            out.append(toks)
        pos = b.end() if b is not None else end
    return out


Clause = tuple[tuple[re.Match[str], ...], tuple[str | None, ...], tuple[tuple[int, int] | None, ...]]


@lru_cache(maxsize=8192)
def _clauses(text: str) -> tuple[Clause, ...]:
    """Per punctuation-free segment of ``text``: its tokens, each token's key, marked when a negation reaches
    it (None for a non-content word), and the negation words that reach it (``name_negation``): "reçu" and
    "jamais reçu" never share a group. Cached: a theme's units are read for their keys and again for their
    candidate spans, and the negation reach is the costly part."""
    out = []
    for toks in _segments(text):
        reach = negation_reach([m.group() for m in toks])
        keys = [
            (word_key(m.group()) + (NEGATED if r is not None else "")) if is_content_word(m.group()) else None
            for m, r in zip(toks, reach, strict=True)
        ]
        out.append((tuple(toks), tuple(keys), tuple(reach)))
    return tuple(out)


def _candidates(text: str, min_words: int = 2) -> list[tuple[tuple[str, ...], str, bool]]:
    """(content keys in order, surface form, ends the segment) of every span that starts and ends on a content
    word, widened to the negation words that reach its words ("pas de remboursement", "n'a pas été tenu")."""
    out = []
    for toks, signed, reach in _clauses(text):
        for i in range(len(toks)):
            if signed[i] is None:
                continue
            for j in range(i + (min_words >= 2), min(len(toks), i + MAX_SPAN_WORDS)):
                if signed[j] is None:
                    continue
                keys = tuple(k for k in signed[i : j + 1] if k is not None)
                if len(keys) > MAX_CONTENT_WORDS:
                    break
                if len(set(keys)) < min(2, j - i + 1):
                    continue
                ends = [r for r in reach[i : j + 1] if r is not None]
                lo, hi = min([i, *(r[0] for r in ends)]), max([j, *(r[1] for r in ends)])
                out.append((keys, text[toks[lo].start() : toks[hi].end()], hi == len(toks) - 1))
    return out


def _unit_keys(text: str) -> frozenset[str]:
    return frozenset(k for _, keys, _ in _clauses(text) for k in keys if k is not None)


def _capitalise(phrase: str) -> str:
    phrase = " ".join(phrase.split())
    return phrase[:1].upper() + phrase[1:]


def medoid_name(texts: Sequence[str], similarity: Sequence[float]) -> str | None:
    """The most central unit of 3+ words, trimmed of leading fillers and cut at its first clause boundary."""
    order = sorted(range(len(texts)), key=lambda i: (-similarity[i], i))
    for i in order:
        segs = [s for s in _segments(texts[i]) if len(s) >= 2]
        if not segs:
            continue
        toks = max(segs[:2], key=len) if len(segs[0]) < 3 else segs[0]
        while len(toks) > 2 and fold_word(toks[0].group()) in _FILLERS:
            toks = toks[1:]
        toks = toks[:MAX_NAME_WORDS]
        if len(toks) >= 2:
            return _capitalise(texts[i][toks[0].start() : toks[-1].end()])
    return None


def _phrase_scores(
    texts: Sequence[str],
    similarity: Sequence[float],
    other_keys: Sequence[frozenset[str]],
    min_words: int = 2,
    unit_keys: Sequence[frozenset[str]] | None = None,
) -> list[tuple[float, tuple[str, ...], str]]:
    """(score, content keys, surface form) of the candidates of one theme and language, best first.
    ``unit_keys``: each text's :func:`_unit_keys`, when the caller already holds them."""
    unit_keys = [_unit_keys(t) for t in texts] if unit_keys is None else unit_keys
    surfaces: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    ordered: dict[frozenset[str], tuple[str, ...]] = {}
    at_end: set[str] = set()
    for t in texts:
        for keys, surface, last in _candidates(t, min_words):
            group = frozenset(keys)
            surfaces[group][surface] += 1
            ordered.setdefault(group, keys)
            if last:
                at_end.add(surface)
    n, n_other = len(texts), max(1, len(other_keys))
    scored = []
    for group, forms in surfaces.items():
        inside = [i for i, uk in enumerate(unit_keys) if group <= uk]
        if not inside:
            continue
        coverage = len(inside) / n
        closeness = max(0.0, sum(similarity[i] for i in inside) / len(inside))
        elsewhere = sum(1 for uk in other_keys if group <= uk) / n_other
        distinct = coverage / (coverage + elsewhere)
        # more words are more specific when several customers wrote them together; from one customer alone
        # they are that customer's detail, so shorter wins then
        extra = 1.0 + 0.25 * (len(group) - 2)
        bonus = extra if len(inside) >= 2 else 1.0 / extra
        # most frequent surface form; ties → the shorter, then alphabetical (deterministic)
        surface = sorted(forms.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        if surface in at_end:  # a span that closes its clause reads as a phrase, not a fragment
            bonus *= 1.15
        scored.append((coverage * closeness * distinct * bonus, ordered[group], surface))
    scored.sort(key=lambda s: (-s[0], s[2]))
    return scored


def _top_central(texts: Sequence[str], similarity: Sequence[float], k: int) -> tuple[list[str], list[float]]:
    order = sorted(range(len(texts)), key=lambda i: (-similarity[i], i))[:k]
    return [texts[i] for i in order], [similarity[i] for i in order]


def name_themes(
    texts: Sequence[Sequence[str]],
    languages: Sequence[Sequence[str]],
    similarity: Sequence[Sequence[float]],
    preferred: str | None = None,
    method: Method = "phrase",
    min_words: int = 2,
) -> list[ThemeName]:
    """Names for sibling themes (one kind of one analysis), theme ``t`` given by its members' texts,
    languages and similarity to its centroid. ``preferred``: the language ``name`` should be in.
    ``min_words=1`` lets one word the theme's customers share name it (parent themes: "Remboursements").
    """
    per_lang: list[dict[str, tuple[list[str], list[float]]]] = []
    for tx, lg, sim in zip(texts, languages, similarity, strict=True):
        groups: dict[str, tuple[list[str], list[float]]] = {}
        for text, lang, s in zip(tx, lg, sim, strict=True):
            g = groups.setdefault(lang if lang in NAME_LANGUAGES else _ANY, ([], []))
            g[0].append(text)
            g[1].append(float(s))
        if len(groups) > 1:  # units in a name language: the others name nothing
            groups.pop(_ANY, None)
        per_lang.append({lang: _top_central(g[0], g[1], UNITS_PER_LANGUAGE) for lang, g in groups.items()})
    # per language, every sibling's unit keys (for distinctiveness)
    keys_of: dict[str, list[list[frozenset[str]]]] = defaultdict(lambda: [[] for _ in texts])
    if method == "phrase":
        for t, by_lang in enumerate(per_lang):
            for lang, (tx, _) in by_lang.items():
                keys_of[lang][t] = [_unit_keys(x) for x in tx]
    taken: dict[str, set[str]] = defaultdict(set)
    order = sorted(range(len(texts)), key=lambda t: (-len(texts[t]), t))  # bigger themes choose first
    names: dict[int, dict[str, str]] = {}
    for t in order:
        names[t] = {}
        for lang, (tx, sim) in sorted(per_lang[t].items()):
            name: str | None = None
            if method == "phrase":
                others = [k for u, ks in enumerate(keys_of[lang]) if u != t for k in ks]
                for _, _, surface in _phrase_scores(tx, sim, others, min_words, keys_of[lang][t]):
                    if lang == "fr" and " " in surface:  # a French span starts where its phrase does
                        surface = complete_phrase(surface, tx, MAX_NAME_WORDS)
                        surface = complete_subject(surface, tx, MAX_NAME_WORDS)
                        surface = complete_object(surface, tx, MAX_NAME_WORDS)  # "refuse le remboursement"
                        # … and never stops on the "été" of "a été" (R39)
                        read = complete_auxiliary(surface, tx, MAX_NAME_WORDS)
                        if read is None:
                            continue
                        surface = read
                    elif lang == "en":  # an English one keeps its question, never cuts a contraction off
                        surface = complete_question(surface, tx, MAX_NAME_WORDS, is_content_word)
                        completed = complete_contraction(surface, tx, MAX_NAME_WORDS, is_content_word)
                        if completed is None:
                            continue
                        surface = completed
                    candidate = _capitalise(surface)
                    if candidate.lower() not in taken[lang]:
                        name = candidate
                        break
            if name is None:
                name = medoid_name(tx, sim)
            if name is None:  # one-word units only: the most central one, as written
                name = _capitalise(tx[0]) if tx else ""
            taken[lang].add(name.lower())
            names[t][lang] = name
    return [
        ThemeName(
            name=pick_name(names[t], languages[t], preferred) if _ANY not in names[t] else names[t][_ANY],
            names={lang: n for lang, n in names[t].items() if lang != _ANY},
        )
        for t in range(len(texts))
    ]


def pick_name(names: Mapping[str, str], languages: Sequence[str], preferred: str | None) -> str:
    """The preferred language's name, else the name in the theme's majority language."""
    if preferred is not None and preferred in names:
        return names[preferred]
    if not names:
        return ""
    counts = Counter(lang for lang in languages if lang in names)
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else sorted(names)[0]
    return names[best]


def bilingual_name(
    names: Mapping[str, str], languages: Sequence[str], preferred: str | None, min_share: float = 0.1
) -> str:
    """A parent theme's title: its name in the preferred language, then " / " and its name in the other name
    language when at least ``min_share`` of its fr/en units are in that one ("Remboursements / Refunds");
    one language's name when only one is present (a stray unit does not make a theme bilingual)."""
    counts = Counter(lang for lang in languages if lang in names and lang in NAME_LANGUAGES)
    total = sum(counts.values())
    present = [lang for lang, n in counts.items() if n >= max(1.0, min_share * total)]
    if not present:
        return pick_name(names, languages, preferred)
    first = preferred if preferred in present else sorted(present, key=lambda g: (-counts[g], g))[0]
    parts = [names[first]] + [names[g] for g in sorted(present) if g != first]
    return " / ".join(parts) if len({p.lower() for p in parts}) > 1 else parts[0]


def majority_language(languages: Sequence[str], known: Sequence[str] = ("fr", "en")) -> str | None:
    """The most frequent known language of the data (the default for ``name``)."""
    counts = Counter(lang for lang in languages if lang in known)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
