"""Compare shippable sentiment model families on real development data, and ship the best one.

    python -m training.compare_sentiment                       # use-multilingual (the default backend)
    python -m training.compare_sentiment --backend "sentence-transformers:all-MiniLM-L6-v2"
    python -m training.compare_sentiment --write               # also write the winner into training/artifacts

Families (all CPU-trainable in minutes, all stored as arrays, nlp/tagging/artifacts.py):
  A  seed        logistic head on [embedding, cues], seed corpus only (the shipped recipe, without TF-IDF)
  B  seed+real   same head, seed corpus + real train sets (training/sentiment_real.py) + the new pairs
  C  +lexicon    B plus the polarity lexicon with negation scope (nlp/tagging/polarity_lexicon.py)
  D  ensemble    C blended with a character n-gram TF-IDF logistic model, weight chosen on development data
Selection: the mean of the development scores (Allociné dev reviews scored like documents, XED dev lines,
the seed held-out split), never the benchmark's test sets. Every fit row of each real source is used
(``--max-fit`` caps them for quick runs). With Allociné among the sources, the document expert
(training/document_expert.py) is then searched on development documents with the chosen unit head and
shipped with it (``--no-doc-expert`` skips it). A fine-tuned transformer is not among them: see
docs/benchmarks.md (no GPU, two shared cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from nlp.embeddings import Embedder
from nlp.tagging.aggregate import document_polarities
from nlp.tagging.artifacts import LinearHead, TextHead, backend_slug
from nlp.tagging.document_expert import blended_polarities, load_document_expert, mean_rows
from nlp.tagging.features import build_features
from nlp.text.folding import fold
from nlp.text.segmentation import split_units_batch
from training.corpus import Unit, load_seed, split
from training.document_expert import write_expert
from training.embedding_cache import embed, load_embedder
from training.model_card import record_head, save_lang_head
from training.report_files import write_report
from training.sentiment_lang import (
    LANGS,
    BlendGrid,
    add_french_args,
    card_entry,
    card_key,
    french_args,
    score_lang_blend,
)
from training.sentiment_lang_ship import shipped_best, write_lang_blend
from training.sentiment_real import REAL_SOURCES, RealSets, clause_units, is_source, load_real, parse_shares

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SEED = 13
CLASSES = ("negative", "neutral", "positive")
C_GRID = (2.0, 8.0)
TEXT_WEIGHTS = (0.2, 0.35, 0.5)
REAL_SHARE = 1.0  # each real source weighs (in total) REAL_SHARE × the seed corpus's size
DEV_DOCS: int | None = None  # Allociné dev reviews scored as documents (None: all of them)
DOCS = "allocine dev (documents)"


def _weights(parts: Sequence[list[Unit]], n_seed: int, shares: Sequence[float] | None = None) -> np.ndarray:
    """Seed rows weigh 1 each; each other part weighs, in total, its share (default ``REAL_SHARE``) × the
    seed corpus's size."""
    out = []
    for k, part in enumerate(parts):
        share = REAL_SHARE if shares is None or k == 0 else shares[k - 1]
        w = 1.0 if k == 0 else share * n_seed / max(len(part), 1)
        out.append(np.full(len(part), w))
    return np.concatenate(out) if out else np.zeros(0)


def _sentiment_head(model: Any, model_id: str, polarity: bool) -> LinearHead:
    """A fitted logistic regression as the shipped sentiment head (lexical cues on; polarity lexicon
    columns when ``polarity``)."""
    return LinearHead(
        "sentiment",
        tuple(str(k) for k in model.classes_),
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
        model_id,
        True,
        0.0,
        0.0,
        polarity,
    )


def _fit_lr(
    x: Any, y: np.ndarray, w: np.ndarray, c: float, class_weight: str | None = "balanced"
) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-3, class_weight=class_weight, random_state=SEED)
    return model.fit(x, y, sample_weight=w)


