"""``python -m bench``: the mining pipeline vs BERTopic on every labeled set, one table (docs/benchmarks.md).

For each data set: the pipeline end to end **with the defaults a user of ``frictionmap analyze`` gets**
(``auto`` embedding backend, tagging on with the shipped artifacts, cold model load included, run twice to
check determinism), then extra rows: the same pipeline without tagging (every unit a candidate, as the bench
ran before issue 10), the pipeline with the multilingual default forced, the clustering alternatives on the
same unit embeddings, and BERTopic (defaults; ``min_topic_size`` tuned on the labels + ``reduce_outliers``)
with all-MiniLM-L6-v2 and with the USE multilingual embeddings. BERTopic wall time = model load + embedding
+ fit, for the one configuration reported (the tuning grid is not charged to it). Evaluation is per document:
a document's predicted cluster is its most relevant pain point.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from bench.datasets import DEFAULT_DIR, load
from bench.metrics import scores
from bench.recording import Recording
from nlp.embeddings import MINILM_SPEC, USE_SPEC, get_embedder, resolve_spec
from nlp.pipeline import AnalysisResult, analyze_records, contextualize
from nlp.tagging.split_space import DEFAULT_SENTIMENT_SPACE, sentiment_space_for
from nlp.tagging.tagger import tagger_loader
from nlp.text.language import detect_language
from nlp.themes.clustering import ClusterParams, cluster_units


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def doc_predictions(result: AnalysisResult) -> list[int]:
    ids = {t.id: i for i, t in enumerate(result.pain_points)}
    return [ids[d.pain_points[0]] if d.pain_points else -1 for d in result.documents]


def docs_from_units(unit_rows: list[int], labels: np.ndarray, sims: np.ndarray, n_docs: int) -> list[int]:
    """Same rule as the pipeline: the cluster with most units in the document, ties by best similarity."""
    per: dict[int, Counter[int]] = {}
    best: dict[tuple[int, int], float] = {}
    for row, lab, sim in zip(unit_rows, labels, sims, strict=True):
        if lab < 0:
            continue
        per.setdefault(row, Counter())[int(lab)] += 1
        best[(row, int(lab))] = max(best.get((row, int(lab)), -1.0), float(sim))
    out = []
    for row in range(n_docs):
        cnt = per.get(row)
        out.append(-1 if not cnt else sorted(cnt, key=lambda c: (-cnt[c], -best[(row, c)], c))[0])
    return out


def run_ours(
    texts: list[str], spec: str, tagging: bool = True, sentiment_space: str = DEFAULT_SENTIMENT_SPACE
) -> tuple[AnalysisResult, float]:
    """One cold run; ``tagging=True`` is what ``frictionmap analyze`` does by default (tagger loaded from the
    shipped artifacts for the resolved embedder, only problem units mined), so the headline row is that."""
    get_embedder.cache_clear()  # cold: model load is part of the wall time, as for BERTopic
    t = time.perf_counter()
    loader = tagger_loader(sentiment_space=sentiment_space_for(spec, sentiment_space)) if tagging else None
    res = analyze_records([{"text": x} for x in texts], embedder=spec, tagger_loader=loader)
    return res, time.perf_counter() - t


def bertopic_runs(
    texts: list[str], spec: str, truth: list[str], grid: list[int], seed: int
) -> list[tuple[str, list[int], float]]:
    from bertopic import BERTopic
    from umap import UMAP

    get_embedder.cache_clear()
    t = time.perf_counter()
    emb = get_embedder(spec).encode(texts)
    t_embed = time.perf_counter() - t
    out = []
    t = time.perf_counter()
    topics, _ = BERTopic(verbose=False).fit_transform(texts, emb)
    out.append(("defaults", list(topics), t_embed + time.perf_counter() - t))
    best: tuple[float, list[int], float, int] | None = None
    for m in grid:
        t = time.perf_counter()
        model = BERTopic(
            min_topic_size=m,
            umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed),
            verbose=False,
        )
        topics, _ = model.fit_transform(texts, emb)
        if any(x == -1 for x in topics) and len(set(topics)) > 1:
            topics = model.reduce_outliers(texts, topics, strategy="embeddings", embeddings=emb)
        wall = t_embed + time.perf_counter() - t
        v = scores(truth, list(topics))["V"]
        log(f"  BERTopic {spec} min_topic_size={m}: V={v:.3f}")
        if best is None or v > best[0]:
            best = (v, list(topics), wall, m)
    if best is not None:
        out.append((f"tuned (min_topic_size={best[3]}, reduce_outliers)", best[1], best[2]))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--datasets", default="banking77,cfpb", help="comma list of: banking77, cfpb")
    p.add_argument("--datasets-dir", type=Path, default=DEFAULT_DIR)
    p.add_argument("--limit", type=int, default=None, help="first N documents of each set (quick runs)")
    p.add_argument("--no-bertopic", action="store_true")
    p.add_argument("--bertopic-grid", default="5,10,20", help="min_topic_size values tried for the tuned run")
    p.add_argument(
        "--no-methods", action="store_true", help="skip the HDBSCAN / over-cluster+merge comparison"
    )
    p.add_argument("--no-use", action="store_true", help="skip the run with use-multilingual forced")
    p.add_argument("--no-untagged", action="store_true", help="skip the extra row with tagging off")
    p.add_argument(
        "--sentiment-space",
        default=DEFAULT_SENTIMENT_SPACE,
        help="space the sentiment heads read under auto (as the CLI's flag; default: the CLI's)",
    )
    p.add_argument("--json", type=Path, default=Path("bench/results/latest.json"))
    a = p.parse_args(argv)
    grid = [int(x) for x in a.bertopic_grid.split(",") if x]
    # Import the heavy libraries of both systems up front: module imports are a per-process cost that would
    # otherwise be charged to whichever system runs first. Model loading stays inside each timed run.
    import lingua  # noqa: F401
    import sentence_transformers  # noqa: F401
    import sklearn.cluster  # noqa: F401
    import spacy  # noqa: F401
    import torch  # noqa: F401

    if not a.no_bertopic:
        import bertopic  # noqa: F401
        import umap  # noqa: F401
    rows: list[dict[str, Any]] = []
    perf: list[dict[str, Any]] = []

    def save() -> None:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(
            json.dumps({"machine": machine(), "rows": rows, "perf": perf}, indent=1, default=str)
        )

    def add(
        ds: str, system: str, preds: list[int], wall: float | None, labels: dict[str, list[str]], **extra: Any
    ) -> None:
        for col, truth in labels.items():
            s = scores(truth, preds)
            log(
                f"  {system} [{col}]: V={s['V']:.3f} ARI={s['ARI']:.3f} F1map={s['F1map']:.3f} "
                f"unassigned={100 * s['unassigned']:.1f}% clusters={int(s['clusters'])} wall={wall}"
            )
            rows.append(
                {
                    "dataset": ds,
                    "labels": col,
                    "system": system,
                    **scores(truth, preds),
                    "wall_s": wall,
                    **extra,
                }
            )

    for name in [x.strip() for x in a.datasets.split(",") if x.strip()]:
        ds = load(name, a.datasets_dir, a.limit)
        first = next(iter(ds.labels.values()))
        label_info = ", ".join(f"{k} ({len(set(v))})" for k, v in ds.labels.items())
        log(f"{ds.name}: {len(ds.texts)} documents, labels {label_info}")

        res, wall = run_ours(ds.texts, "auto", sentiment_space=a.sentiment_space)
        # re-run on the same input (vectors replayed, see Recording) to check identical pain points
        rec = Recording(get_embedder(resolve_spec("auto", [detect_language(x) for x in ds.texts])))
        rec.memory = {u.text: res.embeddings[i] for i, u in enumerate(res.units)}
        loader = tagger_loader(sentiment_space=sentiment_space_for("auto", a.sentiment_space))
        res2 = analyze_records([{"text": x} for x in ds.texts], embedder=rec, tagger_loader=loader)
        same = doc_predictions(res) == doc_predictions(res2) and [t.label for t in res.pain_points] == [
            t.label for t in res2.pain_points
        ]
        add(
            ds.name,
            f"Frictionmap defaults: auto ({res.model_id}), tagging on"
            + (
                ""
                if a.sentiment_space == DEFAULT_SENTIMENT_SPACE
                else f", --sentiment-space {a.sentiment_space}"
            ),
            doc_predictions(res),
            wall,
            ds.labels,
            deterministic=same,
        )
        if not a.no_untagged:
            res_n, wall_n = run_ours(ds.texts, "auto", tagging=False)
            add(ds.name, "  extra: tagging off (every unit a candidate)", doc_predictions(res_n), wall_n,
                ds.labels)  # fmt: skip
            log(f"  ours without tagging: {wall_n:.1f}s (with tagging {wall:.1f}s)")
        # raw embedding throughput of the chosen model on the same units (no dedup), warm model
        emb = get_embedder(resolve_spec("auto", [d.language for d in res.documents]))
        unit_texts = [u.text for u in res.units]
        # raw throughput on a fixed sample of units (at most 3,000) keeps the bench short on long corpora
        step = max(1, len(unit_texts) // 3000)
        probe = unit_texts[::step]
        t = time.perf_counter()
        emb.encode(probe)
        raw = (time.perf_counter() - t) * len(unit_texts) / max(1, len(probe))
        perf.append({
            "dataset": ds.name, "model": res.model_id, "documents": len(ds.texts), "units": len(unit_texts),
            "raw_embed_units_per_s": len(unit_texts) / raw, "pipeline_units_per_s": len(unit_texts) / wall,
            "pipeline_wall_s": wall, "stages": {k: round(v, 2) for k, v in res.timings.items()},
        })  # fmt: skip
        log(f"  ours: {wall:.1f}s, stages {res.timings}, raw embed {raw:.1f}s, deterministic={same}")

        if not a.no_methods:
            rows_of_units = [u.row for u in res.units]
            ctx = contextualize(res.embeddings, np.asarray(rows_of_units), len(ds.texts))
            for method in ("hdbscan", "overmerge"):
                t = time.perf_counter()
                cl = cluster_units(ctx, ClusterParams(method=method))
                preds = docs_from_units(rows_of_units, cl.labels, cl.similarity, len(ds.texts))
                add(ds.name, f"  clustering={method} (same units/embeddings)", preds, None, ds.labels,
                    cluster_s=time.perf_counter() - t)  # fmt: skip

        if not a.no_use and res.model_id.split("@")[0] != USE_SPEC:
            res_u, wall_u = run_ours(ds.texts, USE_SPEC)
            add(ds.name, f"Frictionmap {res_u.model_id}", doc_predictions(res_u), wall_u, ds.labels)
            log(f"  ours USE: {wall_u:.1f}s")

        if not a.no_bertopic:
            for spec in (MINILM_SPEC, USE_SPEC):
                for cfg, preds, w in bertopic_runs(ds.texts, spec, first, grid, seed=42):
                    add(ds.name, f"BERTopic {cfg} + {spec.split(':')[-1]}", preds, w, ds.labels)
                    log(f"  BERTopic {cfg} {spec}: {w:.1f}s")

        save()  # after each data set, so a long run interrupted still leaves its results
    print(render(rows, perf))
    save()
    return 0


def machine() -> dict[str, Any]:
    import os

    mem = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/meminfo") as fh:
        mem = next(line for line in fh if line.startswith("MemTotal")).split(":")[1].strip()
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu_count": os.cpu_count(),
        "mem": mem,
        "python": platform.python_version(),
        "load_at_end": load1,
    }


def render(rows: list[dict[str, Any]], perf: list[dict[str, Any]]) -> str:
    out = [
        "| data set | labels | system | V | ARI | mapped macro-F1 | unassigned | clusters | wall s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        wall = "" if r.get("wall_s") is None else f"{r['wall_s']:.1f}"
        det = (
            " (deterministic)"
            if r.get("deterministic")
            else (" (NOT deterministic)" if "deterministic" in r else "")
        )
        out.append(
            f"| {r['dataset']} | {r['labels']} | {r['system']}{det} | {r['V']:.3f} | {r['ARI']:.3f} | "
            f"{r['F1map']:.3f} | {100 * r['unassigned']:.1f}% | {int(r['clusters'])} | {wall} |"
        )
    out += [
        "",
        "| data set | model | docs | units | raw embed units/s | pipeline units/s | ratio | stages (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in perf:
        ratio = p["pipeline_units_per_s"] / p["raw_embed_units_per_s"]
        out.append(
            f"| {p['dataset']} | {p['model']} | {p['documents']} | {p['units']} | "
            f"{p['raw_embed_units_per_s']:.0f} | {p['pipeline_units_per_s']:.0f} | {ratio:.2f} | "
            f"{p['stages']} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
