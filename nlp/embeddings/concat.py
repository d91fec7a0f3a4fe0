"""``concat:<spec>+<spec>``: several spaces side by side, kept for the benchmark comparison.

Concatenating USE and MiniLM was measured and is worse than MiniLM alone on English (docs/benchmarks.md),
which is why ``auto`` picks one space instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.embeddings._base import Embedder, _normalise


class ConcatEmbedder:
    """Concatenation of normalised spaces (each weighted equally), kept for the benchmark comparison."""

    def __init__(self, parts: Sequence[Embedder]) -> None:
        self._parts = list(parts)

    @property
    def model_id(self) -> str:
        return "concat(" + ",".join(p.model_id for p in self._parts) + ")"

    @property
    def dim(self) -> int:
        return sum(p.dim for p in self._parts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return _normalise(np.hstack([p.encode(texts) for p in self._parts]))
