"""An embedder wrapper that remembers vectors by text (the encoders are deterministic functions of the text).

``python -m bench`` uses it so the determinism re-run does not pay for a second encoder pass;
``bench.sentiment`` and the training tools use :class:`CachedEmbedder`, the same with an on-disk cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nlp.embeddings import Embedder
from nlp.tagging.artifacts import backend_slug

CACHE_DIR = Path(__file__).resolve().parents[1] / "training" / ".cache"


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


class CachedEmbedder(Recording):
    """Remembers vectors across runs (training/.cache, git-ignored): before/after comparisons re-tag the same
    texts, and the encoders are deterministic functions of the text."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.path = CACHE_DIR / f"bench-{backend_slug(inner.model_id)}.npz"
        self.dirty = False
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as data:
                self.memory = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        known = len(self.memory)
        out = super().encode(texts)
        self.dirty = self.dirty or len(self.memory) > known
        return out.astype(np.float32)

    def save(self) -> None:
        if self.dirty:
            CACHE_DIR.mkdir(exist_ok=True)
            np.savez(
                self.path, texts=np.array(list(self.memory)), vectors=np.stack(list(self.memory.values()))
            )