def _fit_text(
    texts: Sequence[str], y: np.ndarray, w: np.ndarray, class_weight: str | None = "balanced"
) -> TextHead:
    vec = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=3, max_features=60000
    )
    a = vec.fit_transform([fold(t) for t in texts])
    model = _fit_lr(a, y, w, 8.0, class_weight)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    return TextHead(
        "sentiment",
        tuple(str(c) for c in model.classes_),
        tuple(vocab),
        vec.idf_.astype(np.float32),
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
    )


class DevSet:
    """Development data, embedded once: sentences (seed held-out, XED dev) and Allociné dev documents."""

    def __init__(
        self, embedder: Embedder, held: list[Unit], real: RealSets, allocine: bool, expert: Any = None
    ) -> None:
        """``expert``: a shipped ``DocumentExpert``; Allociné dev documents then get the pipeline's verdict
        (the expert blended into the unit rule, ``blended_polarities``) instead of the unit rule alone."""
        self.sentences: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        self.langs: dict[str, list[str]] = {}  # each set's rows' languages (documents: their units')
        for name, units in [("seed held-out", held), *[(f"{k} dev", v) for k, v in real.dev.items()]]:
            if name.startswith("allocine"):
                continue
            texts = [u.text for u in units]
            self.sentences[name] = (texts, np.array([u.sentiment for u in units]), embed(texts, embedder))
            self.langs[name] = [u.lang for u in units]
        self.docs: tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None = None
        self.expert: tuple[Any, np.ndarray] | None = None
        if allocine and "allocine" in real.dev:
            docs = real.dev["allocine"][:DEV_DOCS]
            spans = split_units_batch([u.text for u in docs], ["fr"] * len(docs))
            rows = np.array([i for i, sp in enumerate(spans) for _ in sp])
            texts = [s.text for sp in spans for s in sp]
            self.docs = (texts, rows, np.array([u.sentiment for u in docs]), embed(texts, embedder))
            self.langs[DOCS] = ["fr"] * len(texts)
            if expert is not None:
                means = mean_rows(self.docs[3], rows, len(docs))
                self.expert = (expert, expert.score(means, [u.text for u in docs]))

    def parts(self) -> list[tuple[str, list[str], np.ndarray]]:
        """(set name, texts, vectors) of every set scored (documents: their units, under ``DOCS``)."""
        out = [(name, texts, x) for name, (texts, _, x) in self.sentences.items()]
        if self.docs is not None:
            out.append((DOCS, self.docs[0], self.docs[3]))
        return out

    def probabilities(self, proba: Any) -> dict[str, np.ndarray]:
        """``proba(texts, vectors) -> (n, 3)`` (CLASSES order) of each set's rows (documents: their units)."""
        return {name: proba(texts, x) for name, texts, x in self.parts()}

    def scores(self, proba: Any) -> dict[str, float]:
        """``proba(texts, vectors) -> (n, 3)`` in CLASSES order; macro-F1 per development set."""
        return self.scored(self.probabilities(proba))

    def scored(self, probs: dict[str, np.ndarray], by_lang: bool = False) -> dict[str, float]:
        """Macro-F1 per development set of :meth:`probabilities`; ``by_lang``: a set of several languages
        also scored per language (``"<set> [<lang>]"``)."""

        def f1(y: np.ndarray, pred: np.ndarray) -> float:
            labels = [c for c in CLASSES if c in set(y)]
            return float(f1_score(y, pred, labels=labels, average="macro", zero_division=0))

        out: dict[str, float] = {}
        for name, (_, y, _) in self.sentences.items():
            pred = np.array(CLASSES)[probs[name].argmax(axis=1)]
            out[name] = f1(y, pred)
            langs = np.asarray(self.langs[name], dtype=object)
            for lang in sorted(set(self.langs[name])) if by_lang and len(set(self.langs[name])) > 1 else ():
                out[f"{name} [{lang}]"] = f1(y[langs == lang], pred[langs == lang])
        if self.docs is not None:
            _, rows, y, _ = self.docs
            p = probs[DOCS]
            # The pipeline's document rule (the one the CLI, the benchmarks and the adaptation apply).
            pol, score = p.argmax(axis=1) - 1, p[:, 2] - p[:, 0]
            if self.expert is not None:
                ex, es = self.expert
                verdict = blended_polarities(pol, score, rows, len(y), es, ex.blend, ex.min_units)
            else:
                verdict = document_polarities(pol, score, rows, len(y))
            pred = np.array(CLASSES)[verdict + 1]
            out[DOCS] = float(
                f1_score(y, pred, labels=["negative", "positive"], average="macro", zero_division=0)
            )
        return {k: round(v, 4) for k, v in out.items()}


