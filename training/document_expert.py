"""Train and choose the document-level sentiment expert (nlp/tagging/document_expert.py) on development data.

Called by ``python -m training.compare_sentiment`` after the unit head is chosen, with that head's unit
probabilities. Documents are clause-split as the pipeline splits them and each document's feature is the
mean of its units' embeddings (what the pipeline will hold at run time); the TF-IDF expert reads the whole
text. Fit data: the Allociné fit reviews, the seed train units and the XED fit lines, each a document, each
real source weighted in total like the seed corpus (as for the unit head). Selection: the mean over the
development document sets (Allociné dev reviews, polar macro-F1; seed held-out units, 3-class; XED FR and EN
dev lines) of the document verdict, over the blend weight (0 = the rule alone), the minimum number of units,
the head's ``C`` and the TF-IDF share. Banking77 train queries (problems, no sentiment label) are reported:
the share of them the document verdict calls positive must not grow.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from nlp.embeddings import Embedder
from nlp.tagging.document_expert import DocumentExpert, blended_polarities, mean_rows
from nlp.text.segmentation import split_units_batch
from training.corpus import Unit
from training.embedding_cache import embed
from training.model_card import record_head
from training.sentiment_real import DATASETS, read_rows

CLASSES = ("negative", "neutral", "positive")
BLENDS = (0.0, 0.25, 0.5, 0.75)
MIN_UNITS = (1, 2)
C_GRID = (2.0, 8.0)
TEXT_WEIGHTS = (0.0, 0.35)
N_BANKING = 500

# (unit texts, unit vectors[, unit languages]) → (n, 3) in CLASSES order
Proba = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Docs:
    """Documents split into units: texts, labels, unit texts / document index / vectors, mean vectors."""

    texts: list[str]
    labels: np.ndarray
    unit_texts: list[str]
    rows: np.ndarray
    unit_vectors: np.ndarray
    means: np.ndarray
    unit_langs: tuple[str, ...] = ()  # each unit's language (its document's), for per-language heads

    @property
    def counts(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=len(self.texts))[: len(self.texts)]


def split_docs(units: Sequence[Unit], embedder: Embedder) -> Docs:
    spans = split_units_batch([u.text for u in units], [u.lang for u in units])
    unit_texts = [s.text for sp in spans for s in sp]
    rows = np.array([i for i, sp in enumerate(spans) for _ in sp], dtype=np.int64)
    vectors = embed(unit_texts, embedder)
    return Docs(
        [u.text for u in units],
        np.array([u.sentiment for u in units]),
        unit_texts,
        rows,
        vectors,
        mean_rows(vectors, rows, len(units)),
        tuple(u.lang for u, sp in zip(units, spans, strict=True) for _ in sp),
    )


def banking_docs(embedder: Embedder) -> Docs:
    rows = read_rows(DATASETS.resolve() / "banking77" / "train.csv")
    rows = [rows[i] for i in sorted(random.Random(5).sample(range(len(rows)), N_BANKING))]
    units = [Unit(r["text"], "en", None, "neutral", None, None, None) for r in rows]
    return split_docs(units, embedder)


def _f1(y: np.ndarray, verdict: np.ndarray) -> float:
    pred = np.array(CLASSES)[verdict + 1]
    labels = [c for c in CLASSES if c in set(y.tolist())]
    return float(f1_score(y, pred, labels=labels, average="macro", zero_division=0))


class ExpertSearch:
    """Fits candidate experts and scores every (expert, blend, min_units) on the development documents."""

    def __init__(
        self, proba: Proba, dev: dict[str, Docs], banking: Docs, model_id: str, by_language: bool = False
    ) -> None:
        """``by_language``: ``proba`` also takes the units' languages (a tagger's ``sentiment_proba``), so
        that a head with a per-language blend reads development units as the pipeline reads them."""
        self.dev = dev
        self.banking = banking
        self.model_id = model_id
        self.unit: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, d in [*dev.items(), ("banking77", banking)]:
            args = (
                (d.unit_texts, d.unit_vectors, list(d.unit_langs))
                if by_language
                else (d.unit_texts, d.unit_vectors)
            )
            p = proba(*args)
            self.unit[name] = (p.argmax(axis=1) - 1, p[:, 2] - p[:, 0])

    def verdicts(self, name: str, d: Docs, expert: DocumentExpert | None, blend: float, k: int) -> np.ndarray:
        pol, score = self.unit[name]
        es = expert.score(d.means, d.texts) if expert is not None else None
        return blended_polarities(pol, score, d.rows, len(d.texts), es, blend, k)

    def evaluate(self, expert: DocumentExpert | None, blend: float, k: int) -> dict[str, float]:
        out = {
            name: round(_f1(d.labels, self.verdicts(name, d, expert, blend, k)), 4)
            for name, d in self.dev.items()
        }
        out["mean"] = round(float(np.mean(list(out.values()))), 4)
        bank = self.verdicts("banking77", self.banking, expert, blend, k)
        out["banking77 called positive"] = round(float((bank == 1).mean()), 4)
        out["banking77 called negative"] = round(float((bank == -1).mean()), 4)
        return out


def fit_experts(fit: Docs, weights: np.ndarray, model_id: str) -> list[tuple[str, DocumentExpert]]:
    """Candidate experts (blend 1, min_units 1: the search sets both) for each C and TF-IDF share."""
    from training.compare_sentiment import _fit_lr, _fit_text

    text = _fit_text(fit.texts, fit.labels, weights)
    out = []
    for c in C_GRID:
        m = _fit_lr(fit.means, fit.labels, weights, c)
        classes = tuple(str(k) for k in m.classes_)
        for wt in TEXT_WEIGHTS:
            expert = DocumentExpert(
                classes,
                m.coef_.astype(np.float32),
                m.intercept_.astype(np.float32),
                model_id,
                1.0,
                1,
                wt,
                text if wt > 0 else None,
            )
            out.append((f"C={c} tfidf={wt}", expert))
    return out


def search(
    proba: Proba,
    embedder: Embedder,
    fit_parts: Sequence[list[Unit]],
    dev_parts: dict[str, list[Unit]],
) -> tuple[dict[str, Any], DocumentExpert | None]:
    """Every candidate's development figures and the winner (None when the rule alone is best)."""
    t0 = time.time()
    units = [u for p in fit_parts for u in p]
    n_seed = len(fit_parts[0])
    weights = np.concatenate(
        [np.full(len(p), 1.0 if k == 0 else n_seed / max(len(p), 1)) for k, p in enumerate(fit_parts)]
    )
    fit = split_docs(units, embedder)
    dev = {name: split_docs(u, embedder) for name, u in dev_parts.items()}
    bank = banking_docs(embedder)
    prep = round(time.time() - t0, 1)
    s = ExpertSearch(proba, dev, bank, embedder.model_id)
    results: dict[str, Any] = {"rule alone": s.evaluate(None, 0.0, 1)}
    print(f"  doc rule alone: {results['rule alone']}", file=sys.stderr, flush=True)
    best_key, best_expert, best_mean = "rule alone", None, results["rule alone"]["mean"]
    for name, expert in fit_experts(fit, weights, embedder.model_id):
        for blend in BLENDS[1:]:
            for k in MIN_UNITS:
                key = f"{name} blend={blend} min_units={k}"
                r = s.evaluate(expert, blend, k)
                results[key] = r
                print(f"  doc {key}: {r}", file=sys.stderr, flush=True)
                if r["mean"] > best_mean:
                    best_key, best_mean = key, r["mean"]
                    best_expert = DocumentExpert(
                        expert.classes,
                        expert.coef,
                        expert.intercept,
                        expert.model_id,
                        blend,
                        k,
                        expert.text_weight,
                        expert.text,
                    )
    summary = {
        "fit_documents": len(units),
        "dev_documents": {k: len(v.texts) for k, v in dev.items()},
        "dev_documents_multi_unit": {k: int((v.counts >= 2).sum()) for k, v in dev.items()},
        "prepare_seconds": prep,
        "seconds": round(time.time() - t0, 1),
        "results": results,
        "best": best_key,
    }
    return summary, best_expert


