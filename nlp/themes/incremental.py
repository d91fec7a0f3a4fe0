"""Incremental updates between full re-clusterings, and id continuity across re-clusterings.

* New units join the nearest existing pain point when their cosine to its centroid is at least ``min_sim``;
  otherwise they wait (``None``) for the next re-clustering, so a genuinely new irritant is not forced into an
  old one.
* A full re-clustering is matched to the previous pain points with the Hungarian algorithm on a score that
  combines member overlap (Jaccard over unit keys — the strongest evidence) and centroid cosine (which still
  works when the members changed, e.g. after re-segmentation). Matched clusters keep their id; an unmatched
  old
  cluster whose members mostly went into one new cluster is reported *merged* into it; the rest are *gone*;
  unmatched new clusters get fresh ids and are reported *new*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from nlp.themes.clustering import nearest_centroid


def assign_new_units(
    embeddings: np.ndarray, centroids: np.ndarray, cluster_ids: Sequence[str], min_sim: float = 0.55
) -> list[str | None]:
    """Existing pain-point id per new unit, or ``None`` when no pain point is close enough."""
    if len(cluster_ids) != centroids.shape[0]:
        raise ValueError("cluster_ids: must have one id per centroid row")
    idx, sim = nearest_centroid(
        np.asarray(embeddings, dtype=np.float32), np.asarray(centroids, dtype=np.float32)
    )
    return [cluster_ids[i] if i >= 0 and s >= min_sim else None for i, s in zip(idx, sim, strict=True)]


@dataclass
class PreviousCluster:
    id: str
    centroid: np.ndarray
    members: frozenset[Hashable]


@dataclass
class Matching:
    ids: list[str]  # id for each new cluster (index = new cluster number)
    kept: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    merged: dict[str, list[str]] = field(default_factory=dict)  # surviving id -> old ids merged into it
    gone: list[str] = field(default_factory=list)


def match_clusters(
    previous: Sequence[PreviousCluster],
    new_centroids: np.ndarray,
    new_members: Sequence[frozenset[Hashable]],
    make_id: object = None,
    min_jaccard: float = 0.2,
    min_centroid_sim: float = 0.8,
    merge_share: float = 0.5,
) -> Matching:
    """Give each new cluster an id, keeping the ids of clusters that persist.

    ``make_id`` is a callable ``(n: int) -> str`` for fresh ids (default ``pp-<n>`` continuing after the
    largest
    numeric suffix seen), kept injectable so the service can use its own id scheme.
    """
    from scipy.optimize import linear_sum_assignment

    n_old, n_new = len(previous), len(new_members)
    if new_centroids.shape[0] != n_new:
        raise ValueError("new_members: must have one member set per centroid row")
    jac = np.zeros((n_old, n_new))
    for i, old in enumerate(previous):
        for j, mem in enumerate(new_members):
            if old.members and mem:
                inter = len(old.members & mem)
                if inter:
                    jac[i, j] = inter / len(old.members | mem)
    cos = (
        np.vstack([p.centroid for p in previous]).astype(np.float32) @ new_centroids.T
        if n_old and n_new
        else np.zeros((n_old, n_new))
    )
    ok = (jac >= min_jaccard) | (cos >= min_centroid_sim)
    score = np.where(ok, jac + 0.5 * cos, 0.0)
    ids: list[str | None] = [None] * n_new
    matched_old: set[int] = set()
    if n_old and n_new:
        rows, cols = linear_sum_assignment(-score)
        for i, j in zip(rows, cols, strict=True):
            if ok[i, j]:
                ids[j] = previous[i].id
                matched_old.add(i)

    counter = _next_number([p.id for p in previous])
    fresh: list[str] = []
    for j in range(n_new):
        if ids[j] is None:
            counter += 1
            ids[j] = make_id(counter) if callable(make_id) else f"pp-{counter}"
            fresh.append(ids[j])  # type: ignore[arg-type]
    final = [str(x) for x in ids]

    merged: dict[str, list[str]] = {}
    gone: list[str] = []
    for i, old in enumerate(previous):
        if i in matched_old:
            continue
        dest = Counter[int]()
        for j, mem in enumerate(new_members):
            inter = len(old.members & mem)
            if inter:
                dest[j] = inter
        if old.members and dest:
            j, inter = dest.most_common(1)[0]
            if inter / len(old.members) >= merge_share and final[j] not in fresh:
                merged.setdefault(final[j], []).append(old.id)
                continue
        gone.append(old.id)
    kept = [previous[i].id for i in sorted(matched_old)]
    return Matching(ids=final, kept=kept, new=fresh, merged=merged, gone=gone)


def _next_number(ids: Sequence[str]) -> int:
    best = 0
    for x in ids:
        tail = x.rsplit("-", 1)[-1]
        if tail.isdigit():
            best = max(best, int(tail))
    return best
