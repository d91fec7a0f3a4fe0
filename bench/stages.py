"""``python -m bench.stages``: journey stages as a user gets them, on real and held-out sets, one backend.

Every document goes through the pipeline's extraction (clause splitting → embedding → tagging) and its
stage is the pipeline's document stage (``theme_tags``), as in ``python -m bench.sentiment``; unlike it, the
embedding backend is fixed for the whole run (``--backend``), so both shipped backends can be compared on the
same sets, and the sets are read whole (no ``--limit`` by default).

Sets: Banking77 test (strict and full mappings), CFPB narratives (strict, full, and the full mapping as it was
before issue 10's review, ``full (before review)``: see ``changed`` in
training/mappings/cfpb_stages_full.json; and, since the stage head trains on CFPB's other half, the strict and
full figures on the fixed ``held-out half`` of training/stage_sources.py alone), the seed held-out split and
the held-out bilingual known irritants (training/irritants.py), per language: accuracy and macro-F1 over the
stages present.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sklearn.metrics import f1_score

from bench.datasets import DEFAULT_DIR
from bench.recording import CachedEmbedder
from bench.sentiment import Table, log
from bench.sentiment_data import Labelled, banking77_all, cfpb, mapping, sample, stage_maps
from bench.sentiment_runner import Runner, add_languages_option
from nlp.tagging.split_space import DEFAULT_SENTIMENT_SPACE
from training.corpus import Unit, load_seed, split
from training.irritants import load_irritants, parts
from training.stage_sources import cfpb_part


def maps_of(name: str) -> dict[str, dict[str, str]]:
    """The set's mappings, plus for CFPB the full mapping before the issue-10 review."""
    maps = stage_maps(name)
    if name == "cfpb":
        full = mapping("cfpb_stages_full.json")
        before = dict(full["mapping"])
        for category, change in full.get("changed", {}).items():
            before[category] = change["before"]
        maps["full (before review)"] = before
    return maps


def _score(t: Table, truth: Sequence[str], pred: Sequence[str]) -> None:
    labels = sorted(set(truth))
    n = len(truth)
    acc = sum(y == p for y, p in zip(truth, pred, strict=True)) / max(n, 1)
    f1 = f1_score(list(truth), list(pred), labels=labels, average="macro", zero_division=0)
    t.add("accuracy", n, acc)
    t.add("macro-F1", n, float(f1))


def bench_real(r: Runner, t: Table, root: Path, limit: int | None, names: Sequence[str]) -> None:
    loaders = {"banking77": banking77_all, "cfpb": cfpb}
    for name in names:
        docs = sample(loaders[name](root), limit)
        log(f"{name}: {len(docs)} documents")
        model, out = r.documents(docs)
        for kind, stage_of in maps_of(name).items():
            pairs = [
                (stage_of[d.label], o.stage) for d, o in zip(docs, out, strict=True) if d.label in stage_of
            ]
            t.at("stage", f"{name} ({kind} mapping)", "en", model)
            _score(t, [y for y, _ in pairs], [p for _, p in pairs])
            if name == "cfpb" and kind in ("strict", "full"):  # the part no stage head trains on
                test = [
                    (stage_of[d.label], o.stage)
                    for d, o in zip(docs, out, strict=True)
                    if d.label in stage_of and cfpb_part(d.text) == "test"
                ]
                t.at("stage", f"{name} ({kind} mapping, held-out half)", "en", model)
                _score(t, [y for y, _ in test], [p for _, p in test])


def bench_units(r: Runner, t: Table, name: str, units: Sequence[Unit]) -> None:
    for lang in ("fr", "en"):
        docs = [Labelled(u.text, lang, u.stage or "") for u in units if u.lang == lang and u.stage]
        model, out = r.documents(docs)
        t.at("stage", name, lang, model)
        _score(t, [d.label for d in docs], [o.stage for o in out])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--models-dir", type=Path, help="tagging artifacts (default: the shipped ones)")
    parser.add_argument(
        "--baseline-models-dir",
        type=Path,
        help="also score these artifacts (before → after in one run: the units are embedded once)",
    )
    parser.add_argument(
        "--sentiment-space",
        default=DEFAULT_SENTIMENT_SPACE,
        help="space the sentiment heads read (as the CLI's flag; the stage is always the backend's)",
    )
    parser.add_argument("--limit", type=int, help="documents per real set (fixed sample); default: all")
    parser.add_argument("--sets", default="banking77,cfpb,seed,irritants", help="comma-separated subset")
    add_languages_option(parser)
    parser.add_argument("--json", type=Path, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    wanted = args.sets.split(",")
    t0 = time.perf_counter()
    detect = not args.given_languages
    runs = {"after": Runner(args.backend, args.models_dir, args.sentiment_space, detect)}
    if args.baseline_models_dir:
        runs = {
            "before": Runner(args.backend, args.baseline_models_dir, args.sentiment_space, detect),
            **runs,
        }
    rows: list[dict[str, object]] = []
    shared: dict[str, CachedEmbedder] = {}
    for heads, runner in runs.items():
        for spec, emb in shared.items():  # one embedding cache for both sets of heads
            runner.embedders[spec] = emb
            runner.taggers[spec] = runner.load_tagger(spec)
        table = Table()
        try:
            if "seed" in wanted:
                bench_units(runner, table, "seed held-out", split(load_seed())[1])
            if "irritants" in wanted:
                bench_units(runner, table, "irritants held-out", parts(load_irritants())["heldout"])
            real = [n for n in ("banking77", "cfpb") if n in wanted]
            bench_real(runner, table, args.datasets.resolve(), args.limit, real)
        finally:
            runner.save()
        shared.update(runner.embedders)
        rows += [{**r, "heads": heads} for r in table.rows]
    lines = ["| heads | set | lang | metric | n | value | embedding |", "|---|---|---|---|---|---|---|"]
    lines += [
        f"| {r['heads']} | {r['set']} | {r['lang']} | {r['metric']} | {r['n']} | {r['value']:.4f} | "
        f"{r['model']} |"
        for r in rows
    ]
    print("\n".join(lines))
    log(f"{time.perf_counter() - t0:.0f} s")
    if args.json:
        meta = {"args": " ".join(argv if argv is not None else sys.argv[1:]), "backend": args.backend}
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
