"""``python -m bench.compact_embeddings``: does storing unit vectors as float16 change the analysis?

Banking77 (test split, ``--n`` rows spread over the 77 intents) embedded once with the service's encoder
(``resolve_spec(embedding_backend)``; vectors cached in ``--cache``), then, for the float32 vectors and the
same vectors after the service's storage round trip (``to_compact_blob`` → ``from_blob``):

* clustering (``nlp.themes.clustering.cluster_units``, default parameters): V-measure against the intents,
  and the agreement of the two clusterings with each other (adjusted Rand index), next to the agreement of
  float32 with float32 moved by random noise of float16's rounding size (the clustering's own sensitivity);
* nearest neighbours: share of units whose top-1 / top-10 cosine neighbours are the same;
* the largest change of a cosine similarity.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, v_measure_score

from bench.datasets import DEFAULT_DIR, load
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
    # the clustering's own sensitivity: float32 vectors moved by noise as large as float16's rounding
    noise = np.random.default_rng(0).normal(0, float(np.std(half - full)), full.shape).astype(np.float32)
    c = cluster_units(full + noise, params).labels
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
        "agreement_ari_float32_with_same_size_noise": round(adjusted_rand_score(a, c), 4),
        "nn_top1_same": round(float(np.mean(nn_a[:, 0] == nn_b[:, 0])), 4),
        "nn_top10_overlap": round(float(top10), 4),
        "max_cosine_change": float(np.abs(full @ full.T - half @ half.T).max()),
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.compact_embeddings", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--datasets", type=Path, default=DEFAULT_DIR, help="folder holding banking77/")
    p.add_argument("--cache", type=Path, default=Path("/tmp/fm-bench-banking77-vectors.npz"))
    args = p.parse_args()
    data = load("banking77", root=args.datasets)
    rows = np.unique(np.linspace(0, len(data.texts) - 1, min(args.n, len(data.texts))).astype(int))
    texts = [data.texts[i] for i in rows]  # spread over the file, which is sorted by intent
    gold = [data.labels["category"][i] for i in rows]
    spec = resolve_spec(Settings().embedding_backend)
    cached = np.load(args.cache) if args.cache.exists() else None
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    fresh = cached is not None and "key" in cached and cached["key"].item() == key
    if cached is not None and fresh and cached["spec"].item() == spec:
        vectors = cached["vectors"]
    else:
        vectors = np.asarray(get_embedder(spec).encode(texts), dtype=np.float32)
        np.savez(args.cache, vectors=vectors, spec=np.array(spec), key=np.array(key))
    print(
        json.dumps(
            {
                "data": f"banking77-test, {len(texts)} of {len(data.texts)} rows evenly spaced",
                "encoder": spec,
                **compare(vectors, gold),
            }
        )
    )


if __name__ == "__main__":
    main()
