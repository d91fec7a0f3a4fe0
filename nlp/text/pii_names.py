"""Person names: titles, role words, self-introductions, known first names, and spaCy's French NER.

A name is only redacted on evidence, because CX text is full of capitalised words that are not people
(brands, shops, carriers, stations, products):

* a title (M., Mme, Mlle, Monsieur, Madame, Dr, Mr, Mrs, Ms, Miss...) followed by capitalised words — the
  title stays, the name goes ("Mme <NAME>");
* a role word (conseiller, agent, technicien, livreur, advisor, driver, rep...) or an introduction ("je
  m'appelle", "my name is", "merci à", "spoke to", "ask for"...) followed by a known first name or by two
  or more capitalised words that are not brands;
* a known first name (``pii_lexicon.FIRST_NAMES``), with the capitalised surname that follows, unless a place
  word comes right before (gare, rue, station, aéroport...);
* in French text, a multi-word ``PER`` entity of ``fr_core_news_sm``. No English NER model ships with the
  project, so English relies on the rules above. The model runs only when a cheap prefilter finds two
  capitalised words in a row that no rule explained, which keeps the per-text cost low.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nlp.text.pii_lexicon import FIRST_NAMES, NOT_NAME_PHRASES, NOT_NAMES, PLACE_WORDS
from nlp.text.pii_prefilter import may_have_cue

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿ"
# One capitalised name word: Dupont, Jean-Pierre, O'Brien, Lefèvre; DUPONT only after a title (see below).
_WORD = rf"(?:[{_UP}]['’][{_UP}][{_LOW}]+|[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*)"
_CAPS = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})*"
_PARTICLE = r"(?:de|du|des|d['’]|van|von|da|di|le|la|el|ben|bin)"
_NAME = rf"{_WORD}(?:\s+(?:{_PARTICLE}\s*)?{_WORD}){{0,2}}"

_TITLES = (
    r"M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Dr\.?|Docteur|Pr\.?|Professeur|Maître|"
    r"Mr\.?|Mrs\.?|Ms\.?|Miss|Mx\.?|Sir|Prof\."
)
_TITLED = re.compile(rf"(?<![\w.])(?:{_TITLES})\s+(?P<name>{_NAME}|{_CAPS}(?:\s+{_WORD})?)")

_ROLES = (
    r"conseill(?:er|ère)|agente?|technicien(?:ne)?|livreu(?:r|se)|vendeu(?:r|se)|opérat(?:eur|rice)|"
    r"interlocut(?:eur|rice)|responsable|gérante?|direct(?:eur|rice)|chauffeur|coursier|coursière|"
    r"réceptionniste|hôtesse|commerciale?|chargée? de clientèle|factrice|facteur|installateur|plombier|"
    r"électricien|infirmière|infirmier|médecin|pharmacienne?|caissière|caissier|collègue|dépanneur|"
    r"employée?|serveu(?:r|se)|manager|gestionnaire|"
    r"advis[eo]r|agent|rep|representative|technician|driver|courier|engineer|supervisor|cashier|"
    r"salesperson|sales assistant|assistant|consultant|operator|clerk|receptionist|nurse|doctor|pharmacist|"
    r"installer|plumber|electrician|colleague|account manager|case handler|handler|officer|waiter|waitress|"
    r"host|hostess|postman|postwoman|delivery (?:guy|man|woman)"
)
_INTROS = (
    r"je m['’]appelle|mon nom est|moi c['’]est|signé|cordialement|un certain|une certaine|nommée?|"
    r"prénommée?|du nom de|merci à|bravo à|félicit\w+|reçue? par|parlé (?:à|avec)|eu au téléphone|"
    r"my name is|name's|named|signed|regards|thanks to|thank you|thanks|kudos to|shout ?out to|"
    r"spoke (?:to|with)|talked (?:to|with)|chatted with|helped by|served by|ask for|asked for|dealt with"
)
_CUED = re.compile(
    rf"(?i:\b(?:{_ROLES}|{_INTROS}))\b[\s,:]*(?:(?i:named|called|nommée?|prénommée?|un certain|une certaine)"
    rf"\s+)?(?P<name>{_NAME})"
)
_KNOWN = re.compile(rf"(?<![\w'’-])(?P<name>{_NAME}(?:\s+{_CAPS}(?![\w'’-]))?)")
# Introductions that name a person whatever the word: "je m'appelle Zoltan", "a rep named Brandt" (a bare
# "called" is left out: "I called Octopus Energy").
_STRONG = re.compile(
    r"(?i:\b(?:je m['’]appelle|mon nom est|my name is|named|nommée?|prénommée?|du nom de|un certain|"
    r"une certaine|signé|(?:guy|man|woman|lady|girl|gentleman|person|someone|rep|agent|advisor|driver|"
    r"technician|engineer|courier) called))\b[\s,:]*"
    rf"(?P<name>{_WORD}(?:\s+(?:{_PARTICLE}\s*)?(?:{_WORD}|{_CAPS})){{0,2}})"
)
_TWO_CAPS = re.compile(rf"(?<![.!?]\s)(?<!^)\b{_WORD}\s+(?:{_PARTICLE}\s+)?{_WORD}")
_UPPER = re.compile(rf"[{_UP}]")
_CAP_TOKEN = re.compile(rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*")
_FRENCH_HINT = re.compile(r"\b(?:le|la|les|de|du|des|est|et|je|j['’]|un|une|pour|avec|pas|mon|ma)\b", re.I)


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", name) if w]


def _trim(name: str, start: int) -> tuple[int, int] | None:
    """Cut a candidate at its first brand or common capitalised word; None when nothing is left."""
    kept_end = start
    for word in re.finditer(r"\S+", name):
        if word.group(0) in NOT_NAMES or word.group(0).rstrip(".") in NOT_NAMES:
            break
        kept_end = start + word.end()
    return (start, kept_end) if kept_end > start else None


def _place_before(text: str, start: int) -> bool:
    before = re.findall(r"[\wÀ-ÿ-]+", text[max(0, start - 30) : start])
    return bool(before) and before[-1].lower() in PLACE_WORDS


def rule_spans(text: str) -> list[tuple[int, int]]:
    """Name spans found by the rules (titles, role words and introductions, known first names)."""
    spans: list[tuple[int, int]] = []
    # Cheap exits: a cued name is a capital letter after the text's first character; a known first name
    # is one of the capitalised words.
    if _UPPER.search(text, 1) is None:
        if not any(w in FIRST_NAMES for w in _CAP_TOKEN.findall(text)):
            return spans
        return _known(text, spans)
    for match in _TITLED.finditer(text):
        first = match.group("name").split()[0]
        if first not in NOT_NAMES:
            trimmed = _trim(match.group("name"), match.start("name"))
            if trimmed:
                spans.append(trimmed)
    if not may_have_cue(text):
        return _known(text, spans)
    for match in _CUED.finditer(text):
        name = match.group("name")
        words = _words(name)
        trimmed = _trim(name, match.start("name"))
        if trimmed is None:
            continue
        kept = _words(text[trimmed[0] : trimmed[1]])
        if words[0] in FIRST_NAMES or len(kept) >= 2:
            spans.append(trimmed)
    for match in _STRONG.finditer(text):
        trimmed = _trim(match.group("name"), match.start("name"))
        if trimmed:
            spans.append(trimmed)
    return _known(text, spans)


def _known(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Add known first names (with the surname that follows) outside place names."""
    if not any(w in FIRST_NAMES for w in _CAP_TOKEN.findall(text)):
        return spans
    for match in _KNOWN.finditer(text):
        words = _words(match.group("name"))
        if words[0] not in FIRST_NAMES or _place_before(text, match.start("name")):
            continue
        trimmed = _trim(match.group("name"), match.start("name"))
        if trimmed:
            spans.append(trimmed)
    return spans


