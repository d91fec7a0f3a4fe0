"""What the analysis job needs from the NLP pipeline, as two steps the job can checkpoint between.

``extract`` turns feedback items into tagged, embedded opinion units (segmentation, embeddings, stage /
sentiment / emotion / effort tagging). It runs in batches and its output is stored per batch, so a killed
worker resumes where it stopped. ``cluster`` groups the stored units into pain points and opportunities
with labels and quotes. The job owns storage, id stability and human edits; the backend stays pure.

The production backend adapts ``nlp/`` (``service.analysis.nlp_backend``); tests inject a small
deterministic one through :func:`set_backend_factory`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

import numpy as np

from nlp.tagging.taxonomy import Taxonomy, load_default_taxonomy
from nlp.tagging.types import UnitTags
from service.settings import Settings

ClusterKind = Literal["pain", "opportunity"]


@dataclass(frozen=True)
class SourceRecord:
    feedback_id: str
    text: str
    language: str
    rating: float | None = None
    nps: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class ExtractedUnit:
    feedback_id: str
    start: int
    end: int
    text: str
    language: str
    tags: UnitTags
    embedding: np.ndarray


@dataclass(frozen=True)
class UnitForClustering:
    """A stored unit handed back to the clustering step."""

    unit_id: str
    feedback_id: str
    text: str
    language: str
    sentiment: str | None
    sentiment_score: float | None
    stage: str | None
    stage_confidence: float | None
    embedding: np.ndarray
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class ClusterOut:
    kind: ClusterKind
    members: list[int]  # indices into the units given to ``cluster``
    label: str
    centroid: np.ndarray
    keyphrases: list[str] = field(default_factory=list)
    quotes: list[int] = field(default_factory=list)  # indices into the units, best first
    stage: str | None = None
    stage_confidence: float | None = None
    stage_runner_up: str | None = None


class AnalysisBackend(Protocol):
    @property
    def model_id(self) -> str:
        """Embedding model id: units embedded with another model are re-extracted."""
        ...

    def extract(self, records: Sequence[SourceRecord]) -> list[ExtractedUnit]: ...

    def cluster(self, units: Sequence[UnitForClustering]) -> list[ClusterOut]: ...


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
    from service.analysis.nlp_backend import NlpBackend

    _cache[key] = backend = NlpBackend.from_settings(settings, taxonomy)
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return backend


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector(blob: bytes | None) -> np.ndarray:
    """Like ``from_blob`` for rows known to carry a vector (selected on it)."""
    out = from_blob(blob)
    if out is None:
        raise ValueError("row has no stored vector")
    return out


def from_blob(blob: bytes | None) -> np.ndarray | None:
    if not blob:
        return None
    return np.frombuffer(blob, dtype=np.float32)
