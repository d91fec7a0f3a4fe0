"""``python -m bench.adaptation_units``: what the workspace adaptation does to unrated items' *clauses*.

``bench.adaptation`` scores documents; the pipeline mines units, so a head that learns an item's tone from
its stars (it reads the clustering-space vector, which carries the item's mean) can get documents right while
turning the praise clauses of unrated items negative — and those then enter the pain-point clustering
(docs/benchmarks.md, R20–R21). This measures that, with and without the held-out guard
(``AdaptationConfig.require_stable_choice``), in one run.

Workspace: the rated items are Allociné test reviews with their stars (the only real star-rated set); the
unrated items are the written French reviews of ``training/data/{products,reviews}_fr.jsonl`` with two units
or more (grouped by their ``group``), whose units carry hand labels. Those units are fit rows of the shipped
sentiment heads, so the generic figures are in-sample and optimistic: read how adaptation *moves* them, not
the level. Units are embedded and placed in the clustering space as the pipeline does (``contextualize``); the
generic probabilities the adaptation blends with are those ``adapt_unit_tags`` computes (clustering-space
vectors, no languages); "shipped tags" are those the units had at extraction (raw vectors, their language).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from bench.adaptation import SPEC, Workspace, stratified
from bench.datasets import DEFAULT_DIR
from bench.recording import CachedEmbedder
from nlp.embeddings import get_embedder
from nlp.pipeline.adapt import adaptation_features
from nlp.pipeline.extract import contextualize, pain_candidates
from nlp.tagging.adaptation import AdaptationConfig, adapt_sentiment
from nlp.tagging.fusion import SENTIMENT_CLASSES
from nlp.tagging.tagger import load_tagger

DATA = Path(__file__).resolve().parents[1] / "training" / "data"
STEMS = ("products_fr", "reviews_fr")


@dataclass(frozen=True)
class Unrated:
    """The unrated documents' units: texts, hand labels, document index."""

    texts: list[str]
    gold: np.ndarray
    rows: np.ndarray


def unrated_documents(stems: Sequence[str] = STEMS, data: Path = DATA, min_units: int = 2) -> Unrated:
    by_group: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stem in stems:
        for line in (data / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip() and (r := json.loads(line)).get("sentiment"):
                by_group[r["group"]].append((r["text"], r["sentiment"]))
    docs = [units for _, units in sorted(by_group.items()) if len(units) >= min_units]
    return Unrated(
        [t for d in docs for t, _ in d],
        np.array([s for d in docs for _, s in d]),
        np.array([i for i, d in enumerate(docs) for _ in d], dtype=np.int64),
    )


def unit_metrics(p: np.ndarray, un: Unrated) -> dict[str, float]:
    """3-class macro-F1, and through the pain-point gate: negative units kept, positive units let in."""
    pred = np.array(SENTIMENT_CLASSES)[p.argmax(axis=1)]
    kept = pain_candidates(p, un.texts, ["fr"] * len(un.texts))
    neg, pos = un.gold == "negative", un.gold == "positive"
    return {
        "macro_f1": round(float(f1_score(un.gold, pred, average="macro")), 4),
        "positive_called_negative": round(float(np.mean(pred[pos] == "negative")), 4),
        "negative_called_positive": round(float(np.mean(pred[neg] == "positive")), 4),
        "negative_kept": round(float(np.mean(kept[neg])), 4),
        "positive_let_in": round(float(np.mean(kept[pos])), 4),
    }


def run(root: Path, sizes: Sequence[int], repeats: int) -> dict[str, Any]:
    embedder = CachedEmbedder(get_embedder(SPEC))
    try:
        tagger = load_tagger(None, embedder.model_id, encode=embedder.inner.encode)
        ws = Workspace(root, embedder, tagger)
        un = unrated_documents()
        raw = embedder.encode(un.texts)
        n_rated = len(ws.labels)
        rows = np.concatenate([ws.rows, un.rows + n_rated])
        texts = ws.texts + un.texts
        vectors = np.vstack([ws.vectors, contextualize(raw, un.rows, int(un.rows.max()) + 1)])
        generic = tagger.sentiment_proba(texts, vectors)
        features = adaptation_features(vectors, texts)
    finally:
        embedder.save()
    mine = np.arange(len(ws.texts), len(texts))
    shipped = tagger.sentiment_proba(un.texts, raw, ["fr"] * len(un.texts))
    out: dict[str, Any] = {
        "unrated": {"documents": int(un.rows.max()) + 1, "units": len(un.texts)},
        "shipped_tags": unit_metrics(shipped, un),
        "draws": [],
    }
    for n in sizes:
        for r in range(repeats if n < n_rated else 1):
            labels = np.zeros(n_rated + out["unrated"]["documents"], dtype=np.int64)
            pool = np.arange(n_rated)
            rated = pool if n >= n_rated else stratified(pool, ws.labels, n, np.random.default_rng(100 + r))
            labels[rated] = ws.labels[rated]
            draw: dict[str, Any] = {"rated": len(rated), "draw": r}
            for name, guard in (("without_guard", False), ("with_guard", True)):
                a = adapt_sentiment(
                    features, generic, rows, labels, AdaptationConfig(seed=r, require_stable_choice=guard)
                )
                p = a.text_proba[mine] if a.report.adapted else shipped  # not adapted: the tags stand
                draw[name] = {
                    "weight": a.weight,
                    "heldout_gain": a.report.heldout_gain,
                    **unit_metrics(p, un),
                }
            out["draws"].append(draw)
            print(f"  {draw}", file=sys.stderr, flush=True)
    return out


def render(result: dict[str, Any]) -> str:
    s, u = result["shipped_tags"], result["unrated"]
    lines = [
        f"Unrated: {u['documents']} written French reviews, {u['units']} units (in-sample for the generic "
        f"heads). Shipped tags: macro-F1 {s['macro_f1']}, positive called negative "
        f"{s['positive_called_negative']}, positive let in {s['positive_let_in']}, negative kept "
        f"{s['negative_kept']}.",
        "",
        "| rated (draw) | guard | weight | held-out gain | macro-F1 | positive called negative "
        "| positive let in | negative kept |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d in result["draws"]:
        for name in ("without_guard", "with_guard"):
            m, guard = d[name], name.replace("_", " ")
            lines.append(
                f"| {d['rated']} ({d['draw']}) | {guard} | {m['weight']} | {m['heldout_gain']} "
                f"| {m['macro_f1']} | {m['positive_called_negative']} | {m['positive_let_in']} "
                f"| {m['negative_kept']} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.adaptation_units", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument(
        "--sizes", default="100,300,1368", help="rated Allociné reviews per draw (≥ all: every one)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: comma-separated whole numbers, got {args.sizes!r}")
    if not sizes or min(sizes) < 40 or args.repeats < 1:
        parser.error("--sizes must each be ≥ 40 (20 rated per class) and --repeats ≥ 1")
    t0 = time.perf_counter()
    result = run(args.datasets.resolve(), sizes, args.repeats)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
