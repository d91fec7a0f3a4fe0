"""Document-level clustering metrics against human labels.

Unassigned documents (cluster -1) count as one extra cluster for V-measure/ARI (as BERTopic's outlier topic
does), and predict nothing for the mapped macro-F1 (each cluster maps to its most frequent human label; F1 is
macro-averaged over human labels)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from sklearn.metrics import adjusted_rand_score, f1_score, v_measure_score


def mapped_macro_f1(truth: Sequence[str], pred: Sequence[int]) -> float:
    by_cluster: dict[int, Counter[str]] = defaultdict(Counter)
    for t, p in zip(truth, pred, strict=True):
        if p >= 0:
            by_cluster[p][t] += 1
    mapping = {c: sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for c, cnt in by_cluster.items()}
    predicted = [mapping.get(p, "__unassigned__") if p >= 0 else "__unassigned__" for p in pred]
    return float(
        f1_score(list(truth), predicted, labels=sorted(set(truth)), average="macro", zero_division=0)
    )


def scores(truth: Sequence[str], pred: Sequence[int]) -> dict[str, float]:
    n = len(pred)
    return {
        "V": float(v_measure_score(truth, pred)),
        "ARI": float(adjusted_rand_score(truth, pred)),
        "F1map": mapped_macro_f1(truth, pred),
        "unassigned": sum(1 for p in pred if p < 0) / n if n else 0.0,
        "clusters": float(len({p for p in pred if p >= 0})),
    }
