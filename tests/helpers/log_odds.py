"""What the verdict-cue tests assert about a shift (nlp/tagging/verdict_cues.py), in one place."""

from __future__ import annotations

import numpy as np


def odds_moved(p: np.ndarray, out: np.ndarray, row: int, a: int, b: int) -> float:
    """How many log-odds class ``a`` gained against class ``b`` in ``row`` (``p`` before, ``out`` after)."""
    return float(np.log(out[row, a] / out[row, b]) - np.log(p[row, a] / p[row, b]))


def neutral_odds(p: np.ndarray, row: int) -> float:
    """Neutral's odds against the polar classes' geometric mean: what a positive-vs-negative shift keeps."""
    return float(p[row, 1] / np.sqrt(p[row, 0] * p[row, 2]))
