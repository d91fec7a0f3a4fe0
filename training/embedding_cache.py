"""Embed training texts once per backend (a local cache; re-embedding 1.5k units takes seconds, but evaluation
on the real sets embeds several thousand long complaints)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nlp.embeddings import Embedder, get_embedder
from nlp.tagging.artifacts import backend_slug

CACHE_DIR = Path(__file__).resolve().parent / ".cache"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed(texts: Sequence[str], embedder: Embedder, cache: bool = True) -> np.ndarray:
    if not cache:
        return embedder.encode(list(texts))
    CACHE_DIR.mkdir(exist_ok=True)
    path = CACHE_DIR / f"{backend_slug(embedder.model_id)}.npz"
    stored: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path, allow_pickle=False) as data:
            stored = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = [_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in stored}.items())
    if missing:
        vectors = embedder.encode([t for _, t in missing])
        stored.update({k: v for (k, _), v in zip(missing, vectors, strict=True)})
        np.savez(
            path, keys=np.array(list(stored)), vectors=np.stack(list(stored.values())).astype(np.float32)
        )
    if not keys:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([stored[k] for k in keys]).astype(np.float32)


def load_embedder(spec: str) -> Embedder:
    return get_embedder(spec)
