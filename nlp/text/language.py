"""Per-item language detection: ``"fr"``, ``"en"`` or ``"other"``.

Why lingua: it ships its n-gram models inside the wheel (works offline), and it is the most accurate packaged
detector on short texts (its authors benchmark single words and word pairs, where langdetect/fastText-lid
drift).
We restrict it to a handful of languages that customers of a French/English business plausibly write in, so
that ``"other"`` is a real answer (a Spanish or German review) rather than noise from 75 candidate languages,
and so that loading stays fast. Accuracy on short FR/EN sentences is measured in ``tests/test_language.py``
and reported in ``docs/benchmarks.md``.

Fast path (issue 14): ``nlp.text.language_cues`` counts French and English function words first and decides
one-sided texts without lingua (3.5–15x cheaper on the labelled sets, accuracy equal or better on each:
``python -m bench.language``); lingua answers the rest (short, mixed, other-language texts).

The module imports nothing else from the project on purpose: it is shared with the ingest path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from nlp.text.language_cues import cue_language

if TYPE_CHECKING:  # pragma: no cover
    from lingua import LanguageDetector

LanguageCode = Literal["fr", "en", "other"]

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# For short texts, French/English wins over another top language when its confidence is at least this share of
# the top one. Tuned on the fixtures in tests/test_language.py: 1–3 word FR/EN texts 22/30 → 27/30 correct,
# short Spanish/German/Italian/Portuguese texts still "other" (8/8).
_RUNNER_UP = 0.5
_SHORT_WORDS = 3
# Language is a property of the first paragraphs; reading more only costs time on 20 kB tickets.
MAX_CHARS = 2000
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CODES: dict[object, LanguageCode] = {}  # filled with lingua's enum members when the detector is built
# Strong French-only cues settle very short texts that n-grams alone hesitate on ("Nul.", "Très déçu").
_FRENCH_CHARS = re.compile(r"[éèêàùçôîûœ]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.FRENCH,
        Language.ENGLISH,
        Language.GERMAN,
        Language.SPANISH,
        Language.ITALIAN,
        Language.PORTUGUESE,
        Language.DUTCH,
    ]
    _CODES.update({Language.FRENCH: "fr", Language.ENGLISH: "en"})
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def _too_few_letters(sample: str) -> bool:
    first = _LETTER.search(sample)
    return first is None or _LETTER.search(sample, first.end()) is None


def detect_language(text: str) -> LanguageCode:
    """Language of one feedback item; ``"other"`` when it is neither French nor English, or unclear.

    Function-word cues decide one-sided French or English texts; lingua decides the others."""
    sample = text[:MAX_CHARS]
    if _too_few_letters(sample):
        return "other"
    return cue_language(sample) or _lingua(sample)


def detect_language_lingua(text: str) -> LanguageCode:
    """``detect_language`` without the cue fast path: lingua on every text (the reference in
    ``bench.language``)."""
    sample = text[:MAX_CHARS]
    if _too_few_letters(sample):
        return "other"
    return _lingua(sample)


def _lingua(sample: str) -> LanguageCode:
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return "other"
    top = values[0]
    if top.language in _CODES:
        return _CODES[top.language]
    # A very short text ("Merci", "Broken", "Trop cher") gives n-grams little to go on, and this product's
    # customers write French or English: when one of the two is a close runner-up, prefer it to "other".
    # Accented French letters settle short texts the same way ("Livraison rapide, très bien").
    short = len(_WORD.findall(sample)) <= _SHORT_WORDS or (len(sample) < 40 and _FRENCH_CHARS.search(sample))
    if short:
        for value in values:
            if value.language in _CODES and value.value >= _RUNNER_UP * top.value:
                return _CODES[value.language]
    return "other"


def detect_languages(texts: list[str]) -> list[LanguageCode]:
    """Batch form; lingua's own multi-threaded batch API is not used because its thread pool fights the
    embedding threads on small machines, and single calls are already ~50 µs on short texts."""
    return [detect_language(t) for t in texts]
