"""``python -m bench.scale``: clustering time and peak memory on synthetic unit vectors (up to 1M units).

Not a unit test (it takes minutes): it checks that the sampled fit + chunked assignment keeps memory flat and
time linear. Vectors are Gaussian blobs on the unit sphere, generated in chunks.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from nlp.themes.clustering import ClusterParams, cluster_units


def synthetic(n: int, dim: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = rng.integers(0, k, size=n)
    x = np.empty((n, dim), dtype=np.float32)
    for s in range(0, n, 100_000):
        block = centres[truth[s : s + 100_000]] + 0.05 * rng.normal(size=(min(100_000, n - s), dim)).astype(
            np.float32
        )
        x[s : s + 100_000] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return x, truth


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.scale")
    p.add_argument("--sizes", default="30,10000,100000,1000000")
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--k", type=int, default=60)
    a = p.parse_args()
    from sklearn.metrics import adjusted_rand_score

    print("| units | clusters | unassigned | ARI vs generator | seconds | peak RSS MiB (process) |")
    print("|---|---|---|---|---|---|")
    for n in [int(s) for s in a.sizes.split(",")]:
        x, truth = synthetic(n, a.dim, min(a.k, max(2, n // 10)))
        t = time.perf_counter()
        c = cluster_units(x, ClusterParams())
        wall = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sub = slice(0, min(n, 200_000))
        ari = adjusted_rand_score(truth[sub], c.labels[sub])
        print(
            f"| {n:,} | {c.n_clusters} | {100 * (c.labels < 0).mean():.1f}% | {ari:.3f} | "
            f"{wall:.1f} | {rss:.0f} |",
            flush=True,
        )
        del x, c


if __name__ == "__main__":
    main()
