"""Opinion units: sentences, then clauses at contrast/addition markers (``nlp.text.clauses``), exact offsets.

One review often carries several irritants ("livré en retard, et le service client n'a jamais répondu"), and a
pain point is a property of a clause, not of a whole review. Offsets (``source[start:end] == text``) let
the UI
highlight the unit in the original item and let tags be traced back.

Sentence boundaries:
* French: ``fr_core_news_sm`` with only ``senter`` active for splitting (the statistical sentence
  recogniser, which carries its own small tok2vec; the shared tok2vec, dependency parser, NER, morphologizer
  and lemmatizer are skipped, which makes it many times faster than the full pipeline). Lemmas are computed
  separately, and only for the units that labelling needs (:func:`lemmatize`).
* English and anything else: ``spacy.blank("en")`` + the rule-based ``sentencizer``. There is no official
  English
  model on PyPI, and feedback sentences are punctuation-delimited, so rules lose little and cost ~nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from nlp.text.clauses import OPEN_BRACKET_END, carries_opinion, clause_spans, trim

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

MIN_UNIT_CHARS = 12
MIN_UNIT_WORDS = 3

_WORD = re.compile(r"\w+", re.UNICODE)
_LINK = r"(?:https?://|www\.)\S+"
_URL = re.compile(_LINK, re.IGNORECASE)
_LEADING_HANDLES = re.compile(r"(?:\.?@\w+[\s,:;.!?-]*)+")
_TRAILING_LINKS = re.compile(rf"(?:\s*{_LINK})+\s*$", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?…][\"'»)\]]*$")
_HYPHEN_END = re.compile(r"\w-$")
_WORD_START = re.compile(r"\w")
_DASH_START = re.compile(r"[-–—]\s")
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:ex|env|cf|vs|approx|etc|réf|ref|tél|tel|qté|min|max|nb|no|resp|incl|esp|ca)\.$",
    re.IGNORECASE,
)
_NEWLINES = re.compile(r"\n[ \t\n]*")
_BULLET = re.compile(r"[ \t]*(?:[-*•–—·+]|\d{1,2}[.)])\s")  # "- x", "* x", "1. x", "2) x"
_HEADER = re.compile(r":\s*$")


@dataclass(frozen=True)
class UnitSpan:
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _french() -> Language:
    import spacy

    nlp = spacy.load("fr_core_news_sm", exclude=["parser", "ner"])
    nlp.enable_pipe("senter")
    return nlp


@lru_cache(maxsize=1)
def _english() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _sentence_spans(texts: Sequence[str], language: str, batch_size: int = 64) -> list[list[tuple[int, int]]]:
    if language == "fr":
        nlp = _french()
        # ``senter`` embeds with its own small tok2vec (width 16), not the shared ``tok2vec`` component that
        # only the morphologizer and lemmatizer listen to: running that one too gave the same sentences for
        # ~7x the CPU (measured on Allociné: 14.0 s vs 1.9 s for 3,366 reviews, identical spans).
        with nlp.select_pipes(enable=["senter"]):
            docs = list(nlp.pipe(texts, batch_size=batch_size))
    else:
        docs = list(_english().pipe(texts, batch_size=batch_size))
    return [[(s.start_char, s.end_char) for s in doc.sents] for doc in docs]


def _meaningful(fragment: str) -> bool:
    return len(fragment) >= MIN_UNIT_CHARS and len(_WORD.findall(fragment)) >= MIN_UNIT_WORDS


def _mend_sentences(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo the French senter's cuts inside a hyphenated word ("Celui-" | "ci est parfait") and
    before a dash that links two words on one line ("Vol Paris" | "- Athènes annulé sans prévenir").

    Why: each cut left a fragment too short to be a unit, so its words ("Celui", "Vol Paris") vanished and
    the unit read "ci est parfait". A cut after terminal punctuation or across a line break (dash bullets)
    stays.

    Both languages: a cut after an abbreviation's full stop ("env.", "p. ex.", "vs.", "etc.", "approx.")
    before a lower-case word or a number on the same line is undone: "Délai annoncé env." | "3 jours, reçu
    en 3 semaines." cut one sentence in two. An opening bracket the model left at a sentence's end goes to
    the next one ("I recommend it! (" | "but not for tight budgets)")."""
    out: list[tuple[int, int]] = []
    for a, b in sentences:
        if out:
            pa, pb = out[-1]
            opened = OPEN_BRACKET_END.search(text, pa, pb)
            if opened is not None and opened.start() > pa:  # "it! (" | "but not for me)": the bracket opens
                pb, a = opened.start(), opened.start()
                out[-1] = (pa, pb)
            before, after = text[pa:pb].rstrip(), text[a:b].lstrip()
            same_line = "\n" not in text[pb:a]
            linked = not _TERMINAL.search(before) and (
                (_HYPHEN_END.search(before) and _WORD_START.match(after)) or _DASH_START.match(after)
            )
            abbreviated = _ABBREVIATION.search(before) and (after[:1].islower() or after[:1].isdigit())
            if same_line and (linked or abbreviated):
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def _split_lines(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A blank line, a line break after terminal punctuation, and a line break before or after a bullet
    ("- prix", "* léger", "• cheap") end a sentence.

    Why: neither the French senter nor the English sentencizer cut there, so "Pros:\\n- price\\n- fast
    shipping\\nCons:\\n- damaged packaging" was one unit holding both the praise and the complaint, and
    "* bonne qualité\\n* mais taille petit" gave a unit ending in the next bullet's "*"; the French senter
    also missed "arrivé à temps.\\nLe livreur était impoli." A single line break inside running text (a
    hard-wrapped e-mail) is not a cut."""
    out: list[tuple[int, int]] = []
    for a, b in sentences:
        start = a
        for m in _NEWLINES.finditer(text, a, b):
            line = text.rfind("\n", a, m.start()) + 1 or a
            if (
                m.group().count("\n") > 1
                or _TERMINAL.search(text, a, m.start())
                or _BULLET.match(text, m.end())
                or _BULLET.match(text, line)
            ):
                out.append((start, m.start()))
                start = m.end()
        out.append((start, b))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _join_short_sentences(
    text: str, sentences: list[tuple[int, int]], language: str
) -> list[tuple[int, int]]:
    """A sentence too short to be a unit ("Thanks!", "Seriously?", "Wow.", "Nul.", a lone "#fail") is joined
    to the sentence after it (the last one to the one before), instead of being dropped. English needs the
    unit bar (three words); French needs the clause bar (two words besides markers), so "Trop cher." and
    "À éviter." stay units of their own.

    Why: short messages to brands carry their verdict in exactly such sentences. "@JetBlue thanks!
    #greatservice http://t.co/x" kept only "greatservice http://t.co/x", and "@USAirways seriously? 2 hrs
    delay and no info" lost its tone: the short sentence fell below the unit bar and, since the message had
    another unit, nothing kept it. A link does not make a sentence long enough, and a sentence the
    sentencizer cut inside a hashtag ("on hold!! #" | "fail") is joined to the rest of it. Joined, it
    stays inside one contiguous span (offsets stay exact) and reads in context. French short sentences used
    to be dropped the same way: "Super produit. Trop cher." lost its complaint, "Livraison rapide. Nul. Il ne
    marche pas." kept only the last sentence (issue 10)."""
    if len(sentences) < 2:
        return sentences

    def complete(start: int, end: int) -> bool:
        return _complete(text, start, end) if language != "fr" else carries_opinion(text[start:end])

    out: list[tuple[int, int]] = []
    pending: int | None = None  # start of the sentences waiting to be joined to the next one
    heading = False  # whether the pending sentences open with a heading
    for i, (a, b) in enumerate(sentences):
        if i + 1 < len(sentences) and _HEADER.search(text, a, b):
            # A heading ("Cons:", "Points négatifs :") opens the lines after it; a short line waiting before
            # it closes the previous group ("* autonomie" stays with "Avantages :", not "Inconvénients :").
            if pending is not None:
                if out and not heading:
                    out[-1] = (out[-1][0], sentences[i - 1][1])
                else:
                    out.append((pending, sentences[i - 1][1]))
            pending, heading = a, True
            continue
        heading = heading and pending is not None
        start = a if pending is None else pending
        if complete(start, b):
            out.append((start, b))
            pending = None
        else:
            pending = start
    if pending is not None:
        end = sentences[-1][1]
        if out and not complete(pending, end):
            out[-1] = (out[-1][0], end)
        else:
            out.append((pending, end))
    return out


def _complete(text: str, start: int, end: int) -> bool:
    """Long enough to stand alone once links are set aside, and not cut inside a hashtag or a mention."""
    x, y = trim(text, start, end)
    return _meaningful(_URL.sub(" ", text[x:y])) and not text[x:y].endswith(("#", "@"))


def _strip_addressing(text: str, start: int, end: int) -> tuple[int, int]:
    """English: a unit starts after the handles a message opens with ("@united @AmericanAir ...") and ends
    before the links it closes with, when words remain.

    Why: messages to brands open with the brand's handle, and the sentence encoder reads it as content.
    Measured on development lines given a leading handle (and a link on half of them): English 3-class
    macro-F1 fell from 0.758 to 0.692 and complaint recall from 0.914 to 0.877 (docs/benchmarks.md, issue 10,
    branch i10-en3). Handles inside a sentence ("thanks @united for ...") and hashtags are kept, and so are
    handles and links at the edge of a unit that are not the message's edge: "Bought on www.shop.com, but
    the invoice never came." lost its link from the clause "Bought on"."""
    lead = _LEADING_HANDLES.match(text, start, end)
    if (
        lead is not None
        and lead.end() > start
        and _WORD.search(text, lead.end(), end)
        and not text[:start].strip()
    ):
        start = lead.end()
    tail = _TRAILING_LINKS.search(text, start, end)
    if tail is not None and _WORD.search(text, start, tail.start()) and not text[end:].strip():
        end = tail.start()
    return trim(text, start, end)


def _units_from_sentences(text: str, sentences: list[tuple[int, int]], language: str) -> list[UnitSpan]:
    spans: list[tuple[int, int]] = []
    sentences = _mend_sentences(text, sentences)
    sentences = _join_short_sentences(text, _split_lines(text, sentences), language)
    for s_start, s_end in sentences:
        clauses = clause_spans(text, s_start, s_end, language)
        # An English sentence left whole keeps the sentence-level bar; clauses cut from a mixed sentence, and
        # French sentences, pass the clause bar (two words besides the marker): "Bon produit" is a unit.
        keep = _meaningful if len(clauses) == 1 and language != "fr" else carries_opinion
        spans.extend((a, b) for a, b in clauses if keep(text[a:b]))
    if not spans:
        # A very short review ("Nul.") is still feedback: keep the whole trimmed text as one unit if it has
        # words.
        a, b = trim(text, 0, len(text))
        if b > a and _WORD.search(text[a:b]):
            spans.append((a, b))
    if language != "fr":
        spans = [_strip_addressing(text, a, b) for a, b in spans]
    return [UnitSpan(a, b, text[a:b]) for a, b in spans]


def split_units(text: str, language: str) -> list[UnitSpan]:
    """Split one item into opinion units; ``text == source[start:end]`` for every unit."""
    return split_units_batch([text], [language])[0]


def split_units_batch(texts: Sequence[str], languages: Sequence[str]) -> list[list[UnitSpan]]:
    """Batch form used by the pipeline: one spaCy ``pipe`` per language, which is what makes it fast."""
    out: list[list[UnitSpan]] = [[] for _ in texts]
    for lang in ("fr", "en"):
        idx = [i for i, code in enumerate(languages) if (code == "fr") == (lang == "fr")]
        if not idx:
            continue
        spans = _sentence_spans([texts[i] for i in idx], lang)
        for i, sents in zip(idx, spans, strict=True):
            out[i] = _units_from_sentences(texts[i], sents, lang)
    return out


_EN_SUFFIX = re.compile(r"(?<=[a-z]{3})(?:ies|es|s)$")


def _english_lemma(token: str) -> str:
    """Tiny rule lemmatizer for English (no English model ships on PyPI): folds plurals, which is what matters
    for keyphrase counts ("refunds" ~ "refund"); keeps words ending in -ss/-us/-is intact."""
    if len(token) <= 3 or token.endswith(("ss", "us", "is")):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("ches", "shes", "xes", "sses")):
        return token[:-2]
    if token.endswith("s"):
        return token[:-1]
    return token


def lemmatize(texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
    """Lower-cased lemmas of word tokens (punctuation, numbers and spaces dropped), per text.

    French uses the model's rule lemmatizer (needs the morphologizer for POS); English uses the blank
    tokenizer plus :func:`_english_lemma`. Called by labelling on a capped sample of each cluster,
    not on every unit.
    """
    out: list[list[str]] = [[] for _ in texts]
    fr_idx = [i for i, code in enumerate(languages) if code == "fr"]
    en_idx = [i for i, code in enumerate(languages) if code != "fr"]
    if fr_idx:
        nlp = _french()
        with nlp.select_pipes(enable=["tok2vec", "morphologizer", "attribute_ruler", "lemmatizer"]):
            for i, doc in zip(fr_idx, nlp.pipe([texts[i] for i in fr_idx], batch_size=64), strict=True):
                out[i] = [t.lemma_.lower() for t in doc if t.is_alpha]
    if en_idx:
        for i, doc in zip(en_idx, _english().pipe([texts[i] for i in en_idx], batch_size=256), strict=True):
            out[i] = [_english_lemma(t.lower_) for t in doc if t.is_alpha]
    return out
