"""Levers on the French document verdict, scored on development documents only (issue 10, i10-frpol).

    python -m training.document_levers [--json PATH]

Reads the development sets of ``training.document_errors`` (the shipped tagger and USE expert, cached) and
scores each lever against the shipped verdict with the selection rule of docs/benchmarks.md ("French document
polarity, error buckets"): Allociné dev must improve beyond its paired bootstrap interval — out-of-fold when
the lever has a parameter — and no other development row may fall. Test splits are never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.tagging.document_expert import blended_polarities
from nlp.tagging.tagger import load_tagger
from training.doc_turn import turn_starts
from training.document_errors import CACHE, DevSet, build_sets, figure, paired_bootstrap, shipped_verdict

BLEND, MIN_UNITS = 0.75, 2
Verdict = Callable[[DevSet, float], np.ndarray]  # (set, parameter) → −1 / 0 / +1 per document


def _finish(d: DevSet, v: np.ndarray) -> np.ndarray:
    return np.where(d.stated != 0, d.stated, v)


def tail_scores(d: DevSet, expert: Any) -> tuple[np.ndarray, np.ndarray]:
    """(has a turn, the expert's score of the units from the last turn on) per document."""
    starts = turn_starts([d.unit_texts[i] for i in range(len(d.unit_texts))], d.rows, d.n)
    has = starts >= 0
    score = np.zeros(d.n)
    pick = np.flatnonzero(has)
    if pick.size:
        first = np.zeros(d.n, dtype=np.int64)
        seen = np.zeros(d.n, dtype=bool)
        for i, r in enumerate(d.rows):
            if not seen[r]:
                first[r], seen[r] = i, True
        means, texts = [], []
        for doc in pick.tolist():
            idx = np.flatnonzero(d.rows == doc)
            tail = idx[starts[doc] :]
            means.append(d.vectors[tail].mean(axis=0))
            texts.append(" ".join(d.unit_texts[i] for i in tail))
        score[pick] = expert.score(np.asarray(means, dtype=np.float32), texts)
    return has, score


def make_tail(tails: dict[str, tuple[np.ndarray, np.ndarray]]) -> Verdict:
    """The expert's score mixed with its score of the part after the last turn (share ``t``)."""

    def verdict(d: DevSet, t: float) -> np.ndarray:
        has, tail = tails[d.name]
        e = np.where(has, (1.0 - t) * d.expert + t * tail, d.expert)
        return _finish(d, blended_polarities(d.pol, d.score, d.rows, d.n, e, BLEND, MIN_UNITS))

    return verdict


def center_verdict(d: DevSet, c: float) -> np.ndarray:
    """The blended score judged against ``c`` instead of 0 (documents the expert applies to)."""
    counts = d.counts
    e = np.where(counts >= MIN_UNITS, d.expert - c / BLEND, d.expert)
    return _finish(d, blended_polarities(d.pol, d.score, d.rows, d.n, e, BLEND, MIN_UNITS))


def folds(labels: np.ndarray, k: int = 5, seed: int = 0) -> np.ndarray:
    """Stratified fold index per document."""
    rng = np.random.default_rng(seed)
    out = np.zeros(len(labels), dtype=np.int64)
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        rng.shuffle(idx)
        out[idx] = np.arange(len(idx)) % k
    return out


def choose(d: DevSet, verdict: Verdict, grid: Sequence[float], mask: np.ndarray | None = None) -> float:
    """The grid value with the best figure on ``mask`` (ties: the first, i.e. the smallest change)."""
    m = np.ones(d.n, dtype=bool) if mask is None else mask
    best, best_f = grid[0], -1.0
    for g in grid:
        f = _masked_f1(d, verdict(d, g), m)
        if f > best_f + 1e-12:
            best, best_f = g, f
    return best


def _masked_f1(d: DevSet, v: np.ndarray, m: np.ndarray) -> float:
    from training.document_expert import _f1

    return _f1(d.labels[m], v[m])


def out_of_fold(
    d: DevSet, verdict: Verdict, grid: Sequence[float], seed: int = 0
) -> tuple[np.ndarray, list[float]]:
    f = folds(d.labels, seed=seed)
    out = np.zeros(d.n, dtype=np.int64)
    chosen = []
    for k in range(5):
        g = choose(d, verdict, grid, f != k)
        chosen.append(g)
        out[f == k] = verdict(d, g)[f == k]
    return out, chosen


def evaluate(sets: dict[str, DevSet], name: str, verdict: Verdict, grid: Sequence[float]) -> dict[str, Any]:
    """A lever's figures under the selection rule."""
    alloc = sets["allocine dev"]
    base = shipped_verdict(alloc)
    param = choose(alloc, verdict, grid)
    oof, chosen = out_of_fold(alloc, verdict, grid)
    reps = [round(figure(alloc, out_of_fold(alloc, verdict, grid, seed=s)[0]), 4) for s in range(1, 6)]
    row: dict[str, Any] = {
        "lever": name,
        "parameter (all dev)": param,
        "parameters per fold": chosen,
        "allocine dev shipped": round(figure(alloc, base), 4),
        "allocine dev, parameter on all dev (in-sample)": round(figure(alloc, verdict(alloc, param)), 4),
        "allocine dev out-of-fold": round(figure(alloc, oof), 4),
        "allocine dev out-of-fold, fold seeds 1–5": reps,
        "allocine dev out-of-fold − shipped [95 % CI]": paired_bootstrap(alloc, base, oof),
        "grid": {str(g): round(figure(alloc, verdict(alloc, g)), 4) for g in grid},
    }
    for other in ("xed-fr dev", "xed-en dev", "seed held-out fr", "seed held-out en"):
        d = sets[other]
        before, after = figure(d, shipped_verdict(d)), figure(d, verdict(d, param))
        row[f"{other}"] = [round(before, 4), round(after, 4)]
    bank = sets["banking77"]
    row["banking77 called positive"] = [
        round(float((shipped_verdict(bank) == 1).mean()), 4),
        round(float((verdict(bank, param) == 1).mean()), 4),
    ]
    lo = row["allocine dev out-of-fold − shipped [95 % CI]"][1]
    others_ok = all(
        row[o][1] >= row[o][0] for o in ("xed-fr dev", "xed-en dev", "seed held-out fr", "seed held-out en")
    )
    row["passes"] = bool(
        lo > 0 and others_ok and row["banking77 called positive"][1] <= row["banking77 called positive"][0]
    )
    return row


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.document_levers")
    parser.add_argument("--json", type=Path, default=CACHE / "levers.json")
    args = parser.parse_args(argv)
    sets = build_sets()
    from training.embedding_cache import load_embedder

    model_id = load_embedder("use-multilingual").model_id
    expert = load_tagger(None, model_id).document_expert
    tails = {name: tail_scores(d, expert) for name, d in sets.items()}
    rows = [
        evaluate(
            sets, "expert reads the part after the last turn", make_tail(tails), (0.0, 0.25, 0.5, 0.75, 1.0)
        ),
        evaluate(
            sets, "center of the blended score", center_verdict, (0.0, -0.05, -0.1, 0.05, 0.1, -0.15, 0.15)
        ),
    ]
    for r in rows:
        print(json.dumps(r, ensure_ascii=False), file=sys.stderr)
    args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
