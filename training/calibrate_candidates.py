"""Calibrate the pain-point candidate threshold per language (nlp/pipeline/extract.py).

    python -m training.calibrate_candidates            # both shipped embedding spaces → training/reports/

Development data only (never the benchmark's test sets): XED FR/EN dev lines (training/sentiment_real.py: a
stable 20 % hash part of the *train* splits, never fitted on) labelled negative / positive / neutral through
training/mappings/xed_emotions.json, and a fixed sample of Banking77 *train* queries (every one a problem or a
request for help; no sentiment head is fitted on them).

Per language, the threshold is the smallest grid value ``t`` at which the candidate rule keeps at least
``--target`` of that language's truly negative lines **with a one-standard-error margin**
(recall − sqrt(recall · (1 − recall) / n) ≥ target, so that a test split of the same kind still lands above
the target more often than not), in every embedding space the language can be tagged in with ``auto``:
French always goes through USE; English through MiniLM (English-only data) or USE (mixed data), so English
takes the larger of its two values. Precision = share of the language's selected dev lines truly negative.
Prints a table per language and space at candidate thresholds, and the values to ship.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from nlp.embeddings import MINILM_SPEC, USE_SPEC
from nlp.tagging.help_request import asks_for_help
from nlp.tagging.tagger import load_tagger
from training.embedding_cache import embed, load_embedder
from training.report_files import write_report
from training.sentiment_real import DATASETS, load_real, read_rows

GRID = np.round(np.arange(-0.5, 0.81, 0.05), 2)
SHOWN = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
# Which spaces ``auto`` tags each language in (nlp/embeddings/registry.py): French never goes to MiniLM.
SPACES_OF = {"fr": (USE_SPEC,), "en": (USE_SPEC, MINILM_SPEC)}


def _selected(scores: np.ndarray, sentiments: Sequence[str], help_cue: np.ndarray, t: float) -> np.ndarray:
    return np.asarray((scores < t) | (np.asarray(sentiments) == "negative") | help_cue)


def _recall_se(kept: np.ndarray) -> tuple[float, float]:
    n = max(len(kept), 1)
    r = float(kept.mean()) if len(kept) else 0.0
    return r, math.sqrt(r * (1.0 - r) / n)


def tag_space(spec: str, n_banking: int) -> dict[str, Any]:
    """Tag the XED dev lines and the Banking77 sample in one space: per line lang, truth, score, tags."""
    embedder = load_embedder(spec)
    tagger = load_tagger(None, embedder.model_id, encode=embedder.encode)
    real = load_real(sources=("xed-fr", "xed-en"))
    lines = [u for units in real.dev.values() for u in units]
    bank = read_rows(DATASETS.resolve() / "banking77" / "train.csv")
    bank = [bank[i] for i in sorted(random.Random(5).sample(range(len(bank)), n_banking))]
    texts = [u.text for u in lines] + [r["text"] for r in bank]
    langs = [u.lang for u in lines] + ["en"] * len(bank)
    tags = tagger.tag(texts, embed(texts, embedder), langs)
    return {
        "spec": spec,
        "model_id": embedder.model_id,
        "n": len(lines),
        "lang": np.array(langs),
        "truth": np.array([u.sentiment for u in lines]),
        "scores": np.array([t.sentiment_score for t in tags]),
        "sentiments": [t.sentiment for t in tags],
        "cue": np.array([asks_for_help(x) for x in texts]),
    }


def grid_for(space: dict[str, Any], lang: str, target: float) -> dict[str, Any]:
    """Recall (± SE), precision and Banking77 share kept per threshold for one language in one space."""
    n = space["n"]
    in_lang = space["lang"][:n] == lang
    negative = (space["truth"] == "negative") & in_lang
    rows = []
    for t in GRID:
        sel = _selected(space["scores"], space["sentiments"], space["cue"], float(t))
        kept = sel[:n]
        recall, se = _recall_se(kept[negative])
        row = {
            "threshold": float(t),
            "recall": round(recall, 4),
            "se": round(se, 4),
            "recall_minus_se": round(recall - se, 4),
            "precision": round(float(negative[kept & in_lang].mean()) if (kept & in_lang).any() else 0.0, 4),
        }
        if lang == "en":
            row["banking77_train_kept"] = round(float(sel[n:].mean()), 4)
        rows.append(row)
    chosen = next((r for r in rows if r["recall_minus_se"] >= target), rows[-1])
    base = _selected(space["scores"], space["sentiments"], np.zeros_like(space["cue"]), -math.inf)[:n]
    return {
        "spec": space["spec"],
        "model_id": space["model_id"],
        "n_lines": int(in_lang.sum()),
        "n_negative": int(negative.sum()),
        "tagged_negative_only": {
            "recall": round(float(base[negative].mean()), 4),
            "precision": round(float(negative[base & in_lang].mean()) if (base & in_lang).any() else 0.0, 4),
        },
        "chosen": chosen,
        "grid": rows,
    }


def _print(lang: str, res: dict[str, Any]) -> None:
    print(
        f"\n{lang} in {res['spec']} — {res['n_lines']} dev lines, {res['n_negative']} truly negative; "
        f"tagged negative only: recall {res['tagged_negative_only']['recall']}, "
        f"precision {res['tagged_negative_only']['precision']}"
    )
    extra = " | Banking77 train kept" if lang == "en" else ""
    print(f"| t | recall | SE | recall − SE | precision{extra} |")
    print("|---|---|---|---|---|" + ("---|" if extra else ""))
    for r in res["grid"]:
        if r["threshold"] in SHOWN or r is res["chosen"]:
            bank = f" | {r['banking77_train_kept']:.4f}" if lang == "en" else ""
            mark = " ←" if r is res["chosen"] else ""
            values = (f"{r[k]:.4f}" for k in ("recall", "se", "recall_minus_se"))
            cells = [f"{r['threshold']:.2f}{mark}", *values]
            print("| " + " | ".join(cells) + f" | {r['precision']:.4f}{bank} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.calibrate_candidates")
    parser.add_argument("--target", type=float, default=0.90)
    parser.add_argument("--banking", type=int, default=1000, help="Banking77 train queries sampled")
    parser.add_argument("--langs", default="fr,en")
    args = parser.parse_args(argv)
    langs = args.langs.split(",")
    specs = sorted({s for lang in langs for s in SPACES_OF[lang]})
    spaces = {s: tag_space(s, args.banking) for s in specs}
    per_lang: dict[str, Any] = {}
    ship: dict[str, float] = {}
    for lang in langs:
        results = [grid_for(spaces[s], lang, args.target) for s in SPACES_OF[lang]]
        for res in results:
            _print(lang, res)
        t = max(r["chosen"]["threshold"] for r in results)
        ship[lang] = math.ceil(t * 20 - 1e-9) / 20
        per_lang[lang] = {"ship": ship[lang], "spaces": results}
    out = {"target_recall": args.target, "margin": "one standard error", "ship": ship, "languages": per_lang}
    write_report("candidates.json", out)
    print(f"\nship PAIN_CANDIDATE_MAX_SCORE = {json.dumps(ship)}")
    print(f"(recall − SE ≥ {args.target} per language, in every space it is tagged in)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
