"""Spec string → embedder: one table of backends, and the one place ``auto`` is resolved.

A spec is either a backend's full name (``use-multilingual``) or a prefix ending in ``:`` followed by its
argument (``sentence-transformers:<name or path>``, ``concat:<spec>+<spec>``). :data:`BACKENDS` maps that
name or prefix to a factory, so a new backend is one module and one entry here, not another branch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from nlp.embeddings._base import (
    AUTO_SPEC,
    CONCAT_PREFIX,
    MINILM_SPEC,
    ST_PREFIX,
    USE_SPEC,
    Embedder,
)
from nlp.embeddings.concat import ConcatEmbedder
from nlp.embeddings.st import SentenceTransformerEmbedder
from nlp.embeddings.use import UseEmbedder

# In auto mode, French (or other non-English) share of items above which the cross-lingual space is required.
AUTO_MAX_NON_ENGLISH = 0.02

# (argument after the prefix, batch size) -> embedder. The argument is "" for a spec without a prefix.
BackendFactory = Callable[[str, int], Embedder]


def _use(arg: str, batch_size: int) -> Embedder:
    # USE micro-batches by token budget itself; its own chunk size only bounds memory, so batch_size is
    # not passed on.
    return UseEmbedder()


def _sentence_transformers(arg: str, batch_size: int) -> Embedder:
    name = arg.strip()
    if not name:
        raise ValueError("embedding_backend: 'sentence-transformers:' needs a model name or local path")
    return SentenceTransformerEmbedder(name, batch_size=batch_size)


def _concat(arg: str, batch_size: int) -> Embedder:
    return ConcatEmbedder([get_embedder(s, batch_size) for s in arg.split("+")])


BACKENDS: dict[str, BackendFactory] = {
    USE_SPEC: _use,
    ST_PREFIX: _sentence_transformers,
    CONCAT_PREFIX: _concat,
}


def _split_spec(spec: str) -> tuple[str, str]:
    """(key in BACKENDS, argument): ``sentence-transformers:x`` → (``sentence-transformers:``, ``x``)."""
    head, sep, arg = spec.partition(":")
    return head + sep, arg


def check_spec(spec: str) -> str:
    """``spec`` stripped, or ``ValueError`` naming the rule, without loading anything: a typo in a command
    line must be refused before the file is read and a model loaded (``concat:`` checks each part)."""
    spec = spec.strip()
    if spec == AUTO_SPEC:
        return spec
    key, arg = _split_spec(spec)
    if key not in BACKENDS:
        raise ValueError(
            f"unknown spec {spec!r}; expected 'auto', 'use-multilingual' or "
            "'sentence-transformers:<model name or local path>'"
        )
    if key != USE_SPEC and not arg.strip():
        raise ValueError(f"{key!r} needs a model name or local path")
    if key == CONCAT_PREFIX:
        for part in arg.split("+"):
            if part.strip() == AUTO_SPEC:
                raise ValueError("'auto' cannot be a part of 'concat:'")
            check_spec(part)
    return spec


def resolve_spec(spec: str, languages: Sequence[str] | None = None) -> str:
    """Turn ``auto`` into a concrete spec; any other spec passes through (stripped).

    With ``languages`` (the CLI and the benchmark: one corpus read up front) ``auto`` is MiniLM when at most
    :data:`AUTO_MAX_NON_ENGLISH` of the items are French, else the multilingual USE. Without them (the
    service: a workspace's languages are not known up front, and all its stored units and centroids must
    stay in one space, so a French review arriving in an English-only workspace must not switch models)
    ``auto`` is always the multilingual USE. An empty corpus gets USE as well.
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
    if spec == AUTO_SPEC:
        raise ValueError(
            "embedding_backend: 'auto' must be resolved with resolve_spec(spec, languages) first"
        )
    key, arg = _split_spec(spec)
    factory = BACKENDS.get(key)
    if factory is None:
        raise ValueError(
            f"embedding_backend: unknown spec {spec!r}; expected 'use-multilingual', 'auto' or "
            "'sentence-transformers:<model name or local path>'"
        )
    return factory(arg, batch_size)
