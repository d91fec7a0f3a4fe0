"""Which analysis backend a workspace gets: the nlp/ pipeline, or one a test swapped in.

Kept apart from the contract (``backend.py``) and the production backend (``nlp_backend.py``) so that
neither imports the other in a cycle.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Callable

from nlp.tagging.taxonomy import Taxonomy, load_default_taxonomy
from nlp.text.segmentation import split_units_batch
from service.analysis.backend import AnalysisBackend
from service.analysis.nlp_backend import NlpBackend
from service.settings import Settings

BackendFactory = Callable[[Settings], AnalysisBackend]
_factory: BackendFactory | None = None
# Bounded: one entry per (embedding setting, taxonomy content) in use; the embedder itself is shared through
# nlp.embeddings.registry' own cache, so an entry costs only the tagging heads and stage prototypes.
_CACHE_SIZE = 32
_cache: OrderedDict[str, AnalysisBackend] = OrderedDict()


def set_backend_factory(factory: BackendFactory | None) -> None:
    """Swap the backend (tests, notebooks); ``None`` restores the nlp/ pipeline."""
    global _factory
    _factory = factory
    _cache.clear()


def _settle_models() -> None:
    """Load both segmentation pipelines now, then move every object alive (the models: encoder, tagging
    heads, spaCy vocabularies) out of the cyclic garbage collector's reach with ``gc.freeze``.

    Why: each full collection walked those ~400k long-lived objects again, 7% of an extraction batch's CPU
    on short texts (issue 14, docs/benchmarks.md); they never become garbage while the worker lives. Frozen
    objects are still freed by reference counting; only reference cycles among them would stay, and models
    held by the backend cache have none to collect. Outputs do not depend on it."""
    split_units_batch(["Bonjour. Merci.", "Hello. Thanks."], ["fr", "en"])
    gc.collect()
    gc.freeze()


def get_backend(settings: Settings, taxonomy: Taxonomy | None = None) -> AnalysisBackend:
    """The backend for a workspace: its taxonomy decides the stages units are tagged with.

    Cached per process by embedding setting and taxonomy content hash, since loading models is the expensive
    part and many workspaces share the default taxonomy. A factory set by tests gets the settings only.
    """
    if _factory is not None:
        return _factory(settings)
    taxonomy = taxonomy or load_default_taxonomy()
    key = f"{settings.embedding_backend}|{settings.models_dir}|{taxonomy.fingerprint()}"
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    _cache[key] = backend = NlpBackend.from_settings(settings, taxonomy)
    _settle_models()
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return backend
