"""The pipeline, as steps over plain lists and arrays; the CLI and the service both call these.

1. ``extract_units`` (extract.py): records → opinion units with language, tags, raw and clustering
   vectors.
2. ``cluster_themes`` (themes.py): candidate units → labelled pain points (-1) and opportunities (+1).
3. ``theme_tags`` (analyze.py): a theme's stage, sentiment, emotion and effort from its members' tags.
4. Scoring lives in ``nlp.scoring`` (priority, trend, closed loop) and runs over stored or in-memory themes.

``analyze_records`` (analyze.py) composes 1–3 in memory for ``frictionmap analyze``; the service's analysis
job (``service/analysis/nlp_backend.py``) calls 1 per batch and 2–3 over what it stored. ``Record`` and the
score rule (``score_polarity``) are in records.py: one record type, one reading of ratings and NPS.
"""

from nlp.pipeline.analyze import TaggerLoader, analyze_records, theme_tags
from nlp.pipeline.extract import CONTEXT_WEIGHT, ExtractedUnits, Progress, contextualize, extract_units
from nlp.pipeline.records import (
    RatingScale,
    Record,
    coerce_record,
    infer_rating_scale,
    provisional_tags,
    score_polarity,
)
from nlp.pipeline.result import AnalysisResult, DocumentResult, Theme, UnitResult
from nlp.pipeline.themes import ThemeCluster, cluster_themes

__all__ = [
    "CONTEXT_WEIGHT",
    "AnalysisResult",
    "DocumentResult",
    "ExtractedUnits",
    "Progress",
    "RatingScale",
    "Record",
    "TaggerLoader",
    "Theme",
    "ThemeCluster",
    "UnitResult",
    "analyze_records",
    "cluster_themes",
    "coerce_record",
    "contextualize",
    "extract_units",
    "infer_rating_scale",
    "provisional_tags",
    "score_polarity",
    "theme_tags",
]
