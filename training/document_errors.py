"""Where the French document verdict still goes wrong, on development documents only (issue 10).

    python -m training.document_errors [--json PATH]

The shipped verdict of a text-only document (``nlp.tagging.document_expert.document_sentiments_flat``) is
the document rule over its clause scores, with the document expert's score blended into the mean and a grade
stated in the text overriding both. This script rebuilds that verdict for the development documents of
``training.document_expert`` / ``training.document_words`` (Allociné dev reviews, XED FR / EN dev lines and
the seed held-out units, all in the USE space, plus 500 Banking77 train queries), checks it against the
figures recorded in docs/benchmarks.md, and splits the Allociné dev errors into buckets: length, where the
rule and the expert disagree (and which one was right), contrast structure, share of neutral (descriptive)
clauses, and the margin of the blended score. The levers tried on top of it live in
``training.document_levers``. Test splits are never read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.tagging.document_expert import blended_polarities
from nlp.tagging.stated_score import stated_polarities
from nlp.text.folding import fold
from training.document_expert import _f1

# Development sets as the shipped models tag them (rebuilt when missing; delete it after retraining).
CACHE = Path(tempfile.gettempdir()) / "frictionmap-document-dev"
# A document-level contrast: a clause that opens with (or a sentence that turns on) one of these markers.
_CONTRAST = re.compile(
    r"\b(?:mais|cependant|pourtant|toutefois|neanmoins|par contre|en revanche|sauf que|malgre|meme si"
    r"|but|however|although|though|yet)\b"
)


@dataclass(frozen=True)
class DevSet:
    """One development set as the pipeline holds it: units (polarity, score, p(neutral)) and documents
    (label, text, the shipped expert's score, a stated grade)."""

    name: str
    labels: np.ndarray  # per document: negative / neutral / positive
    texts: list[str]
    unit_texts: list[str]
    rows: np.ndarray  # per unit: its document
    pol: np.ndarray  # per unit: −1 / 0 / +1 (argmax of the unit head)
    score: np.ndarray  # per unit: p(positive) − p(negative)
    p_neutral: np.ndarray  # per unit
    expert: np.ndarray  # per document: the shipped expert's score (word head mixed in)
    stated: np.ndarray  # per document: −1 / 0 / +1 from a grade stated in the text
    vectors: np.ndarray  # per unit: its embedding

    @property
    def n(self) -> int:
        return len(self.texts)

    @property
    def counts(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=self.n)[: self.n]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            name=np.array(self.name),
            labels=self.labels,
            texts=np.array(self.texts, dtype=object).astype(str),
            unit_texts=np.array(self.unit_texts, dtype=object).astype(str),
            rows=self.rows,
            pol=self.pol,
            score=self.score,
            p_neutral=self.p_neutral,
            expert=self.expert,
            stated=self.stated,
            vectors=self.vectors,
        )

    @classmethod
    def load(cls, path: Path) -> DevSet:
        with np.load(path, allow_pickle=False) as d:
            return cls(
                str(d["name"]),
                d["labels"],
                d["texts"].tolist(),
                d["unit_texts"].tolist(),
                d["rows"],
                d["pol"],
                d["score"],
                d["p_neutral"],
                d["expert"],
                d["stated"],
                d["vectors"],
            )


