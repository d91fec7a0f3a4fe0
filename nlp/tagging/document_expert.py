"""A document-level sentiment expert blended into the document rule (issue 10, long French reviews).

The document rule (:func:`nlp.tagging.aggregate.document_polarities`) judges a document by the mean score of
its clauses, and each clause is read alone: a long review that praises the actors and pans the plot, or whose
verdict is carried by irony spread over sentences, is read clause by clause. The expert reads the document as
a whole, cheaply: a linear head on the *mean of its units' embeddings* (vectors the pipeline already holds, no
second encoder pass), optionally blended with a character n-gram TF-IDF head on the document's full text. Its
score p(positive) − p(negative) is mixed into the rule's mean unit score with weight ``blend``, for documents
of at least ``min_units`` units; everything else in the rule (no polar unit → neutral, the factual band) is
unchanged, so a factual ticket is still neutral.

Trained and chosen on development documents by ``python -m training.compare_sentiment --write``
(``training/document_expert.py``); shipped as ``docsentiment-v1.npz`` (+ ``docsentiment-text-v1.npz``) next
to the unit heads. No file: the rule alone, as before. A word + character n-gram TF-IDF head of the document
(``nlp/tagging/doc_words.py``, ``docsentiment-words-v1.npz``, chosen by ``python -m training.document_words``)
may be mixed into the expert's score with ``word_weight``; without that file the expert is as it was.
It is applied to text only: with a rating or NPS the
unit scores already carry the rating prior (``nlp/tagging/fusion.py``) and the expert is not mixed in. For the
same text-only documents, a grade the writer states in the text ("Ma note : 2/5",
``nlp/tagging/stated_score.py``) is the verdict, with or without an expert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.tagging.aggregate import DOCUMENT_RULE, DocumentRule, document_polarities, sentiment_signs
from nlp.tagging.artifacts import ARTIFACT_VERSION, TextHead, _softmax, read_linear, save_linear
from nlp.tagging.doc_words import WORDS_NAME, WordCharHead
from nlp.tagging.stated_score import stated_polarities
from nlp.tagging.types import Sentiment, UnitTags

EXPERT_NAME = "docsentiment"
CLASSES = ("negative", "neutral", "positive")
_LABELS: dict[int, Sentiment] = {-1: "negative", 0: "neutral", 1: "positive"}


@dataclass(frozen=True)
class DocumentExpert:
    """Logistic head over a document's mean unit embedding (⊕ TF-IDF of its text), and how it is blended."""

    classes: tuple[str, ...]
    coef: np.ndarray  # (n_classes, dim)
    intercept: np.ndarray
    model_id: str
    blend: float  # share of the expert's score in the document score
    min_units: int = 2  # documents with fewer units keep the rule alone
    text_weight: float = 0.0  # share of the TF-IDF head inside the expert
    text: TextHead | None = None
    word_weight: float = 0.0  # share of the word + char TF-IDF head in the expert's score
    words: WordCharHead | None = None

    def proba(self, mean_embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, 3) probabilities in CLASSES order."""
        x = np.asarray(mean_embeddings, dtype=np.float32)
        p = _softmax(x @ self.coef.T + self.intercept)
        if self.text is not None and self.text_weight > 0:
            pt = self.text.predict_proba(list(texts))[:, [self.text.classes.index(c) for c in self.classes]]
            p = (1.0 - self.text_weight) * p + self.text_weight * pt
        return np.asarray(p[:, [self.classes.index(c) for c in CLASSES]])

    def score(self, mean_embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        p = self.proba(mean_embeddings, texts)
        s = np.asarray(p[:, 2] - p[:, 0])
        if self.words is not None and self.word_weight > 0:
            s = (1.0 - self.word_weight) * s + self.word_weight * self.words.score(texts)
        return s

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{EXPERT_NAME}-{ARTIFACT_VERSION}.npz"
        save_linear(
            path,
            self.classes,
            self.coef,
            self.intercept,
            self.model_id,
            blend=self.blend,
            min_units=self.min_units,
            text_weight=self.text_weight,
            word_weight=self.word_weight if self.words is not None else 0.0,
        )
        words_path = directory / f"{WORDS_NAME}-{ARTIFACT_VERSION}.npz"
        if self.words is not None:
            self.words.save(directory)
        elif words_path.exists():
            words_path.unlink()
        text_path = directory / f"{EXPERT_NAME}-text-{ARTIFACT_VERSION}.npz"
        if self.text is not None:
            TextHead(EXPERT_NAME, *_text_fields(self.text)).save(directory)
        elif text_path.exists():
            text_path.unlink()
        return path


def _text_fields(t: TextHead) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    return t.classes, t.vocabulary, t.idf, t.coef, t.intercept


def load_document_expert(directory: Path, expected_model_id: str) -> DocumentExpert | None:
    """The expert shipped in ``directory`` for this embedding space, or None (no file: the rule alone)."""
    path = directory / f"{EXPERT_NAME}-{ARTIFACT_VERSION}.npz"
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        classes, coef, intercept = read_linear(data, path, expected_model_id)
        text_path = directory / f"{EXPERT_NAME}-text-{ARTIFACT_VERSION}.npz"
        words_path = directory / f"{WORDS_NAME}-{ARTIFACT_VERSION}.npz"
        words = WordCharHead.load(words_path) if words_path.exists() else None
        # Files written before the word head carry no word_weight: the expert as it was.
        word_weight = float(data["word_weight"]) if "word_weight" in data.files else 0.0
        return DocumentExpert(
            classes=classes,
            coef=coef,
            intercept=intercept,
            model_id=expected_model_id,
            blend=float(data["blend"]),
            min_units=int(data["min_units"]),
            text_weight=float(data["text_weight"]),
            text=TextHead.load(text_path) if text_path.exists() else None,
            word_weight=word_weight if words is not None else 0.0,
            words=words,
        )


def mean_rows(vectors: np.ndarray, rows: np.ndarray, n_docs: int) -> np.ndarray:
    """Mean vector of each document's units (zeros for a document without units)."""
    r = np.asarray(rows, dtype=np.int64)
    out = np.zeros((n_docs, vectors.shape[1]), dtype=np.float64)
    np.add.at(out, r, vectors)
    count = np.bincount(r, minlength=n_docs)[:n_docs]
    return np.asarray(out / np.maximum(count, 1)[:, None], dtype=np.float32)


