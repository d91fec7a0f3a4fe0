"""``python -m bench.doc_sentiment``: choose the document sentiment rule on TRAIN splits only (issue 10).

The units of each document are tagged once (the pipeline's extraction, embeddings cached as in
``bench.sentiment``), then every candidate :class:`~nlp.tagging.aggregate.DocumentRule` of a small grid is
scored on: Allociné train (polar macro-F1, a neutral document counts as a miss), XED train FR/EN polarity
proxy (same), the seed train split (3 classes, and the share of its neutral documents kept neutral) and the
XED EN train lines labelled neutral (share kept neutral). A rule is admissible only if it keeps at least as
many neutral documents neutral on both as the rule before issue 10 ("mean unit score beyond ±0.2") and no
polar train set gets worse: factual text must stay neutral. The best admissible rule by mean polar macro-F1
is printed; the test splits are never read here (``bench.sentiment`` reports on them).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bench.datasets import DEFAULT_DIR
from bench.sentiment import POLAR, THREE, Runner, _f1, log
from bench.sentiment_data import Labelled, allocine, sample, xed, xed_polarity
from nlp.tagging.aggregate import DOCUMENT_RULE, DocumentRule, document_sentiment
from nlp.tagging.types import UnitTags
from training.corpus import load_seed, split

Decide = Callable[[Sequence[UnitTags]], str]
GRID = {
    "center": (-0.1, -0.05, 0.0),
    "band": (0.0, 0.05, 0.1, 0.15),
}


def legacy_sentiment(tags: Sequence[UnitTags]) -> str:
    """The document rule before issue 10: mean unit score beyond ±0.2 (kept for before/after figures)."""
    if not tags:
        return "neutral"
    score = float(np.mean([t.sentiment_score for t in tags]))
    return "negative" if score < -0.2 else ("positive" if score > 0.2 else "neutral")


def tagged(r: Runner, docs: Sequence[Labelled]) -> list[list[UnitTags]]:
    units, members = r.extract(docs)
    assert units.tags is not None
    tags = units.tags
    return [[tags[i] for i in idx] for idx in members]


def score(decide: Decide, sets: dict[str, tuple[list[str], list[list[UnitTags]]]]) -> dict[str, float]:
    """Per set: macro-F1 (polar or 3-class), share predicted neutral; seed: neutral documents kept neutral."""
    out: dict[str, float] = {}
    for name, (truth, docs) in sets.items():
        pred = [decide(d) if d else "neutral" for d in docs]
        if not name.startswith("neutral"):
            out[f"{name} F1"] = _f1(truth, pred, THREE if name.startswith("seed") else POLAR)
        out[f"{name} neutral"] = round(sum(p == "neutral" for p in pred) / len(pred), 4)
        if "neutral" in truth:
            kept = [p == "neutral" for p, y in zip(pred, truth, strict=True) if y == "neutral"]
            out[f"{name} kept"] = round(sum(kept) / max(len(kept), 1), 4)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.doc_sentiment", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=int, default=400, help="documents per train set (fixed sample)")
    args = parser.parse_args(argv)
    root = args.datasets.resolve()
    r = Runner("auto", None)
    sets: dict[str, tuple[list[str], list[list[UnitTags]]]] = {}
    try:
        log("allocine train")
        docs = sample(allocine(root, "train"), args.limit)
        sets["allocine-train"] = ([d.label for d in docs], tagged(r, docs))
        for lang in ("fr", "en"):
            log(f"xed {lang} train")
            polar = [
                Labelled(d.text, lang, p) for d in xed(root, lang, "train") if (p := xed_polarity(d.label))
            ]
            docs = sample([d for d in polar if d.label in POLAR], args.limit)
            sets[f"xed-{lang}-train"] = ([d.label for d in docs], tagged(r, docs))
        log("xed en train, neutral lines")
        neutral = [
            Labelled(d.text, "en", "neutral")
            for d in xed(root, "en", "train")
            if xed_polarity(d.label) == "neutral"
        ]
        docs = sample(neutral, args.limit)
        sets["neutral-xed-en-train"] = ([d.label for d in docs], tagged(r, docs))
        train, _ = split(load_seed())
        for lang in ("fr", "en"):
            log(f"seed {lang} train")
            docs = [Labelled(u.text, lang, u.sentiment) for u in train if u.lang == lang and u.sentiment]
            sets[f"seed-{lang}-train"] = ([d.label for d in docs], tagged(r, docs))
    finally:
        r.save()
    before = score(legacy_sentiment, sets)
    floor = {k: v for k, v in before.items() if k.endswith("kept") or k.endswith("F1")}
    rows = []
    for values in itertools.product(*GRID.values()):
        rule = DocumentRule(**dict(zip(GRID, values, strict=True)))
        s = score(lambda tags, rule=rule: document_sentiment(tags, rule), sets)
        polar = float(np.mean([v for k, v in s.items() if k.endswith("F1") and not k.startswith("seed")]))
        ok = all(s[k] >= v for k, v in floor.items())
        rows.append((ok, polar, rule, s))
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    print(f"before (mean ±0.2): {before}")
    for ok, polar, rule, s in rows[:10]:
        print(f"{'ok ' if ok else 'NO '} mean polar F1 {polar:.4f} {rule} {s}")
    shipped = score(document_sentiment, sets)
    print(f"shipped {DOCUMENT_RULE}: {shipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
