"""The development reconstruction of the document verdict (training.document_errors / document_levers):
it must equal the product's path, and its interval and folds must behave."""

from __future__ import annotations

import numpy as np

from nlp.tagging.document_expert import DocumentExpert, document_sentiments_flat, mean_rows
from nlp.tagging.types import UnitTags
from training.document_errors import DevSet, error_buckets, paired_bootstrap, shipped_verdict
from training.document_levers import center_verdict, choose, folds, make_tail, out_of_fold

DIM = 4
SIGN = {"negative": -1, "neutral": 0, "positive": 1}


def _expert() -> DocumentExpert:
    """Reads dimension 0 of the mean embedding (blend and min_units as shipped for USE)."""
    coef = np.zeros((3, DIM), dtype=np.float32)
    coef[0, 0], coef[2, 0] = -8.0, 8.0
    return DocumentExpert(("negative", "neutral", "positive"), coef, np.zeros(3, np.float32), "m", 0.75, 2)


def _random_set(seed: int, n_docs: int = 120, labels: tuple[str, ...] = ("negative", "positive")) -> DevSet:
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 6, n_docs)
    rows = np.repeat(np.arange(n_docs), counts)
    n_units = len(rows)
    score = rng.uniform(-1, 1, n_units).round(4)
    pol = np.where(score > 0.3, 1, np.where(score < -0.3, -1, 0))
    vectors = rng.normal(size=(n_units, DIM)).astype(np.float32)
    texts = [f"review {i}" + (" Ma note : 1/5" if i % 17 == 0 else "") for i in range(n_docs)]
    unit_texts = [("Mais " if rng.random() < 0.3 else "") + f"clause {k}" for k in range(n_units)]
    expert = _expert().score(mean_rows(vectors, rows, n_docs), texts)
    from nlp.tagging.stated_score import stated_polarities

    return DevSet(
        "allocine dev",
        rng.choice(labels, n_docs),
        texts,
        unit_texts,
        rows,
        pol.astype(np.int64),
        score,
        rng.uniform(0, 0.5, n_units),
        expert,
        stated_polarities(texts).astype(np.int64),
        vectors,
    )


def test_shipped_verdict_is_the_products_document_verdict() -> None:
    d = _random_set(1)
    label = {-1: "negative", 0: "neutral", 1: "positive"}
    tags = [
        UnitTags("unknown", 0.0, label[int(p)], float(s), None, 0.0, False, None)  # type: ignore[arg-type]
        for p, s in zip(d.pol, d.score, strict=True)
    ]
    product = document_sentiments_flat(tags, d.rows, d.n, d.vectors, d.texts, _expert())
    assert [SIGN[v] for v in product] == shipped_verdict(d).tolist()
    assert (d.stated != 0).any()  # the stated grade is part of what is compared


def test_paired_bootstrap_is_zero_for_the_same_verdicts_and_positive_for_a_fix() -> None:
    d = _random_set(2)
    base = shipped_verdict(d)
    assert paired_bootstrap(d, base, base, n=200) == (0.0, 0.0, 0.0)
    truth = np.where(d.labels == "positive", 1, -1)
    wrong = np.flatnonzero(base != truth)
    assert wrong.size >= 10
    fixed = base.copy()
    fixed[wrong] = truth[wrong]
    diff, lo, hi = paired_bootstrap(d, base, fixed, n=200)
    assert diff > 0 and 0 < lo <= diff <= hi


def test_error_buckets_partition_the_documents() -> None:
    d = _random_set(3)
    report = error_buckets(d)
    buckets = {b["bucket"]: b for b in report["buckets"]}
    lengths = ["1 unit", "2–3 units", "4–7 units", "8–15 units", "16+ units"]
    assert sum(buckets[b]["docs"] for b in lengths) == d.n
    assert sum(buckets[b]["errors"] for b in lengths) == report["errors"] == len(report["errors (text)"])
    assert buckets["truly positive"]["errors"] + buckets["truly negative"]["errors"] == report["errors"]


def test_levers_at_their_null_parameter_are_the_shipped_verdict() -> None:
    d = _random_set(4)
    tails = {d.name: (np.ones(d.n, dtype=bool), -d.expert)}
    assert (center_verdict(d, 0.0) == shipped_verdict(d)).all()
    assert (make_tail(tails)(d, 0.0) == shipped_verdict(d)).all()
    assert not (make_tail(tails)(d, 1.0) == shipped_verdict(d)).all()  # the tail score is used


def test_folds_are_stratified_and_out_of_fold_keeps_a_parameter_free_lever() -> None:
    d = _random_set(5)
    f = folds(d.labels)
    for label in ("negative", "positive"):
        sizes = np.bincount(f[d.labels == label], minlength=5)
        assert sizes.max() - sizes.min() <= 1
    oof, chosen = out_of_fold(d, center_verdict, (0.0,))
    assert chosen == [0.0] * 5 and (oof == shipped_verdict(d)).all()
    # ties go to the first grid value (the smallest change)
    assert choose(d, lambda s, g: shipped_verdict(s), (0.3, 0.0)) == 0.3
