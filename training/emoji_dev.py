"""Choose ``nlp.tagging.verdict_cues.CueShifts.emoji`` (issue 10 R12) on the written emoji messages' dev part.

    python -m training.emoji_dev                 # dev part: every candidate shift, three taggers
    python -m training.emoji_dev --part test --shifts 2    # the test part, read once at the end

No real labelled set here holds the listed emoji (the script counts them in every development set of R3, which
the shift therefore leaves as they are), so the shift is measured on ``training/data/emoji_{fr,en}.jsonl``:
short messages written for this project (the English file is the French one translated), split in two by a
hash of the group. Each part is scored as units, 3-class macro-F1, through the taggers a user gets: French
under ``auto`` (USE), English under ``auto`` (MiniLM with the USE heads gated in) and English under USE (the
service's backend). The rule (docs/benchmarks.md, R12) reads the report; this script only measures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from nlp.embeddings import USE_SPEC
from nlp.embeddings.registry import get_embedder, resolve_spec
from nlp.tagging.emoji_cues import emoji_sides
from nlp.tagging.split_space import load_split_tagger, sentiment_space_for
from nlp.tagging.tagger import load_tagger
from nlp.tagging.verdict_cues import CUE_SHIFTS, MAX_SHIFT
from training.compare_sentiment import CLASSES
from training.idiom_dev import R3_SOURCES, shipped_dev
from training.report_files import write_report
from training.sentiment_lang import parse_weights
from training.sentiment_real import RealSets, load_real

HERE = Path(__file__).resolve().parent
SHIFTS = (1.0, 2.0, 3.0, 5.0)
DEV_SOURCES = (*R3_SOURCES.split(","), "vocab-fr")  # idiom_dev's sets, its --dev-only default too
TAGGERS = (("fr", "auto"), ("en", "auto"), ("en", USE_SPEC))


def part_of(group: str) -> str:
    return "dev" if int(hashlib.sha1(f"emoji:{group}".encode()).hexdigest()[:8], 16) % 2 == 0 else "test"


def load_part(lang: str, part: str) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in (HERE / "data" / f"emoji_{lang}.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if part_of(r["group"]) == part]
    return [r["text"] for r in rows], [r["sentiment"] for r in rows]


def score(lang: str, backend: str, texts: list[str], y: list[str], shifts: Sequence[float]) -> dict[str, Any]:
    """Macro-F1 of the tagger ``backend`` gives ``lang`` units, per emoji shift (0: none)."""
    spec = resolve_spec(backend, [lang])
    embedder = get_embedder(spec)
    primary = load_tagger(None, embedder.model_id, encode=embedder.encode)
    tagger = load_split_tagger(primary, sentiment_space_for(backend), None, get=get_embedder)
    x = embedder.encode(texts)
    out: dict[str, Any] = {"spec": spec, "units": len(texts)}
    for shift in (0.0, *shifts):
        p = tagger.sentiment_proba(texts, x, [lang] * len(texts), replace(CUE_SHIFTS, emoji=shift))
        pred = [CLASSES[int(k)] for k in p.argmax(axis=1)]
        f1 = f1_score(y, pred, labels=list(CLASSES), average="macro", zero_division=0)
        out[f"shift={shift:g}"] = {
            "macro_f1": round(float(f1), 4),
            "wrong": [t for t, a, b in zip(texts, y, pred, strict=True) if a != b],
        }
        print(f"  {lang} {backend} shift={shift:g}: {f1:.4f}", file=sys.stderr, flush=True)
    return out


def emoji_units_in_dev(real: RealSets) -> dict[str, int]:
    """Per R3 development set, the rows (units; Allociné: reviews) holding a listed emoji or emoticon."""
    return {
        name: int(np.count_nonzero(emoji_sides([u.text for u in units]))) for name, units in real.dev.items()
    }


def dev_sets_at(real: RealSets, shifts: Sequence[float]) -> dict[str, dict[str, float]]:
    """The R3 development sets (USE, the French space; Allociné dev reviews through the shipped document
    expert) scored at each emoji shift, as ``training.idiom_dev`` scores the phrase shift."""
    dev, tagger = shipped_dev(USE_SPEC, real, True)
    out = {}
    for shift in (0.0, *shifts):
        at = replace(CUE_SHIFTS, emoji=shift)
        probs = {n: tagger.sentiment_proba(t, x, dev.langs[n], at) for n, t, x in dev.parts()}
        out[f"shift={shift:g}"] = dev.scored(probs)
        print(f"  dev sets shift={shift:g}: {out[f'shift={shift:g}']}", file=sys.stderr, flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.emoji_dev")
    parser.add_argument("--part", choices=("dev", "test"), default="dev")
    parser.add_argument("--shifts", default=",".join(f"{s:g}" for s in SHIFTS), help="log-odds shifts")
    args = parser.parse_args(argv)
    shifts = parse_weights(parser, "--shifts", args.shifts, 0.0, MAX_SHIFT)
    if not shifts:
        parser.error("--shifts: give at least one shift")
    real = load_real(sources=DEV_SOURCES, max_fit=1)  # read once: counted, and scored where it matters
    report: dict[str, Any] = {"part": args.part, "emoji_rows_in_dev_sets": emoji_units_in_dev(real)}
    if args.part == "dev" and any(report["emoji_rows_in_dev_sets"].values()):
        report["dev_sets"] = dev_sets_at(real, shifts)
    for lang, backend in TAGGERS:
        texts, y = load_part(lang, args.part)
        report[f"{lang} {backend}"] = score(lang, backend, texts, y, shifts)
    out = write_report(f"emoji_dev_{args.part}_r12.json", report)
    print(f"report → {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
