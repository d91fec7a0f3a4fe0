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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, overload

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
    # The sentiment adaptation's text-only inputs (``nlp_backend.adaptation_inputs``), None without a tagger.
    text_sentiment_proba: np.ndarray | None = None
    text_features: np.ndarray | None = None


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


class StackedUnits(Sequence[UnitForClustering]):
    """Units as columns (issue 14, 1M items): one ``matrix`` of vectors (row i = unit i; float16 as stored,
    or float32) and one list or array per field, instead of a Python object per unit with its own vector.

    At 1.3M units a ``UnitForClustering`` per unit, its strings and a float32 row cost ~3 KB a unit; here
    it is the float16 row (1 KB at 512 dimensions) plus the ids and the text. Repeated values (language,
    sentiment, stage) share one string object. ``units[i]`` still builds the unit (embedding widened to
    float32, exactly), for backends that read objects; the production backend reads the columns."""

    def __init__(
        self,
        matrix: np.ndarray,
        unit_ids: list[str],
        feedback_ids: list[str],
        texts: list[str],
        languages: list[str],
        sentiments: list[str | None],
        scores: np.ndarray,
        stages: list[str | None],
        confidences: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
    ) -> None:
        self.matrix = matrix
        self.unit_ids, self.feedback_ids, self.texts = unit_ids, feedback_ids, texts
        self.languages, self.sentiments, self.stages = languages, sentiments, stages
        self.scores, self.confidences = scores, confidences  # float64, NaN = none stored
        self.starts, self.ends = starts, ends

    @classmethod
    def from_units(cls, units: Sequence[UnitForClustering]) -> StackedUnits:
        """Columns of unit objects (their vectors stacked as float32)."""
        dim = units[0].embedding.shape[0] if units else 0
        matrix = np.vstack([u.embedding for u in units]).astype(np.float32) if units else np.zeros((0, dim))
        return cls(
            matrix,
            [u.unit_id for u in units],
            [u.feedback_id for u in units],
            [u.text for u in units],
            [u.language for u in units],
            [u.sentiment for u in units],
            _floats([u.sentiment_score for u in units]),
            [u.stage for u in units],
            _floats([u.stage_confidence for u in units]),
            np.array([u.start for u in units], dtype=np.int64),
            np.array([u.end for u in units], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.unit_ids)

    @overload
    def __getitem__(self, i: int) -> UnitForClustering: ...

    @overload
    def __getitem__(self, i: slice) -> list[UnitForClustering]: ...

    def __getitem__(self, i: int | slice) -> UnitForClustering | list[UnitForClustering]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return UnitForClustering(
            self.unit_ids[i],
            self.feedback_ids[i],
            self.texts[i],
            self.languages[i],
            self.sentiments[i],
            self.score(i),
            self.stages[i],
            self.confidence(i),
            np.asarray(self.matrix[i], dtype=np.float32),
            int(self.starts[i]),
            int(self.ends[i]),
        )

    def score(self, i: int) -> float | None:
        v = float(self.scores[i])
        return None if math.isnan(v) else v

    def confidence(self, i: int) -> float | None:
        v = float(self.confidences[i])
        return None if math.isnan(v) else v

    def key(self, i: int) -> tuple[str, int, int]:
        """(item, span): what identifies a unit across re-extractions."""
        return (self.feedback_ids[i], int(self.starts[i]), int(self.ends[i]))


def _floats(values: Sequence[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)


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

    @property
    def tagger_revision(self) -> str | None:
        """What wrote the tags (``nlp.tagging.revision``): units tagged by another tagger are re-extracted;
        None (no tagger, or a backend that does not track it) compares nothing."""
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


def _half(values: np.ndarray) -> np.ndarray:
    """Float32 values clipped into half precision's range, as half precision: what a unit blob holds."""
    return np.clip(np.asarray(values, dtype=np.float32), -_F16_MAX, _F16_MAX).astype(np.float16)


def to_compact_blob(vector: np.ndarray) -> bytes:
    """Half precision with its header: unit vectors, the bulk of the database."""
    return F16_HEADER + _half(vector).tobytes()


def compact_blobs(vectors: np.ndarray) -> list[bytes]:
    """``to_compact_blob`` of each row of a matrix, byte for byte, with one clip and one conversion for all
    (the extraction writes a batch's units at once)."""
    return [F16_HEADER + row.tobytes() for row in _half(vectors)]


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """The rows as ``vector`` reads them back after ``compact_blobs`` (float32 of the half values)."""
    return _half(vectors).astype(np.float32)


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
