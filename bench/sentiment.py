"""``python -m bench.sentiment``: the tagger as a user gets it, on real human-labelled sets, in one table.

Every document goes through the pipeline's own extraction (language → clause splitting → embedding →
tagging → pain-point candidate rule, ``nlp.pipeline.extract_units``) with the ``auto`` embedding backend
resolved per set as the CLI resolves it, text only (no rating: fusion would hide the text model's quality),
each item's language detected as in a file without a language column (``--given-languages``: the set's own,
as a file with one; the figures before 2026-12-07 R13 were read that way).
Document-level figures use the pipeline's document verdict
(``nlp.tagging.document_expert.document_sentiments``: the document rule, with the document expert when one is
shipped for the space; stage from ``nlp.tagging.document_stage``, emotion from ``document_emotion``), so the
table reads what ``frictionmap analyze`` would print.

Rows:
- sentiment: Allociné test (FR, polar macro-F1: neutral counts as a miss), XED polarity proxy (FR/EN lines
  whose Plutchik labels are all negative or all positive), XED EN three-class proxy (those lines plus the
  lines annotated neutral: the nearest held set to issue 10's English target, short messages in three
  classes; see :func:`three_class`), the same lines in message form (a brand handle first, a link on half of
  them; ``--sets xed-en-messages``), seed held-out (FR/EN, 3 classes), written reviews (``--sets written``);
- emotion: XED test (FR/EN), Plutchik → product mapping in training/mappings/xed_emotions.json;
- comparable sets: XED French test lines and their English source lines (``--sets xed-parallel``,
  bench/sentiment_parallel.py), with the English − French gap and its bootstrap interval;
- stage: Banking77 test and CFPB narratives whose category maps to a stage (training/mappings/);
- complaint recall: share of truly negative documents with at least one unit entering the pain-point
  clustering, and the precision that costs (share of selected documents that are truly negative).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from bench.datasets import DEFAULT_DIR
from bench.recording import CachedEmbedder
from bench.sentiment_data import (
    Labelled,
    allocine,
    banking77_all,
    cfpb,
    mapping,
    message_form,
    sample,
    stage_maps,
    xed,
    xed_plutchik_target,
    xed_polarity,
)
from bench.sentiment_parallel import bench_parallel
from bench.sentiment_runner import DocOut, Runner, add_languages_option
from bench.sentiment_written import bench_written
from nlp.tagging.split_space import DEFAULT_SENTIMENT_SPACE
from training.corpus import load_seed, split

__all__ = [
    "CachedEmbedder",
    "DocOut",
    "Runner",
    "Table",
    "main",
]  # CachedEmbedder, DocOut, Runner: re-exported

ROOT = Path(__file__).resolve().parents[1]
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- bench-sentiment:start -->"
SECTION_END = "<!-- bench-sentiment:end -->"
POLAR = ("negative", "positive")
THREE = ("negative", "neutral", "positive")
SETS = ("allocine", "xed", "xed-fr", "xed-en", "xed-en-messages", "xed-parallel", "seed", "written", "stages")


def log(msg: str) -> None:
    print(f"[bench.sentiment {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _f1(truth: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    return round(
        float(f1_score(list(truth), list(pred), labels=list(labels), average="macro", zero_division=0)), 4
    )


def _recall_precision(truth_negative: Sequence[bool], selected: Sequence[bool]) -> tuple[float, float]:
    t = np.asarray(truth_negative, dtype=bool)
    s = np.asarray(selected, dtype=bool)
    recall = float((t & s).sum() / max(int(t.sum()), 1))
    precision = float((t & s).sum() / max(int(s.sum()), 1))
    return round(recall, 4), round(precision, 4)


def three_class(truth: Sequence[str], pred: Sequence[str]) -> dict[str, tuple[int, float]]:
    """Issue 10's English figures for short messages, ``{metric: (n, value)}``: 3-class macro-F1, and
    negative-vs-positive accuracy over the truly polar lines — strict (a neutral verdict is a miss) and
    among the lines the pipeline called polar (the choice of sign alone) — plus the share of neutral lines
    kept neutral (what the strict accuracy trades against)."""
    polar = [(y, p) for y, p in zip(truth, pred, strict=True) if y in POLAR]
    called = [(y, p) for y, p in polar if p in POLAR]
    neutral = [p == "neutral" for y, p in zip(truth, pred, strict=True) if y == "neutral"]
    return {
        "3-class macro-F1": (len(truth), _f1(truth, pred, THREE)),
        "neg-vs-pos accuracy (neutral verdict = miss)": (
            len(polar),
            round(sum(y == p for y, p in polar) / max(len(polar), 1), 4),
        ),
        "neg-vs-pos accuracy among lines called polar": (
            len(called),
            round(sum(y == p for y, p in called) / max(len(called), 1), 4),
        ),
        "neutral lines kept neutral": (len(neutral), round(sum(neutral) / max(len(neutral), 1), 4)),
    }


class Table:
    """The benchmark's rows, added by one set at a time."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.aspect = self.name = self.lang = self.model = ""

    def at(self, aspect: str, name: str, lang: str, model: str) -> Table:
        self.aspect, self.name, self.lang, self.model = aspect, name, lang, model
        return self

    def add(self, metric: str, n: int, value: float) -> None:
        self.rows.append(
            {
                "aspect": self.aspect,
                "set": self.name,
                "lang": self.lang,
                "metric": metric,
                "n": n,
                "value": round(float(value), 4),
                "model": self.model,
            }
        )


