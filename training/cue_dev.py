"""Choose a written verdict cue's shift on its written set's dev part: emoji (R12), sarcasm (R18).

    python -m training.cue_dev --cue emoji                  # dev part: every candidate shift, three taggers
    python -m training.cue_dev --cue sarcasm --part test --shifts 2   # the test part, read once at the end

No real labelled set here holds these cues (the script counts them in every development set of R3, which the
shift therefore leaves as they are), so each shift is measured on a set written for this project,
``training/data/<cue>_{fr,en}.jsonl`` (short messages; the English file translates the French one, or the
other way), split in two by a hash of the group. Each part is scored as units, 3-class macro-F1, through the
taggers a user gets: French under ``auto`` (USE), English under ``auto`` (MiniLM with the USE heads gated in)
and English under USE (the service's backend). The rule (docs/benchmarks.md, R12 / R18) reads the report;
this script only measures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sklearn.metrics import f1_score

from nlp.embeddings import USE_SPEC
from nlp.embeddings.registry import get_embedder, resolve_spec
from nlp.tagging.emoji_cues import emoji_sides
from nlp.tagging.sarcasm import sarcasm_marks
from nlp.tagging.split_space import load_split_tagger, sentiment_space_for
from nlp.tagging.tagger import load_tagger
from nlp.tagging.verdict_cues import CUE_SHIFTS, MAX_SHIFT, CueShifts
from training.compare_sentiment import CLASSES
from training.idiom_dev import R3_SOURCES, shipped_dev
from training.report_files import write_report
from training.sentiment_lang import parse_weights
from training.sentiment_real import RealSets, load_real

HERE = Path(__file__).resolve().parent
SHIFTS = (1.0, 2.0, 3.0, 5.0)
DEV_SOURCES = (*R3_SOURCES.split(","), "vocab-fr")  # idiom_dev's sets, its --dev-only default too
TAGGERS = (("fr", "auto"), ("en", "auto"), ("en", USE_SPEC))


@dataclass(frozen=True)
class Cue:
    """A written cue: its ``CueShifts`` field, which rows hold it, and its round (report names)."""

    field: Literal["emoji", "sarcasm"]
    marks: Callable[[Sequence[str]], np.ndarray]
    round: str

    def at(self, shift: float) -> CueShifts:
        if self.field == "emoji":
            return replace(CUE_SHIFTS, emoji=shift)
        return replace(CUE_SHIFTS, sarcasm=shift)


CUES = {"emoji": Cue("emoji", emoji_sides, "r12"), "sarcasm": Cue("sarcasm", sarcasm_marks, "r18")}


def part_of(cue: str, group: str) -> str:
    return "dev" if int(hashlib.sha1(f"{cue}:{group}".encode()).hexdigest()[:8], 16) % 2 == 0 else "test"


def load_part(cue: str, lang: str, part: str) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in (HERE / "data" / f"{cue}_{lang}.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if part_of(cue, r["group"]) == part]
    return [r["text"] for r in rows], [r["sentiment"] for r in rows]


def score(
    cue: Cue, lang: str, backend: str, texts: list[str], y: list[str], shifts: Sequence[float]
) -> dict[str, Any]:
    """Macro-F1 of the tagger ``backend`` gives ``lang`` units, per shift of ``cue`` (0: none)."""
    spec = resolve_spec(backend, [lang])
    embedder = get_embedder(spec)
    primary = load_tagger(None, embedder.model_id, encode=embedder.encode)
    tagger = load_split_tagger(primary, sentiment_space_for(backend), None, get=get_embedder)
    x = embedder.encode(texts)
    out: dict[str, Any] = {
        "spec": spec,
        "units": len(texts),
        "marked": int(np.count_nonzero(cue.marks(texts))),
    }
    for shift in (0.0, *shifts):
        p = tagger.sentiment_proba(texts, x, [lang] * len(texts), cue.at(shift))
        pred = [CLASSES[int(k)] for k in p.argmax(axis=1)]
        f1 = f1_score(y, pred, labels=list(CLASSES), average="macro", zero_division=0)
        out[f"shift={shift:g}"] = {
            "macro_f1": round(float(f1), 4),
            "wrong": [t for t, a, b in zip(texts, y, pred, strict=True) if a != b],
        }
        print(f"  {lang} {backend} shift={shift:g}: {f1:.4f}", file=sys.stderr, flush=True)
    return out


def rows_in_dev(cue: Cue, real: RealSets) -> dict[str, int]:
    """Per R3 development set, the rows (units; Allociné: reviews) holding the cue."""
    return {
        name: int(np.count_nonzero(cue.marks([u.text for u in units]))) for name, units in real.dev.items()
    }


def dev_sets_at(cue: Cue, real: RealSets, shifts: Sequence[float]) -> dict[str, dict[str, float]]:
    """The R3 development sets (USE, the French space; Allociné dev reviews through the shipped document
    expert) scored at each shift, as ``training.idiom_dev`` scores the phrase shift."""
    dev, tagger = shipped_dev(USE_SPEC, real, True)
    out = {}
    for shift in (0.0, *shifts):
        at = cue.at(shift)
        probs = {n: tagger.sentiment_proba(t, x, dev.langs[n], at) for n, t, x in dev.parts()}
        out[f"shift={shift:g}"] = dev.scored(probs)
        print(f"  dev sets shift={shift:g}: {out[f'shift={shift:g}']}", file=sys.stderr, flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.cue_dev")
    parser.add_argument("--cue", choices=sorted(CUES), required=True)
    parser.add_argument("--part", choices=("dev", "test"), default="dev")
    parser.add_argument("--shifts", default=",".join(f"{s:g}" for s in SHIFTS), help="log-odds shifts")
    args = parser.parse_args(argv)
    shifts = parse_weights(parser, "--shifts", args.shifts, 0.0, MAX_SHIFT)
    cue = CUES[args.cue]
    real = load_real(sources=DEV_SOURCES, max_fit=1)  # read once: counted, and scored where it matters
    report: dict[str, Any] = {"cue": args.cue, "part": args.part, "rows_in_dev_sets": rows_in_dev(cue, real)}
    if args.part == "dev" and any(report["rows_in_dev_sets"].values()):
        report["dev_sets"] = dev_sets_at(cue, real, shifts)
    for lang, backend in TAGGERS:
        texts, y = load_part(args.cue, lang, args.part)
        report[f"{lang} {backend}"] = score(cue, lang, backend, texts, y, shifts)
    out = write_report(f"{args.cue}_dev_{args.part}_{cue.round}.json", report)
    print(f"report → {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
