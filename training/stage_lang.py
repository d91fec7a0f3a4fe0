"""Per-language dev scores and a per-language stage blend for ``training.compare_stage`` (issue 10, round 5).

The stage probability blends an embedding head, a char n-gram TF-IDF head and the taxonomy prototypes with one
pair of weights chosen on a dev mean that English sets dominate (Banking77, CFPB full + strict), while French
known irritants stayed below the target. These helpers let the comparison (a) report every dev set that holds
both languages per language, and (b) score a French blend — its own text and prototype weights, and optionally
its own char head fitted with the French rows up-weighted — applied to French rows only, so every English dev
score is unchanged by construction and the French weights can be chosen on French dev alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FR = "fr"


def blend(pe: np.ndarray, pt: np.ndarray, prior: np.ndarray, wt: float, pw: float) -> np.ndarray:
    """The tagger's stage blend: ``(1 − pw)·((1 − wt)·embedding + wt·text) + pw·prototypes``."""
    return (1 - pw) * ((1 - wt) * pe + wt * pt) + pw * prior


def lang_blend(
    base: np.ndarray,
    langs: Sequence[str],
    pe: np.ndarray,
    pt_lang: np.ndarray,
    prior: np.ndarray,
    wt: float,
    pw: float,
    lang: str = FR,
) -> np.ndarray:
    """``base`` with the rows of ``lang`` re-blended with that language's weights (and text probabilities
    ``pt_lang``, from the shared char head or the language's own); the other rows are ``base`` untouched."""
    rows = np.asarray([v == lang for v in langs], dtype=bool)
    out = base.copy()
    if rows.any():
        out[rows] = blend(pe[rows], pt_lang[rows], prior[rows], wt, pw)
    return out


def lang_fit_weights(w: np.ndarray, langs: Sequence[str], factor: float, lang: str = FR) -> np.ndarray:
    """Fit weights with the rows of ``lang`` multiplied by ``factor``, rescaled to the same total (so that the
    logistic regression's regularisation strength relative to the data does not move with ``factor``)."""
    rows = np.asarray([v == lang for v in langs], dtype=bool)
    out = w.astype(float).copy()
    out[rows] *= factor
    total = out.sum()
    return out * (w.sum() / total) if total > 0 else out


def per_language(
    truth: Sequence[str], pred: Sequence[str], langs: Sequence[str]
) -> dict[str, tuple[list[str], list[str]]]:
    """``{lang: (truth, pred)}`` of one dev set, for each language it holds."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for y, p, lang in zip(truth, pred, langs, strict=True):
        ys, ps = out.setdefault(lang, ([], []))
        ys.append(str(y))
        ps.append(str(p))
    return dict(sorted(out.items()))


def lang_mean(lang_scores: dict[str, float], lang: str = FR) -> float:
    """Mean of one language's dev scores (keys ``"<set> [<lang>]"``): what the French blend is chosen on."""
    values = [v for k, v in lang_scores.items() if k.endswith(f"[{lang}]")]
    return float(np.mean(values)) if values else float("nan")
