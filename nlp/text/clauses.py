"""Clauses inside one sentence: cut at contrast, concession and addition markers (FR/EN), offsets exact.

A mixed review ("Bon produit, mais des frais de livraison cachés au dernier moment.") holds a positive and a
negative opinion; as one unit its sentiment is an average and the complaint is lost to mining, which only
clusters problem units. So a sentence is cut before its contrast markers, with four guards:

* **Conjunctions vs adverbs.** Conjunctions ("mais", "but", "sauf que", "even though") open a clause wherever
  they stand. Adverbs ("pourtant", "however", "yet", "also", "de plus") often sit inside a clause ("il avait
  pourtant promis", "not yet refunded", "de plus en plus cher"), so they cut only after a comma, semicolon,
  colon, dash, a sentence end inside a joined span, or (capitalised) at the start of a line.
* **Fixed phrases** never cut: "non seulement … mais aussi", "not only … but also", "all/nothing/anything
  but", "can't help but", "mais oui/non/si" as an interjection, "sauf erreur", "and so on", "however
  much", "$20, plus shipping".
* **Asides** are not clauses: a marker inside brackets or quotes, or set off by commas between a subject
  and its verb ("L'autonomie, par contre, est faible"; "The room, although small, was spotless").
* **Short fragments** ("but ok", "mais bon") are glued back to their neighbour: a fragment needs two words
  besides its markers to carry an opinion of its own ("Bon produit" does; "Top" does not).

A sentence that opens with a concession ("Although the staff were friendly, the room was dirty"; "Même si le
livreur était aimable, le colis est arrivé abîmé") is cut at the first comma after it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

# Conjunctions: cut wherever they stand (after a space or punctuation).
_STRONG = {
    "fr": [
        "mais", "par contre", "en revanche", "sauf que", "même si", "alors que", "tandis que", "bien que",
        "quoique", "et aussi",
    ],
    "en": [
        "but", "although", "even though", "even if", "whereas", "except that", "and also", "and yet",
        "on the other hand",
    ],
}  # fmt: skip
# Adverbs: cut only after punctuation (", cependant", "; however").
_WEAK = {
    "fr": [
        "cependant", "pourtant", "toutefois", "néanmoins", "en plus", "de plus", "par ailleurs", "d'ailleurs",
        "en outre", "sauf",
    ],
    "en": [
        "however", "though", "yet", "also", "plus", "in addition", "moreover", "besides", "still", "except",
    ],
}  # fmt: skip
# A clause that opens with one of these is a subordinate concession: its main clause follows the first comma.
_CONCESSION_OPENERS = {
    "fr": ["même si", "bien que", "quoique", "alors que", "tandis que"],
    "en": ["although", "though", "even though", "even if", "whereas"],
}

MIN_CLAUSE_CHARS = 8
MIN_CLAUSE_WORDS = 2  # words besides the leading markers

# After punctuation an adverb opens a clause: a comma, a dash (also a spaced "-" or "--"), and a sentence end
# inside a span that joined a short sentence to the next ("Great product. However, shipping took 10 days.").
_PUNCT_BEFORE = re.compile(r"(?:[,;:–—…(.!?]|\s--?)\s*(?:(?:and|et)\s+)?$", re.IGNORECASE)
_LINE_START = re.compile(r"\n\s*$")  # "thanks :)\nHowever the size …": a capitalised adverb opening a line
_AND_BEFORE = re.compile(r"\b(?:and|et)\s+$", re.IGNORECASE)
# ", and" / ", et" + two words adds a new opinion ("…, et le service n'a jamais répondu").
# Not "and so on" / "et ainsi de suite": the end of a list, not a new opinion.
_COMMA_AND = re.compile(
    r",\s*(?=(?:and|et)\s+\w+\s+\w+)(?!(?:and|et)\s+(?:so\s+on|so\s+forth|the\s+like|ainsi\s+de\s+suite)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+", re.UNICODE)
# Words before "but" that make it mean "except"/"only": "all but unusable", "nothing but problems".
_BUT_EXCEPT = re.compile(
    r"\b(?:all|anything|nothing|everything|anyone|nobody|none|last|help|cannot|can't|can’t)\s*$",
    re.IGNORECASE,
)
_NOT_ONLY = re.compile(r"\b(?:not only|non seulement|pas seulement|not just)\b", re.IGNORECASE)
_ALSO_AFTER = re.compile(r"\s+(?:also|aussi|également|as well|even)\b", re.IGNORECASE)
_INTERJECTION = re.compile(r"\s+(?:oui|non|si)\s*(?:[,.!?…]|$)", re.IGNORECASE)
_MORE_AND_MORE = re.compile(r"\s+en plus\b", re.IGNORECASE)
_HOWEVER_MUCH = re.compile(r"\s+(?:much|many|long|hard|often|far|little|few|bad|good)\b", re.IGNORECASE)
_VERB_AFTER_ASIDE = re.compile(
    r"\s*,\s*(?:is|are|was|were|has|have|had|does|did|will|would|can|could|remains?|seems?|looks?|est|sont|"
    r"était|étaient|a|ont|avait|avaient|reste|restent|semble|semblent|sera|seront|n['’]|ne)\b",
    re.IGNORECASE,
)
# An opening bracket or quotation mark ending a span (not '"', which closes as often as it opens); the
# sentence mend in nlp.text.segmentation reads the same one.
OPEN_BRACKET_END = re.compile(r"([(«“\[])\s*$")
# Asides a marker inside does not cut ("(Raimu, Fernandel, et ici Rellys)", «…», “…”); a closing square
# bracket only tells where a clause opened by "[" ends.
_ASIDES = {"(": ")", "«": "»", "“": "”"}
_CLOSING = {**_ASIDES, "[": "]"}
_SENTENCE_END = re.compile(r"[.!?…;]+\s+")
_AMOUNT = re.compile(r"[\d$€£%][\s,]*$")  # "$20, plus shipping": arithmetic, not "moreover"
# "moins bien que l'ancien", "aussi bien que prévu": a comparison, not the concession "bien que".
_COMPARATIVE = re.compile(r"\b(?:moins|plus|aussi|autant|si)\s*$", re.IGNORECASE)
_SAUF_PHRASE = re.compile(r"\s+(?:erreur|avis contraire|mention contraire|indication contraire)\b", re.I)
_ASIDE_GOES_ON = re.compile(r"[,;(]\s*\w")
_TRIM = " \t\r\n,;:-–—"
_BULLETS = "*•·"  # trimmed only as a token of their own ("* léger"), not in "4*" or "*très*"


def _alternation(markers: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(m) for m in markers), key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])", re.IGNORECASE)


_PATTERNS = {lang: _alternation(_STRONG[lang] + _WEAK[lang]) for lang in ("fr", "en")}
_WEAK_SET = {lang: {m.lower() for m in _WEAK[lang]} for lang in ("fr", "en")}
_OPENERS = {lang: _alternation(_CONCESSION_OPENERS[lang]) for lang in ("fr", "en")}
# Markers a clause may open with, as whole phrases: "but the manual" has two words besides "but" (the "the"
# of "on the other hand" is no marker by itself).
_ALL_MARKERS = [m for group in (_STRONG, _WEAK) for markers in group.values() for m in markers]
_LEADING_MARKER = re.compile(r"\W*" + _alternation([*_ALL_MARKERS, "and", "et"]).pattern, re.IGNORECASE)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace and dangling punctuation so the unit reads cleanly but offsets stay exact."""
    while start < end and (
        text[start] in _TRIM or (text[start] in _BULLETS and (start + 1 == end or text[start + 1].isspace()))
    ):
        start += 1
    while end > start and (
        text[end - 1] in _TRIM
        or (text[end - 1] in _BULLETS and (end - 1 == start or text[end - 2].isspace()))
    ):
        end -= 1
    return start, end


