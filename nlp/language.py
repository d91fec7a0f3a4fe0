"""Language of a feedback item: "fr", "en" or "other".

lingua is restricted to the languages a French/English customer base actually writes in, which makes it both
faster and more accurate than a 75-language model; anything that is not French or English — or that lingua
cannot call with enough confidence (emoji, "ok", order numbers) — is "other", so downstream steps never run a
French pipeline on Spanish text. The detector is built once per process (building it costs ~100 ms).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LanguageCode = Literal["fr", "en", "other"]

_LANGUAGES = (
    Language.FRENCH,
    Language.ENGLISH,
    Language.SPANISH,
    Language.GERMAN,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
)
_CODES: dict[Language, LanguageCode] = {Language.FRENCH: "fr", Language.ENGLISH: "en"}
#: Below this confidence of the best language, the answer is "other".
MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_LANGUAGES).with_preloaded_language_models().build()


def detect_language(text: str) -> LanguageCode:
    """Best guess among fr/en, else "other" (other language, too short, or not confident)."""
    if not any(ch.isalpha() for ch in text):
        return "other"
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return "other"
    best = values[0]
    if best.value < MIN_CONFIDENCE:
        return "other"
    return _CODES.get(best.language, "other")
