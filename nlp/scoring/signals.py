"""The inputs of the priority score from one unit's tags and one item's fields, read one way by both doors.

The service's read side (``service/analysis/view.py``) and the CLI (``nlp/pipeline/scores.py``) must rank the
same pain points the same way on the same input, so the small choices live here once: a missing sentiment
score counts as 0, a tagged emotion counts at full confidence (the stored tags keep the label, not always its
confidence), and an item's day is its UTC date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from nlp.scoring.priority import FeedbackFact, UnitSignal


def unit_signal(
    item_id: str, sentiment_score: float | None, emotion: str | None, effort: bool | None
) -> UnitSignal:
    return UnitSignal(item_id, sentiment_score or 0.0, emotion, 1.0 if emotion else 0.0, bool(effort))


def item_day(value: str | datetime | date | None, default: date) -> date:
    """The UTC day of an item's date (ISO 8601 text, datetime or date); ``default`` when missing or unreadable
    (the service dates an undated item by its arrival)."""
    if value is None or value == "":
        return default
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return default
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def feedback_fact(
    item_id: str, day: date, rating: float | None, nps: float | None, csat: float | None = None
) -> FeedbackFact:
    return FeedbackFact(item_id, day, rating, float(nps) if nps is not None else None, csat)
