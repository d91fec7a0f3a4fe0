"""Per-item language detection: ``"fr"``, ``"en"`` or ``"other"``.

Why lingua: it ships its n-gram models inside the wheel (works offline), and it is the most accurate packaged
detector on short texts (its authors benchmark single words and word pairs, where langdetect/fastText-lid
drift).
We restrict it to a handful of languages that customers of a French/English business plausibly write in, so
that ``"other"`` is a real answer (a Spanish or German review) rather than noise from 75 candidate languages,
and so that loading stays fast. Accuracy on short FR/EN sentences is measured in ``tests/test_language.py``
and reported in ``docs/benchmarks.md``.

The module is self-contained (no project imports) on purpose: it is shared with the ingest path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    from lingua import LanguageDetector

LanguageCode = Literal["fr", "en", "other"]

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Below this share of the top language's confidence the text is too ambiguous to call French or English
# (e.g. "OK", "Top !", a product code). Measured on the short-sentence fixture: real sentences sit far above.
_MIN_CONFIDENCE = 0.35
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
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def detect_language(text: str) -> LanguageCode:
    """Return the language of one feedback item; ``"other"`` when it is neither French nor English or
    unclear.
    """
    if not text or len(_LETTER.findall(text)) < 2:
        return "other"
    from lingua import Language

    values = _detector().compute_language_confidence_values(text)
    if not values:
        return "other"
    top = values[0]
    if top.language == Language.FRENCH:
        return "fr"
    if top.language == Language.ENGLISH:
        return "en"
    # A short text whose best guess is another Romance/Germanic language but carries French accents is French
    # far more often than not in this product's inputs ("Livraison rapide, très bien").
    if len(text) < 40 and _FRENCH_CHARS.search(text):
        for value in values:
            if value.language == Language.FRENCH and value.value >= _MIN_CONFIDENCE * top.value:
                return "fr"
    return "other"


def detect_languages(texts: list[str]) -> list[LanguageCode]:
    """Batch form; lingua's own multi-threaded batch API is not used because its thread pool fights the
    embedding threads on small machines, and single calls are already ~50 µs on short texts."""
    return [detect_language(t) for t in texts]
