"""``python -m bench.compact_embeddings``: does storing unit vectors as float16 change the analysis?

Banking77 (test split, ``--n`` rows spread over the 77 intents) embedded once with the service's encoder
(``resolve_spec(embedding_backend)``; vectors cached in ``--cache``), then, for the float32 vectors and the
same vectors after the service's storage round trip (``to_compact_blob`` → ``from_blob``):

* clustering (``nlp.themes.clustering.cluster_units``, default parameters): V-measure against the intents,
  and the agreement of the two clusterings with each other (adjusted Rand index, share of identical labels);
* nearest neighbours: share of units whose top-1 / top-10 cosine neighbours are the same;
* the largest change of a cosine similarity.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, v_measure_score

from bench.datasets import load
from nlp.embeddings import get_embedder, resolve_spec
from nlp.themes.clustering import ClusterParams, cluster_units
from service.analysis.backend import from_blob, to_blob, to_compact_blob
from service.settings import Settings


def _neighbours(vectors: np.ndarray, k: int) -> np.ndarray:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    return np.argsort(-sims, axis=1, kind="stable")[:, :k]


def compare(vectors: np.ndarray, gold: list[str]) -> dict[str, Any]:
    full = np.vstack([from_blob(to_blob(v)) for v in vectors])
    half = np.vstack([from_blob(to_compact_blob(v)) for v in vectors])
    params = ClusterParams()
    a, b = cluster_units(full, params).labels, cluster_units(half, params).labels
    nn_a, nn_b = _neighbours(full, 10), _neighbours(half, 10)
    top10 = np.mean([len(set(x) & set(y)) / 10 for x, y in zip(nn_a, nn_b, strict=True)])
    return {
        "units": len(vectors),
        "bytes_per_vector": {
            "float32": len(to_blob(vectors[0])),
            "float16": len(to_compact_blob(vectors[0])),
        },
        "v_measure": {
            "float32": round(v_measure_score(gold, a), 4),
            "float16": round(v_measure_score(gold, b), 4),
        },
        "clusters": {"float32": int(a.max() + 1), "float16": int(b.max() + 1)},
        "agreement_ari": round(adjusted_rand_score(a, b), 4),
        "identical_labels": round(float(np.mean(a == b)), 4),
        "nn_top1_same": round(float(np.mean(nn_a[:, 0] == nn_b[:, 0])), 4),
        "nn_top10_overlap": round(float(top10), 4),
        "max_cosine_change": float(np.abs(full @ full.T - half @ half.T).max()),
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.compact_embeddings", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--cache", type=Path, default=Path("/tmp/fm-bench-banking77-vectors.npz"))
    args = p.parse_args()
    data = load("banking77")
    step = max(1, len(data.texts) // args.n)
    texts = data.texts[::step][: args.n]
    gold = data.labels["category"][::step][: args.n]
    spec = resolve_spec(Settings().embedding_backend)
    cached = np.load(args.cache) if args.cache.exists() else None
    if cached is not None and cached["spec"].item() == spec and len(cached["vectors"]) == len(texts):
        vectors = cached["vectors"]
    else:
        vectors = np.asarray(get_embedder(spec).encode(texts), dtype=np.float32)
        np.savez(args.cache, vectors=vectors, spec=np.array(spec))
    print(
        json.dumps({"data": f"banking77-test every {step}th row", "encoder": spec, **compare(vectors, gold)})
    )


if __name__ == "__main__":
    main()