def build_sets(backend: str = "use-multilingual") -> dict[str, DevSet]:
    """The development sets through the shipped tagger and expert of ``backend`` (cached under /tmp)."""
    from nlp.tagging.tagger import load_tagger
    from training.corpus import load_seed, split
    from training.document_expert import banking_docs, split_docs
    from training.embedding_cache import load_embedder
    from training.sentiment_real import load_real

    out: dict[str, DevSet] = {}
    names = ["allocine dev", "xed-fr dev", "xed-en dev", "seed held-out fr", "seed held-out en", "banking77"]
    if all((CACHE / f"{n.replace(' ', '_')}.npz").exists() for n in names):
        return {n: DevSet.load(CACHE / f"{n.replace(' ', '_')}.npz") for n in names}
    embedder = load_embedder(backend)
    tagger = load_tagger(None, embedder.model_id)
    expert = tagger.document_expert
    assert expert is not None
    _, held = split(load_seed())
    real = load_real()
    parts = {
        "allocine dev": real.dev["allocine"],
        "xed-fr dev": real.dev["xed-fr"],
        "xed-en dev": real.dev["xed-en"],
        "seed held-out fr": [u for u in held if u.sentiment and u.lang == "fr"],
        "seed held-out en": [u for u in held if u.sentiment and u.lang == "en"],
    }
    for name in names:
        path = CACHE / f"{name.replace(' ', '_')}.npz"
        print(f"  {name} …", file=sys.stderr, flush=True)
        d = banking_docs(embedder) if name == "banking77" else split_docs(parts[name], embedder)
        p = tagger.sentiment_proba(d.unit_texts, d.unit_vectors)
        dev = DevSet(
            name,
            d.labels.astype(str),
            d.texts,
            d.unit_texts,
            d.rows,
            (p.argmax(axis=1) - 1).astype(np.int64),
            p[:, 2] - p[:, 0],
            p[:, 1],
            expert.score(d.means, d.texts),
            stated_polarities(d.texts).astype(np.int64),
            d.unit_vectors,
        )
        dev.save(path)
        out[name] = dev
    return out


def shipped_verdict(d: DevSet, blend: float = 0.75, min_units: int = 2) -> np.ndarray:
    """The shipped verdict of text-only documents (expert blended for ≥ ``min_units`` units, stated grade)."""
    v = blended_polarities(d.pol, d.score, d.rows, d.n, d.expert, blend, min_units)
    return np.where(d.stated != 0, d.stated, v)


def rule_mean(d: DevSet) -> np.ndarray:
    return np.bincount(d.rows, weights=d.score, minlength=d.n)[: d.n] / np.maximum(d.counts, 1)


def figure(d: DevSet, verdict: np.ndarray) -> float:
    """Polar macro-F1 where the truth has no neutral class (Allociné), else 3-class macro-F1."""
    return _f1(d.labels, verdict)


def paired_bootstrap(
    d: DevSet, before: np.ndarray, after: np.ndarray, n: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """(difference, 2.5 %, 97.5 %) of the figure after − before over document resamples."""
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n):
        i = rng.integers(0, d.n, d.n)
        diffs.append(_f1(d.labels[i], after[i]) - _f1(d.labels[i], before[i]))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return round(figure(d, after) - figure(d, before), 4), round(float(lo), 4), round(float(hi), 4)


def _bucket(name: str, mask: np.ndarray, wrong: np.ndarray) -> dict[str, Any]:
    n = int(mask.sum())
    return {"bucket": name, "docs": n, "errors": int((wrong & mask).sum()), "error rate": _rate(wrong, mask)}


def _rate(wrong: np.ndarray, mask: np.ndarray) -> float:
    return round(float((wrong & mask).sum() / max(int(mask.sum()), 1)), 4)


