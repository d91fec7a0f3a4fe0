"""What every embedding backend shares: the interface, the spec names, normalisation and thread count.

Kept apart from the backends so that a backend module never imports another one, and the registry is the
only module that knows them all.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

MINILM_NAME = "all-MiniLM-L6-v2"
USE_SPEC = "use-multilingual"
ST_PREFIX = "sentence-transformers:"
MINILM_SPEC = ST_PREFIX + MINILM_NAME
CONCAT_PREFIX = "concat:"
AUTO_SPEC = "auto"


@runtime_checkable
class Embedder(Protocol):
    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, rows L2-normalised."""
        ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def _threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def encode_unique(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Encode each distinct text once (feedback repeats itself: "Très bien", "Great service"), then
    scatter.
    """
    index: dict[str, int] = {}
    inverse = np.empty(len(texts), dtype=np.int64)
    uniques: list[str] = []
    for i, text in enumerate(texts):
        key = " ".join(text.split()).lower()
        j = index.get(key)
        if j is None:
            j = index[key] = len(uniques)
            uniques.append(text)
        inverse[i] = j
    if not uniques:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return embedder.encode(uniques)[inverse]
