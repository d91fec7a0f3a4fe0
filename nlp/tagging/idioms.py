"""Set verdict phrases whose polarity is not their words' ("pas mal", "could be better"): a log-odds shift.

Why: the sentence encoders read these by their words — "Pas mal du tout." lands near "mal", "Could be better."
near "better", "I can't fault it." near "fault" — and the TF-IDF heads, fitted mostly on movie reviews and
subtitles, see them too rarely to outweigh the embedding on a short unit. They are a closed list of set
phrases, the same in every domain, so they are written down rather than learnt: a unit holding one has its
sentiment probabilities shifted by ``shift`` in log-odds toward the idiom's side (positive vs negative;
neutral keeps its odds against the two polar classes' geometric mean), which moves a hesitant unit and leaves
a confident one where the rest of it says. The list never decides alone; a unit with phrases of both sides is
not shifted.

The shift itself, with the other cues', is ``nlp.tagging.verdict_cues``.

Patterns read the accent-folded, lower-cased text (``nlp.text.folding.fold``). Written for this project from
general usage (no evaluation text); ``pas mal`` only as a verdict ("pas mal du tout", "c'est pas mal", at the
start of a clause), never as the quantity "pas mal de monde" or "il chauffe pas mal".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.text.folding import fold

# "pas mal" as a verdict: at a clause's start or after a verdict word, never before "de" (a quantity).
# Searched only in texts holding "pas mal": its leading alternation is tried at every position (8× the cost).
_PAS_MAL = re.compile(
    r"(?:^|[.,;:!?(]\s*|\b(?:c'est|c'etait|ce n'est|franchement|vraiment|plutot|assez|ma foi)\s+)pas mal\b"
    r"(?!\s+d[e'])|\bpas mal du tout\b"
)
_POSITIVE = re.compile(
    r"\brien a (?:redire|reprocher|jeter)\b"
    r"|\b(?:je )?ne (?:le |la |les )?regrette (?:pas|rien|aucunement)\b|\baucun regret\b|\bsans regret\b"
    r"|\bque du bonheur\b|\bau(?<!\bpas au) top\b|\bon ne peut (?:pas )?(?:faire|rever) mieux\b"
    r"|\bdifficile de faire mieux\b"
    r"|\bnot (?:too |half |that )?bad\b|\b(?:can't|cannot|can not|couldn't) (?:fault|complain)\b"
    r"|\bno complaints?\b|\bnothing to complain about\b|\bno regrets?\b|\bworth every penny\b"
    r"|\b(?:couldn't|could not) (?:be happier|ask for more|have been better|be better)\b"
    r"|\b(?:can't|cannot) recommend (?:\w+ )?(?:enough|highly enough)\b|\bhard to beat\b"
)
_NEGATIVE = re.compile(
    r"\b(?:pourrait|aurait pu|pourraient|auraient pu) (?:etre|etre un peu|etre bien) mieux\b"
    r"|\bpeut mieux faire\b|\blaiss(?:e|ent|ait) a desirer\b"
    r"|\bpas (?:tres |si |vraiment )?(?:terrible|top|fameux)\b"
    r"|\bsans plus\b|\bbof\b|\bpas (?:a la hauteur|au point|au top)\b"
    r"|\b(?:ne )?vaut pas (?:le coup|la peine|le prix|son prix)\b|\bon repassera\b|\bla goutte d'eau\b"
    r"|\bcould (?:have been|be) (?:a lot |much |way |so much )?better\b"
    r"|\bleaves? (?:a lot |much |something |a great deal )?to be desired\b|\bnot (?:so |that |very )?great\b"
    r"|\bnot impressed\b|\bnot worth\b|\bnothing special\b|\bnot up to (?:scratch|par|standard)\b"
    r"|\bwaste of (?:money|time)\b|\bthe last straw\b|\bf(?:e|a)ll(?:s)? short\b|\bmeh\b"
    r"|\bmerci pour rien\b|\bmerci du cadeau\b|\bc'est du propre\b|\bthanks? for nothing\b"  # ironic thanks
)


def idiom_sides(texts: Sequence[str]) -> np.ndarray:
    """+1 where a text holds a positive idiom only, −1 a negative one only, 0 otherwise (none, or both)."""
    out = np.zeros(len(texts), dtype=np.int8)
    for i, text in enumerate(texts):
        folded = fold(text)
        pos = bool(_POSITIVE.search(folded)) or ("pas mal" in folded and bool(_PAS_MAL.search(folded)))
        neg = bool(_NEGATIVE.search(folded))
        out[i] = pos - neg if pos != neg else 0
    return out