@lru_cache(maxsize=1)
def _french_ner() -> Any:
    import spacy

    return spacy.load(
        "fr_core_news_sm", exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]
    )


def _covered(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def ner_spans(text: str, known: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Multi-word PER entities of the French model, run only when two capitalised words in a row are left
    unexplained by ``known`` spans (most texts never load or run the model)."""
    candidates = [
        (m.start(), m.end())
        for m in _TWO_CAPS.finditer(text)
        if not _covered((m.start(), m.end()), known)
        and not any(w in NOT_NAMES for w in m.group(0).split())
        and not _place_before(text, m.start())
    ]
    if not candidates or not _FRENCH_HINT.search(text):
        return []
    spans: list[tuple[int, int]] = []
    for ent in _french_ner()(text).ents:
        words = ent.text.split()
        if ent.label_ != "PER" or len(words) < 2 or any(w in NOT_NAMES for w in words):
            continue
        if not all(re.fullmatch(_WORD + r"|" + _PARTICLE, w) for w in words):
            continue
        if _place_before(text, ent.start_char):
            continue
        spans.append((ent.start_char, ent.end_char))
    return spans


def _brand_phrase(text: str, span: tuple[int, int]) -> bool:
    """True when the span lies inside a brand or place phrase written like a person's name."""
    for phrase in NOT_NAME_PHRASES:
        at = text.find(phrase, max(0, span[0] - len(phrase)), span[1] + len(phrase))
        if at != -1 and at <= span[0] and span[1] <= at + len(phrase):
            return True
    return False


def name_spans(text: str) -> list[tuple[int, int]]:
    spans = rule_spans(text)
    spans += ner_spans(text, spans)
    return [s for s in spans if not _brand_phrase(text, s)]
