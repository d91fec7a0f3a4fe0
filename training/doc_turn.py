"""Where a document turns: the last clause that opens with an adversative marker (issue 10, i10-frpol).

Why: a review that concedes and then judges ("Excellent pitch et superbe casting. Mais c'est trop sombre …
Du coup j'ai vite décroché.") puts its verdict after the turn, and the document expert, which reads the whole
text, weighs the conceded praise as much as the verdict. The clause splitter (``nlp.text.clauses``) already
starts a unit at each contrast marker, so the turn is found on unit boundaries: the last unit of a document,
other than its first, that opens with an adversative conjunction or adverb ("mais", "par contre",
"cependant", "but", "however", …). Concession openers ("même si", "bien que", "although") are not turns: their
main clause is the next unit, and addition markers ("de plus", "also") do not turn at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.text.folding import fold

# Accent-folded, lower-case; a unit opens with one after optional punctuation and "et"/"and".
ADVERSATIVES = (
    "mais",
    "par contre",
    "en revanche",
    "sauf que",
    "cependant",
    "pourtant",
    "toutefois",
    "neanmoins",
    "but",
    "however",
    "yet",
    "except that",
    "on the other hand",
)
_OPENS = re.compile(
    r"^[\s\W_]*(?:(?:et|and)\s+)?(?:" + "|".join(re.escape(m) for m in ADVERSATIVES) + r")\b",
    re.UNICODE,
)


def opens_with_turn(unit_text: str) -> bool:
    """True when the unit opens with an adversative marker."""
    return bool(_OPENS.match(fold(unit_text)))


def turn_starts(unit_texts: Sequence[str], rows: np.ndarray | Sequence[int], n_docs: int) -> np.ndarray:
    """Per document, the position (within the document, ≥ 1) of its last turning unit, or −1 for none.

    ``rows``: each unit's document; a document's units are in text order (as the pipeline holds them)."""
    out = np.full(n_docs, -1, dtype=np.int64)
    position = np.zeros(n_docs, dtype=np.int64)
    for text, doc in zip(unit_texts, np.asarray(rows, dtype=np.int64).tolist(), strict=True):
        if position[doc] >= 1 and opens_with_turn(text):
            out[doc] = position[doc]
        position[doc] += 1
    return out
