"""Set verdict expressions whose polarity the words do not carry ("bof", "sans plus", "pas déçu").

Why: a sentence encoder reads "Correct, sans plus." or "Ça pourrait être mieux." close to their praise words
and "Pas déçu du tout !" close to "déçu"; the polarity lexicon's negation scope
(nlp/tagging/polarity_lexicon.py) flips single words, not idioms ("pas terrible" is *not* praise in French).
Short product and service reviews are often nothing but such a verdict, and a one-clause document is decided
by its unit alone (the document expert needs two units). So a unit that contains one of these fixed
expressions has its sentiment probabilities pulled toward the expression's polarity by ``HEDGE_WEIGHT``
before fusion with a rating: the head still contributes, and a rating still overrides. The list was written
from the issue's examples and common French/English usage, before looking at any evaluation row; words are
accent-folded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.tagging.effort_cues import _fold

HEDGE_WEIGHT = 0.6

_NEGATIVE = (
    r"\bbof\b",
    r"\bsans plus\b",
    r"\bpas (?:tres |si |super |vraiment )?"
    r"(?:terrible|top|genial|geniale|fou|folle|ouf|fameux|fameuse|glorieux)\b",
    r"\b(?:pourrait|pourraient|aurait pu|auraient pu) (?:etre |faire )?mieux\b",
    r"\bpeu(?:t|vent)? mieux faire\b",
    r"\blaisse(?:nt)? (?:a|vraiment a|beaucoup a) desirer\b",
    r"\bcould (?:have )?be(?:en)? better\b",
    r"\bnot (?:that |so |very |too )?(?:great|good|impressed)\b",
    r"\bmeh\b",
    r"\bso-so\b",
    r"\bleaves? (?:a lot )?to be desired\b",
)
_POSITIVE = (
    r"\bpas mal\b",
    r"\brien a (?:redire|reprocher|dire)\b",
    r"\bpas (?:du tout )?(?:decu|decue|decus|decues|degu)\b",
    r"\bjamais (?:decu|decue)\b",
    r"\b(?:aucun|pas de|sans) (?:souci|soucis|probleme|problemes)\b",
    r"\bnot bad\b",
    r"\bno complaints?\b",
    r"\bcan'?t complain\b",
    r"\bnothing to complain about\b",
    r"\bnot disappointed\b",
    r"\bno (?:problem|problems|issues?) (?:at all|whatsoever)\b",
)
_NEG = re.compile("|".join(_NEGATIVE))
_POS = re.compile("|".join(_POSITIVE))
# "pas mal de …" is a quantity ("pas mal de problèmes", "pas mal du monde"), not a verdict ("pas mal du
# tout" is one)
_QUANTITY = re.compile(r"\bpas mal d(?:e\b|'|es\b|u\b(?! tout))")


def hedge_polarity(text: str) -> int:
    """−1 / +1 when the unit holds expressions of one polarity only, else 0."""
    folded = _QUANTITY.sub(" ", _fold(text))
    neg = _NEG.search(folded) is not None
    pos = _POS.search(folded) is not None
    return int(pos) - int(neg)


def apply_hedges(p_sent: np.ndarray, texts: Sequence[str], weight: float = HEDGE_WEIGHT) -> np.ndarray:
    """``p_sent`` (n, 3: negative, neutral, positive) pulled toward each hedged unit's polarity."""
    out = np.array(p_sent, dtype=np.float64, copy=True)
    for i, text in enumerate(texts):
        h = hedge_polarity(text)
        if h:
            target = np.zeros(3)
            target[1 + h] = 1.0
            out[i] = (1.0 - weight) * out[i] + weight * target
    return out
