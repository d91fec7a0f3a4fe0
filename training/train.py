"""Train the tagging heads and write versioned artifacts with a model card.

    python -m training.train all                      # every head, default backend, shipped artifacts
    python -m training.train stage                    # one head (stage|sentiment|emotion|effort)
    python -m training.train all --backend "sentence-transformers:all-MiniLM-L6-v2"
    python -m training.train all --from-csv labels.csv --out models/acme   # a customer's own labels

Heads are scikit-learn logistic regressions on the unit embeddings (plus a few bilingual lexical indicators
for effort), exported as arrays (nlp/tagging/artifacts.py). The regularisation strength is chosen by 5-fold
cross-validation on the training split only; the held-out split is touched once, to report the figures that go
into the model card. Everything is seeded, so re-running reproduces the shipped artifacts and their metrics.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from nlp.embeddings import Embedder
from nlp.tagging.artifacts import ARTIFACT_VERSION, HEAD_NAMES, LinearHead, TextHead, backend_slug
from nlp.tagging.effort_cues import EFFORT_TYPES
from nlp.tagging.features import build_features
from nlp.tagging.prototypes import build_prototypes, save_prototypes
from nlp.tagging.taxonomy import load_default_taxonomy
from nlp.text.folding import fold
from training.corpus import Unit, load_label_csv, load_seed, split
from training.embedding_cache import embed, load_embedder

ARTIFACTS_ROOT = Path(__file__).resolve().parent / "artifacts"
SEED = 13
C_GRID = (2.0, 8.0, 32.0)
TEXT_WEIGHTS = (0.0, 0.3, 0.5)
TEXT_C = 8.0
PRIOR_WEIGHTS = (0.0, 0.2, 0.35)
HEADS = ("stage", "sentiment", "emotion", "effort")
STAGE_UNKNOWN_THRESHOLD = 0.35

# (label getter, uses lexical features, fixed classes or None)
Getter = Callable[[Unit], str | None]


def _effort_label(u: Unit) -> str | None:
    if u.effort is None:
        return None
    return "effort" if u.effort else "no_effort"


SPECS: dict[str, tuple[Getter, bool]] = {
    "stage": (lambda u: u.stage, False),
    "sentiment": (lambda u: u.sentiment, True),
    "emotion": (lambda u: u.emotion, False),
    "effort": (_effort_label, True),
    "effort_type": (lambda u: u.effort_type if u.effort else None, True),
}


def _logreg(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=3000, tol=1e-3, class_weight="balanced", random_state=SEED)


def fit_text_head(name: str, texts: Sequence[str], y: np.ndarray) -> TextHead:
    vec = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, dtype=np.float64
    )
    a = vec.fit_transform([fold(t) for t in texts])
    model = _logreg(TEXT_C).fit(a, y)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    return TextHead(
        name=name,
        classes=tuple(str(c) for c in model.classes_),
        vocabulary=tuple(vocab),
        idf=vec.idf_.astype(np.float32),
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
    )


def _macro_f1(y: np.ndarray, classes: np.ndarray, p: np.ndarray) -> float:
    return float(f1_score(y, classes[p.argmax(axis=1)], average="macro", zero_division=0))


def fit_head(
    name: str,
    units: Sequence[Unit],
    vectors: np.ndarray,
    model_id: str,
    search: bool = True,
    prior: np.ndarray | None = None,
) -> tuple[LinearHead, TextHead | None, dict[str, Any]]:
    """Choose (C, text blend weight, prior weight) by stratified 3-fold CV on the training rows, then refit.

    ``prior``: optional training-free probabilities per unit row (columns in sorted class order) — the stage
    prototypes of the default taxonomy — blended as ``(1 - wp) * model + wp * prior``.
    ``search=False`` skips the CV and the companions (C=8): only for fast tests of the plumbing."""
    getter, lexical = SPECS[name]
    idx = [i for i, u in enumerate(units) if getter(u) is not None]
    y = np.array([getter(units[i]) for i in idx])
    if len(set(y)) < 2:
        raise ValueError(f"{name}: need at least two classes among labelled rows, got {sorted(set(y))}")
    texts = [units[i].text for i in idx]
    x = build_features(vectors[idx], texts, lexical)
    min_class = min(Counter(y).values())
    best_c, best_w, best_wp, best_score = 8.0, 0.0, 0.0, None
    prior_rows = prior[idx] if prior is not None else None
    prior_weights = PRIOR_WEIGHTS if prior_rows is not None else (0.0,)
    if search and min_class >= 3:
        folds = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED).split(x, y))
        text_p = []
        for tr, va in folds:
            th = fit_text_head(name, [texts[i] for i in tr], y[tr])
            text_p.append(th.predict_proba([texts[i] for i in va]))
        for c in C_GRID:
            emb_p = [_logreg(c).fit(x[tr], y[tr]).predict_proba(x[va]) for tr, va in folds]
            classes = np.array(sorted(set(y)))
            for w in TEXT_WEIGHTS:
                for wp in prior_weights:
                    scores = []
                    for (_, va), pe, pt in zip(folds, emb_p, text_p, strict=True):
                        p = (1 - w) * pe + w * pt
                        if wp > 0 and prior_rows is not None:
                            p = (1 - wp) * p + wp * prior_rows[va]
                        scores.append(_macro_f1(y[va], classes, p))
                    score = float(np.mean(scores))
                    if best_score is None or score > best_score + 1e-9:
                        best_c, best_w, best_wp, best_score = c, w, wp, score
    model = _logreg(best_c).fit(x, y)
    text_head = fit_text_head(name, texts, y) if best_w > 0 else None
    head = LinearHead(
        name=name,
        classes=tuple(str(c) for c in model.classes_),
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        model_id=model_id,
        uses_lexical=lexical,
        text_weight=best_w,
        prior_weight=best_wp,
    )
    info: dict[str, Any] = {
        "C": best_c,
        "text_weight": best_w,
        "prototype_weight": best_wp,
        "cv_f1_macro": None if best_score is None else round(best_score, 4),
        "n_train": len(idx),
        "train_counts": dict(Counter(y.tolist())),
    }
    return head, text_head, info


def blended_proba(
    head: LinearHead,
    text_head: TextHead | None,
    vectors: np.ndarray,
    texts: Sequence[str],
    prior: np.ndarray | None = None,
) -> np.ndarray:
    p = head.predict_proba(build_features(vectors, texts, head.uses_lexical, head.uses_polarity))
    if text_head is not None and head.text_weight > 0:
        pt = text_head.predict_proba(texts)[:, [text_head.classes.index(c) for c in head.classes]]
        p = (1 - head.text_weight) * p + head.text_weight * pt
    if prior is not None and head.prior_weight > 0:
        p = (1 - head.prior_weight) * p + head.prior_weight * prior
    return np.asarray(p)


def heldout_metrics(
    head: LinearHead,
    text_head: TextHead | None,
    units: Sequence[Unit],
    vectors: np.ndarray,
    name: str,
    prior: np.ndarray | None = None,
) -> dict[str, Any]:
    getter, _ = SPECS[name]
    idx = [i for i, u in enumerate(units) if getter(u) is not None]
    if not idx:
        return {}
    y = np.array([getter(units[i]) for i in idx])
    p = blended_proba(
        head, text_head, vectors[idx], [units[i].text for i in idx], None if prior is None else prior[idx]
    )
    pred = np.array(head.classes)[p.argmax(axis=1)]
    out: dict[str, Any] = {
        "n": len(idx),
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro", zero_division=0)), 4),
    }
    langs = np.array([units[i].lang for i in idx])
    for lang in sorted(set(langs)):
        m = langs == lang
        out[f"macro_f1_{lang}"] = round(float(f1_score(y[m], pred[m], average="macro", zero_division=0)), 4)
    return out


def train(
    heads: Sequence[str],
    embedder: Embedder,
    units: Sequence[Unit],
    out_dir: Path,
    backend_spec: str,
    data_desc: dict[str, Any],
    search: bool = True,
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    train_units, held_units = split(units)
    x_train = embed([u.text for u in train_units], embedder)
    x_held = embed([u.text for u in held_units], embedder)
    card_path = out_dir / "model_card.json"
    card: dict[str, Any] = json.loads(card_path.read_text()) if card_path.exists() else {}
    card.update(
        {
            "artifact_version": ARTIFACT_VERSION,
            "embedding_backend": backend_spec,
            "embedding_model_id": embedder.model_id,
            "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
            "seed": SEED,
            "data": data_desc,
            "split": {
                "train": len(train_units),
                "heldout": len(held_units),
                "rule": "sha1(group or text) % 100 < 20",
            },
            "stage_unknown_threshold": STAGE_UNKNOWN_THRESHOLD,
            "effort_types": list(EFFORT_TYPES),
        }
    )
    card.setdefault("heads", {})
    names = [h for name in heads for h in ((name, "effort_type") if name == "effort" else (name,))]
    # Stage prototypes of the default taxonomy (training-free): a third expert for the stage head, used only
    # when the labels are exactly the default stages (a customer CSV with its own stages trains without).
    taxonomy = load_default_taxonomy()
    stage_labels = {u.stage for u in train_units if u.stage}
    prototypes = (
        build_prototypes(taxonomy, embedder.encode) if stage_labels == set(taxonomy.stage_ids) else None
    )
    order = [taxonomy.stage_ids.index(s) for s in sorted(taxonomy.stage_ids)]
    priors = (
        {
            "train": prototypes.probabilities(x_train)[:, order],
            "held": prototypes.probabilities(x_held)[:, order],
        }
        if prototypes is not None
        else {}
    )
    stale_proto = out_dir / f"stage-prototypes-{ARTIFACT_VERSION}.npz"
    if prototypes is not None:
        save_prototypes(prototypes, embedder.model_id, taxonomy.fingerprint(), stale_proto)
    elif stale_proto.exists():
        stale_proto.unlink()
    for name in names:
        prior = priors.get("train") if name == "stage" else None
        try:
            head, text_head, info = fit_head(
                name, train_units, x_train, embedder.model_id, search=search, prior=prior
            )
        except ValueError as exc:
            print(f"skip {name}: {exc}", file=sys.stderr)
            continue
        path = head.save(out_dir)
        stale = out_dir / f"{name}-text-{ARTIFACT_VERSION}.npz"
        if text_head is not None:
            text_head.save(out_dir)
        elif stale.exists():
            stale.unlink()
        info["heldout"] = heldout_metrics(
            head, text_head, held_units, x_held, name, priors.get("held") if name == "stage" else None
        )
        info["classes"] = list(head.classes)
        info["features"] = (
            ("embedding + lexical cues" if head.uses_lexical else "embedding")
            + (f" ⊕ char n-gram TF-IDF (w={head.text_weight})" if text_head is not None else "")
            + (f" ⊕ taxonomy prototypes (w={head.prior_weight})" if head.prior_weight > 0 else "")
        )
        info["file"] = path.name
        card["heads"][name] = info
        print(f"{name}: held-out {info['heldout']}  (C={info['C']})", file=sys.stderr)
    _complete_from_shipped(out_dir, embedder.model_id, card)
    card_path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "model_card.md").write_text(render_card(card), encoding="utf-8")
    return card


def _complete_from_shipped(out_dir: Path, model_id: str, card: dict[str, Any]) -> None:
    """A tagger needs every head: heads a customer file could not train (no emotion labels, say) are copied
    from the shipped artifacts of the same embedding space, and the card says so."""
    shipped = ARTIFACTS_ROOT / backend_slug(model_id)
    if shipped.resolve() == out_dir.resolve():
        return
    for name in HEAD_NAMES:
        if (out_dir / f"{name}-{ARTIFACT_VERSION}.npz").exists():
            continue
        source = shipped / f"{name}-{ARTIFACT_VERSION}.npz"
        if not source.exists():
            print(f"warning: no {name} head trained or shipped for {model_id}", file=sys.stderr)
            continue
        shutil.copy2(source, out_dir / source.name)
        text = shipped / f"{name}-text-{ARTIFACT_VERSION}.npz"
        if text.exists():
            shutil.copy2(text, out_dir / text.name)
        shipped_card = (
            json.loads((shipped / "model_card.json").read_text())
            if (shipped / "model_card.json").exists()
            else {}
        )
        info = dict(shipped_card.get("heads", {}).get(name, {}))
        info["copied_from"] = str(shipped.relative_to(ARTIFACTS_ROOT.parent.parent))
        card["heads"][name] = info
        print(f"{name}: not trainable from these labels, copied the shipped head", file=sys.stderr)


def render_card(card: dict[str, Any]) -> str:
    lines = [
        f"# Tagging model card ({card['artifact_version']})",
        "",
        f"- Embedding backend: `{card['embedding_backend']}` — model id `{card['embedding_model_id']}` "
        "(the artifacts refuse to load against any other model id)",
        f"- Trained: {card['trained_at']}, seed {card['seed']}, scikit-learn LogisticRegression "
        "(class_weight=balanced; C and the TF-IDF blend weight by 3-fold CV on the training split)",
        f"- Data: {json.dumps(card['data'], ensure_ascii=False)}",
        f"- Split: {card['split']['train']} train / {card['split']['heldout']} held-out "
        f"({card['split']['rule']})",
        f"- Stage `unknown` below a top probability of {card['stage_unknown_threshold']}",
        "",
        "| head | features | classes | C | held-out n | accuracy | macro-F1 | macro-F1 EN | macro-F1 FR |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, h in card.get("heads", {}).items():
        m = h.get("heldout", {})
        lines.append(
            f"| {name} | {h['features']} | {len(h.get('classes', []))} | {h.get('C', '')} | "
            f"{m.get('n', '')} | "
            f"{m.get('accuracy', '')} | {m.get('macro_f1', '')} | "
            f"{m.get('macro_f1_en', '')} | {m.get('macro_f1_fr', '')} |"
        )
    lines += [
        "",
        "Full evaluation (confusion matrices, real data sets): training/reports/ and docs/benchmarks.md.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, default_heads: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    if default_heads is None:
        parser.add_argument("heads", nargs="?", default="all", choices=[*HEADS, "all"])
    parser.add_argument("--backend", default="use-multilingual", help="embedding backend spec")
    parser.add_argument("--from-csv", type=Path, help="CSV of your own labels (see training/README.md)")
    parser.add_argument("--no-seed", action="store_true", help="with --from-csv: train on your labels only")
    parser.add_argument(
        "--out", type=Path, help="output directory (default training/artifacts/<backend-slug>)"
    )
    args = parser.parse_args(argv)
    heads = (
        list(default_heads)
        if default_heads is not None
        else (list(HEADS) if args.heads == "all" else [args.heads])
    )

    units: list[Unit] = []
    data_desc: dict[str, Any] = {}
    if not (args.from_csv and args.no_seed):
        seed = load_seed()
        units += seed
        data_desc["seed_corpus"] = {
            "rows": len(seed),
            "languages": dict(Counter(u.lang for u in seed)),
            "files": "training/data/seed_*.jsonl (written by the Frictionmap project)",
        }
    if args.from_csv:
        try:
            custom = load_label_csv(args.from_csv)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        units += custom
        data_desc["customer_csv"] = {"file": args.from_csv.name, "rows": len(custom)}
    embedder = load_embedder(args.backend)
    out_dir = args.out or ARTIFACTS_ROOT / backend_slug(embedder.model_id)
    if args.from_csv and args.out is None:
        out_dir = ARTIFACTS_ROOT / "custom" / backend_slug(embedder.model_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    train(heads, embedder, units, out_dir, args.backend, data_desc)
    print(f"artifacts written to {out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
