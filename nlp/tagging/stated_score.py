"""A score the writer states in the text ("Ma note : 2/5", "Service client 0/10", "I'd give it 4/5").

Why: when a reviewer grades the thing in words, that grade is the verdict, whatever the clauses around it
weigh ("Un très bon épisode de masterchef… Non sans déconner … Ma note 2/5" reads positive clause by clause).
Review platforms derive their labels from the same grade, given as stars. It is text, not a rating column,
so it applies to text-only documents and never reads an item's rating.

Only unambiguous grades count: a number out of 5, 10 or 20 (French school grades) that follows a grading cue
("note", "je mets", "je donne", "mérite", "verdict", "I give", "rated", …) or ends the text. Anything else
with a slash is left alone: "livré le 03/10" is a date (even at the end of the text), "24/7" and "1/2" are
not grades, "12/10" is over the scale. A grade of at least 70 % of the scale is positive, at most 40 %
negative, in between no verdict (12/20 is "passable" in French: on Allociné train, the one stated grade that
disagreed with the label was 12/20 on a negative review). With these rules, the 24 Allociné train reviews
that state a grade with a verdict all agree with the reviewer's stars (14 negative, 10 positive), and no
text of Banking77 train, the CFPB sample, XED train (FR/EN) or the written fit documents states one (checked
by script, issue 10, branch i10-fr).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.tagging.effort_cues import _fold

POSITIVE_SHARE = 0.7
NEGATIVE_SHARE = 0.4
# not after a date's preposition ("livré le 02/10", "depuis le 3/5", "on 4/10")
_NOT_A_DATE = r"(?<!\ble )(?<!\bdu )(?<!\bau )(?<!\bon )(?<!\bdepuis )(?<!\bsince )"
_SCORE = _NOT_A_DATE + r"(?<![\d/.,])(\d{1,2}(?:[.,]\d{1,2})?)\s*(?:/|sur|out of)\s*(5|10|20)(?![\d/])"
_CUE = re.compile(
    r"(?:\bnot(?:e|ee|ed)\b|\bnotation\b|\bje (?:lui )?(?:mets|donne|mettrais|donnerais)\b|\bmerite\b"
    r"|\bverdict\b|\brating\b|\bscore\b|\bi(?:'d| would)? (?:give|rate)\b|\brated?\b)[^.!?\d]{0,20}?"
    + _SCORE,
    re.IGNORECASE,
)
_END = re.compile(_SCORE + r"[\s.!)]*$")


def stated_polarity(text: str) -> int:
    """−1 / +1 for a stated grade (the last one, if several), 0 for none or a middling one."""
    folded = _fold(text)
    found = [*_CUE.finditer(folded), *_END.finditer(folded)]
    if not found:
        return 0
    last = max(found, key=lambda m: m.start(1))
    share = float(last.group(1).replace(",", ".")) / float(last.group(2))
    if share > 1.0:
        return 0
    if share >= POSITIVE_SHARE:
        return 1
    if share <= NEGATIVE_SHARE:
        return -1
    return 0


def stated_polarities(texts: Sequence[str]) -> np.ndarray:
    """:func:`stated_polarity` of each text (int8)."""
    return np.array([stated_polarity(t) for t in texts], dtype=np.int8)
