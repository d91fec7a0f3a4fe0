"""Evaluate the shipped tagger on the held-out seed split and on real labelled data (per class, confusion).

    python -m training.evaluate              # training/reports/ + the Tagging section of docs/benchmarks.md
    python -m training.evaluate --no-real    # seed held-out only (no ../shared/datasets needed)
    python -m training.evaluate --limit 300  # quicker run on real data (sampled deterministically)

Real data is read from ``--datasets`` (default ``../shared/datasets`` next to the repository) and is never
used for training. Stage on banking77 (short queries) and CFPB narratives (long complaints) uses the
category → stage mappings in training/mappings/, restricted to categories that clearly map. A CFPB narrative
is segmented into opinion units like the pipeline does, and its stage is the soft vote of its units
(nlp.tagging.aggregate), i.e. exactly how a pain point gets its stage.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from nlp.embeddings import get_embedder
from nlp.tagging.aggregate import stage_vote
from nlp.tagging.prototypes import build_prototypes
from nlp.tagging.tagger import EmbeddingTagger, load_tagger
from nlp.tagging.taxonomy import load_default_taxonomy
from nlp.tagging.types import UNKNOWN_STAGE, UnitTags
from training.corpus import EMOTIONS, Unit, load_seed, split
from training.embedding_cache import embed
from training.evaluate_report import render_markdown, write_benchmarks_section
from training.report_files import REPORTS, write_report

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = Path(__file__).resolve().parent / "mappings"
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- tagging:start -->"
SECTION_END = "<!-- tagging:end -->"


def classification_report(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Per-class P/R/F1, macro-F1, accuracy and the confusion matrix (rows: truth, columns: prediction)."""
    pred_labels = list(labels) + sorted({p for p in y_pred if p not in labels})
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(labels), zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(np.mean(f)), 4),
        "per_class": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
        "confusion": {
            "labels_true": list(labels),
            "labels_pred": pred_labels,
            "matrix": confusion_matrix(y_true, y_pred, labels=pred_labels)[: len(labels)].tolist(),
        },
    }


