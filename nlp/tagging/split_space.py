"""A tagger over two embedding spaces: the stage in the pipeline's space, sentiment (partly) from another.

Why (issue 10, docs/benchmarks.md "English sentiment in the USE space under auto"): for an English corpus
``auto`` embeds with MiniLM, chosen for clustering (Banking77 V 0.81 vs 0.73 with USE) and better for the
stage (known irritants EN 0.875 vs 0.781), but the shipped sentiment heads read XED's English lines better in
the USE space (3-class 0.7826 vs 0.7604), while MiniLM reads the seed corpus's English customer feedback
better (USE calls many plain complaints neutral). So the stage, emotion and effort are read from the
pipeline's MiniLM vectors by that space's tagger, and the sentiment probabilities are a mix of that tagger's
and the USE tagger's over USE vectors this tagger encodes itself from the unit texts (one USE pass per unit,
about 7× cheaper than the MiniLM pass the pipeline already paid). The share and the aspects were chosen on
development data (training/split_space_dev.py). Under ``auto`` (the CLI's default) only the units whose
MiniLM sentiment is uncertain get the mix and are encoded in USE (:meth:`SplitSpaceTagger.gated`, branch
i10-gate: a convex mix can only move an outcome the first head is unsure of; the gate too was chosen on
development data).

The contract, coupling by coupling:
- ``model_id`` is the *pipeline's* space (the vectors ``tag`` receives), so extract.py's refusal of a tagger
  trained on another space than the embedder's still holds; ``polar_model_id`` names the second space, and
  the second tagger must match the vectors it is given (checked at construction).
- ``tag`` assembles the tags by the single-space rules (nlp/tagging/unit_tags.py): emotion is gated by the
  sentiment that was fused here (the mix, then the rating), whichever space each came from.
- ``sentiment_proba`` (the generic head of the per-workspace adaptation, nlp/pipeline/adapt.py) mixes the
  same way: the second space over its own vectors of the texts, the pipeline space's over the vectors it is
  handed (the clustering vectors, as for the single-space tagger), the gate included (one rule: it reads the
  pipeline space's probabilities of the vectors each call is handed). The adapted head itself is fitted on the
  vectors the caller holds (MiniLM): it is the corpus's own head, not a shipped one.
- ``document_expert`` is the pipeline space's (it reads the mean of the units' pipeline vectors, as analyze.py
  hands them over); chosen against the USE expert on development data.
- Candidate threshold: English was calibrated in both spaces (training/reports/candidates.json) and the mix
  keeps its XED EN dev recall at 0.20 above 0.90 with the one-SE margin (w 0.25: ungated 0.921, gated 0.918 ±
  0.008; w 0.5, gate 0.6: 0.928), so ``PAIN_CANDIDATE_MAX_SCORE`` applies unchanged.
- The service never builds one (service/analysis/nlp_backend.py loads a single-space tagger, and its ``auto``
  is USE): its stored tags, re-tagging and adaptation read one space. Nor does an explicitly named embedding
  backend (:func:`sentiment_space_for`), so the CLI and the service agree whenever they name the same one.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embeddings import (
    AUTO_SPEC,
    MINILM_SPEC,
    USE_SPEC,
    Embedder,
    check_spec,
    encode_unique,
    get_embedder,
)
from nlp.tagging.artifacts import ModelMismatchError
from nlp.tagging.document_expert import DocumentExpert
from nlp.tagging.tagger import EmbeddingTagger, check_batch, gather_probabilities, load_tagger
from nlp.tagging.taxonomy import Taxonomy
from nlp.tagging.types import UnitTags
from nlp.tagging.unit_tags import assemble_tags
from nlp.tagging.verdict_cues import CUE_SHIFTS, CueShifts

MOVABLE = ("sentiment", "emotion", "effort")


class SplitSpaceTagger:
    """Stage from ``primary`` (the pipeline's space); the ``moved`` aspects from ``polar`` over vectors
    ``polar_embedder`` encodes from the unit texts (once per batch: ``tag`` and the ``*_proba`` methods of the
    same texts share them)."""

    def __init__(
        self,
        primary: EmbeddingTagger,
        polar: EmbeddingTagger,
        polar_embedder: Embedder,
        moved: Collection[str] = ("sentiment",),
        sentiment_weight: float = 1.0,
        sentiment_gate: float | None = None,
    ) -> None:
        if not 0.0 < sentiment_weight <= 1.0:
            raise ValueError(f"sentiment_weight must be in (0, 1], got {sentiment_weight}")
        if sentiment_gate is not None and not 0.0 < sentiment_gate <= 1.0:
            raise ValueError(f"sentiment_gate must be in (0, 1] or None, got {sentiment_gate}")
        unknown = sorted(set(moved) - set(MOVABLE))
        if unknown or "sentiment" not in moved:
            raise ValueError(f"moved aspects must include sentiment, within {MOVABLE}; got {sorted(moved)}")
        if polar.model_id != polar_embedder.model_id:
            raise ValueError(
                f"second space: tagger trained on {polar.model_id!r} but vectors from "
                f"{polar_embedder.model_id!r}"
            )
        self.primary = primary
        self.polar = polar
        self._embedder = polar_embedder
        self.moved = frozenset(moved)
        self.sentiment_weight = sentiment_weight
        self.sentiment_gate = sentiment_gate
        self._cache: tuple[dict[str, int], np.ndarray] | None = None

    @property
    def model_id(self) -> str:
        return self.primary.model_id

    @property
    def polar_model_id(self) -> str:
        return self.polar.model_id

    @property
    def taxonomy(self) -> Taxonomy:
        return self.primary.taxonomy

    @property
    def card(self) -> dict[str, Any]:
        return self.primary.card

    @property
    def document_expert(self) -> DocumentExpert | None:
        return self.primary.document_expert

    def polar_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' vectors in the second space; the last encoded batch's are kept, so ``tag`` then the
        adaptation's ``sentiment_proba`` over the same texts (or any part of them) encode once."""
        cache = self._cache  # read once: another thread may replace it
        if cache is not None:
            index, known = cache
            rows = [index.get(t, -1) for t in texts]
            if -1 not in rows:
                return known[np.asarray(rows, dtype=np.int64)]
        vectors = encode_unique(self._embedder, texts)
        self._cache = ({t: i for i, t in enumerate(texts)}, vectors)
        return vectors

    def gated(self, own: np.ndarray) -> np.ndarray:
        """Which units get the second opinion: all without a gate; with one, those whose pipeline-space
        (text-only) sentiment is uncertain, its top-class probability below ``sentiment_gate``. The rest keep
        the pipeline space's probabilities and are never encoded in the second space (issue 10: a convex mix
        can only move an outcome the first head is unsure of, and the second encoder pass is the cost)."""
        if self.sentiment_gate is None:
            return np.ones(own.shape[0], dtype=bool)
        return np.asarray(own.max(axis=1) < self.sentiment_gate)

    def _space(
        self, aspect: str, embeddings: np.ndarray, texts: Sequence[str]
    ) -> tuple[EmbeddingTagger, Any]:
        if aspect in self.moved:
            return self.polar, self.polar_vectors(texts)
        return self.primary, embeddings

    def stage_proba(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str] | None = None
    ) -> tuple[list[str], np.ndarray]:
        return self.primary.stage_proba(texts, embeddings, languages)

    def sentiment_proba(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        languages: Sequence[str] | None = None,
        shifts: CueShifts = CUE_SHIFTS,
    ) -> np.ndarray:
        """The second space's sentiment probabilities over the texts' own vectors in that space, mixed with
        the pipeline space's (over ``embeddings``) at ``1 − sentiment_weight``; at weight 1 the
        ``embeddings`` are not read (the adaptation hands over the clustering vectors). ``languages`` (the
        units' own) reach both spaces' heads (a per-language blend where a head has one); the shifts
        both spaces' (each is shifted before the gate and the mix, as ``tag`` reads them)."""
        own = self.primary.sentiment_proba(texts, embeddings, languages, shifts) if self._reads_own else None
        return self._mixed(own, texts, languages, shifts)

    @property
    def _reads_own(self) -> bool:
        return self.sentiment_weight < 1.0 or self.sentiment_gate is not None

    def _mixed(
        self,
        own: np.ndarray | None,
        texts: Sequence[str],
        languages: Sequence[str] | None = None,
        shifts: CueShifts = CUE_SHIFTS,
    ) -> np.ndarray:
        """The one rule ``tag`` and ``sentiment_proba`` share: the gated units (:meth:`gated`, over the
        pipeline space's probabilities of the vectors each was handed) get the mix, the rest ``own``."""
        if own is None:
            return self.polar.sentiment_proba(texts, self.polar_vectors(texts), languages, shifts)
        rows = np.flatnonzero(self.gated(own))
        out = np.array(own, dtype=np.float64, copy=True)
        if rows.size:
            sub = [texts[i] for i in rows.tolist()]
            langs = None if languages is None else [languages[i] for i in rows.tolist()]
            other = self.polar.sentiment_proba(sub, self.polar_vectors(sub), langs, shifts)
            w = self.sentiment_weight
            out[rows] = (1.0 - w) * out[rows] + w * other
        return out

    def emotion_proba(
        self, texts: Sequence[str], embeddings: np.ndarray
    ) -> tuple[tuple[str, ...], np.ndarray]:
        tagger, vectors = self._space("emotion", embeddings, texts)
        return tagger.emotion_proba(texts, vectors)

    def effort_proba(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        tagger, vectors = self._space("effort", embeddings, texts)
        return tagger.effort_proba(texts, vectors)

    def tag(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        languages: Sequence[str],
        ratings: Sequence[float | None] | None = None,
        nps: Sequence[int | None] | None = None,
    ) -> list[UnitTags]:
        check_batch(texts, embeddings, languages, ratings, nps)
        if not texts:
            return []
        p = gather_probabilities(
            texts,
            languages,
            stage=(self.primary, embeddings),
            polar=(self.primary, embeddings),
            emotion=self._space("emotion", embeddings, texts),
            effort=self._space("effort", embeddings, texts),
        )
        own = p.sentiment if self._reads_own else None
        p = replace(p, sentiment=self._mixed(own, texts, languages))
        return assemble_tags(texts, p, ratings, nps)


SENTIMENT_SPACE_AUTO = "auto"
SENTIMENT_SPACE_SAME = "same"
# The CLI's default since the gate (docs/benchmarks.md, "a gated second opinion for English sentiment"):
# ungated, the second encoder pass made tagging add 25.7 % to the warm pipeline's wall time on short English
# queries (Banking77; target 25 %); gated (:data:`AUTO_SENTIMENT_GATE`), about half the units are encoded
# and tagging adds about half as much. ``same`` (one space, as the service) stays a setting.
DEFAULT_SENTIMENT_SPACE = SENTIMENT_SPACE_AUTO
# ``auto``: the space ``auto`` embedded with → the space its sentiment is read in, where measured better
# (docs/benchmarks.md, "English sentiment in the USE space under auto"). A space not listed keeps its heads.
AUTO_POLAR_SPACE: dict[str, str] = {MINILM_SPEC: USE_SPEC}
# What ``auto`` moves, chosen on development data (same section; training/reports/split_space_dev*.json):
# sentiment only (emotion read better in MiniLM), mixed with the MiniLM head's at this share of the USE head
# (the share that raised XED EN dev without lowering the seed corpus's held-out English units). The
# selection is re-run whenever either head is refitted: 0.25, then 0.5 after the USE head's written review
# units ("written review units", round 5), then 0.25 again after both heads' written messages (section
# "written product reviews and messages to brands": at 0.5 the seed English units fall below MiniLM alone),
# then 0.5 after both heads' English word heads (R6: best mean of XED EN dev and seed English, both above
# MiniLM alone).
AUTO_MOVED: tuple[str, ...] = ("sentiment",)
AUTO_SENTIMENT_WEIGHT = 0.5
# ... and only for the units whose MiniLM sentiment is uncertain (top-class probability below this; the others
# keep MiniLM's and are never encoded in USE): the cheapest gate of round 3 (training/split_space_dev.py
# --gates; docs/benchmarks.md, "a gated second opinion") whose dev 3-class figures stay within 0.003 of the
# ungated mix (re-chosen at 0.5, at 0.25, and at 0.5 after R6: still 0.6). It sends 40-50 % of the short
# Banking77 queries' units to USE instead of all of them.
AUTO_SENTIMENT_GATE = 0.6
EmbedderGetter = Callable[[str], Embedder]


def sentiment_space_for(embedding_spec: str | Embedder, setting: str = DEFAULT_SENTIMENT_SPACE) -> str:
    """The sentiment-space setting a run gets: ``auto`` stays ``auto`` only when the embedding spec is itself
    ``auto`` (the per-corpus choice of the CLI and the benches); a backend named explicitly (or an embedder
    object) reads every aspect in its own space, as the service does with any backend."""
    if setting.strip() == SENTIMENT_SPACE_AUTO and not (
        isinstance(embedding_spec, str) and embedding_spec.strip() == AUTO_SPEC
    ):
        return SENTIMENT_SPACE_SAME
    return setting.strip()


def check_sentiment_space(setting: str) -> str:
    """``setting`` stripped, or ``ValueError`` naming the rule (nothing loaded): ``same``, ``auto`` or an
    embedding spec other than ``auto``."""
    setting = setting.strip()
    if setting in (SENTIMENT_SPACE_SAME, SENTIMENT_SPACE_AUTO):
        return setting
    if not setting:
        raise ValueError("expected 'same', 'auto' or an embedding spec, got ''")
    try:
        return check_spec(setting)
    except ValueError as exc:
        raise ValueError(f"expected 'same', 'auto' or an embedding spec: {exc}") from exc


def polar_space_spec(setting: str, pipeline_model_id: str, get: EmbedderGetter | None = None) -> str | None:
    """The spec of the space sentiment is read in, or None for the pipeline's own space.

    ``setting``: ``auto`` (the measured default: :data:`AUTO_POLAR_SPACE`), ``same`` (one space, as before),
    or an embedding spec (``use-multilingual``, ``sentence-transformers:…``)."""
    setting = setting.strip()
    if setting == SENTIMENT_SPACE_SAME:
        return None
    if setting == SENTIMENT_SPACE_AUTO:
        return AUTO_POLAR_SPACE.get(pipeline_model_id)
    if not setting:
        raise ValueError("sentiment space: expected 'auto', 'same' or an embedding spec")
    return None if (get or get_embedder)(setting).model_id == pipeline_model_id else setting


def load_split_tagger(
    primary: EmbeddingTagger,
    setting: str,
    models_dir: Path | str | None = None,
    moved: Collection[str] | None = None,
    get: EmbedderGetter | None = None,
) -> EmbeddingTagger | SplitSpaceTagger:
    """``primary`` (the pipeline space's tagger) itself, or a :class:`SplitSpaceTagger` reading sentiment in
    the space ``setting`` names (:func:`polar_space_spec`): under ``auto`` mixed with the pipeline space's at
    :data:`AUTO_SENTIMENT_WEIGHT` for the units below :data:`AUTO_SENTIMENT_GATE`, a space named explicitly
    alone (every unit). Under ``auto``, a second space without artifacts in ``models_dir`` keeps the single
    space (with a warning); one named explicitly must have them.
    ``get``: spec → embedder (default ``get_embedder``; the benches pass a cached one)."""
    spec = polar_space_spec(setting, primary.model_id, get)
    if spec is None:
        return primary
    embedder = (get or get_embedder)(spec)
    try:
        polar = load_tagger(models_dir, embedder.model_id, taxonomy=primary.taxonomy, encode=embedder.encode)
    except ModelMismatchError as exc:
        if setting.strip() != SENTIMENT_SPACE_AUTO:
            raise
        warnings.warn(f"sentiment read in the pipeline's space: {exc}", stacklevel=2)
        return primary
    if setting.strip() == SENTIMENT_SPACE_AUTO:
        weight, gate = AUTO_SENTIMENT_WEIGHT, AUTO_SENTIMENT_GATE
    else:
        weight, gate = 1.0, None
    return SplitSpaceTagger(primary, polar, embedder, AUTO_MOVED if moved is None else moved, weight, gate)