def _ordered(p: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    return np.asarray(p[:, [list(classes).index(c) for c in CLASSES]])


def compare(
    backend: str,
    sources: tuple[str, ...],
    max_fit: int | None,
    doc_expert: bool = True,
    dev_only: tuple[str, ...] = (),
    shares: dict[str, float] | None = None,
    french: BlendGrid | None = None,
    allocine_clauses: bool = False,
    on_shipped: bool = False,
    docs_with_expert: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``dev_only``: sources whose development part is scored but which are not fitted on (so that a run
    without a source and a run with it are judged on the same development sets); ``shares``: a source's
    total weight as a multiple of the seed corpus's size where it is not ``REAL_SHARE``; ``french``:
    (French text weights, French up-weighting factors) to score a French char head after family D
    (training/sentiment_lang.py); ``allocine_clauses``: fit on the clauses of the Allociné fit reviews (each
    with its review's label; the source's total weight unchanged) instead of whole reviews; ``on_shipped``:
    no family is fitted, the French variants are scored on the shipped head (training/sentiment_lang_ship.py);
    ``docs_with_expert``: Allociné dev documents read through the shipped document expert (``DevSet``).
    """
    t0 = time.time()
    embedder = load_embedder(backend)
    train_units, held = split(load_seed())
    train_units = [u for u in train_units if u.sentiment]
    held = [u for u in held if u.sentiment]
    real = load_real(sources=tuple(dict.fromkeys(sources + dev_only)), max_fit=max_fit)
    for source in dev_only:
        if source not in sources:
            del real.fit[source]
    if allocine_clauses and "allocine" in real.fit:
        real.fit["allocine"] = clause_units(real.fit["allocine"])
    expert = None
    if docs_with_expert:
        expert = load_document_expert(ARTIFACTS / backend_slug(embedder.model_id), embedder.model_id)
        if expert is None:
            raise SystemExit("--docs-with-expert: no shipped document expert for this backend")
    dev = DevSet(embedder, held, real, "allocine" in sources, expert)
    parts = [train_units, *real.fit.values()]
    units = [u for p in parts for u in p]
    texts = [u.text for u in units]
    y = np.array([u.sentiment for u in units])
    w = _weights(parts, len(train_units), [(shares or {}).get(k, REAL_SHARE) for k in real.fit])
    x_emb = embed(texts, embedder)
    n_seed = len(train_units)
    print(f"[{backend}] fit rows: {len(units)} ({n_seed} seed), dev: {list(dev.sentences)}", file=sys.stderr)

    results: dict[str, Any] = {}
    best: dict[str, Any] = {}

    def consider(family: str, c: float, head: LinearHead, text: TextHead | None, wt: float) -> None:
        def proba(t: Sequence[str], x: np.ndarray) -> np.ndarray:
            p = _ordered(head.predict_proba(build_features(x, t, True, head.uses_polarity)), head.classes)
            if text is not None:
                p = (1 - wt) * p + wt * _ordered(text.predict_proba(t), text.classes)
            return p

        s = dev.scores(proba)
        mean = round(float(np.mean(list(s.values()))), 4)
        key = f"{family} C={c}" + (f" w={wt}" if text is not None else "")
        results[key] = {"family": family, "C": c, "text_weight": wt, "dev": s, "dev_mean": mean}
        print(f"  {key}: {s} mean={mean}", file=sys.stderr, flush=True)
        if not best or mean > best["dev_mean"]:
            best.update(key=key, dev_mean=mean, head=head, text=text, text_weight=wt, family=family)

    if on_shipped:
        best.update(shipped_best(ARTIFACTS, embedder.model_id))
    else:
        for family, rows, polarity in (
            ("A seed", slice(0, n_seed), False),
            ("B seed+real", slice(None), False),
            ("C +lexicon", slice(None), True),
        ):
            x = build_features(x_emb[rows], texts[rows], True, polarity)
            for c in C_GRID:
                m = _fit_lr(x, y[rows], w[rows], c)
                head = _sentiment_head(m, embedder.model_id, polarity)
                consider(family, c, head, None, 0.0)
        # D: the best C head blended with a char n-gram TF-IDF model of the same rows.
        lexicon = [r for r in results.values() if r["family"] == "C +lexicon"]
        c_best = max(lexicon, key=lambda r: r["dev_mean"])["C"]
        x = build_features(x_emb, texts, True, True)
        m = _fit_lr(x, y, w, c_best)
        head = _sentiment_head(m, embedder.model_id, True)
        text = _fit_text(texts, y, w)
        for wt in TEXT_WEIGHTS:
            consider("D ensemble", c_best, head, text, wt)
    best["french"], french_summary = None, None
    if french is not None and best["family"] == "D ensemble":
        french_summary, best["french"] = score_lang_blend(
            dev,
            best,
            (texts, y, w, [u.lang for u in units], [u.source for u in units]),
            french,
            _fit_text,
            _ordered,
        )
    unit_seconds = round(time.time() - t0, 1)
    expert_summary: dict[str, Any] | None = None
    best["expert"] = None
    if doc_expert and "allocine" in sources:
        from training.document_expert import search

        chosen_head, chosen_text, chosen_wt = best["head"], best["text"], best["text_weight"]

        def chosen(t: Sequence[str], x: np.ndarray) -> np.ndarray:
            features = build_features(x, t, True, chosen_head.uses_polarity)
            p = _ordered(chosen_head.predict_proba(features), chosen_head.classes)
            if chosen_text is not None:
                p = (1 - chosen_wt) * p + chosen_wt * _ordered(
                    chosen_text.predict_proba(t), chosen_text.classes
                )
            return p

        dev_parts = {"seed held-out": held, **{f"{k} dev": v for k, v in real.dev.items()}}
        expert_summary, best["expert"] = search(chosen, embedder, parts, dev_parts)
    summary = {
        "backend": backend,
        "seconds": {"unit head": unit_seconds, "total": round(time.time() - t0, 1)},
        "model_id": embedder.model_id,
        "sources": list(sources),
        "allocine_clauses": allocine_clauses,
        "allocine_docs_read": "unit rule + shipped document expert" if expert is not None else "unit rule",
        "shares": {k: (shares or {}).get(k, REAL_SHARE) for k in real.fit},
        "fit_rows": {"seed": n_seed, **{k: len(v) for k, v in real.fit.items()}},
        "dev_rows": {"seed held-out": len(held), **{k: len(v) for k, v in real.dev.items()}},
        "results": results,
        "best": best["key"],
        "document_expert": expert_summary,
        "french_char": french_summary,
    }
    return summary, best


def write_best(best: dict[str, Any], summary: dict[str, Any]) -> Path:
    directory = ARTIFACTS / backend_slug(summary["model_id"])
    head: LinearHead = best["head"]
    text: TextHead | None = best["text"]
    french: dict[str, Any] | None = best.get("french")
    lang = (summary.get("french_char") or {}).get("blend_lang", "fr")
    head = LinearHead(
        head.name,
        head.classes,
        head.coef,
        head.intercept,
        head.model_id,
        head.uses_lexical,
        best["text_weight"] if text is not None else 0.0,
        0.0,
        head.uses_polarity,
        lang_blend=((lang, french["wt"], 0.0),) if french is not None else (),
    )
    head.save(directory)
    stale = directory / "sentiment-text-v1.npz"
    if text is not None:
        text.save(directory)
    elif stale.exists():
        stale.unlink()
    for other in LANGS:  # a refit head drops every language's own blend but the one chosen now
        save_lang_head(directory, french["text"] if french is not None and other == lang else None, other)
    write_expert(directory, best, summary)
    record_head(
        directory,
        "sentiment",
        {
            "C": summary["results"][best["key"]]["C"],
            "text_weight": head.text_weight,
            "prototype_weight": 0.0,
            "family": best["family"],
            "dev": summary["results"][best["key"]]["dev"],
            "n_train": sum(summary["fit_rows"].values()),
            "train_sources": summary["fit_rows"],
            "classes": list(head.classes),
            "features": "embedding + lexical cues"
            + (" + polarity lexicon" if head.uses_polarity else "")
            + (f" ⊕ char n-gram TF-IDF (w={head.text_weight})" if text is not None else ""),
            "file": "sentiment-v1.npz",
            card_key(lang): card_entry(french, summary.get("french_char")),
            "trained_by": "python -m training.compare_sentiment --write",
        },
    )
    return directory


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.compare_sentiment")
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--sources", default="allocine,xed-fr,xed-en", help="real train sets to add")
    parser.add_argument(
        "--dev-only", default="", help="sources scored on their development part but not fitted on"
    )
    parser.add_argument(
        "--share",
        default="",
        help="source=share,… a source's total weight as a multiple of the seed corpus's (default 1)",
    )
    parser.add_argument("--max-fit", type=int, default=0, help="cap on fit rows per real source (0: all)")
    parser.add_argument("--no-doc-expert", action="store_true", help="skip the document expert search")
    parser.add_argument("--write", action="store_true", help="write the winner into training/artifacts")
    parser.add_argument("--report-suffix", default="", help="appended to the report's file name")
    parser.add_argument(
        "--allocine-clauses", action="store_true", help="fit on Allociné reviews' clauses, not whole reviews"
    )
    parser.add_argument(
        "--docs-with-expert",
        action="store_true",
        help="with --on-shipped: Allociné dev documents read through the shipped document expert",
    )
    add_french_args(parser)
    args = parser.parse_args(argv)
    french = french_args(parser, args)
    named = [s for s in (*args.sources.split(","), *args.dev_only.split(",")) if s]
    bad = [s for s in named if not is_source(s)]
    if bad:
        parser.error(f"--sources/--dev-only: unknown {bad} (real: {', '.join(REAL_SOURCES)}; <stem>-<lang>)")
    if args.allocine_clauses and ("allocine" not in args.sources.split(",") or not args.no_doc_expert):
        parser.error("--allocine-clauses needs allocine among --sources and --no-doc-expert")
    if args.on_shipped and not args.no_doc_expert:
        parser.error("--on-shipped needs --no-doc-expert (the shipped document expert is kept)")
    if args.docs_with_expert and not args.on_shipped:
        parser.error("--docs-with-expert needs --on-shipped (the shipped expert belongs to the shipped head)")
    summary, best = compare(
        args.backend,
        tuple(s for s in args.sources.split(",") if s),
        args.max_fit or None,
        not args.no_doc_expert,
        tuple(s for s in args.dev_only.split(",") if s),
        parse_shares(parser, args.share),
        french,
        args.allocine_clauses,
        args.on_shipped,
        args.docs_with_expert,
    )
    out = write_report(
        f"sentiment_comparison_{backend_slug(summary['model_id'])}{args.report_suffix}.json", summary
    )
    print(f"best: {summary['best']} → {out}", file=sys.stderr)
    if args.write:
        on_disk = write_lang_blend(ARTIFACTS, best, summary) if args.on_shipped else write_best(best, summary)
        print(f"written to {on_disk}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