def write_expert(directory: Path, best: dict[str, Any], summary: dict[str, Any]) -> None:
    """Ship the document expert the search chose, or remove a stale one (the rule alone won); a run that
    skipped the search (``--no-doc-expert``) leaves the shipped expert as it is."""
    from nlp.tagging.document_expert import EXPERT_NAME

    expert = best.get("expert")
    found = summary.get("document_expert")
    if found is None:
        return
    if expert is not None:
        expert.save(directory)
        record_head(
            directory,
            EXPERT_NAME,
            {
                "C": float(found["best"].split()[0].removeprefix("C=")),
                "classes": list(expert.classes),
                "blend": expert.blend,
                "min_units": expert.min_units,
                "text_weight": expert.text_weight,
                "choice": found["best"],
                "dev": found["results"][found["best"]],
                "dev_rule_alone": found["results"]["rule alone"],
                "fit_documents": found["fit_documents"],
                "features": "mean unit embedding"
                + (f" ⊕ char n-gram TF-IDF of the document (w={expert.text_weight})" if expert.text else ""),
                "file": f"{EXPERT_NAME}-v1.npz",
                "trained_by": "python -m training.compare_sentiment --write",
            },
        )
        return
    for name in (f"{EXPERT_NAME}-v1.npz", f"{EXPERT_NAME}-text-v1.npz"):
        if (directory / name).exists():
            (directory / name).unlink()
