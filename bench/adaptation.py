"""``python -m bench.adaptation``: what per-workspace adaptation from rated items gains, on held-out items.

The "workspace" is the Allociné **test** split (../shared/datasets/allocine_fr_sample/test.csv, 1,368 French
movie reviews, negative/positive from the reviewer's own stars: the only star-rated set there is). Every
review goes through the pipeline's extraction (clauses → USE embeddings → the shipped tagger, text only), then
``nlp.tagging.adaptation.adapt_sentiment`` runs on the same inputs the CLI and the service give it (the
units' clustering-space vectors + lexicon features, the generic head's text probabilities on them).
Document polar macro-F1 uses the pipeline's document rule (``nlp.tagging.aggregate.document_polarities``, the
one ``bench.sentiment`` and the CLI use; neutral = a miss).

Experiments:
- **learning curve**: a fixed, stratified evaluation part of ``--eval`` reviews is never rated; from the rest,
  n ∈ ``--sizes`` reviews are drawn (stratified, ``--repeats`` draws) as the workspace's rated items; the
  adapted scorer (weight by 5-fold CV on the n rated) scores the evaluation reviews' text. Compared with the
  shipped generic head on the same reviews. Mean ± std over draws.
- **cross-fitting over the whole set**: every review rated; each one's text scored by the head fitted on the
  other folds (what a rated item gets in the product), plus the built-in held-out report (25 %).
- **generic heads**: ``shipped`` (trained with Allociné *train* rows among others: in-domain already) and
  ``no-allocine`` (the same recipe, C and blend, refitted on the seed corpus + XED FR/EN train only: the
  cross-domain case a new customer's domain is).
- **seed file** (tests/data/journey_feedback.jsonl, 64 items with stars/NPS): what the CLI would report.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.datasets import DEFAULT_DIR
from bench.recording import CachedEmbedder
from bench.sentiment import write_section
from bench.sentiment_data import allocine
from nlp.embeddings import get_embedder
from nlp.pipeline import Record, extract_units
from nlp.tagging.adaptation import AdaptationConfig, adapt_sentiment, document_f1
from nlp.tagging.features import build_features
from nlp.tagging.tagger import EmbeddingTagger, load_tagger

ROOT = Path(__file__).resolve().parents[1]
SECTION_START = "<!-- bench-adaptation:start -->"
SECTION_END = "<!-- bench-adaptation:end -->"
SPEC = "use-multilingual"  # what ``auto`` resolves to for French data


def log(msg: str) -> None:
    print(f"[bench.adaptation {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def stratified(items: np.ndarray, labels: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` of ``items``, half per class (the rated set a workspace with balanced stars would have)."""
    out = []
    for k, c in enumerate((-1, 1)):
        pool = items[labels[items] == c]
        take = n // 2 + (n % 2 if k == 0 else 0)
        out.append(rng.choice(pool, min(take, len(pool)), replace=False))
    return np.sort(np.concatenate(out))


def no_allocine_tagger(tagger: EmbeddingTagger, embedder: CachedEmbedder, root: Path) -> EmbeddingTagger:
    """The shipped sentiment recipe (family D: C=2, polarity lexicon, TF-IDF blend 0.35) refitted without
    any Allociné row: seed train split + XED FR/EN train (1,000 fit rows each, as shipped)."""
    from nlp.tagging.artifacts import LinearHead
    from training.compare_sentiment import _fit_lr, _fit_text, _sentiment_head, _weights
    from training.corpus import load_seed, split
    from training.embedding_cache import embed
    from training.sentiment_real import load_real

    seed = [u for u in split(load_seed())[0] if u.sentiment]
    real = load_real(root, sources=("xed-fr", "xed-en"), max_fit=1000)
    parts = [seed, *real.fit.values()]
    units = [u for p in parts for u in p]
    texts = [u.text for u in units]
    y = np.array([u.sentiment for u in units])
    w = _weights(parts, len(seed))
    x = build_features(embed(texts, embedder), texts, True, True)
    head = _sentiment_head(_fit_lr(x, y, w, 2.0), embedder.model_id, True)
    head = LinearHead(
        head.name, head.classes, head.coef, head.intercept, head.model_id, True, 0.35, 0.0, True
    )
    text = _fit_text(texts, y, w)
    heads = {**tagger._heads, "sentiment": head}
    text_heads = {**tagger._text_heads, "sentiment": text}
    return EmbeddingTagger(
        heads, tagger.model_id, tagger.taxonomy, tagger._prototypes, tagger.card, text_heads
    )


