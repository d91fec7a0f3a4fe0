"""Emotion with XED: which XED train lines (Plutchik → product emotions), pooled across languages or not, with
which class weighting, help on development data?

    python -m training.compare_emotion [--backend …] [--langs fr,en] [--serves fr] [--write]

Families: the shipped head (A), and the shipped recipe (embedding ⊕ char n-gram TF-IDF) on the seed corpus +
every XED train line (no cap) whose labels map to one product emotion (training/mappings/xed_emotions.json),
XED weighted in total like the seed corpus: B on the lines of every language in ``--langs`` pooled (the USE
space is multilingual, so English lines can teach the French head), E the same lines with each language
weighing an equal part of the XED total, F on the served language's lines only;
each with class-balanced or unweighted fits. Scored on the XED dev lines *per language* (a stable hash part of
the train split, never fitted on; macro-F1 over the 5 Plutchik targets after mapping the prediction back) and
on the seed held-out split (8 classes). The selection is the mean of the seed held-out score and the dev score
of the language this space serves under ``auto`` (``--serves``: French for USE, English for MiniLM); the
winner ships with ``--write`` when it beats A.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
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
from training.report_files import write_report
from training.sentiment_real import DATASETS, is_dev, read_rows

MAPPING = json.loads((Path(__file__).resolve().parent / "mappings" / "xed_emotions.json").read_text())
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
C_GRID = (2.0, 8.0)
TEXT_WEIGHTS = (0.3, 0.5)
CLASS_WEIGHTS: tuple[str | None, ...] = ("balanced", None)


def xed_emotion(label: str) -> str | None:
    to_product = MAPPING["plutchik_to_product"]
    parts = label.split(";")
    if any(p not in to_product for p in parts):
        return None
    products = {to_product[p] for p in parts}
    return products.pop() if len(products) == 1 else None


def load_xed(langs: Sequence[str], max_fit: int | None) -> tuple[list[Unit], list[Unit]]:
    """Fit and dev lines of XED train for ``langs``; ``max_fit`` caps each language's fit lines
    (None: all)."""
    fit: list[Unit] = []
    dev: list[Unit] = []
    for lang in langs:
        rows = read_rows(DATASETS.resolve() / f"xed_{lang}_emotion" / "train.csv")
        units = [
            Unit(r["text"], lang, None, None, e, None, None, source=f"xed-{lang}")
            for r in rows
            if (e := xed_emotion(r["label"])) is not None
        ]
        f = [u for u in units if not is_dev(u.text)]
        if max_fit is not None and len(f) > max_fit:
            f = [f[i] for i in sorted(random.Random(17).sample(range(len(f)), max_fit))]
        fit += f
        dev += [u for u in units if is_dev(u.text)]
    return fit, dev


def scores(p: np.ndarray, classes: Sequence[str], held: list[Unit], dev: list[Unit]) -> dict[str, float]:
    """Macro-F1 on the seed held-out units (8 emotions) and on each language's XED dev lines (5 Plutchik);
    ``p`` rows are ``held`` then ``dev``."""
    pred = np.array(classes)[p.argmax(axis=1)]
    n = len(held)
    out = {
        "seed held-out (8 emotions)": float(
            f1_score([u.emotion for u in held], pred[:n], average="macro", zero_division=0)
        )
    }
    back = MAPPING["product_to_plutchik"]
    for lang in sorted({u.lang for u in dev}):
        idx = [n + i for i, u in enumerate(dev) if u.lang == lang]
        y = [back[dev[i - n].emotion or ""] for i in idx]
        guess = [back.get(x, "none") for x in pred[idx]]
        out[f"xed-{lang} dev (5 Plutchik)"] = float(
            f1_score(y, guess, labels=sorted(set(y)), average="macro", zero_division=0)
        )
    return {k: round(v, 4) for k, v in out.items()}


def xed_weights(units: Sequence[Unit], n_seed: int, family: str) -> np.ndarray:
    """XED weighs in total like the seed corpus; in the "languages equal" family each language gets an
    equal part of that total (French lines are a third as many as English ones in the pooled set)."""
    if not units:
        return np.zeros(0)
    if "languages equal" not in family:
        return np.full(len(units), n_seed / len(units))
    langs = [u.lang for u in units]
    count = {lang: langs.count(lang) for lang in set(langs)}
    return np.array([n_seed / len(count) / count[lang] for lang in langs])


def selection(s: dict[str, float], serves: str) -> float:
    return round((s["seed held-out (8 emotions)"] + s[f"xed-{serves} dev (5 Plutchik)"]) / 2, 4)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.compare_emotion")
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--langs", default="fr,en", help="XED languages available to the pooled family")
    parser.add_argument(
        "--serves",
        default=None,
        help="language scored for selection (default: fr, or the only language of --langs)",
    )
    parser.add_argument("--max-fit", type=int, default=0, help="cap on XED fit lines per language (0: all)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    langs = args.langs.split(",")
    serves = args.serves or (langs[0] if len(langs) == 1 else "fr")
    embedder = load_embedder(args.backend)
    train_units, held = split(load_seed())
    train_units = [u for u in train_units if u.emotion]
    held = [u for u in held if u.emotion]
    fit_xed, dev_xed = load_xed(langs, args.max_fit or None)
    eval_units = held + dev_xed
    eval_texts = [u.text for u in eval_units]
    t0 = time.time()
    x_eval = embed(eval_texts, embedder)
    shipped = load_tagger(None, embedder.model_id)
    classes, p_shipped = shipped.emotion_proba(eval_texts, x_eval)
    a_scores = scores(p_shipped, classes, held, dev_xed)
    results: dict[str, Any] = {"A shipped": {"dev": a_scores, "selection": selection(a_scores, serves)}}
    print(f"  A shipped: {results['A shipped']}", file=sys.stderr, flush=True)
    families = {
        "B pooled": fit_xed,
        "E pooled, languages equal": fit_xed,
        f"F {serves} only": [u for u in fit_xed if u.lang == serves],
    }
    if len(langs) == 1:
        families = {"B": fit_xed}
    fit_rows: dict[str, dict[str, int]] = {}
    best: dict[str, Any] = {}
    for family, xed_units in families.items():
        units = train_units + xed_units
        texts = [u.text for u in units]
        y = np.array([u.emotion for u in units])
        w = np.concatenate([np.ones(len(train_units)), xed_weights(xed_units, len(train_units), family)])
        x = embed(texts, embedder)
        fit_rows[family] = {
            "seed": len(train_units),
            **{f"xed-{lang}": sum(u.lang == lang for u in xed_units) for lang in langs},
        }
        for cw in CLASS_WEIGHTS:
            text = _fit_text(texts, y, w, cw)
            pt = text.predict_proba(eval_texts)
            for c in C_GRID:
                m = _fit_lr(x, y, w, c, cw)
                pe = m.predict_proba(x_eval)
                for wt in TEXT_WEIGHTS:
                    p = (1 - wt) * pe + wt * pt[:, [list(text.classes).index(k) for k in m.classes_]]
                    s = scores(p, [str(k) for k in m.classes_], held, dev_xed)
                    key = f"{family} cw={cw or 'none'} C={c} w={wt}"
                    sel = selection(s, serves)
                    results[key] = {"dev": s, "selection": sel}
                    print(f"  {key}: {s} sel={sel}", file=sys.stderr, flush=True)
                    if not best or sel > best["selection"]:
                        best = {
                            "key": key,
                            "selection": sel,
                            "model": m,
                            "text": text,
                            "wt": wt,
                            "C": c,
                            "family": family,
                            "class_weight": cw,
                        }
    summary = {
        "model_id": embedder.model_id,
        "serves": serves,
        "fit_rows": fit_rows,
        "dev_rows": {
            "seed held-out": len(held),
            **{f"xed-{lang} dev": sum(u.lang == lang for u in dev_xed) for lang in langs},
        },
        "seconds": round(time.time() - t0, 1),
        "results": results,
        "best": best["key"] if best["selection"] > results["A shipped"]["selection"] else "A shipped",
    }
    out = write_report(f"emotion_comparison_{backend_slug(embedder.model_id)}.json", summary)
    print(f"best: {summary['best']} → {out} ({summary['seconds']} s)", file=sys.stderr)
    if args.write and summary["best"] != "A shipped":
        directory = ARTIFACTS / backend_slug(embedder.model_id)
        ship_blended_head(
            directory,
            "emotion",
            best["model"],
            best["text"],
            embedder.model_id,
            best,
            {
                "features": f"embedding ⊕ char n-gram TF-IDF (w={best['wt']})",
                "file": "emotion-v1.npz",
                "family": best["family"],
                "class_weight": best["class_weight"] or "none",
                "dev": results[best["key"]]["dev"],
                "train_sources": fit_rows[best["family"]],
                "trained_by": "python -m training.compare_emotion --write",
            },
        )
        print(f"written to {directory}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
