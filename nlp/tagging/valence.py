"""English valence from VADER's lexicon and rules, as one more verdict cue (issue 10 R16–R17).

Why: the issue asks for a calibrated ensemble with a lexicon among the model families. The heads already
read the project's own polarity lexicon as features (family C, docs/benchmarks.md), but not intensity:
VADER (Hutto & Gilbert 2014; ``vaderSentiment``, MIT, the reference implementation, lexicon and rules in
the wheel, nothing fetched) scores boosters ("so", "extremely"), capitals, exclamation marks, "but" turning
the weight to the second clause and negation within three words, rated by people on social-media text:
the register of messages to brands. Its compound score is a third log-odds shift
(``nlp.tagging.verdict_cues``), English units only: the package's French port is an alpha release with
GPL dependencies, and no other French lexicon of the kind was found on PyPI.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

VALENCE_LANGUAGE = "en"
# VADER's rules look words up by list position (``list.index`` inside its loops): quadratic in a unit's
# words, 20–30 s for a 100,000-character run-on "sentence" (a CLI file has no length cap; the service caps
# items at 20,000 characters). A unit past this many characters is not a sentence VADER was made for; it
# reads the first ones (~200 words, a few milliseconds at worst).
VALENCE_MAX_CHARS = 1_000


@cache
def _analyzer() -> Any:
    """Loaded once per process (~0.2 s: the lexicon file is parsed)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def english_valence(texts: Sequence[str], languages: Sequence[str] | None) -> np.ndarray:
    """VADER's compound score in [−1, 1] for each English unit (its first :data:`VALENCE_MAX_CHARS`
    characters), 0 for the others and where the languages are not given (a caller that does not know a
    unit's language gets no cue rather than a guess)."""
    out = np.zeros(len(texts), dtype=np.float64)
    if languages is None:
        return out
    if len(languages) != len(texts):
        raise ValueError(f"languages: {len(languages)} for {len(texts)} texts")
    for i, (text, lang) in enumerate(zip(texts, languages, strict=True)):
        if lang == VALENCE_LANGUAGE and text.strip():
            out[i] = _analyzer().polarity_scores(text[:VALENCE_MAX_CHARS])["compound"]
    return out