class Workspace:
    """Allociné test reviews as extracted units, with the arrays adaptation reads."""

    def __init__(self, root: Path, embedder: CachedEmbedder, tagger: EmbeddingTagger) -> None:
        docs = allocine(root, "test")
        self.labels = np.array([1 if d.label == "positive" else -1 for d in docs])
        units = extract_units(
            [Record(d.text, language="fr") for d in docs], embedder, tagger, languages=["fr"] * len(docs)
        )
        self.rows = units.rows
        self.texts = list(units.texts)
        self.raw = units.embeddings
        self.vectors = units.vectors
        self.features = build_features(self.vectors, self.texts, True, True)

    def generic(self, tagger: EmbeddingTagger) -> tuple[np.ndarray, np.ndarray]:
        """(text probabilities as tagged — raw vectors —, on the clustering-space vectors adaptation uses);
        with the units' language, as ``tag`` and the pipeline's adaptation read them (a head's French blend
        applies; without it this measured the shared blend, not the default)."""
        langs = ["fr"] * len(self.texts)
        return (
            tagger.sentiment_proba(self.texts, self.raw, langs),
            tagger.sentiment_proba(self.texts, self.vectors, langs),
        )


def learning_curve(
    ws: Workspace,
    shipped: np.ndarray,
    ctx: np.ndarray,
    sizes: Sequence[int],
    repeats: int,
    n_eval: int,
    features: np.ndarray,
) -> list[dict[str, Any]]:
    items = np.arange(len(ws.labels))
    rng = np.random.default_rng(0)
    evaluation = stratified(items, ws.labels, n_eval, rng)
    pool = np.setdiff1d(items, evaluation)
    base = document_f1(shipped, ws.rows, evaluation, ws.labels)
    out = []
    for n in sizes:
        f1s, weights = [], []
        for r in range(repeats):
            rated = stratified(pool, ws.labels, n, np.random.default_rng(100 + r))
            labels = np.zeros_like(ws.labels)
            labels[rated] = ws.labels[rated]
            a = adapt_sentiment(features, ctx, ws.rows, labels, AdaptationConfig(seed=r))
            # Not adapted → the shipped tags stand (the product keeps them), so score those.
            p = a.text_proba if a.report.adapted else shipped
            f1s.append(document_f1(p, ws.rows, evaluation, ws.labels))
            weights.append(a.weight)
        out.append(
            {
                "rated": n,
                "eval": len(evaluation),
                "generic": base,
                "adapted_mean": round(float(np.mean(f1s)), 4),
                "adapted_std": round(float(np.std(f1s)), 4),
                "gain": round(float(np.mean(f1s)) - base, 4),
                "weight_mean": round(float(np.mean(weights)), 3),
                "adapted_share": round(float(np.mean([w > 0 for w in weights])), 2),
            }
        )
        log(f"  n={n}: {out[-1]}")
    return out


def candidates(p: np.ndarray, ws: Workspace) -> dict[str, float]:
    """The pain-point gate (``candidate_polarity``) on text probabilities: recall over negative reviews,
    precision over selected reviews, share of positive reviews' units selected."""
    from nlp.pipeline.extract import pain_candidates

    unit = pain_candidates(p, ws.texts, ["fr"] * len(ws.texts))
    selected = np.zeros(len(ws.labels), dtype=bool)
    selected[ws.rows[unit]] = True
    neg, pos_units = ws.labels == -1, ws.labels[ws.rows] == 1
    return {
        "recall": round(float((selected & neg).sum() / neg.sum()), 4),
        "precision": round(float((selected & neg).sum() / max(selected.sum(), 1)), 4),
        "positive_units_selected": round(float(unit[pos_units].mean()), 4),
    }


def cross_fit_all(
    ws: Workspace, shipped: np.ndarray, ctx: np.ndarray, features: np.ndarray
) -> dict[str, Any]:
    items = np.arange(len(ws.labels))
    a = adapt_sentiment(features, ctx, ws.rows, ws.labels)
    p = a.text_proba if a.report.adapted else shipped
    return {
        "rated": len(items),
        "generic": document_f1(shipped, ws.rows, items, ws.labels),
        "generic_on_context_vectors": document_f1(ctx, ws.rows, items, ws.labels),
        "cross_fitted": document_f1(p, ws.rows, items, ws.labels),
        "candidates_generic": candidates(shipped, ws),
        "candidates_cross_fitted": candidates(p, ws),
        "report": a.report.to_json(),
    }


