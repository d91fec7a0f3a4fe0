"""Features the tagging heads read: the unit embedding, optionally followed by a few lexical indicators.

The pipeline already holds the embeddings, so the only extra cost is the lexicon scan (regexes over short
units). Lexical columns are scaled so that L2-regularised logistic regression can give them weight comparable
to the 512 embedding dimensions (whose individual values are ~0.04).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.tagging.effort_cues import EFFORT_TYPES, _fold, cue_vector

LEXICAL_SCALE = 0.5
_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|nobody|don't|didn't|doesn't|won't|can't|cannot|isn't|wasn't|"
    r"ne|n'|pas|jamais|rien|personne|aucune?|plus)\b"
)

LEXICAL_NAMES = (
    *(f"cue_{t}" for t in EFFORT_TYPES),
    "negation",
    "exclamation",
    "question",
)


def lexical_matrix(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        folded = _fold(text)
        rows.append(
            [
                *cue_vector(text),
                1.0 if _NEGATION.search(folded) else 0.0,
                1.0 if "!" in text else 0.0,
                1.0 if text.rstrip().endswith("?") else 0.0,
            ]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), len(LEXICAL_NAMES)) * LEXICAL_SCALE


def build_features(embeddings: np.ndarray, texts: Sequence[str], lexical: bool) -> np.ndarray:
    x = np.asarray(embeddings, dtype=np.float32)
    if not lexical:
        return x
    return np.hstack([x, lexical_matrix(texts)])