def carries_opinion(fragment: str) -> bool:
    """Whether a clause can stand alone: two words besides its leading markers ("but ok" cannot)."""
    lead, normal = 0, fragment.replace("’", "'")
    while (m := _LEADING_MARKER.match(normal, lead)) is not None and m.end() > lead:
        lead = m.end()
    return len(fragment) >= MIN_CLAUSE_CHARS and len(_WORD.findall(fragment, lead)) >= MIN_CLAUSE_WORDS


def _blocked(text: str, sentence_start: int, match: re.Match[str], end: int) -> bool:
    """Fixed phrases in which a marker does not open a new opinion."""
    marker = match.group(0).lower()
    before, after = text[sentence_start : match.start()], text[match.end() : match.end() + 12]
    if marker in ("sauf", "except"):
        # ", sauf la notice." is a reservation (weak marker: after punctuation only); "sauf erreur de ma
        # part" and an aside the sentence goes on after (", except the shoes, arrived on time") are not.
        return bool(_SAUF_PHRASE.match(after) or _ASIDE_GOES_ON.search(text, match.end(), end))
    if marker == "but" and _BUT_EXCEPT.search(before):
        return True
    if marker in ("but", "mais") and _NOT_ONLY.search(before) and _ALSO_AFTER.match(after):
        return True
    if marker == "mais" and _INTERJECTION.match(after):
        return True
    if marker == "bien que" and _COMPARATIVE.search(before):
        return True
    if marker == "however" and _HOWEVER_MUCH.match(after):
        return True  # "however much I pay": no matter how
    if marker == "plus" and _AMOUNT.search(before):
        return True
    return marker == "de plus" and bool(_MORE_AND_MORE.match(after))


