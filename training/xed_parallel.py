"""Parallel French/English XED test pairs, for the emotion gap on comparable sets (issue 10).

    python -m training.xed_parallel [--backend use-multilingual] [--min-cosine 0.6]

XED French is not a second, independent sample: its labels were projected from the English annotations onto
aligned French subtitle lines, so most French lines are translations of English lines that carry the same
label set. The dataset keeps no alignment (ids are line numbers of two different source files, and each
language was split 80/20 on its own), so "French 0.38 vs English 0.52" compares different lines, different
label noise and different encoders at once. This rebuilds the alignment from the text: every French *test*
line's nearest English line (train or test, non-neutral) in the multilingual space. A pair is kept when

- the cosine is at least ``min_cosine`` (translations; below it the nearest line is a look-alike),
- the English twin is in the English *test* split (neither the French nor the English model was fitted on it;
  a twin in English train would be a line the English head, and the pooled French head, were fitted on),
- both lines carry the identical label set (projection copies labels, so a true pair agrees; this uses labels
  only, never a prediction, so it favours neither language),
- each English line is used once (the closest French line keeps it).

Only ids and cosines are written (``training/mappings/xed_parallel_test.json``), never text: the data stays in
../shared/datasets. ``python -m bench.sentiment --sets xed-parallel`` reads it. Test splits are read here only
to align them, not to fit or choose anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.datasets import DEFAULT_DIR
from bench.datasets import _read as read
from training.embedding_cache import embed, load_embedder

MAPPINGS = Path(__file__).resolve().parent / "mappings"
PAIRS_FILE = MAPPINGS / "xed_parallel_test.json"
MIN_COSINE = 0.6


def match_pairs(
    sim: np.ndarray,
    fr_labels: Sequence[str],
    en_labels: Sequence[str],
    en_is_test: Sequence[bool],
    min_cosine: float,
) -> list[tuple[int, int, float]]:
    """(French row, English column, cosine) pairs by the rules of the module docstring, by French row."""
    best = sim.argmax(axis=1)
    top = sim[np.arange(sim.shape[0]), best]
    chosen: dict[int, tuple[int, float]] = {}  # English column → (French row, cosine)
    for i, (j, c) in enumerate(zip(best.tolist(), top.tolist(), strict=True)):
        if c < min_cosine or not en_is_test[j] or fr_labels[i] != en_labels[j]:
            continue
        if j not in chosen or c > chosen[j][1]:
            chosen[j] = (i, c)
    return sorted(((i, j, round(c, 4)) for j, (i, c) in chosen.items()), key=lambda p: p[0])


def build(root: Path, backend: str, min_cosine: float) -> dict[str, Any]:
    fr = read(root / "xed_fr_emotion" / "test.csv")
    en = [
        (r, split == "test")
        for split in ("test", "train")
        for r in read(root / "xed_en_emotion" / f"{split}.csv")
        if r["label"] != "neutral"
    ]
    embedder = load_embedder(backend)
    a = embed([r["text"] for r in fr], embedder)
    b = embed([r["text"] for r, _ in en], embedder)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    pairs = match_pairs(
        a @ b.T, [r["label"] for r in fr], [r["label"] for r, _ in en], [t for _, t in en], min_cosine
    )
    best = (a @ b.T).max(axis=1)
    return {
        "rule": (
            "nearest English XED line (train+test, non-neutral) of each French XED test line by cosine in "
            f"the {embedder.model_id} space; kept when cosine >= {min_cosine}, the English line is in the "
            "English test split and both carry the identical label set; each English line once"
        ),
        "built_by": "python -m training.xed_parallel",
        "model_id": embedder.model_id,
        "min_cosine": min_cosine,
        "french_test_lines": len(fr),
        "french_test_lines_with_a_twin_at_min_cosine": int((best >= min_cosine).sum()),
        "pairs": [{"fr": fr[i]["id"], "en": en[j][0]["id"], "cosine": c} for i, j, c in pairs],
    }


def load_pairs(path: Path = PAIRS_FILE) -> list[tuple[str, str]]:
    """(French id, English id) of the parallel test pairs."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(p["fr"], p["en"]) for p in data["pairs"]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.xed_parallel", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--min-cosine", type=float, default=MIN_COSINE)
    args = parser.parse_args(argv)
    out = build(args.datasets.resolve(), args.backend, args.min_cosine)
    PAIRS_FILE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(out['pairs'])} pairs → {PAIRS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