def seed_file(embedder: CachedEmbedder, tagger: EmbeddingTagger) -> dict[str, Any]:
    """What ``frictionmap analyze --rating-column`` reports on the project's 64-item seed file."""
    from nlp.pipeline.adapt import adapt_extracted

    lines = (ROOT / "tests" / "data" / "journey_feedback.jsonl").read_text().splitlines()
    rows = [json.loads(x) for x in lines]
    records = [Record(r["text"], rating=r.get("rating"), nps=r.get("nps")) for r in rows]
    _, report = adapt_extracted(records, extract_units(records, embedder, tagger), tagger)
    assert report is not None
    return report.to_json()


def render(result: dict[str, Any]) -> str:
    when = f"{result['date']}, {SPEC}, {result['seconds']:.0f} s."
    head = f"`python -m bench.adaptation {result['args']}` — {when}"
    lines = [
        head + " Workspace: Allociné test (1,368 FR reviews, stars → polarity); document polar macro-F1"
        " (neutral = miss); evaluation reviews never rated.",
        "",
    ]
    for name, part in result["heads"].items():
        lines += [
            f"**Generic head `{name}`** — learning curve (evaluation: {part['curve'][0]['eval']} reviews, "
            f"{result['repeats']} draws of rated reviews):",
            "",
            "| rated | generic (shipped tags) | adapted (mean ± std) | gain | mean weight | adapted in |",
            "|---|---|---|---|---|---|",
        ]
        for row in part["curve"]:
            adapted = f"{row['adapted_mean']:.4f} ± {row['adapted_std']:.4f}"
            share = f"{row['adapted_share']:.0%} of draws"
            lines.append(
                f"| {row['rated']} | {row['generic']:.4f} | {adapted} | {row['gain']:+.4f} "
                f"| {row['weight_mean']:.2f} | {share} |"
            )
        cf = part["cross_fit"]
        rep = cf["report"]
        held = f"{rep['heldout_f1_generic']} → {rep['heldout_f1_adapted']} (gain {rep['heldout_gain']})"
        lines += [
            "",
            "Every review rated, each scored by the head fitted on the other 4 folds: generic "
            f"{cf['generic']:.4f} → cross-fitted {cf['cross_fitted']:.4f} (generic head on the "
            f"clustering-space vectors: {cf['generic_on_context_vectors']:.4f}); weight {rep['weight']}; "
            f"built-in held-out report ({rep['heldout_items']} reviews): {held}.",
            "",
        ]
    if "seed_file" in result:
        s = result["seed_file"]
        lines.append(
            "Seed file (tests/data/journey_feedback.jsonl, 64 items): "
            f"adapted = {s['adapted']} — {s['reason']}."
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.adaptation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--sizes", default="50,100,200,500")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--eval", type=int, default=600, help="reviews never rated, scored for the curve")
    parser.add_argument("--heads", default="shipped,no-allocine")
    parser.add_argument(
        "--space",
        choices=("context", "raw"),
        default="context",
        help="vectors adaptation reads: the clustering space (what the product uses) or the raw unit vectors",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    embedder = CachedEmbedder(get_embedder(SPEC))
    shipped_tagger = load_tagger(None, embedder.model_id, encode=embedder.inner.encode)
    try:
        log("extracting Allociné test")
        ws = Workspace(args.datasets.resolve(), embedder, shipped_tagger)
        result: dict[str, Any] = {"heads": {}}
        for name in args.heads.split(","):
            log(f"generic head {name}")
            tagger = (
                shipped_tagger
                if name == "shipped"
                else no_allocine_tagger(shipped_tagger, embedder, args.datasets)
            )
            shipped, ctx = ws.generic(tagger)
            features = ws.features
            if args.space == "raw":  # the CLI could; the service stores only the clustering-space vectors
                ctx, features = shipped, build_features(ws.raw, ws.texts, True, True)
            sizes = [int(s) for s in args.sizes.split(",")]
            result["heads"][name] = {
                "curve": learning_curve(ws, shipped, ctx, sizes, args.repeats, args.eval, features),
                "cross_fit": cross_fit_all(ws, shipped, ctx, features),
            }
        log("seed file")
        result["seed_file"] = seed_file(embedder, shipped_tagger)
    finally:
        embedder.save()
    result.update(
        args=" ".join(argv if argv is not None else sys.argv[1:]),
        date=time.strftime("%Y-%m-%d"),
        seconds=time.perf_counter() - t0,
        repeats=args.repeats,
    )
    markdown = render(result)
    print(markdown)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.write_docs:
        write_section(
            markdown,
            markers=(SECTION_START, SECTION_END),
            title="Per-workspace sentiment adaptation from rated items (generated)",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
