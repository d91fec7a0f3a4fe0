"""The production analysis backend: ``nlp/`` segmentation, embeddings, tagger, clustering and labelling.

It calls the same building blocks as ``nlp.pipeline.analyze_records`` (segmentation, embeddings, tagger,
``contextualize``, clustering, labelling) but in the two steps the job
checkpoints between (extract per batch, then cluster everything stored), so a large workspace is not
re-embedded when a worker restarts.

Without trained tagging artifacts for the configured embedding model, units get provisional tags from the
item's rating (the pipeline's own rule: low or missing rating → complaint candidate, high → praise, middle →
neither) with stage ``unknown``; the job still runs and says so in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from nlp.embeddings.registry import AUTO_SPEC, USE_SPEC, Embedder, encode_unique, get_embedder
from nlp.pipeline import contextualize
from nlp.tagging.artifacts import ModelMismatchError
from nlp.tagging.tagger import load_tagger
from nlp.tagging.taxonomy import Taxonomy
from nlp.tagging.types import UNKNOWN_STAGE, Tagger, UnitTags
from nlp.text.language import detect_language
from nlp.text.segmentation import split_units_batch
from nlp.themes.clustering import ClusterParams, cluster_units
from nlp.themes.labelling import label_clusters
from service.analysis.backend import ClusterOut, ExtractedUnit, SourceRecord, UnitForClustering
from service.settings import Settings

logger = logging.getLogger(__name__)


def service_spec(spec: str) -> str:
    """The embedding spec the service uses for ``embedding_backend``: ``auto`` means the multilingual USE.

    The CLI's ``auto`` picks a space from the languages of the one file it reads; a workspace's languages are
    not known up front, and all its stored units and centroids must stay in one space (a French review
    arriving in an English-only workspace would otherwise switch models and re-embed everything).
    """
    spec = spec.strip()
    return USE_SPEC if spec == AUTO_SPEC else spec


def _load_tagger(settings: Settings, embedder: Embedder, taxonomy: Taxonomy | None) -> Tagger | None:
    try:
        tagger: Tagger = load_tagger(
            settings.models_dir, embedder.model_id, taxonomy=taxonomy, encode=embedder.encode
        )
        return tagger
    except (ModelMismatchError, FileNotFoundError, ValueError) as exc:
        logger.warning(
            "no tagging artifacts for %s (%s): rating-based provisional tags", embedder.model_id, exc
        )
        return None


def provisional_tags(rating: float | None, nps: int | None) -> UnitTags:
    """Tags from the item's score alone, for when no trained tagger matches the embedding model."""
    if rating is not None:
        polarity = -1 if rating <= 2 else (1 if rating >= 4 else 0)
    elif nps is not None:
        polarity = -1 if nps <= 6 else (1 if nps >= 9 else 0)
    else:
        polarity = -1  # unrated feedback channels (tickets, complaints) are mostly complaints
    sentiment = {-1: "negative", 0: "neutral", 1: "positive"}[polarity]
    return UnitTags(
        stage=UNKNOWN_STAGE,
        stage_confidence=0.0,
        sentiment=sentiment,  # type: ignore[arg-type]
        sentiment_score=0.5 * polarity,
        emotion=None,
        emotion_confidence=0.0,
        effort=False,
        effort_type=None,
    )


class NlpBackend:
    def __init__(
        self, embedder: Embedder, tagger: Tagger | None, params: ClusterParams | None = None
    ) -> None:
        self.embedder = embedder
        self.tagger = tagger
        self.params = params

    @classmethod
    def from_settings(cls, settings: Settings, taxonomy: Taxonomy | None = None) -> NlpBackend:
        """``taxonomy``: the workspace's journey (None = the default); units are tagged with its stages."""
        embedder = get_embedder(service_spec(settings.embedding_backend), settings.embedding_batch_size)
        return cls(embedder, _load_tagger(settings, embedder, taxonomy))

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    def extract(self, records: Sequence[SourceRecord]) -> list[ExtractedUnit]:
        langs = [r.language if r.language in ("fr", "en") else detect_language(r.text) for r in records]
        spans = split_units_batch([r.text for r in records], langs)
        rows = [i for i, sp in enumerate(spans) for _ in sp]
        flat = [u for sp in spans for u in sp]
        if not flat:
            return []
        texts = [u.text for u in flat]
        unit_langs = [langs[r] for r in rows]
        emb = encode_unique(self.embedder, texts)
        if self.tagger is not None:
            ratings = [records[r].rating for r in rows]
            nps = [records[r].nps for r in rows]
            tags = self.tagger.tag(
                texts,
                emb,
                unit_langs,
                ratings=ratings if any(x is not None for x in ratings) else None,
                nps=nps if any(x is not None for x in nps) else None,
            )
        else:
            tags = [provisional_tags(records[r].rating, records[r].nps) for r in rows]
        # Stored vectors live in the pipeline's clustering space (unit nudged towards its item's mean), so
        # clustering, centroids, incremental assignment and split all compare like with like. Tags above were
        # computed on the raw vectors, as the tagger was trained.
        ctx = contextualize(emb, np.asarray(rows, dtype=np.int64), len(records))
        return [
            ExtractedUnit(records[r].feedback_id, u.start, u.end, u.text, lang, tag, ctx[i])
            for i, (r, u, lang, tag) in enumerate(zip(rows, flat, unit_langs, tags, strict=True))
        ]

    def cluster(self, units: Sequence[UnitForClustering]) -> list[ClusterOut]:
        if not units:
            return []
        emb = np.vstack([u.embedding for u in units]).astype(np.float32)
        texts = [u.text for u in units]
        langs = [u.language for u in units]
        out: list[ClusterOut] = []
        for kind, sentiment in (("pain", "negative"), ("opportunity", "positive")):
            idx = np.array([i for i, u in enumerate(units) if u.sentiment == sentiment], dtype=np.int64)
            if idx.size < 2:
                continue
            clustering = cluster_units(emb[idx], self.params)
            labels = label_clusters(
                [texts[i] for i in idx],
                [langs[i] for i in idx],
                clustering.labels,
                emb[idx],
                clustering.centroids,
            )
            for lab in labels:
                members = idx[clustering.labels == lab.cluster]
                out.append(
                    ClusterOut(
                        kind=kind,  # type: ignore[arg-type]
                        members=[int(m) for m in members],
                        label=lab.label,
                        centroid=clustering.centroids[lab.cluster],
                        keyphrases=list(lab.keyphrases),
                        quotes=[int(idx[q]) for q in lab.quotes],
                    )
                )
        return out