def bench_allocine(r: Runner, t: Table, root: Path, limit: int | None) -> None:
    docs = sample(allocine(root), limit)
    model, out = r.documents(docs)
    truth = [d.label for d in docs]
    neg = [y == "negative" for y in truth]
    rec, prec = _recall_precision(neg, [o.candidate for o in out])
    pos = [o for o, y in zip(out, truth, strict=True) if y == "positive"]
    pos_share = sum(o.n_candidates for o in pos) / max(sum(o.n_units for o in pos), 1)
    n = len(docs)
    t.at("sentiment", "allocine-test", "fr", model)
    t.add("polar macro-F1", n, _f1(truth, [o.sentiment for o in out], POLAR))
    t.add("share predicted neutral", n, sum(o.sentiment == "neutral" for o in out) / n)
    t.at("complaint recall", "allocine-test", "fr", model)
    t.add("negative reviews with a candidate unit", sum(neg), rec)
    t.add(
        "… tagged negative only (rule before issue 10)",
        sum(neg),
        _recall_precision(neg, [o.tagged_negative for o in out])[0],
    )
    t.add("precision (selected reviews truly negative)", n, prec)
    t.add("share of positive reviews' units selected", len(pos), pos_share)


def bench_xed(r: Runner, t: Table, root: Path, lang: str, limit: int | None) -> None:
    docs = [d for d in xed(root, lang) if xed_polarity(d.label) is not None or xed_plutchik_target(d.label)]
    docs = sample(docs, limit)
    model, out = r.documents(docs)
    name = f"xed-{lang}-test"
    polar = [(xed_polarity(d.label) or "", o) for d, o in zip(docs, out, strict=True)]
    pn = [(y, o) for y, o in polar if y in POLAR]
    t.at("sentiment", f"{name} (polarity proxy)", lang, model)
    t.add("polar macro-F1", len(pn), _f1([y for y, _ in pn], [o.sentiment for _, o in pn], POLAR))
    t.add("share predicted neutral", len(pn), sum(o.sentiment == "neutral" for _, o in pn) / max(len(pn), 1))
    three = [(y, o.sentiment) for y, o in polar if y in THREE]
    if any(y == "neutral" for y, _ in three):  # English: XED has human-labelled neutral lines
        t.at("sentiment", f"{name} (3-class proxy)", lang, model)
        for metric, (n, value) in three_class([y for y, _ in three], [p for _, p in three]).items():
            t.add(metric, n, value)
    to_plutchik = mapping("xed_emotions.json")["product_to_plutchik"]
    scored = [(y, o) for d, o in zip(docs, out, strict=True) if (y := xed_plutchik_target(d.label))]
    labels = sorted({y for y, _ in scored})
    pred = [to_plutchik.get(o.emotion or "", "none") for _, o in scored]
    t.at("emotion", name, lang, model)
    t.add(
        f"macro-F1 over {len(labels)} Plutchik emotions",
        len(scored),
        _f1([y for y, _ in scored], pred, labels),
    )
    judged = [(y, o) for y, o in polar if y]
    rec, prec = _recall_precision([y == "negative" for y, _ in judged], [o.candidate for _, o in judged])
    t.at("complaint recall", name, lang, model)
    t.add("negative lines selected", sum(y == "negative" for y, _ in judged), rec)
    t.add("precision (selected lines truly negative)", len(judged), prec)
    old_rec, old_prec = _recall_precision(
        [y == "negative" for y, _ in judged], [o.tagged_negative for _, o in judged]
    )
    t.add("… tagged negative only: negative lines selected", sum(y == "negative" for y, _ in judged), old_rec)
    t.add("… tagged negative only: precision", len(judged), old_prec)