def _marker_cuts(text: str, start: int, end: int, language: str) -> set[int]:
    cuts: set[int] = set()
    for m in _PATTERNS[language].finditer(text, start, end):
        before = text[start : m.start()]
        if not before.strip() or _blocked(text, start, m, end):
            continue
        punct = _PUNCT_BEFORE.search(before) or (_LINE_START.search(before) and m.group(0)[0].isupper())
        if m.group(0).lower() in _WEAK_SET[language] and not punct:
            continue
        comma = text.find(",", m.end(), end)
        if before.rstrip().endswith(",") and comma >= 0 and _VERB_AFTER_ASIDE.match(text, comma, end):
            # "Battery life, however, is poor", "The room, although small, was spotless": an aside between a
            # subject and its verb; the contrasted clause starts with the subject, after the last sentence end
            # or semicolon if there is one, else it is the sentence.
            ends = list(_SENTENCE_END.finditer(before))
            if ends:
                cuts.add(start + ends[-1].end())
            continue
        opened = OPEN_BRACKET_END.search(before)
        if opened is not None:
            # "I recommend it (but not for tight budgets).": the bracket opens the clause when it closes at
            # the sentence's end; inside an aside that goes on ("(mais poli) a fini par") there is no cut.
            close = text.find(_CLOSING[opened.group(1)], m.end(), end)
            if close >= 0 and not text[close + 1 : end].strip(" .!?…"):
                cuts.add(start + opened.start())
            continue
        # ", and however …" / "…, et en plus …": the "and" belongs to the new clause.
        joined = _AND_BEFORE.search(before)
        cuts.add(start + joined.start() if joined else m.start())
    cuts |= {m.end() for m in _COMMA_AND.finditer(text, start, end) if m.start() > start}
    return cuts


def _concession_cuts(text: str, bounds: list[int], language: str) -> set[int]:
    """After a clause that opens with a concession, the main clause starts at its first comma."""
    cuts: set[int] = set()
    for a, b in itertools.pairwise(bounds):
        a, b = trim(text, a, b)
        opener = _OPENERS[language].match(text, a, b)
        if opener is None:
            continue
        comma = re.compile(r"[,;]").search(text, opener.end(), b)
        if comma is not None and not _VERB_AFTER_ASIDE.match(text, comma.start(), b):  # "although small, was"
            cuts.add(comma.end())
    return cuts


def _inside_brackets(text: str, start: int, cut: int) -> bool:
    """An aside "(Raimu, Fernandel, et ici Rellys)" or a quotation («…», "…", “…”) is not where a new opinion
    starts."""
    before = text[start:cut]
    return any(before.count(o) > before.count(c) for o, c in _ASIDES.items()) or (
        before.count('"') % 2 == 1 and '"' in text[cut:]
    )


def clause_spans(text: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    """Trimmed clauses of the sentence ``text[start:end]``; short fragments glued to a neighbour."""
    language = "fr" if language == "fr" else "en"
    cuts = {c for c in _marker_cuts(text, start, end, language) if start < c < end}
    cuts = {c for c in cuts if not _inside_brackets(text, start, c)}
    bounds = [start, *sorted(cuts), end]
    cuts |= {c for c in _concession_cuts(text, bounds, language) if start < c < end}
    bounds = [start, *sorted(cuts), end]
    clauses = [trim(text, a, b) for a, b in itertools.pairwise(bounds)]
    clauses = [(a, b) for a, b in clauses if b > a]
    merged: list[tuple[int, int]] = []
    for a, b in clauses:
        if merged and not carries_opinion(text[a:b]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if len(merged) > 1 and not carries_opinion(text[merged[0][0] : merged[0][1]]):
        merged[1] = (merged[0][0], merged[1][1])
        merged.pop(0)
    return merged
