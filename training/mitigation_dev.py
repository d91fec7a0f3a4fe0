"""Should the document verdict damp complaints the writer plays down ("un peu cher", "seul bémol : le bruit",
"a bit tight", "only downside…")? Measured on development data; **not shipped** (no factor beat 1 on dev:
docs/benchmarks.md, "written review units", round 4), so the markers live here, not in ``nlp``.

    python -m training.mitigation_dev [--factors 1,0.75,0.5,0.25,0]

Why it was tried: praise plus one hedged reservation is a four-star review, yet a complaint clause scores as
strongly as any other, so the mean of the unit scores can come out negative (the issue measured 136 of 400
four-star French product reviews called negative). Only the document verdict would read it: the unit keeps
its tag and stays a pain-point candidate. For each damping factor, the shipped verdict (unit head, document
rule, document expert with its word head, as ``nlp.tagging.document_expert.document_sentiments_flat``
applies them, stated grades aside) is recomputed on development
documents with the hedged units' negative scores multiplied by the factor. USE: seed held-out units,
Allociné / XED FR / XED EN dev parts and the written documents (``docfit_*``, which no USE head is fitted on);
MiniLM (English; its single-space tagger — under ``auto`` English units get a gated USE second opinion,
which this does not replay): seed held-out English units and XED EN dev lines (its expert was fitted on the
English written documents, so they are not development data for it). The share of 500 Banking77 train
queries called positive is reported: damping can only move verdicts toward positive. Test splits are never
read here.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from nlp.embeddings import MINILM_SPEC, USE_SPEC
from nlp.tagging.document_expert import blended_polarities
from nlp.tagging.tagger import load_tagger
from nlp.text.folding import fold
from training.corpus import load_docfit, load_seed, split
from training.document_expert import Docs, ExpertSearch, _f1, banking_docs, split_docs
from training.embedding_cache import load_embedder
from training.report_files import write_report
from training.sentiment_lang import parse_weights
from training.sentiment_real import load_real

FACTORS = (1.0, 0.75, 0.5, 0.25, 0.0)
_MARKERS = (
    # French (accent-folded)
    r"un (tout )?(petit )?peu",
    r"un (petit )?poil",
    r"un brin",
    r"legere?ment",
    r"(seul|petit|leger|seule|petite|legere) (petit |leger )?(bemol|defaut|reproche|point negatif|regret)",
    r"dommage que",
    r"dommage qu'",
    r"il manque (juste|seulement|simplement)",
    r"manque (juste|seulement) ",
    r"quelques",
    r"parfois",
    r"de temps (en|a) autre",
    # English
    r"a (little )?bit",
    r"a little",
    r"a tad",
    r"slightly",
    r"somewhat",
    r"(only|one|minor|small|slight) (downside|issue|problem|complaint|gripe|niggle|quibble|con|drawback)",
    r"my only",
    r"just missing",
    r"a few",
    r"sometimes",
    r"occasionally",
)
_MITIGATED = re.compile(r"\b(?:" + "|".join(_MARKERS) + r")\b")


def mitigated(texts: Sequence[str]) -> np.ndarray:
    """Whether each unit plays its point down with a hedge (bool array)."""
    return np.array([bool(_MITIGATED.search(fold(t))) for t in texts], dtype=bool)


def damped_scores(scores: np.ndarray | Sequence[float], hedged: np.ndarray, factor: float) -> np.ndarray:
    """Unit scores for the document verdict: a hedged unit's (``hedged``: :func:`mitigated` of the unit
    texts) *negative* score times ``factor`` (1: as is)."""
    s = np.asarray(scores, dtype=np.float64)
    if factor == 1.0 or not len(s):
        return s
    return np.where(np.asarray(hedged, dtype=bool) & (s < 0), s * factor, s)


def dev_sets(space: str) -> dict[str, list[Any]]:
    _, held = split(load_seed())
    held = [u for u in held if u.sentiment]
    if space == USE_SPEC:
        real = load_real()
        return {
            "seed held-out": held,
            **{f"{k} dev": v for k, v in real.dev.items()},
            "written documents dev": load_docfit(),
        }
    real = load_real(sources=("xed-en",))
    return {"seed held-out en": [u for u in held if u.lang == "en"], "xed-en dev": real.dev["xed-en"]}


def run(space: str, factors: Sequence[float]) -> dict[str, Any]:
    embedder = load_embedder(space)
    tagger = load_tagger(None, embedder.model_id)
    expert = tagger.document_expert
    dev = {n: split_docs(u, embedder) for n, u in dev_sets(space).items()}
    # The shipped unit verdicts, each unit read in its language, as the expert search reads them.
    search = ExpertSearch(tagger.sentiment_proba, dev, banking_docs(embedder), embedder.model_id, True)
    sets: dict[str, Docs] = {**dev, "banking77": search.banking}
    hedged = {name: mitigated(d.unit_texts) for name, d in sets.items()}
    expert_scores = {
        n: expert.score(d.means, d.texts) if expert is not None else None for n, d in sets.items()
    }
    blend, k = (expert.blend, expert.min_units) if expert is not None else (0.0, 1)
    out: dict[str, Any] = {}
    for factor in factors:
        row: dict[str, float] = {}
        for name, d in sets.items():
            pol, score = search.unit[name]
            damped = damped_scores(score, hedged[name], factor)
            v = blended_polarities(pol, damped, d.rows, len(d.texts), expert_scores[name], blend, k)
            if name == "banking77":
                row["banking77 called positive"] = round(float((v == 1).mean()), 4)
            else:
                row[name] = round(_f1(d.labels, v), 4)
        row["mean"] = round(float(np.mean([v for k, v in row.items() if not k.startswith("banking")])), 4)
        out[f"factor={factor}"] = row
        print(f"  [{space}] factor={factor}: {row}", file=sys.stderr, flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.mitigation_dev")
    parser.add_argument("--factors", default=",".join(str(f) for f in FACTORS))
    args = parser.parse_args(argv)
    factors = parse_weights(parser, "--factors", args.factors, 0.0, 1.0)
    report = {space: run(space, factors) for space in (USE_SPEC, MINILM_SPEC)}
    path = write_report("mitigation_dev.json", report)
    print(f"→ {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