def blended_polarities(
    unit_polarity: np.ndarray | Sequence[int],
    unit_score: np.ndarray | Sequence[float],
    rows: np.ndarray | Sequence[int],
    n_docs: int,
    expert_score: np.ndarray | None,
    blend: float,
    min_units: int,
    use_expert: np.ndarray | None = None,
    rule: DocumentRule = DOCUMENT_RULE,
) -> np.ndarray:
    """The document rule with the expert's score mixed into the mean unit score (``blend``) for documents
    of at least ``min_units`` units (and ``use_expert``, e.g. no rating); −1 / 0 / +1 per document."""
    r = np.asarray(rows, dtype=np.int64)
    if expert_score is None or blend <= 0:
        return document_polarities(unit_polarity, unit_score, r, n_docs, rule)
    score = np.asarray(unit_score, dtype=np.float64)
    count = np.bincount(r, minlength=n_docs)[:n_docs]
    mean = np.bincount(r, weights=score, minlength=n_docs)[:n_docs] / np.maximum(count, 1)
    apply = count >= min_units
    if use_expert is not None:
        apply &= np.asarray(use_expert, dtype=bool)
    target = np.where(apply, (1.0 - blend) * mean + blend * np.asarray(expert_score), mean)
    # Shifting every unit of a document by (target − mean) moves its mean to target and leaves the rest of
    # the rule (which units are polar, the opinion share) as it was: one rule, one implementation.
    shifted = score + (target - mean)[r]
    return document_polarities(unit_polarity, shifted, r, n_docs, rule)


def document_sentiments(
    tags: Sequence[Sequence[UnitTags]],
    embeddings: Sequence[np.ndarray],
    texts: Sequence[str],
    expert: DocumentExpert | None,
    use_expert: Sequence[bool] | None = None,
) -> list[Sentiment]:
    """Each document's sentiment from its units' tags and raw embeddings ``(n_units_i, dim)`` and its text:
    the rule of :func:`nlp.tagging.aggregate.document_sentiment`, with the expert when one is shipped."""
    rows = np.array([d for d, units in enumerate(tags) for _ in units], dtype=np.int64)
    flat = [t for units in tags for t in units]
    vectors = [np.asarray(e) for e in embeddings if len(e)]
    stacked = np.concatenate(vectors) if vectors else np.zeros((0, 1), dtype=np.float32)
    return document_sentiments_flat(flat, rows, len(tags), stacked, texts, expert, use_expert)


def document_sentiments_flat(
    tags: Sequence[UnitTags],
    rows: np.ndarray,
    n_docs: int,
    embeddings: np.ndarray,
    texts: Sequence[str],
    expert: DocumentExpert | None,
    use_expert: Sequence[bool] | np.ndarray | None = None,
) -> list[Sentiment]:
    """:func:`document_sentiments` over flat unit columns (``rows``: each unit's document; ``texts``: one per
    document), as the pipeline holds them: the expert reads only the documents it applies to."""
    r = np.asarray(rows, dtype=np.int64)
    pol = sentiment_signs([t.sentiment for t in tags]).astype(np.int64)
    score = np.array([t.sentiment_score for t in tags], dtype=np.float64)
    text_only = np.ones(n_docs, dtype=bool) if use_expert is None else np.asarray(use_expert, dtype=bool)
    if expert is None or expert.blend <= 0 or not n_docs:
        verdict = document_polarities(pol, score, r, n_docs)
    else:
        apply = (np.bincount(r, minlength=n_docs)[:n_docs] >= expert.min_units) & text_only
        pick = np.flatnonzero(apply)
        expert_score = np.zeros(n_docs)
        if pick.size:
            keep = apply[r]
            means = mean_rows(np.asarray(embeddings, dtype=np.float32)[keep], r[keep], n_docs)[pick]
            expert_score[pick] = expert.score(means, [texts[i] for i in pick.tolist()])
        verdict = blended_polarities(
            pol, score, r, n_docs, expert_score, expert.blend, expert.min_units, apply
        )
    # A grade the writer states in the text is the verdict (text-only documents; nlp/tagging/stated_score.py).
    stated = np.zeros(n_docs, dtype=np.int8)
    read = np.flatnonzero(text_only)  # a rated document's verdict is its rating's: its text is not scanned
    if read.size:
        stated[read] = stated_polarities([texts[i] for i in read.tolist()])
    verdict = np.where(stated != 0, stated, verdict)
    return [_LABELS[int(v)] for v in verdict]
