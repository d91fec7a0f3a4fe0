"""An embedder wrapper that remembers vectors by text (the encoders are deterministic functions of the text).

``python -m bench`` uses it so the determinism re-run does not pay for a second encoder pass;
``bench.sentiment`` extends it with an on-disk cache.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.embeddings import Embedder


class Recording:
    """Wraps an embedder and remembers vectors, so the determinism re-run does not pay for a second encoder
    pass (the encoders are deterministic functions; clustering and labelling are what the re-run checks)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.memory: dict[str, np.ndarray] = {}

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memory]
        if missing:
            self.memory.update(zip(missing, self.inner.encode(missing), strict=True))
        return np.vstack([self.memory[t] for t in texts]) if texts else self.inner.encode([])
