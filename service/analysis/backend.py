"""The contract between the analysis job and the NLP pipeline: two steps the job can checkpoint between.

``extract`` turns feedback items into tagged, embedded opinion units (segmentation, embeddings, stage /
sentiment / emotion / effort tagging). It runs in batches and its output is stored per batch, so a killed
worker resumes where it stopped. ``cluster`` groups the stored units into pain points and opportunities
with labels and quotes. The job owns storage, id stability and human edits; the backend stays pure.

The production backend adapts ``nlp/`` (``service.analysis.nlp_backend``); tests inject a small
deterministic one through ``service.analysis.backend_factory.set_backend_factory``. Records are the
pipeline's own ``nlp.pipeline.Record`` (``id`` = the feedback id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from nlp.pipeline import Record
from nlp.tagging.types import UnitTags

ClusterKind = Literal["pain", "opportunity"]


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


class StackedUnits(list[UnitForClustering]):
    """Units whose embeddings are the rows of one float32 ``matrix`` (the re-clustering selects them so): a
    backend can use the matrix as is instead of stacking a copy (2 KB a unit at 512 dimensions)."""

    def __init__(self, units: list[UnitForClustering], matrix: np.ndarray) -> None:
        super().__init__(units)
        self.matrix = matrix


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
    name: str = ""  # natural phrase (nlp.themes.naming), in the data's majority language
    names: dict[str, str] = field(default_factory=dict)  # language -> name, each language it has units in
    # parent theme (nlp.themes.hierarchy): its number among the themes of this kind, and its names;
    # None when the backend does not group
    theme: int | None = None
    theme_names: dict[str, str] = field(default_factory=dict)


class AnalysisBackend(Protocol):
    @property
    def model_id(self) -> str:
        """Embedding model id: units embedded with another model are re-extracted."""
        ...

    def extract(self, records: Sequence[Record]) -> list[ExtractedUnit]: ...

    def cluster(self, units: Sequence[UnitForClustering]) -> list[ClusterOut]: ...


# Unit vectors are stored as float16 after this 4-byte header (half the bytes of float32; measured on
# Banking77 in docs/benchmarks.md: clustering and nearest neighbours unchanged). The header is a float32 quiet
# NaN, which no stored float32 vector starts with, so blobs written before it (plain float32) still read.
F16_HEADER = b"\x16\x00\xc0\x7f"
_F16_MAX = float(np.finfo(np.float16).max)


def to_blob(vector: np.ndarray) -> bytes:
    """Full precision (float32): centroids, a few per pain point."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def to_compact_blob(vector: np.ndarray) -> bytes:
    """Half precision with its header: unit vectors, the bulk of the database."""
    values = np.clip(np.asarray(vector, dtype=np.float32), -_F16_MAX, _F16_MAX)
    return F16_HEADER + values.astype(np.float16).tobytes()


def compact_blobs(vectors: np.ndarray) -> list[bytes]:
    """``to_compact_blob`` of each row of a matrix, byte for byte, with one clip and one conversion for all
    (the extraction writes a batch's units at once)."""
    values = np.clip(np.asarray(vectors, dtype=np.float32), -_F16_MAX, _F16_MAX).astype(np.float16)
    return [F16_HEADER + row.tobytes() for row in values]


def vector(blob: bytes | None) -> np.ndarray:
    """Like ``from_blob`` for rows known to carry a vector (selected on it)."""
    out = from_blob(blob)
    if out is None:
        raise ValueError("row has no stored vector")
    return out


def from_blob(blob: bytes | None) -> np.ndarray | None:
    """A stored vector as float32, whichever way it was written (``to_blob`` or ``to_compact_blob``)."""
    if not blob:
        return None
    if blob[:4] == F16_HEADER:
        return np.frombuffer(blob, dtype=np.float16, offset=4).astype(np.float32)
    return np.frombuffer(blob, dtype=np.float32)
