"""The production analysis backend: the nlp/ pipeline's steps, with the job's storage between them.

``extract`` is ``nlp.pipeline.extract_units`` over one batch of stored items (the job commits per batch, so a
restarted worker does not re-embed a large workspace); ``cluster`` is ``nlp.pipeline.cluster_themes`` and
``theme_tags`` over every stored unit in scope. This is the only module of ``service/`` that calls pipeline
steps. Without trained tagging artifacts for the embedding model, units are stored with provisional tags from
the item's score (``nlp.pipeline.score_polarity``, the CLI's rule) and stage ``unknown``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from nlp.embeddings import Embedder, get_embedder, resolve_spec
from nlp.phases import phase
from nlp.pipeline import RatingScale, Record, cluster_themes, extract_units, provisional_tags, theme_tags
from nlp.pipeline.extract import candidate_polarities
from nlp.pipeline.themes import group_themes
from nlp.tagging.aggregate import sentiment_signs
from nlp.tagging.artifacts import ModelMismatchError
from nlp.tagging.features import text_columns
from nlp.tagging.revision import tagger_revision
from nlp.tagging.tagger import load_tagger, sentiment_reader
from nlp.tagging.taxonomy import Taxonomy
from nlp.tagging.types import UNKNOWN_STAGE, Tagger, UnitTags
from nlp.themes.clustering import ClusterParams
from service.analysis.backend import ClusterOut, ExtractedUnit, StackedUnits, UnitForClustering, as_stored
from service.settings import Settings

logger = logging.getLogger(__name__)
# Ratings are validated as 1–5 stars at ingest (``FeedbackIn.rating``); NPS answers have their own field.
SERVICE_RATING_SCALE: RatingScale = 5


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


def _stored_tags(units: StackedUnits, i: int) -> UnitTags:
    """What the stage vote needs of a stored unit (stage probabilities are not stored: hard label ×
    confidence)."""
    return UnitTags(
        stage=units.stages[i] or UNKNOWN_STAGE,
        stage_confidence=units.confidence(i) or 0.0,
        sentiment=units.sentiments[i] or "neutral",  # type: ignore[arg-type]
        sentiment_score=units.score(i) or 0.0,
        emotion=None,
        emotion_confidence=0.0,
        effort=False,
        effort_type=None,
    )


def adaptation_inputs(
    tagger: Tagger | None,
    texts: Sequence[str],
    vectors: np.ndarray,
    languages: Sequence[str] | None = None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """What the sentiment adaptation reads of each unit besides its vector, computed as it would compute them:
    the generic head's text probabilities on the vector *as stored* (half precision, read back as float32)
    and the text's lexical/polarity columns. Stored with the unit so that each analysis of a rated workspace
    does not re-analyse every unit's text; here they cost one more pass of the sentiment head, the text
    analysis being the batch's that tagging just did (cached per batch). (None, None) without a tagger
    that has a sentiment head."""
    proba = sentiment_reader(tagger, languages)  # the units' languages: a per-language blend applies
    if proba is None or len(texts) == 0:
        return None, None
    return np.asarray(proba(list(texts), as_stored(vectors)), dtype=np.float64), text_columns(list(texts))


class NlpBackend:
    def __init__(
        self,
        embedder: Embedder,
        tagger: Tagger | None,
        params: ClusterParams | None = None,
        tagger_revision: str | None = None,
    ) -> None:
        self.embedder = embedder
        self.tagger = tagger
        self.params = params
        self.tagger_revision = tagger_revision if tagger is not None else None

    @classmethod
    def from_settings(cls, settings: Settings, taxonomy: Taxonomy | None = None) -> NlpBackend:
        """``taxonomy``: the workspace's journey (None = the default); units are tagged with its stages.

        ``auto`` resolves without languages: a workspace's languages are not known up front, and its stored
        vectors and centroids must all stay in one space (``nlp.embeddings.registry.resolve_spec``)."""
        embedder = get_embedder(resolve_spec(settings.embedding_backend), settings.embedding_batch_size)
        tagger = _load_tagger(settings, embedder, taxonomy)
        revision = tagger_revision(settings.models_dir, embedder.model_id) if tagger is not None else None
        return cls(embedder, tagger, tagger_revision=revision)

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    def extract(self, records: Sequence[Record]) -> list[ExtractedUnit]:
        units = extract_units(records, self.embedder, self.tagger, rating_scale=SERVICE_RATING_SCALE)
        # Stored vectors are the clustering space (``units.vectors``), so clustering, centroids, incremental
        # assignment and split compare like with like; the tags were computed on the raw vectors.
        proba, features = adaptation_inputs(self.tagger, units.texts, units.vectors, units.languages)
        out = []
        for i, row in enumerate(units.rows):
            tags = units.tags[i] if units.tags is not None else provisional_tags(int(units.polarity[i]))
            out.append(
                ExtractedUnit(
                    str(records[row].id),
                    units.starts[i],
                    units.ends[i],
                    units.texts[i],
                    units.languages[i],
                    tags,
                    units.vectors[i],
                    proba[i] if proba is not None else None,
                    features[i] if features is not None else None,
                )
            )
        return out

    def cluster(self, units: Sequence[UnitForClustering]) -> list[ClusterOut]:
        if not units:
            return []
        # Columns (the re-clustering selects them so; other callers' objects are stacked once): the matrix
        # may be float16 as stored, every step widens what it reads (nlp.themes.clustering).
        cols = units if isinstance(units, StackedUnits) else StackedUnits.from_units(units)
        vectors = cols.matrix
        # Same split as extract_units: tagged units follow the candidate rule; provisional tags (no tagger)
        # carry the item's score polarity as their sentiment.
        signs = sentiment_signs(cols.sentiments)
        polarity = (
            candidate_polarities(
                cols.sentiments, [cols.score(i) for i in range(len(cols))], cols.texts, cols.languages
            )
            if self.tagger is not None
            else signs
        )
        out = []
        texts, languages = cols.texts, cols.languages
        # provisional tags (no tagger) carry the item's score as their sentiment, not the text's tone
        tone = signs if self.tagger is not None else None
        clusters = cluster_themes(texts, languages, vectors, polarity, self.params, tone=tone)
        with phase("parent_themes"):
            parent_of = {
                child: parent
                for parent in group_themes(clusters, texts, languages, vectors, tone=tone)
                for child in parent.children
            }
        for n, c in enumerate(clusters):
            agg = theme_tags([_stored_tags(cols, m) for m in c.members])
            out.append(
                ClusterOut(
                    kind=c.kind,
                    members=list(c.members),
                    label=c.label,
                    centroid=c.centroid,
                    keyphrases=list(c.keyphrases),
                    quotes=list(c.quotes),
                    stage=agg.stage,
                    stage_confidence=agg.stage_confidence,
                    stage_runner_up=agg.runner_up_stage,
                    name=c.name,
                    names=dict(c.names),
                    theme=parent_of[n].index if n in parent_of else None,
                    theme_names=dict(parent_of[n].names) if n in parent_of else {},
                )
            )
        return out
