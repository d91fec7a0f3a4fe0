"""Priority of the CLI's pain points and opportunities: ``nlp.scoring.priority`` fed as the service feeds it.

The service scores on read (``service/analysis/view.py``): every stored theme of the workspace, pain points
and opportunities together (volume is relative to the most mentioned of all), against all its feedback, as of
the newest feedback day, with the default weights unless the workspace changed them. The CLI does the same
over the file, with the same unit and item readings (``nlp.scoring.signals``), so both doors rank the same
themes the same way on the same input.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from nlp.pipeline.extract import ExtractedUnits
from nlp.pipeline.records import Record, infer_rating_scale, provisional_tags
from nlp.scoring.priority import PainPointInput, PriorityConfig, PriorityResult, score_pain_points
from nlp.scoring.signals import feedback_fact, item_day, unit_signal


def score_themes(
    records: Sequence[Record],
    units: ExtractedUnits,
    themes: Sequence[tuple[Sequence[int], str]],
    config: PriorityConfig | None = None,
    today: date | None = None,
) -> list[PriorityResult]:
    """Scores of ``themes`` (member unit indices, theme id), highest priority first.

    Items are identified by their row. An undated item counts as received ``today`` (UTC), as the service
    dates it by its arrival. Ratings on a 0–10 scale are read as the NPS-like KPI (half-scale 5), stars as
    the rating KPI; without a tagger, units carry the score rule's provisional tags, as the service stores
    them.
    """
    default_day = today or datetime.now(UTC).date()
    ten = infer_rating_scale([r.rating for r in records]) == 10
    facts = [
        feedback_fact(
            str(row),
            item_day(r.date, default_day),
            None if ten else r.rating,
            r.rating if ten and r.rating is not None else r.nps,
        )
        for row, r in enumerate(records)
    ]
    tags = units.tags or tuple(provisional_tags(int(p)) for p in units.polarity)
    inputs = [
        PainPointInput(
            theme_id,
            [
                unit_signal(str(int(units.rows[i])), tags[i].sentiment_score, tags[i].emotion, tags[i].effort)
                for i in members
            ],
        )
        for members, theme_id in themes
    ]
    return score_pain_points(inputs, facts, None, config)
