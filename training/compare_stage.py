"""Stages with Banking77: does adding its train queries (every intent mapped to a stage) help, on dev data?

    python -m training.compare_stage [--backend …] [--write]

The shipped stage head (seed corpus: embedding ⊕ char n-gram TF-IDF ⊕ taxonomy prototypes) against the same
recipe on the seed corpus + Banking77 *train* queries labelled with
training/mappings/banking77_stages_full.json (capped, weighted in total like the seed corpus; the prototype
weight stays the shipped one). Scored on a stable hash part of Banking77 train never fitted on and on the seed
held-out split; the better mean ships with ``--write``. CFPB has no train split, so it is never trained on
(the benchmark reports it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from nlp.tagging.artifacts import backend_slug
from nlp.tagging.tagger import load_tagger
from training.compare_sentiment import _fit_lr, _fit_text
from training.corpus import Unit, load_seed, split
from training.embedding_cache import embed, load_embedder
from training.model_card import ship_blended_head
from training.sentiment_real import DATASETS, is_dev, read_rows

HERE = Path(__file__).resolve().parent
MAPPING = json.loads((HERE / "mappings" / "banking77_stages_full.json").read_text())["mapping"]


def load_banking(max_fit: int, max_dev: int) -> tuple[list[Unit], list[Unit]]:
    rows = read_rows(DATASETS.resolve() / "banking77" / "train.csv")
    units = [
        Unit(r["text"], "en", MAPPING[r["category"]], None, None, None, None, source="banking77")
        for r in rows
    ]
    fit = [u for u in units if not is_dev(u.text)]
    dev = [u for u in units if is_dev(u.text)]
    rng = random.Random(19)
    fit = [fit[i] for i in sorted(rng.sample(range(len(fit)), min(max_fit, len(fit))))]
    dev = [dev[i] for i in sorted(rng.sample(range(len(dev)), min(max_dev, len(dev))))]
    return fit, dev


def _f1(y: Sequence[str | None], pred: np.ndarray) -> float:
    return round(
        float(f1_score(list(y), pred, labels=sorted({str(v) for v in y}), average="macro", zero_division=0)),
        4,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.compare_stage")
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--max-fit", type=int, default=1500)
    parser.add_argument("--max-dev", type=int, default=800)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    embedder = load_embedder(args.backend)
    train_units, held = split(load_seed())
    fit_bank, dev_bank = load_banking(args.max_fit, args.max_dev)
    eval_units = held + dev_bank
    eval_texts = [u.text for u in eval_units]
    x_eval = embed(eval_texts, embedder)
    shipped = load_tagger(None, embedder.model_id, encode=embedder.encode)
    ids, p_shipped = shipped.stage_proba(eval_texts, x_eval)
    n = len(held)

    def scores(p: np.ndarray, classes: Sequence[str]) -> dict[str, float]:
        pred = np.array(classes)[p.argmax(axis=1)]
        return {
            "seed held-out": _f1([u.stage for u in held], pred[:n]),
            "banking77 dev (full mapping)": _f1([u.stage for u in dev_bank], pred[n:]),
        }

    results: dict[str, Any] = {"A shipped (seed only)": scores(p_shipped, ids)}
    prior_w = shipped._heads["stage"].prior_weight  # the shipped blend, kept as is
    protos = shipped._prototypes
    units = train_units + fit_bank
    texts = [u.text for u in units]
    y = np.array([u.stage for u in units])
    w = np.concatenate(
        [np.ones(len(train_units)), np.full(len(fit_bank), len(train_units) / max(len(fit_bank), 1))]
    )
    x = embed(texts, embedder)
    text = _fit_text(texts, y, w)
    best: dict[str, Any] = {}
    for c in (8.0, 32.0):
        m = _fit_lr(x, y, w, c)
        classes = [str(k) for k in m.classes_]
        pt = text.predict_proba(eval_texts)[:, [list(text.classes).index(k) for k in classes]]
        prior = (
            protos.probabilities(x_eval)[:, [protos.stage_ids.index(k) for k in classes]] if protos else None
        )
        for wt in (0.3, 0.5):
            p = (1 - wt) * m.predict_proba(x_eval) + wt * pt
            if prior is not None and prior_w > 0:
                p = (1 - prior_w) * p + prior_w * prior
            key = f"B seed+banking77 C={c} w={wt}"
            results[key] = scores(p, classes)
            mean = float(np.mean(list(results[key].values())))
            print(f"  {key}: {results[key]}", file=sys.stderr, flush=True)
            if not best or mean > best["mean"]:
                best = {"key": key, "mean": mean, "model": m, "wt": wt, "C": c}
    shipped_mean = float(np.mean(list(results["A shipped (seed only)"].values())))
    print(f"  A shipped: {results['A shipped (seed only)']}", file=sys.stderr)
    better = best["mean"] > shipped_mean
    summary = {
        "model_id": embedder.model_id,
        "fit_rows": {"seed": len(train_units), "banking77": len(fit_bank)},
        "dev_rows": {"seed held-out": n, "banking77 dev": len(dev_bank)},
        "prototype_weight": prior_w,
        "results": results,
        "best": best["key"] if better else "A shipped (seed only)",
    }
    out = HERE / "reports" / f"stage_comparison_{backend_slug(embedder.model_id)}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"best: {summary['best']} → {out}", file=sys.stderr)
    if args.write and better:
        m = best["model"]
        directory = HERE / "artifacts" / backend_slug(embedder.model_id)
        ship_blended_head(
            directory,
            "stage",
            m,
            text,
            embedder.model_id,
            best,
            {
                "features": f"embedding ⊕ char n-gram TF-IDF (w={best['wt']}) ⊕ prototypes (w={prior_w})",
                "file": "stage-v1.npz",
                "dev": results[best["key"]],
                "train_sources": summary["fit_rows"],
                "trained_by": "python -m training.compare_stage --write",
            },
            prior_weight=prior_w,
        )
        print(f"written to {directory}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
