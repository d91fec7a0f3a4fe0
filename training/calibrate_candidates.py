"""Calibrate the pain-point candidate threshold (nlp/pipeline/extract.py ``PAIN_CANDIDATE_MAX_SCORE``).

    python -m training.calibrate_candidates            # both shipped embedding spaces → training/reports/

Development data only (never the benchmark's test sets): XED FR/EN dev lines (training/sentiment_real.py,
not fitted on) labelled negative / positive / neutral through training/mappings/xed_emotions.json, and a fixed
sample of Banking77 *train* queries (every one a problem or a request for help; no head is fitted on them).
For each space, the threshold is the smallest score cut-off ``t`` such that at least ``--target`` of the
truly negative XED lines satisfy the candidate rule; the constant to ship is the largest of the spaces' ``t``
(so both keep the target), rounded up to 0.05. Precision = share of selected XED lines truly negative.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embeddings import MINILM_SPEC, USE_SPEC
from nlp.tagging.help_request import asks_for_help
from nlp.tagging.tagger import load_tagger
from training.embedding_cache import embed, load_embedder
from training.sentiment_real import DATASETS, load_real, read_rows

REPORTS = Path(__file__).resolve().parent / "reports"
GRID = np.round(np.arange(-0.5, 0.81, 0.05), 2)


def _selected(scores: np.ndarray, sentiments: Sequence[str], help_cue: np.ndarray, t: float) -> np.ndarray:
    return np.asarray((scores < t) | (np.asarray(sentiments) == "negative") | help_cue)


def calibrate(spec: str, target: float, n_banking: int) -> dict[str, Any]:
    embedder = load_embedder(spec)
    tagger = load_tagger(None, embedder.model_id, encode=embedder.encode)
    real = load_real(sources=("xed-fr", "xed-en"))
    lines = [u for units in real.dev.values() for u in units]
    bank = read_rows(DATASETS.resolve() / "banking77" / "train.csv")
    bank = [bank[i] for i in sorted(random.Random(5).sample(range(len(bank)), n_banking))]
    texts = [u.text for u in lines] + [r["text"] for r in bank]
    langs = [u.lang for u in lines] + ["en"] * len(bank)
    tags = tagger.tag(texts, embed(texts, embedder), langs)
    scores = np.array([t.sentiment_score for t in tags])
    sentiments = [t.sentiment for t in tags]
    cue = np.array([asks_for_help(x) for x in texts])
    truth = np.array([u.sentiment for u in lines])
    n = len(lines)
    negative = truth == "negative"
    rows = []
    for t in GRID:
        sel = _selected(scores, sentiments, cue, float(t))
        kept = sel[:n]
        rows.append(
            {
                "threshold": float(t),
                "recall_negative_xed": round(float(kept[negative].mean()), 4),
                "recall_negative_xed_fr": round(
                    float(kept[negative & (np.array(langs[:n]) == "fr")].mean()), 4
                ),
                "recall_negative_xed_en": round(
                    float(kept[negative & (np.array(langs[:n]) == "en")].mean()), 4
                ),
                "precision_xed": round(float(negative[kept].mean()) if kept.any() else 0.0, 4),
                "banking77_train_selected": round(float(sel[n:].mean()), 4),
            }
        )
    chosen = next((r for r in rows if r["recall_negative_xed"] >= target), rows[-1])
    base = _selected(scores, sentiments, np.zeros_like(cue), -math.inf)
    return {
        "spec": spec,
        "model_id": embedder.model_id,
        "n_xed_dev": n,
        "n_negative": int(negative.sum()),
        "n_banking77_train": len(bank),
        "tagged_negative_only": {
            "recall_negative_xed": round(float(base[:n][negative].mean()), 4),
            "precision_xed": round(float(negative[base[:n]].mean()) if base[:n].any() else 0.0, 4),
            "banking77_train_selected": round(float(base[n:].mean()), 4),
        },
        "chosen": chosen,
        "grid": rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.calibrate_candidates")
    parser.add_argument("--target", type=float, default=0.90)
    parser.add_argument("--banking", type=int, default=1000, help="Banking77 train queries sampled")
    parser.add_argument("--backends", default=f"{USE_SPEC},{MINILM_SPEC}")
    args = parser.parse_args(argv)
    results = [calibrate(s, args.target, args.banking) for s in args.backends.split(",")]
    ship = math.ceil(max(r["chosen"]["threshold"] for r in results) * 20 - 1e-9) / 20
    out = {"target_recall": args.target, "ship_threshold": ship, "spaces": results}
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "candidates.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    for r in results:
        print(
            f"{r['spec']}: tagged-negative only {r['tagged_negative_only']}; chosen {r['chosen']}",
            file=sys.stderr,
        )
    print(f"ship PAIN_CANDIDATE_MAX_SCORE = {ship}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