def error_buckets(d: DevSet) -> dict[str, Any]:
    """Allociné dev errors of the shipped verdict by length, rule/expert disagreement, contrast, neutral
    share, last-clause sign and margin of the blended score."""
    truth = np.where(d.labels == "positive", 1, -1)
    verdict = shipped_verdict(d)
    wrong = verdict != truth
    counts = d.counts
    mean = rule_mean(d)
    blended = np.where(counts >= 2, 0.25 * mean + 0.75 * d.expert, mean)
    neutral_share = np.bincount(d.rows, weights=(d.pol == 0).astype(float), minlength=d.n) / np.maximum(
        counts, 1
    )
    last = np.zeros(d.n, dtype=np.int64)
    for i, r in enumerate(d.rows):
        last[r] = i  # units of a document are consecutive: the last index wins
    last_sign = np.sign(d.score[last])
    contrast = np.array([bool(_CONTRAST.search(fold(t))) for t in d.texts])
    rule_sign = np.sign(mean)
    expert_sign = np.sign(d.expert)
    chars = np.array([len(t) for t in d.texts])
    out: dict[str, Any] = {
        "documents": d.n,
        "errors": int(wrong.sum()),
        "false negative (positive called negative)": int((wrong & (truth == 1) & (verdict == -1)).sum()),
        "false positive (negative called positive)": int((wrong & (truth == -1) & (verdict == 1)).sum()),
        "called neutral": int((verdict == 0).sum()),
        "figure": round(figure(d, verdict), 4),
    }
    buckets = [
        _bucket("1 unit", counts == 1, wrong),
        _bucket("2–3 units", (counts >= 2) & (counts <= 3), wrong),
        _bucket("4–7 units", (counts >= 4) & (counts <= 7), wrong),
        _bucket("8–15 units", (counts >= 8) & (counts <= 15), wrong),
        _bucket("16+ units", counts >= 16, wrong),
        _bucket("≤ 300 chars", chars <= 300, wrong),
        _bucket("301–800 chars", (chars > 300) & (chars <= 800), wrong),
        _bucket("> 800 chars", chars > 800, wrong),
        _bucket("rule and expert agree", rule_sign == expert_sign, wrong),
        _bucket("rule and expert disagree", rule_sign != expert_sign, wrong),
        _bucket("… disagree, expert right", (rule_sign != expert_sign) & (expert_sign == truth), wrong),
        _bucket("… disagree, rule right", (rule_sign != expert_sign) & (rule_sign == truth), wrong),
        _bucket("expert wrong sign", expert_sign != truth, wrong),
        _bucket("rule mean wrong sign", rule_sign != truth, wrong),
        _bucket("contrast marker in text", contrast, wrong),
        _bucket("no contrast marker", ~contrast, wrong),
        _bucket("last clause sign = truth", last_sign == truth, wrong),
        _bucket("last clause sign ≠ truth", last_sign != truth, wrong),
        _bucket("neutral clauses ≥ 50 %", neutral_share >= 0.5, wrong),
        _bucket("neutral clauses 20–50 %", (neutral_share >= 0.2) & (neutral_share < 0.5), wrong),
        _bucket("neutral clauses < 20 %", neutral_share < 0.2, wrong),
        _bucket("|blended score| < 0.2", np.abs(blended) < 0.2, wrong),
        _bucket("|blended score| 0.2–0.5", (np.abs(blended) >= 0.2) & (np.abs(blended) < 0.5), wrong),
        _bucket("|blended score| ≥ 0.5", np.abs(blended) >= 0.5, wrong),
        _bucket("truly positive", truth == 1, wrong),
        _bucket("truly negative", truth == -1, wrong),
    ]
    out["buckets"] = buckets
    out["errors (text)"] = [
        {
            "label": str(d.labels[i]),
            "verdict": int(verdict[i]),
            "units": int(counts[i]),
            "rule mean": round(float(mean[i]), 3),
            "expert": round(float(d.expert[i]), 3),
            "last clause": round(float(d.score[last[i]]), 3),
            "text": d.texts[i],
        }
        for i in np.flatnonzero(wrong)
    ]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.document_errors")
    parser.add_argument("--json", type=Path, default=CACHE / "errors.json")
    args = parser.parse_args(argv)
    sets = build_sets()
    figures = {
        name: round(figure(d, shipped_verdict(d)), 4) for name, d in sets.items() if name != "banking77"
    }
    print(json.dumps(figures, indent=1), file=sys.stderr)
    report = {"shipped dev figures": figures, "allocine dev": error_buckets(sets["allocine dev"])}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for b in report["allocine dev"]["buckets"]:
        print(f"  {b['bucket']:<32} {b['docs']:>4} docs {b['errors']:>3} errors {b['error rate']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
