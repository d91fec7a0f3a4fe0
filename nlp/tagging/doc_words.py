"""Word + character n-gram TF-IDF head over a whole document, for the document expert (issue 10, item 1).

Why a second TF-IDF head: the expert's own text head reads character 3–5-grams, which capture word stems but
not the word pairs that carry a review's verdict ("pas terrible", "sans plus", "rien à redire", "not worth",
"could be better"). This head reads the accent-folded text as word unigrams and bigrams *and* ``char_wb``
2–5-grams in one vocabulary (one TF-IDF, one L2 norm), as scikit-learn's ``TfidfVectorizer`` with that
analyzer fits it; it is stored as vocabulary + idf + logistic weights (no pickle) and applied with a
fixed-vocabulary count, which reproduces the fitted vectorizer exactly. It is fitted and chosen by
``python -m training.document_words`` on development documents and shipped as ``docsentiment-words-v1.npz``;
its score is mixed into the expert's score with the expert's ``word_weight``.

The same head class is also a language's own *unit* sentiment text head (``sentiment-words-<lang>-v1.npz``,
chosen by ``training.compare_sentiment --french-words [--blend-lang en]``, issue 10 R3–R6), with
``features="scoped_words"`` (:func:`scoped_word_features`: word unigrams marked when a negation precedes them,
word bigrams; shipped for French) or ``"scoped_word_char"`` (the same plus ``char_wb`` n-grams; shipped for
English): a character n-gram head reads "déçu" through n-grams it shares with "décor" and cannot tell "pas
déçu" from "très déçu".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np

from nlp.tagging.artifacts import ARTIFACT_VERSION, load_tfidf_head, logistic_proba, save_tfidf_head
from nlp.tagging.polarity_lexicon import NEGATION_WINDOW, is_negator
from nlp.text.folding import fold

WORDS_NAME = "docsentiment-words"
WORD_PREFIX = "w\u2063"  # word features are prefixed so that they never collide with a character n-gram
CHAR_RANGE = (2, 5)
_TOKEN = re.compile(r"\w+")
_SCOPED_TOKEN = re.compile(r"\w+(?:'t)?|[.,;:!?()\n]")
_SCOPE_ENDS = frozenset(".,;:!?()\n")
NEGATED = "\u00ac"  # marks a word inside a negation's scope: "pas déçu" reads "¬decu", not "decu"


@cache
def _char_wb(lo: int, hi: int) -> Callable[[str], list[str]]:
    from sklearn.feature_extraction.text import CountVectorizer

    analyzer: Callable[[str], list[str]] = CountVectorizer(
        analyzer="char_wb", ngram_range=(lo, hi)
    ).build_analyzer()
    return analyzer


def word_char_features(text: str, char_range: tuple[int, int] = CHAR_RANGE) -> list[str]:
    """Features of one document: folded word unigrams and bigrams (prefixed) and ``char_wb`` n-grams."""
    folded = fold(text)
    words = _TOKEN.findall(folded)
    feats = [WORD_PREFIX + w for w in words]
    feats += [f"{WORD_PREFIX}{a} {b}" for a, b in itertools.pairwise(words)]
    feats += _char_wb(*char_range)(folded)
    return feats


def scoped_word_features(text: str) -> list[str]:
    """Folded word unigrams, each marked with ``NEGATED`` when a negator ("pas", "jamais", "not", "n't", …)
    stands at most ``NEGATION_WINDOW`` words before it in the same clause (punctuation ends the scope), and
    plain word bigrams ("pas mal", "rien redire")."""
    words: list[str] = []
    feats: list[str] = []
    last: int | None = None  # position of the last negator in this clause
    for token in _SCOPED_TOKEN.findall(fold(text)):
        if token in _SCOPE_ENDS:
            last = None
            continue
        negator = is_negator(token)
        scoped = last is not None and len(words) - last <= NEGATION_WINDOW and not negator
        feats.append(WORD_PREFIX + (NEGATED if scoped else "") + token)
        if negator:
            last = len(words)
        words.append(token)
    feats += [f"{WORD_PREFIX}{a} {b}" for a, b in itertools.pairwise(words)]
    return feats


def scoped_word_char_features(text: str, char_range: tuple[int, int] = CHAR_RANGE) -> list[str]:
    """:func:`scoped_word_features` and the ``char_wb`` n-grams of :func:`word_char_features` in one list."""
    return scoped_word_features(text) + _char_wb(*char_range)(fold(text))


FEATURES: dict[str, Callable[..., list[str]]] = {
    "word_char": word_char_features,
    "scoped_words": scoped_word_features,
    "scoped_word_char": scoped_word_char_features,
}
_WITH_CHARS = frozenset({"word_char", "scoped_word_char"})


@dataclass(frozen=True)
class WordCharHead:
    """Logistic regression over the word (+ character) n-gram TF-IDF of a text; ``features`` names the
    analyzer in ``FEATURES`` (stored in the file; files without it are ``word_char``)."""

    classes: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray  # (n_classes, n_features); one row for a binary fit
    intercept: np.ndarray
    char_range: tuple[int, int] = CHAR_RANGE
    features: str = "word_char"

    @cached_property
    def _vectorizer(self) -> Any:
        from sklearn.feature_extraction.text import CountVectorizer

        analyzer = FEATURES[self.features]
        if self.features in _WITH_CHARS:
            analyzer = partial(analyzer, char_range=self.char_range)
        return CountVectorizer(  # a partial, not a lambda: the head stays picklable once used
            analyzer=analyzer,
            vocabulary={t: i for i, t in enumerate(self.vocabulary)},
            dtype=np.float64,
        )

    def transform(self, texts: Sequence[str]) -> Any:
        """TF-IDF rows exactly as the fitted ``TfidfVectorizer(sublinear_tf=True)`` gives them."""
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        x = self._vectorizer.transform(list(texts)).tocsr()
        x.data = np.log(x.data) + 1.0
        weighted = x.multiply(self.idf.astype(np.float64)).tocsr()
        inplace_csr_row_normalize_l2(weighted)
        return weighted

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return logistic_proba(
            np.asarray(self.transform(texts) @ self.coef.T.astype(np.float64)) + self.intercept
        )

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """p(positive) − p(negative) per document."""
        p = self.predict_proba(texts)
        return np.asarray(p[:, self.classes.index("positive")] - p[:, self.classes.index("negative")])

    def save(self, directory: Path, stem: str = WORDS_NAME) -> Path:
        """``<stem>-v1.npz`` (default: the document expert's word head)."""
        directory.mkdir(parents=True, exist_ok=True)
        arrays = (self.classes, self.vocabulary, self.idf, self.coef, self.intercept, self.char_range)
        extra = {"features": np.array(self.features)}
        return save_tfidf_head(directory / f"{stem}-{ARTIFACT_VERSION}.npz", arrays, "char_range", extra)

    @classmethod
    def load(cls, path: Path) -> WordCharHead:
        with np.load(path, allow_pickle=False) as data:
            features = str(data["features"]) if "features" in data.files else "word_char"
        if features not in FEATURES:
            raise ValueError(f"{path}: unknown word features {features!r} (known: {sorted(FEATURES)})")
        return cls(*load_tfidf_head(path, "char_range"), features=features)


def fit_word_char_head(
    texts: Sequence[str],
    labels: Sequence[str],
    weights: np.ndarray,
    c: float,
    min_df: int = 2,
    max_features: int | None = None,
    nb_alpha: float | None = None,
    features: str = "word_char",
) -> WordCharHead:
    """Fit the vectorizer and a class-balanced logistic regression (training side; scikit-learn).

    ``nb_alpha``: NB-SVM style (Wang & Manning 2012) — each TF-IDF feature is scaled by its log-count ratio
    r = log((α + Σ positive x) / ‖·‖₁) − log((α + Σ negative x) / ‖·‖₁) before the fit. The scaling is folded
    into the stored weights (coef · r), so the file and the scoring are those of a plain head."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(
        analyzer=FEATURES[features], sublinear_tf=True, min_df=min_df, max_features=max_features
    )
    x = vec.fit_transform(list(texts))
    y = np.asarray(labels)
    r = np.ones(x.shape[1])
    if nb_alpha is not None:
        p = nb_alpha + np.asarray(x[y == "positive"].sum(axis=0)).ravel()
        q = nb_alpha + np.asarray(x[y == "negative"].sum(axis=0)).ravel()
        r = np.log(p / p.sum()) - np.log(q / q.sum())
        x = x.multiply(np.abs(r)).tocsr()  # |r| scales; the sign is left to the fitted weights
        r = np.abs(r)
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit(x, y, sample_weight=weights)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    return WordCharHead(
        tuple(str(k) for k in model.classes_),
        tuple(vocab),
        vec.idf_.astype(np.float32),
        (model.coef_ * r).astype(np.float32),
        model.intercept_.astype(np.float32),
        features=features,
    )
