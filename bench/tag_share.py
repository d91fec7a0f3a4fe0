"""``python -m bench.tag_share``: what tagging adds to the CLI pipeline's wall time (issue 10: ≤ 25 %).

For each set, ``analyze_records`` as ``frictionmap analyze`` runs it (``auto`` backend, the CLI's tagger for
``--sentiment-space``), models warm (one untimed run first), ``--repeats`` timed runs; per run the pipeline's
own step timers: ``tag`` (the tagger's calls, a second encoder pass included when sentiment is read in
another space) against the rest of ``total``. Reported: the median of each over the runs, and
``tag / (total − tag)`` — the share tagging adds to the pipeline's wall time. Sets: Banking77 test queries
(short) and CFPB narratives (long), the first ``--n`` documents of each.

``--variants same,auto:none,auto`` measures several settings in one run, their timed runs interleaved (the
machine is shared: shares from different runs are not comparable): each ``space[:gate]``, where a gate
overrides the split tagger's ``sentiment_gate`` (``none``: every unit gets the second opinion, the ungated
mix of branch i10-usesent).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.datasets import DEFAULT_DIR
from bench.sentiment_data import banking77_all, cfpb
from nlp.embeddings import Embedder
from nlp.pipeline import analyze_records
from nlp.tagging.split_space import DEFAULT_SENTIMENT_SPACE, SplitSpaceTagger, sentiment_space_for
from nlp.tagging.tagger import tagger_loader
from nlp.tagging.types import Tagger

LOADERS = {"banking77": banking77_all, "cfpb": cfpb}
KEEP = "keep"  # the setting's own gate


def parse_variant(variant: str) -> tuple[str, float | str | None]:
    """``space[:gate]`` → (space, gate): a float, None for ``none`` (ungated), :data:`KEEP` without one."""
    space, _, gate = variant.strip().partition(":")
    if not gate:
        return space, KEEP
    return space, None if gate == "none" else float(gate)


def loader_for(sentiment_space: str, gate: float | str | None = KEEP) -> Callable[[Embedder], Tagger | None]:
    """The CLI's tagger loader for the setting; ``gate`` (unless :data:`KEEP`) overrides a split tagger's."""
    base = tagger_loader(sentiment_space=sentiment_space_for("auto", sentiment_space))
    if gate == KEEP:
        return base

    def load(embedder: Embedder) -> Tagger | None:
        tagger = base(embedder)
        if isinstance(tagger, SplitSpaceTagger):
            tagger.sentiment_gate = None if gate is None else float(gate)
        return tagger

    return load


def measure_many(
    texts: Sequence[str], variants: Sequence[tuple[str, float | str | None]], repeats: int
) -> list[dict[str, Any]]:
    """Each (space, gate) variant warmed once, then the timed runs interleaved (run 1 of every variant, then
    run 2, …), so a change in the other sessions' load falls on every variant alike."""
    loaders = [loader_for(space, gate) for space, gate in variants]
    records = [{"text": t} for t in texts]
    for loader in loaders:  # warm: models loaded, caches filled
        analyze_records(records, embedder="auto", tagger_loader=loader)
    runs: list[list[dict[str, float]]] = [[] for _ in loaders]
    for _ in range(repeats):
        for i, loader in enumerate(loaders):
            runs[i].append(analyze_records(records, embedder="auto", tagger_loader=loader).timings)
    return [summarize(r) for r in runs]


def measure(
    texts: Sequence[str], sentiment_space: str, repeats: int, gate: float | str | None = KEEP
) -> dict[str, Any]:
    return measure_many(texts, [(sentiment_space, gate)], repeats)[0]


def summarize(runs: Sequence[dict[str, float]]) -> dict[str, Any]:
    med = {k: round(statistics.median(r[k] for r in runs), 3) for k in ("embed", "tag", "total")}
    shares = [r["tag"] / (r["total"] - r["tag"]) for r in runs]
    return {
        **med,
        "tag_added_share_median": round(statistics.median(shares), 4),
        "tag_added_share_runs": [round(s, 4) for s in shares],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tag_share", description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--sets", default="banking77,cfpb")
    parser.add_argument("--n", type=int, default=1000, help="first N documents of each set")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sentiment-space", default=DEFAULT_SENTIMENT_SPACE)
    parser.add_argument(
        "--variants", help="comma-separated space[:gate] settings measured in this run (overrides the above)"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    variants = (args.variants or args.sentiment_space).split(",")
    out: dict[str, Any] = {"variants": variants, "n": args.n, "sets": {}}
    for name in args.sets.split(","):
        texts = [d.text for d in LOADERS[name](args.datasets.resolve())[: args.n]]
        results = measure_many(texts, [parse_variant(v) for v in variants], args.repeats)
        for variant, res in zip(variants, results, strict=True):
            key = name if len(variants) == 1 else f"{name} {variant.strip()}"
            out["sets"][key] = res
            print(key, json.dumps(res), file=sys.stderr, flush=True)
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
