"""Written-down verdict cues applied to the heads' sentiment probabilities as log-odds shifts (issue 10).

Why one module: each cue (set verdict phrases, R8, ``nlp.tagging.idioms``; emoji and emoticons, R12,
``nlp.tagging.emoji_cues``; sarcastic praise of a harm, R18, ``nlp.tagging.sarcasm``) reads something the
encoders miss, and each moves the heads' probabilities by a fixed amount chosen on development data rather
than deciding alone; VADER's English valence (R16–R17, ``nlp.tagging.valence``) is a graded cue, shifted in
proportion to its compound score. Both taggers (single space and split space) apply them the same way, so
the amounts travel as one frozen value, :class:`CueShifts`, and a caller that measures one cue switches it
off with ``dataclasses.replace`` (``replace(CUE_SHIFTS, idiom=0.0)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from nlp.tagging.emoji_cues import emoji_sides
from nlp.tagging.idioms import idiom_sides
from nlp.tagging.sarcasm import sarcasm_marks
from nlp.tagging.valence import english_valence

MAX_SHIFT = 5.0  # the most log-odds a development grid may try for any cue


@dataclass(frozen=True)
class CueShifts:
    """Log-odds per cue; 0 switches that cue off (the heads' own probabilities, bit-identical)."""

    idiom: float = 0.5  # toward the phrase's side, positive vs negative; chosen on dev, docs/benchmarks.md R8
    emoji: float = 3.0  # the emoji's side against both other classes; chosen on dev, R12
    valence: float = 0.5  # per unit of VADER's compound score, English units; chosen on dev, R16–R17
    # "sign": positive vs negative, neutral keeps its odds (as the phrases); "both": the compound's side
    # against both other classes (as emoji), so a strongly worded line may leave neutral. R17: "both".
    valence_form: Literal["sign", "both"] = "both"
    sarcasm: float = 2.0  # toward negative against both other classes (nlp.tagging.sarcasm); chosen R18


CUE_SHIFTS = CueShifts()
NO_SHIFTS = CueShifts(idiom=0.0, emoji=0.0, valence=0.0, sarcasm=0.0)


def shift_verdict_cues(
    texts: Sequence[str],
    p: np.ndarray,
    shifts: CueShifts = CUE_SHIFTS,
    languages: Sequence[str] | None = None,
) -> np.ndarray:
    """``p`` (n, 3: negative, neutral, positive) with each idiom unit moved ``shifts.idiom`` log-odds toward
    its side: p(side) × e^(β/2), p(other) × e^(−β/2), renormalised (neutral keeps its odds against the polar
    classes' geometric mean); then each unit whose emoji take one side has p(side) × e^``shifts.emoji``
    against both other classes, renormalised: an emoji on a factual sentence ("Livraison reçue 😡") is its
    verdict, so it may move neutral too; then each English unit (``languages``; none without them) by
    ``shifts.valence`` × VADER's compound c, in ``shifts.valence_form``: "sign" p(positive) × e^(wc/2),
    p(negative) × e^(−wc/2); "both" p(side of c) × e^(w|c|); then each unit holding sarcastic praise of a
    harm has p(negative) × e^``shifts.sarcasm`` against both other classes. Every shift multiplies, so the
    order does not matter and one renormalisation ends it. No cue (or every shift 0): ``p`` itself."""
    n = len(texts)
    sides = idiom_sides(texts) if shifts.idiom > 0 and n else np.zeros(n, dtype=np.int8)
    marks = emoji_sides(texts) if shifts.emoji > 0 and n else np.zeros(n, dtype=np.int8)
    valence = english_valence(texts, languages) if shifts.valence > 0 else np.zeros(n)
    sarcastic = sarcasm_marks(texts) if shifts.sarcasm > 0 else np.zeros(n, dtype=bool)
    if not sides.any() and not marks.any() and not valence.any() and not sarcastic.any():
        return p
    out = np.array(p, dtype=np.float64, copy=True)
    rows = np.flatnonzero(sides)
    factor = np.exp(0.5 * shifts.idiom * sides[rows].astype(np.float64))
    out[rows, 2] *= factor
    out[rows, 0] /= factor
    rows = np.flatnonzero(marks)
    out[rows, marks[rows] + 1] *= np.exp(shifts.emoji)  # column 0 negative, 2 positive
    rows = np.flatnonzero(valence)
    if shifts.valence_form == "sign":
        factor = np.exp(0.5 * shifts.valence * valence[rows])
        out[rows, 2] *= factor
        out[rows, 0] /= factor
    else:
        side = np.sign(valence[rows]).astype(np.int64)
        out[rows, side + 1] *= np.exp(shifts.valence * np.abs(valence[rows]))
    out[sarcastic, 0] *= np.exp(shifts.sarcasm)
    # Only the moved units are renormalised: the others stay bit-identical.
    moved = np.flatnonzero((sides != 0) | (marks != 0) | (valence != 0) | sarcastic)
    out[moved] /= out[moved].sum(axis=1, keepdims=True)
    return out.astype(p.dtype, copy=False)
