"""Choose ``nlp.tagging.verdict_cues.CueShifts.valence`` (VADER's English valence, issue 10 R16) on dev data.

    python -m training.valence_dev                    # both runs, every candidate; ~10 min cold on 2 cores

Two runs, the English taggers a user gets: ``use`` (the service's backend and mixed corpora: R3's dev sets
with vocab-fr, Allociné dev documents through the shipped document expert; the French figures must not move)
and ``auto-en`` (an English corpus under the CLI's ``auto``: MiniLM with the USE heads gated in, the
split-space tagger; XED EN, messages-en and reviews-en dev parts). Each candidate (form × shift) is scored
with ``compare_sentiment``'s dev scoring per language, plus, on every English sentence set, the negative-vs-
positive accuracy over its polar lines (strict: a neutral verdict is a miss; and among the lines called
polar) and the complaint recall at the shipped English candidate threshold (``candidate_polarity``) with its
standard error. The rule (docs/benchmarks.md, R16) reads the report; this script only measures.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np

from nlp.embeddings import AUTO_SPEC, MINILM_SPEC, USE_SPEC
from nlp.embeddings.registry import get_embedder
from nlp.pipeline.extract import pain_candidates
from nlp.tagging.split_space import SplitSpaceTagger, load_split_tagger, sentiment_space_for
from nlp.tagging.tagger import EmbeddingTagger
from nlp.tagging.verdict_cues import CUE_SHIFTS, MAX_SHIFT, CueShifts
from training.compare_sentiment import CLASSES, DevSet
from training.idiom_dev import R3_SOURCES, shipped_dev
from training.report_files import write_report
from training.sentiment_lang import parse_weights
from training.sentiment_real import load_real

SHIFTS = (0.5, 1.0, 2.0, 3.0)
FORMS: tuple[Literal["sign", "both"], ...] = ("sign", "both")
RUNS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    # name: (backend, sources, Allociné documents)
    "use": (USE_SPEC, (*R3_SOURCES.split(","), "vocab-fr"), True),
    "auto-en": (MINILM_SPEC, ("xed-en", "messages-en", "reviews-en"), False),
}


def english_extras(texts: list[str], y: np.ndarray, langs: list[str], p: np.ndarray) -> dict[str, float]:
    """Over a set's English rows: neg-vs-pos accuracy (strict / among lines called polar) and complaint
    recall at the shipped candidate rule, with its standard error."""
    en = np.array([lang == "en" for lang in langs])
    pred = np.array(CLASSES)[p.argmax(axis=1)]
    polar = en & (y != "neutral")
    called = polar & (pred != "neutral")
    negative = np.flatnonzero(en & (y == "negative"))
    kept = pain_candidates(p[negative], [texts[i] for i in negative], ["en"] * len(negative)).tolist()
    recall = float(np.mean(kept)) if kept else float("nan")
    return {
        "neg_vs_pos_strict": round(float(np.mean(pred[polar] == y[polar])), 4),
        "neg_vs_pos_among_polar": round(float(np.mean(pred[called] == y[called])), 4),
        "complaint_recall": round(recall, 4),
        "complaint_recall_se": round(math.sqrt(recall * (1 - recall) / max(len(kept), 1)), 4),
    }


def run(name: str, candidates: Sequence[CueShifts]) -> dict[str, Any]:
    backend, sources, allocine = RUNS[name]
    real = load_real(sources=sources, max_fit=1)
    dev, primary = shipped_dev(backend, real, allocine)
    tagger: EmbeddingTagger | SplitSpaceTagger = primary
    if name == "auto-en":
        tagger = load_split_tagger(primary, sentiment_space_for(AUTO_SPEC), None, get=get_embedder)
    out: dict[str, Any] = {"backend": backend, "model_id": primary.model_id, "sources": list(sources)}
    probs: dict[str, dict[str, np.ndarray]] = {}
    for set_name, texts, x in dev.parts():
        if isinstance(tagger, SplitSpaceTagger):
            tagger.polar_vectors(texts)  # every gated subset of this set then reads these, once encoded
        for shifts in candidates:
            p = tagger.sentiment_proba(texts, x, dev.langs[set_name], shifts)
            probs.setdefault(label(shifts), {})[set_name] = p
    for shifts in candidates:
        key = label(shifts)
        out[key] = {"dev": dev.scored(probs[key], by_lang=True), "english": extras(dev, probs[key])}
        print(f"  {name} {key}: {out[key]['dev']}", file=sys.stderr, flush=True)
    return out


def extras(dev: DevSet, probs: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    return {
        set_name: english_extras(texts, y, dev.langs[set_name], probs[set_name])
        for set_name, (texts, y, _) in dev.sentences.items()
        if "en" in dev.langs[set_name]
    }


def label(shifts: CueShifts) -> str:
    return "none" if shifts.valence == 0 else f"{shifts.valence_form} w={shifts.valence:g}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.valence_dev")
    parser.add_argument("--runs", default=",".join(RUNS), help=f"of {', '.join(RUNS)}")
    parser.add_argument("--shifts", default=",".join(f"{s:g}" for s in SHIFTS), help="log-odds per unit of c")
    parser.add_argument("--report-suffix", default="_r16", help="appended to the report's file name")
    args = parser.parse_args(argv)
    runs = [r for r in (v.strip() for v in args.runs.split(",")) if r]
    if not runs or any(r not in RUNS for r in runs):
        parser.error(f"--runs: give some of {', '.join(RUNS)}, got {args.runs!r}")
    shifts = parse_weights(parser, "--shifts", args.shifts, 0.0, MAX_SHIFT)
    base = replace(CUE_SHIFTS, valence=0.0)
    candidates = [base, *(replace(base, valence=w, valence_form=f) for f in FORMS for w in shifts if w > 0)]
    report = {"candidates": [label(c) for c in candidates], **{r: run(r, candidates) for r in runs}}
    out = write_report(f"valence_dev{args.report_suffix}.json", report)
    print(f"report → {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
