"""``bench.sentiment --sets xed-parallel``: the French/English gap on *comparable* XED lines (issue 10).

The whole-set rows compare French test lines with other English test lines, with projected (French) against
direct (English) labels. Here both sides are the same subtitle lines: French test lines paired with their
English source line in the English test split, carrying the identical label set
(``training/mappings/xed_parallel_test.json``, built by ``python -m training.xed_parallel``). Each side goes
through the pipeline as a user's corpus of that language would (``auto``: USE for French, MiniLM for English),
and English also through the French side's encoder, to separate language from encoder. The gap is
English − French on the same pairs, with a paired bootstrap interval: the pairs are few (about a hundred), so
the interval says what the figure can and cannot decide.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bench.datasets import _read as read
from bench.sentiment_data import Labelled, mapping, xed, xed_plutchik_target, xed_polarity
from training.xed_parallel import PAIRS_FILE, load_pairs

if TYPE_CHECKING:
    from bench.sentiment import Runner, Table

BOOTSTRAP = 1000
POLAR = ("negative", "positive")


def parallel_docs(root: Path, pairs_file: Path = PAIRS_FILE) -> tuple[list[Labelled], list[Labelled]]:
    """The French and English sides of the pairs, in pair order (a pair whose id is gone is dropped)."""
    by_id = {lang: _by_id(root, lang) for lang in ("fr", "en")}
    kept = [(a, b) for a, b in load_pairs(pairs_file) if a in by_id["fr"] and b in by_id["en"]]
    return [by_id["fr"][a] for a, _ in kept], [by_id["en"][b] for _, b in kept]


def _by_id(root: Path, lang: str) -> dict[str, Labelled]:
    rows = read(root / f"xed_{lang}_emotion" / "test.csv")
    return {r["id"]: d for r, d in zip(rows, xed(root, lang), strict=True)}


def paired_gap(
    truth: Sequence[str],
    pred_a: Sequence[str],
    pred_b: Sequence[str],
    metric: Callable[[Sequence[str], Sequence[str]], float],
    resamples: int = BOOTSTRAP,
    seed: int = 0,
) -> tuple[float, float, float]:
    """metric(b) − metric(a) on the same items, and its 95 % paired bootstrap percentile interval."""
    n = len(truth)
    point = metric(truth, pred_b) - metric(truth, pred_a)
    rng = random.Random(seed)
    diffs = []
    for _ in range(resamples):
        idx = [rng.randrange(n) for _ in range(n)]
        t = [truth[i] for i in idx]
        diffs.append(metric(t, [pred_b[i] for i in idx]) - metric(t, [pred_a[i] for i in idx]))
    diffs.sort()
    lo, hi = diffs[int(0.025 * resamples)], diffs[int(0.975 * resamples) - 1]
    return round(point, 4), round(lo, 4), round(hi, 4)


def emotion_targets(docs: Sequence[Labelled]) -> list[str | None]:
    return [xed_plutchik_target(d.label) for d in docs]


def predicted_plutchik(emotions: Sequence[str | None]) -> list[str]:
    to_plutchik: dict[str, str] = mapping("xed_emotions.json")["product_to_plutchik"]
    return [to_plutchik.get(e or "", "none") for e in emotions]


def polar_targets(docs: Sequence[Labelled]) -> list[str | None]:
    return [p if (p := xed_polarity(d.label)) in POLAR else None for d in docs]


def bench_parallel(auto: Runner, same_encoder: Runner, t: Table, root: Path) -> None:
    """Emotion and polarity rows of each side, and the English − French gaps with their intervals."""
    from bench.sentiment import _f1

    fr, en = parallel_docs(root)
    sides = {
        "fr": auto.documents(fr),
        "en": auto.documents(en),
        "en (fr encoder)": same_encoder.documents(en),
    }
    for aspect, targets, labels_of, predict in (
        ("emotion", emotion_targets(fr), None, lambda o: predicted_plutchik([x.emotion for x in o])),
        ("sentiment", polar_targets(fr), POLAR, lambda o: [x.sentiment for x in o]),
    ):
        keep = [i for i, y in enumerate(targets) if y is not None]
        truth = [str(targets[i]) for i in keep]
        labels = list(labels_of or sorted(set(truth)))
        metric_name = "polar macro-F1"
        if aspect == "emotion":
            metric_name = f"macro-F1 over {len(labels)} Plutchik emotions"

        def metric(y: Sequence[str], p: Sequence[str], labels: list[str] = labels) -> float:
            return _f1(y, p, labels)

        preds = {}
        for side, (model, out) in sides.items():
            every = predict(out)
            preds[side] = [every[i] for i in keep]
            t.at(aspect, f"xed-parallel-test, {side} side", side[:2], model)
            t.add(metric_name, len(keep), metric(truth, preds[side]))
        for side in ("en", "en (fr encoder)"):
            gap, lo, hi = paired_gap(truth, preds["fr"], preds[side], metric)
            t.at(aspect, f"xed-parallel-test, gap {side} − fr", "en−fr", sides[side][0])
            t.add(f"{metric_name}: gap", len(keep), gap)
            t.add(f"{metric_name}: gap, 95 % paired bootstrap low", len(keep), lo)
            t.add(f"{metric_name}: gap, 95 % paired bootstrap high", len(keep), hi)
