"""``python -m training.finetune_hybrid``: the shipped pipeline decides neutral vs polar, a fine-tuned MiniLM
(``training.finetune_encoder``) decides the sign of what the pipeline calls polar.

Why: on XED EN the fine-tuned classifier reads the sign better than the pipeline (dev neg-vs-pos among
polar verdicts 0.878 vs 0.820) but keeps far fewer neutral lines neutral (0.764 vs 0.913); the rule below
takes each from the model that is better at it, with no parameter to fit. A measurement only: it costs a
second transformer pass per unit (docs/benchmarks.md, branch i10-ft), nothing here is wired into the product.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from training.finetune_encoder import (
    REPORTS,
    WORK,
    held_out_sets,
    load_classifier,
    metrics,
    predict,
    task_data,
)

LABELS = ("negative", "neutral", "positive")


def hybrid(pipeline: Sequence[str], logits: np.ndarray) -> list[str]:
    """Neutral where the pipeline says neutral; elsewhere the fine-tuned model's negative-vs-positive choice
    (its neutral logit is ignored)."""
    neg, pos = LABELS.index("negative"), LABELS.index("positive")
    return [
        p if p == "neutral" else ("negative" if row[neg] >= row[pos] else "positive")
        for p, row in zip(pipeline, logits, strict=True)
    ]


def evaluate(runner: Any, model: Any, rows: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """The three verdicts on the same rows: pipeline document verdict, fine-tuned argmax, hybrid."""
    from bench.sentiment_data import Labelled

    texts, truth = [t for t, _ in rows], [y for _, y in rows]
    _, out = runner.documents([Labelled(t, "en", "") for t in texts])
    pipeline = [o.sentiment for o in out]
    logits = predict(model, model.bottom(texts))
    return {
        "pipeline": metrics(LABELS, truth, pipeline),
        "fine-tuned": metrics(LABELS, truth, [LABELS[i] for i in logits.argmax(1)]),
        "hybrid": metrics(LABELS, truth, hybrid(pipeline, logits)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.finetune_hybrid", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--weights", type=Path, default=WORK / "xed-en3-L6-float32.pt", help="finetune_encoder's"
    )
    parser.add_argument("--layers", type=int, default=6, help="the layers the weights were trained with")
    parser.add_argument("--test", action="store_true", help="also the XED EN test rows (clean, message form)")
    args = parser.parse_args(argv)
    from bench.sentiment import Runner

    torch.set_num_threads(1)
    model = load_classifier(len(LABELS), args.layers, 64, seed=13)
    model.load_state_dict(torch.load(args.weights))
    runner = Runner("auto", None)
    report: dict[str, Any] = {"dev": evaluate(runner, model, task_data("xed-en3").dev)}
    if args.test:
        sets = held_out_sets("xed-en3")
        report["test"] = {name: evaluate(runner, model, sets[name]) for name in ("clean", "message form")}
    runner.save()
    out = REPORTS / f"finetune_hybrid_xed-en3{'_test' if args.test else ''}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