def bench_xed_messages(r: Runner, t: Table, root: Path, limit: int | None) -> None:
    """The XED EN three-class lines in message form (``sentiment_data.message_form``): the same labels, with
    the handle and link a message to a brand carries."""
    docs = [d for d in xed(root, "en") if xed_polarity(d.label) is not None]
    docs = [Labelled(message_form(d.text), "en", d.label) for d in sample(docs, limit)]
    model, out = r.documents(docs)
    truth = [xed_polarity(d.label) or "" for d in docs]
    t.at("sentiment", "xed-en-test, message form (3-class proxy)", "en", model)
    for metric, (n, value) in three_class(truth, [o.sentiment for o in out]).items():
        t.add(metric, n, value)
    neg = [y == "negative" for y in truth]
    t.at("complaint recall", "xed-en-test, message form", "en", model)
    t.add("negative lines selected", sum(neg), _recall_precision(neg, [o.candidate for o in out])[0])


def bench_seed(r: Runner, t: Table) -> None:
    _, held = split(load_seed())
    for lang in ("fr", "en"):
        docs = [Labelled(u.text, lang, u.sentiment or "") for u in held if u.lang == lang and u.sentiment]
        model, out = r.documents(docs)
        truth = [d.label for d in docs]
        t.at("sentiment", "seed held-out", lang, model)
        t.add("3-class macro-F1", len(docs), _f1(truth, [o.sentiment for o in out], THREE))
        kept = [o.sentiment == "neutral" for o, y in zip(out, truth, strict=True) if y == "neutral"]
        t.add("neutral documents kept neutral", len(kept), sum(kept) / max(len(kept), 1))
        rec, prec = _recall_precision([y == "negative" for y in truth], [o.candidate for o in out])
        t.at("complaint recall", "seed held-out", lang, model)
        t.add("negative units selected", sum(y == "negative" for y in truth), rec)
        t.add("precision (selected units truly negative)", len(docs), prec)
        old = _recall_precision([y == "negative" for y in truth], [o.tagged_negative for o in out])
        t.add("… tagged negative only: negative units selected", sum(y == "negative" for y in truth), old[0])
        t.add("… tagged negative only: precision", len(docs), old[1])


def bench_stages(r: Runner, t: Table, root: Path, limit: int | None) -> None:
    """Stage macro-F1 on the strict (unambiguous categories) and full (every category) mappings."""
    for name, docs in (
        ("banking77-test", sample(banking77_all(root), limit)),
        ("cfpb", sample(cfpb(root), limit)),
    ):
        model, out = r.documents(docs)
        for kind, stage_of in stage_maps(name.split("-")[0]).items():
            pairs = [
                (stage_of[d.label], o.stage) for d, o in zip(docs, out, strict=True) if d.label in stage_of
            ]
            truth = [y for y, _ in pairs]
            t.at("stage", f"{name} ({kind} mapping)", "en", model)
            t.add("macro-F1", len(pairs), _f1(truth, [p for _, p in pairs], sorted(set(truth))))
        t.at("complaint recall", f"{name} (every row a problem or request)", "en", model)
        t.add("rows with a candidate unit", len(docs), sum(o.candidate for o in out) / len(docs))
        t.add("… tagged negative only", len(docs), sum(o.tagged_negative for o in out) / len(docs))


