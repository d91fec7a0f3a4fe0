from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


class HashingEmbedder:
    """Fast stand-in embedder for unit tests: hashed bag of lower-cased words (+ a FR→EN toy lexicon so
    bilingual logic can be exercised without a model). Real models are covered by the few `slow` tests."""

    LEXICON = {
        "retard": "late",
        "colis": "parcel",
        "remboursement": "refund",
        "carte": "card",
        "bloquée": "blocked",
    }

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def model_id(self) -> str:
        return "test-hashing"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer

        norm = [" ".join(self.LEXICON.get(w, w) for w in t.lower().split()) for t in texts]
        x = HashingVectorizer(n_features=self._dim, alternate_sign=False, norm="l2").transform(norm).toarray()
        x[np.linalg.norm(x, axis=1) == 0, 0] = 1.0
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def use_embedder():
    from nlp.embeddings import get_embedder

    return get_embedder("use-multilingual")