def _by_lang(
    units: Sequence[Unit], y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    out = {}
    for lang in ("en", "fr"):
        idx = [i for i, u in enumerate(units) if u.lang == lang]
        out[lang] = classification_report([y_true[i] for i in idx], [y_pred[i] for i in idx], labels)
    return out


def evaluate_seed(tagger: EmbeddingTagger, embedder_spec: str) -> dict[str, Any]:
    embedder = get_embedder(embedder_spec)
    _, held = split(load_seed())
    texts = [u.text for u in held]
    x = embed(texts, embedder)
    tags = tagger.tag(texts, x, [u.lang for u in held])
    stages = tagger.taxonomy.stage_ids
    res: dict[str, Any] = {"n_units": len(held)}

    # Stage: argmax (the unknown threshold is reported separately as coverage/accuracy on covered units).
    _, p_stage = tagger.stage_proba(texts, x, [u.lang for u in held])  # a per-language blend applies
    stage_pred = [stages[i] for i in p_stage.argmax(axis=1)]
    stage_true = [u.stage or "" for u in held]
    res["stage"] = classification_report(stage_true, stage_pred, stages)
    res["stage"]["by_language"] = {
        k: v["macro_f1"] for k, v in _by_lang(held, stage_true, stage_pred, stages).items()
    }
    covered = [i for i, t in enumerate(tags) if t.stage != UNKNOWN_STAGE]
    res["stage"]["unknown_threshold"] = tagger.stage_threshold
    res["stage"]["coverage"] = round(len(covered) / len(held), 4)
    res["stage"]["accuracy_on_covered"] = round(
        float(np.mean([tags[i].stage == stage_true[i] for i in covered])) if covered else 0.0, 4
    )

    # Stage through prototypes only: what a workspace with a custom taxonomy gets before retraining.
    proto = build_prototypes(load_default_taxonomy(), embedder.encode).probabilities(x)
    proto_pred = [stages[i] for i in proto.argmax(axis=1)]
    res["stage_prototypes_only"] = {
        "macro_f1": classification_report(stage_true, proto_pred, stages)["macro_f1"],
        "accuracy": round(float(accuracy_score(stage_true, proto_pred)), 4),
    }

    sent_labels = ["negative", "neutral", "positive"]
    sent_true = [u.sentiment or "" for u in held]
    sent_pred = [t.sentiment for t in tags]
    res["sentiment"] = classification_report(sent_true, sent_pred, sent_labels)
    res["sentiment"]["by_language"] = {
        k: {"macro_f1": v["macro_f1"], "accuracy": v["accuracy"]}
        for k, v in _by_lang(held, sent_true, sent_pred, sent_labels).items()
    }
    polar = [i for i, u in enumerate(held) if u.sentiment in ("negative", "positive")]
    p_sent = tagger.sentiment_proba(texts, x, [u.lang for u in held])  # as tag() reads it
    neg_pos_pred = ["negative" if p_sent[i, 0] >= p_sent[i, 2] else "positive" for i in polar]
    res["sentiment"]["neg_vs_pos_accuracy"] = round(
        float(np.mean([neg_pos_pred[k] == sent_true[i] for k, i in enumerate(polar)])), 4
    )
    for lang in ("en", "fr"):
        sel = [k for k, i in enumerate(polar) if held[i].lang == lang]
        res["sentiment"][f"neg_vs_pos_accuracy_{lang}"] = round(
            float(np.mean([neg_pos_pred[k] == sent_true[polar[k]] for k in sel])), 4
        )

    emo_labels = list(EMOTIONS)
    emo_idx = [i for i, u in enumerate(held) if u.emotion]
    classes, p_emo = tagger.emotion_proba(texts, x)
    emo_pred = [classes[int(np.argmax(p_emo[i]))] for i in emo_idx]
    emo_true = [held[i].emotion or "" for i in emo_idx]
    res["emotion"] = classification_report(emo_true, emo_pred, emo_labels)
    res["emotion"]["note"] = (
        "emotion head alone on units that carry an emotion (the tagger also masks by polarity)"
    )

    eff_true = ["effort" if u.effort else "no_effort" for u in held]
    eff_pred = ["effort" if t.effort else "no_effort" for t in tags]
    res["effort"] = classification_report(eff_true, eff_pred, ["effort", "no_effort"])
    from nlp.tagging.effort_cues import lexicon_effort_type

    lex_pred = ["effort" if lexicon_effort_type(t) else "no_effort" for t in texts]
    res["effort_lexicon_only"] = classification_report(eff_true, lex_pred, ["effort", "no_effort"])
    both = [i for i, u in enumerate(held) if u.effort and tags[i].effort]
    res["effort_type_accuracy_on_detected"] = round(
        float(np.mean([tags[i].effort_type == held[i].effort_type for i in both])) if both else 0.0, 4
    )
    return res


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _sample(rows: list[Any], limit: int | None) -> list[Any]:
    if limit is None or len(rows) <= limit:
        return rows
    rng = random.Random(0)
    return sorted(rng.sample(rows, limit), key=rows.index)


def evaluate_banking77(
    tagger: EmbeddingTagger, spec: str, datasets: Path, limit: int | None
) -> dict[str, Any]:
    mapping = json.loads((MAPPINGS / "banking77_stages.json").read_text())["mapping"]
    rows = [r for r in _read_csv(datasets / "banking77" / "test.csv") if r["category"] in mapping]
    rows = _sample(rows, limit)
    texts = [r["text"] for r in rows]
    x = embed(texts, get_embedder(spec))
    stages = tagger.taxonomy.stage_ids
    _, p = tagger.stage_proba(texts, x, ["en"] * len(texts))
    pred = [stages[i] for i in p.argmax(axis=1)]
    truth = [mapping[r["category"]] for r in rows]
    labels = [s for s in stages if s in set(truth)]
    rep = classification_report(truth, pred, labels)
    rep["n_categories_mapped"] = len(mapping)
    return rep


def evaluate_cfpb(tagger: EmbeddingTagger, spec: str, datasets: Path, limit: int | None) -> dict[str, Any]:
    from nlp.text.segmentation import split_units_batch

    mapping = json.loads((MAPPINGS / "cfpb_stages.json").read_text())["mapping"]
    path = datasets / "cfpb_complaints_sample" / "complaints_with_narrative.csv"
    rows = [r for r in _read_csv(path) if r["Issue"] in mapping and r["Consumer complaint narrative"].strip()]
    rows = _sample(rows, limit)
    narratives = [r["Consumer complaint narrative"] for r in rows]
    spans = split_units_batch(narratives, ["en"] * len(narratives))
    unit_texts = [s.text for doc in spans for s in doc]
    owners = [d for d, doc in enumerate(spans) for _ in doc]
    x = embed(unit_texts, get_embedder(spec))
    tags = tagger.tag(unit_texts, x, ["en"] * len(unit_texts))
    per_doc: list[list[UnitTags]] = [[] for _ in rows]
    for owner, t in zip(owners, tags, strict=True):
        per_doc[owner].append(t)
    pred = []
    for doc_tags in per_doc:
        vote = stage_vote(doc_tags)
        pred.append(next(iter(vote)) if vote else UNKNOWN_STAGE)
    truth = [mapping[r["Issue"]] for r in rows]
    labels = [s for s in tagger.taxonomy.stage_ids if s in set(truth)]
    rep = classification_report(truth, pred, labels)
    rep["n_units"] = len(unit_texts)
    return rep


def measure_overhead(tagger: EmbeddingTagger, spec: str, datasets: Path, n_docs: int = 300) -> dict[str, Any]:
    """Tagging time against segmentation + embedding time on real complaints (the dominant pipeline costs)."""
    from nlp.text.segmentation import split_units_batch

    path = datasets / "cfpb_complaints_sample" / "complaints_with_narrative.csv"
    docs = [r["Consumer complaint narrative"] for r in _read_csv(path)][:n_docs]
    from nlp.tagging.effort_cues import find_effort_cues

    embedder = get_embedder(spec)
    find_effort_cues.cache_clear()  # earlier evaluations saw these texts; time a cold tagger
    t0 = time.perf_counter()
    spans = split_units_batch(docs, ["en"] * len(docs))
    texts = [s.text for doc in spans for s in doc]
    t1 = time.perf_counter()
    x = embedder.encode(texts)
    t2 = time.perf_counter()
    tagger.tag(texts, x, ["en"] * len(texts))
    t3 = time.perf_counter()
    base = (t1 - t0) + (t2 - t1)
    return {
        "docs": len(docs),
        "units": len(texts),
        "segmentation_s": round(t1 - t0, 2),
        "embedding_s": round(t2 - t1, 2),
        "tagging_s": round(t3 - t2, 2),
        "tagging_over_segmentation_plus_embedding": round((t3 - t2) / base, 4),
    }


def measure_pipeline_share(spec: str, datasets: Path, n_docs: int = 400) -> dict[str, Any]:
    """Tagging's share of a real ``analyze_records`` run (its own timer against the rest of the pipeline)."""
    from nlp.pipeline import Record, analyze_records
    from nlp.tagging.effort_cues import find_effort_cues
    from nlp.tagging.tagger import tagger_loader

    path = datasets / "cfpb_complaints_sample" / "complaints_with_narrative.csv"
    rows = _read_csv(path)[-n_docs:]
    records = [
        Record(text=r["Consumer complaint narrative"], id=r["Complaint ID"], language="en") for r in rows
    ]
    find_effort_cues.cache_clear()
    result = analyze_records(records, embedder=spec, tagger_loader=tagger_loader())
    t = result.timings
    rest = t["total"] - t["tag"]
    return {
        "docs": len(records),
        "units": len(result.units),
        "total_s": round(t["total"], 2),
        "tag_s": round(t["tag"], 2),
        "tagging_added_to_pipeline": round(t["tag"] / rest, 4) if rest > 0 else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate")
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--limit", type=int, default=None, help="sample at most N rows per real set")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)

    embedder = get_embedder(args.backend)
    tagger = load_tagger(args.models_dir, embedder.model_id)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "embedding_model_id": embedder.model_id,
        "seed_heldout": evaluate_seed(tagger, args.backend),
    }
    print(
        "seed held-out:",
        {k: results["seed_heldout"][k]["macro_f1"] for k in ("stage", "sentiment", "emotion")},
        file=sys.stderr,
    )
    if not args.no_real:
        if not args.datasets.exists():
            print(f"error: --datasets {args.datasets} does not exist", file=sys.stderr)
            return 2
        results["banking77"] = evaluate_banking77(tagger, args.backend, args.datasets, args.limit)
        print("banking77 stage macro-F1:", results["banking77"]["macro_f1"], file=sys.stderr)
        results["cfpb"] = evaluate_cfpb(tagger, args.backend, args.datasets, args.limit)
        print("cfpb stage macro-F1:", results["cfpb"]["macro_f1"], file=sys.stderr)
        results["overhead"] = measure_overhead(tagger, args.backend, args.datasets)
        print("overhead:", results["overhead"], file=sys.stderr)
        results["pipeline_share"] = measure_pipeline_share(args.backend, args.datasets)
        print("pipeline share:", results["pipeline_share"], file=sys.stderr)
    write_report("tagging_eval.json", results)
    markdown = render_markdown(results)
    (REPORTS / "tagging_eval.md").write_text(
        markdown.replace(SECTION_START + "\n", "").replace(SECTION_END + "\n", "")
    )
    if not args.no_docs:
        write_benchmarks_section(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
