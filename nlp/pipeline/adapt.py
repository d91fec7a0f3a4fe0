"""Step 1b — adapt: re-tag the units' sentiment with a head fitted on the corpus's own rated items.

``frictionmap analyze --rating-column`` runs it over the whole file after extraction; the service runs the
same :func:`nlp.tagging.adaptation.adapt_unit_tags` over a workspace's stored units at each analysis
(service/analysis/adaptation.py). Both read the same inputs: the units' clustering-space vectors (what the
service stores), their texts, their items' ratings/NPS, and the tagger's text-only sentiment head.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from nlp.pipeline.extract import ExtractedUnits, _polarity_from_tags
from nlp.pipeline.records import RatingScale, Record, infer_rating_scale, score_polarity
from nlp.tagging.adaptation import AdaptationConfig, AdaptationReport, adapt_unit_tags
from nlp.tagging.features import build_features
from nlp.tagging.tagger import sentiment_reader
from nlp.tagging.types import Tagger


def rating_labels(
    ratings: Sequence[float | None], nps: Sequence[int | None], scale: RatingScale
) -> np.ndarray:
    """Per item: −1 low score, +1 high, 0 middling or unrated — the pipeline's score rule, except that *no*
    score is not a label here (``score_polarity`` reads it as a complaint candidate)."""
    return np.array(
        [
            0 if r is None and n is None else score_polarity(r, n, scale)
            for r, n in zip(ratings, nps, strict=True)
        ],
        dtype=np.int64,
    )


def adaptation_features(vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """The adapted head's features: the vector and the lexicon columns the shipped sentiment head reads."""
    return build_features(vectors, texts, lexical=True, polarity=True)


def adapt_extracted(
    records: Sequence[Record],
    units: ExtractedUnits,
    tagger: Tagger | None,
    rating_scale: RatingScale | None = None,
    config: AdaptationConfig | None = None,
) -> tuple[ExtractedUnits, AdaptationReport | None]:
    """``units`` with adapted sentiment (and candidate polarity) when the corpus has enough rated items;
    None as the report when there is nothing to adapt (no tagger, or no sentiment head to blend with)."""
    # The generic head reads the units' languages (a per-language blend, as tagging applied it).
    proba = sentiment_reader(tagger, units.languages)
    if units.tags is None or proba is None:
        return units, None
    scale = rating_scale or infer_rating_scale([r.rating for r in records])
    labels = rating_labels([r.rating for r in records], [r.nps for r in records], scale)
    tags, report = adapt_unit_tags(
        units.tags,
        units.texts,
        units.vectors,
        units.rows,
        labels,
        [records[i].rating for i in units.rows],
        [records[i].nps for i in units.rows],
        proba,
        adaptation_features,
        config,
    )
    if not report.adapted:
        return units, report
    return replace(
        units, tags=tuple(tags), polarity=_polarity_from_tags(tags, units.texts, units.languages)
    ), report