def render(rows: Sequence[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"`python -m bench.sentiment {meta['args']}` — {meta['date']}, backend `{meta['backend']}` "
        f"resolved per set (text only, no rating), {meta['seconds']:.0f} s on {meta['cpus']} CPU cores.",
        "",
        "| aspect | set | lang | metric | n | value | embedding |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['aspect']} | {row['set']} | {row['lang']} | {row['metric']} | {row['n']} | "
            f"{row['value']:.4f} | {row['model']} |"
        )
    return "\n".join(lines) + "\n"


def write_section(
    markdown: str,
    path: Path = BENCH_DOC,
    markers: tuple[str, str] = (SECTION_START, SECTION_END),
    title: str = "Sentiment, emotion, stage and complaint recall on real sets",
) -> None:
    """Replace the generated block between ``markers`` in ``path``, or append it under ``title``."""
    start, end = markers
    text = path.read_text(encoding="utf-8")
    block = f"{start}\n{markdown}{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {title}\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.sentiment", description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=int, help="documents per set (fixed sample)")
    parser.add_argument(
        "--backend", default="auto", help="embedding backend spec (default: what the CLI uses)"
    )
    parser.add_argument("--models-dir", type=Path, help="tagging artifacts (default: the shipped ones)")
    parser.add_argument(
        "--sentiment-space",
        default=DEFAULT_SENTIMENT_SPACE,
        help="space the sentiment heads read (as the CLI's flag; default: what the CLI uses)",
    )
    parser.add_argument(
        "--sets",
        default="allocine,xed,seed,written,stages",
        help="comma-separated subset of "
        + ", ".join(SETS)
        + " (xed-fr / xed-en: one language; xed-parallel: the FR/EN test pairs)",
    )
    add_languages_option(parser)
    parser.add_argument("--json", type=Path, help="write the rows as JSON here")
    parser.add_argument("--write-docs", action="store_true", help="replace the section in docs/benchmarks.md")
    args = parser.parse_args(argv)
    root = args.datasets.resolve()
    t0 = time.perf_counter()
    runner = Runner(args.backend, args.models_dir, args.sentiment_space, detect=not args.given_languages)
    wanted = set(args.sets.split(","))
    unknown = sorted(wanted - set(SETS))
    if unknown:
        parser.error(f"--sets: unknown set(s) {', '.join(unknown)}; known: {', '.join(SETS)}")
    table = Table()
    try:
        if "allocine" in wanted:
            log("allocine")
            bench_allocine(runner, table, root, args.limit)
        for lang in ("fr", "en"):  # "xed" is both languages; "xed-fr" / "xed-en" one of them
            if "xed" in wanted or f"xed-{lang}" in wanted:
                log(f"xed {lang}")
                bench_xed(runner, table, root, lang, args.limit)
        if "xed-parallel" in wanted:
            log("xed parallel test pairs")
            same = Runner("use-multilingual", args.models_dir, detect=runner.detect)
            same.embedders, same.taggers = runner.embedders, runner.taggers  # one cache file per encoder
            bench_parallel(runner, same, table, root)
        if "xed-en-messages" in wanted:
            log("xed en, message form")
            bench_xed_messages(runner, table, root, args.limit)
        if "seed" in wanted:
            log("seed held-out")
            bench_seed(runner, table)
        if "written" in wanted:
            log("written reviews")
            bench_written(runner, table)
        if "stages" in wanted:
            log("banking77 / cfpb")
            bench_stages(runner, table, root, args.limit)
    finally:
        runner.save()
    order = {"sentiment": 0, "emotion": 1, "stage": 2, "complaint recall": 3}
    rows = sorted(table.rows, key=lambda r: order[r["aspect"]])
    meta = {
        "args": " ".join(argv if argv is not None else sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d"),
        "backend": args.backend,
        "seconds": time.perf_counter() - t0,
        "cpus": os.cpu_count(),
    }
    markdown = render(rows, meta)
    print(markdown)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    if args.write_docs:
        write_section(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
