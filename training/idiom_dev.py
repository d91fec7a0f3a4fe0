"""Choose ``nlp.tagging.verdict_cues.CueShifts.idiom`` on development data (issue 10 R8).

    python -m training.idiom_dev                                      # USE, R3's dev sets
    python -m training.idiom_dev --backend "sentence-transformers:all-MiniLM-L6-v2" \\
        --sources xed-en,messages-en --dev-only reviews-en

Each run reads the shipped artifacts of its backend (``load_tagger``), takes every dev set's unit sentiment
probabilities without the shift, and scores each candidate shift over them (``shift_verdict_cues``, the
function ``sentiment_proba`` applies) with ``compare_sentiment``'s dev scoring (Allociné dev documents
through the shipped document expert, as the pipeline reads a French review). It also reports, per set, the
units holding an idiom and the sign accuracy of the polar ones among them. The rule (docs/benchmarks.md, R8)
combines the runs; this script only measures.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from nlp.tagging.artifacts import backend_slug
from nlp.tagging.document_expert import load_document_expert
from nlp.tagging.idioms import idiom_sides
from nlp.tagging.tagger import EmbeddingTagger, load_tagger
from nlp.tagging.verdict_cues import CUE_SHIFTS, MAX_SHIFT, CueShifts, shift_verdict_cues
from training.compare_sentiment import ARTIFACTS, CLASSES, DevSet
from training.corpus import load_seed, split
from training.embedding_cache import load_embedder
from training.report_files import write_report
from training.sentiment_lang import parse_weights
from training.sentiment_real import RealSets, is_source, load_real

SHIFTS = (0.5, 1.0, 2.0, 3.0)
R3_SOURCES = "allocine,xed-fr,xed-en,reviews-fr,reviews-en,products-fr,messages-en"


def matched(texts: Sequence[str], labels: np.ndarray, p: np.ndarray) -> dict[str, int]:
    """Units holding an idiom; of the polar ones, how many the probabilities ``p`` give the right sign."""
    sides = idiom_sides(texts)
    rows = np.flatnonzero(sides)
    polar = [int(i) for i in rows if labels[i] != "neutral"]
    sign = p[:, 2] - p[:, 0]
    right = sum((sign[i] > 0) == (labels[i] == "positive") for i in polar)
    return {"units": int(rows.size), "polar": len(polar), "sign_right": int(right)}


def shipped_dev(backend: str, real: RealSets, allocine: bool) -> tuple[DevSet, EmbeddingTagger]:
    """The development sets of ``real`` (with the seed held-out split; Allociné dev reviews through the
    shipped document expert when ``allocine``) embedded in ``backend``'s space, and its shipped tagger: what
    the cue shifts (phrases here, emoji and sarcasm in ``training.cue_dev``) are scored on."""
    embedder = load_embedder(backend)
    _, held = split(load_seed())
    shipped = ARTIFACTS / backend_slug(embedder.model_id)
    expert = load_document_expert(shipped, embedder.model_id)
    dev = DevSet(embedder, [u for u in held if u.sentiment], real, allocine, expert)
    return dev, load_tagger(ARTIFACTS, embedder.model_id)


def measure(
    backend: str, sources: tuple[str, ...], dev_only: tuple[str, ...], shifts: Sequence[float]
) -> dict[str, Any]:
    real = load_real(sources=tuple(dict.fromkeys(sources + dev_only)), max_fit=1)
    dev, tagger = shipped_dev(backend, real, "allocine" in sources)
    texts = {name: t for name, t, _ in dev.parts()}
    off = replace(CUE_SHIFTS, idiom=0.0)  # the emoji shift stays: it is part of every unit's probabilities
    raw = {name: tagger.sentiment_proba(t, x, dev.langs[name], off) for name, t, x in dev.parts()}
    results: dict[str, Any] = {}
    for shift in (0.0, *shifts):
        only = CueShifts(idiom=shift, emoji=0.0)  # the phrase shift alone on top of ``raw``
        probs = {name: shift_verdict_cues(texts[name], p, only) for name, p in raw.items()}
        results[f"shift={shift:g}"] = {
            "dev": dev.scored(probs, by_lang=True),
            "matched": {name: matched(t, y, probs[name]) for name, (t, y, _) in dev.sentences.items()},
        }
        print(f"  shift={shift:g}: {results[f'shift={shift:g}']['dev']}", file=sys.stderr, flush=True)
    return {
        "backend": backend,
        "model_id": tagger.model_id,
        "classes": list(CLASSES),
        "sources": list(sources),
        "dev_only": list(dev_only),
        "results": results,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.idiom_dev")
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--sources", default=R3_SOURCES, help="sets whose development part is scored")
    parser.add_argument("--dev-only", default="vocab-fr", help="more development sets")
    parser.add_argument("--shifts", default=",".join(f"{s:g}" for s in SHIFTS), help="log-odds shifts")
    parser.add_argument("--report-suffix", default="", help="appended to the report's file name")
    args = parser.parse_args(argv)
    sources = tuple(s for s in args.sources.split(",") if s)
    dev_only = tuple(s for s in args.dev_only.split(",") if s)
    bad = [s for s in (*sources, *dev_only) if not is_source(s)]
    if bad or not sources:
        parser.error(f"--sources/--dev-only: unknown or none {bad}")
    shifts = parse_weights(parser, "--shifts", args.shifts, 0.0, MAX_SHIFT)
    report = measure(args.backend, sources, dev_only, shifts)
    out = write_report(f"idiom_dev_{backend_slug(report['model_id'])}{args.report_suffix}.json", report)
    print(f"report → {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
