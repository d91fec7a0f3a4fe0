"""API shapes of pain points: explained scores, detail, mentions, human edits, merge and split."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class TrendOut(BaseModel):
    """Public view of ``nlp.scoring.priority.TrendDetail``: is the pain point growing (emerging)?"""

    recent_count: int = Field(description="Items mentioning it in the recent window")
    recent_total: int = Field(description="All feedback items in the recent window")
    baseline_count: int = Field(description="Items mentioning it in the baseline window just before")
    baseline_total: int = Field(description="All feedback items in the baseline window")
    ratio: float | None = Field(
        description="Recent share ÷ baseline share (0.5-smoothed); null when a window has no feedback"
    )
    ci_low: float | None = Field(description="95 % interval of the ratio, lower bound (log method)")
    ci_high: float | None = Field(description="95 % interval of the ratio, upper bound")
    p_value: float | None = Field(description="Fisher exact test, one-sided 'the share grew'")
    emerging: bool = Field(description="Enough mentions, growth above the threshold and significant")
    reason: str = Field(description="Why it is (or is not) emerging, in words")


class ImpactOut(BaseModel):
    """Public view of ``nlp.scoring.priority.KpiImpact``: what the pain point costs on one KPI (Welch
    test)."""

    metric: str = Field(description="rating, nps or csat")
    mean_with: float | None = Field(description="Mean KPI of feedback mentioning the pain point")
    mean_without: float | None = Field(description="Mean KPI of the other feedback")
    n_with: int = Field(description="Items with a KPI value that mention it")
    n_without: int = Field(description="Items with a KPI value that do not")
    difference: float | None = Field(
        description="mean without − mean with: positive = the pain point lowers it"
    )
    std_error: float | None = Field(description="Standard error of the difference (Welch)")
    ci_low: float | None = Field(description="95 % interval of the difference, lower bound")
    ci_high: float | None = Field(description="95 % interval of the difference, upper bound")
    p_value: float | None = Field(description="Welch two-sided test of the difference")


class ScoreOut(BaseModel):
    """Public view of ``nlp.scoring.priority.PriorityResult``: the priority and everything it is
    computed from."""

    priority: float = Field(description="0..100, weighted mean of the components × 100")
    components: dict[str, float] = Field(
        description="volume, severity, impact, trend, effort, recency in 0..1"
    )
    weights: dict[str, float] = Field(description="Weight of each component (workspace priority config)")
    share: float = Field(description="Share of the feedback in scope that mentions the pain point")
    negativity: float = Field(description="Mean negativity of its units, 0..1")
    emotion_intensity: float = Field(description="Mean intensity of its units' emotions, 0..1")
    effort_share: float = Field(description="Share of its units that describe customer effort")
    last_seen: date | None = Field(description="Day of the newest feedback mentioning it")
    days_since_last_seen: int | None = Field(description="Days from last_seen to the as-of date")
    trend: TrendOut
    impact_metric: str | None = Field(
        description="The KPI the impact component uses: the first of rating, nps, csat with enough data"
    )
    impacts: list[ImpactOut] = Field(description="Impact on each KPI the feedback in scope has values for")


class PainPointOut(BaseModel):
    id: str
    kind: Literal["pain", "opportunity"]
    label: str
    label_edited: bool
    name: str = Field(
        default="", description="Natural name in the workspace's language; an edited label always wins"
    )
    names: dict[str, str] = Field(
        default_factory=dict, description="Name per language the pain point has feedback in (fr, en)"
    )
    theme_id: str | None = Field(default=None, description="Its parent theme (`GET /v1/themes`)")
    stage: str | None
    stage_confidence: float | None
    stage_edited: bool
    status: str
    owner: str | None
    due_date: date | None
    fix_effort: float | None
    resolved_at: datetime | None
    emerging: bool
    items: int
    units: int
    keyphrases: list[str]
    score: ScoreOut
    created_at: datetime
    updated_at: datetime


class PainPointPage(BaseModel):
    total: int
    limit: int
    offset: int
    sort: str
    items: list[PainPointOut]


class Quote(BaseModel):
    unit_id: str | None = None
    feedback_id: str | None = None
    text: str


class ClosedLoopOut(BaseModel):
    """Public view of ``nlp.scoring.closed_loop.ClosedLoopReport``: did the fix work? Share of all feedback
    mentioning the pain point in equal windows before and after ``resolved_on``."""

    resolved_on: date = Field(description="Day the fix shipped (the pain point's resolved_at)")
    window_days: int = Field(description="Length of each window in days")
    before_start: date = Field(description="First day of the before window")
    after_end: date = Field(description="Last day of the after window (cut at the as-of date)")
    before_mentions: int = Field(description="Items mentioning it before the fix")
    before_total: int = Field(description="All feedback items before the fix")
    after_mentions: int = Field(description="Items mentioning it after the fix")
    after_total: int = Field(description="All feedback items after the fix")
    before_rate: float | None = Field(description="before_mentions ÷ before_total")
    after_rate: float | None = Field(description="after_mentions ÷ after_total")
    before_weekly: float = Field(description="Mentions per week before the fix")
    after_weekly: float = Field(description="Mentions per week after the fix")
    rate_ratio: float | None = Field(description="After share ÷ before share (0.5-smoothed)")
    ci_low: float | None = Field(description="95 % interval of the rate ratio, lower bound (log method)")
    ci_high: float | None = Field(description="95 % interval of the rate ratio, upper bound")
    p_value_decrease: float | None = Field(description="Fisher exact test, one-sided 'the share fell'")
    p_value_increase: float | None = Field(description="Fisher exact test, one-sided 'the share rose'")
    verdict: Literal["improved", "worsened", "no_significant_change", "insufficient_data"] = Field(
        description="improved / worsened when the one-sided p is below alpha; insufficient_data when "
        "there is too little feedback after the fix to judge"
    )
    explanation: str = Field(description="The verdict in words, with the figures behind it")


class WeekCount(BaseModel):
    week: date
    items: int


class PainPointDetail(PainPointOut):
    stage_runner_up: str | None
    quotes: list[Quote]
    language_mix: dict[str, float] | None
    sentiment_mix: dict[str, float]
    emotion_mix: dict[str, float]
    mean_sentiment: float | None
    effort_share: float
    channels: dict[str, int]
    timeline: list[WeekCount]
    merged_from: list[str]
    closed_loop: ClosedLoopOut | None


class FeedbackMention(BaseModel):
    id: str
    text: str
    source: str
    channel: str | None
    language: str
    rating: float | None
    nps: int | None
    created_at: datetime
    units: list[str] = Field(description="The opinion units of this item that belong to the pain point")


class MentionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[FeedbackMention]


class PainPointPatch(BaseModel):
    """Human edits; a renamed or re-staged pain point keeps its label / stage through re-analysis."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, min_length=1, max_length=300)
    stage: str | None = Field(default=None, min_length=1, max_length=64)
    status: Literal["open", "in_progress", "resolved"] | None = None
    owner: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    fix_effort: float | None = Field(
        default=None, ge=0, le=10_000, description="Estimated fix effort in person-days"
    )
    resolved_at: datetime | None = Field(
        default=None, description="When the fix shipped (defaults to now when status becomes resolved)"
    )

    @field_validator("label")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("must not be blank")
        return v.strip() if v else v

    @model_validator(mode="after")
    def _resolved_at_needs_resolved(self) -> PainPointPatch:
        if self.resolved_at is not None and self.status not in (None, "resolved"):
            raise ValueError("resolved_at is only allowed with status 'resolved'")
        if self.resolved_at is not None and self.resolved_at.tzinfo is None:
            raise ValueError("resolved_at needs a time zone (e.g. 2026-05-01T00:00:00Z)")
        return self


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_id: str = Field(min_length=1, max_length=36)
    source_ids: list[str] = Field(min_length=1, max_length=50)


class SplitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parts: int = Field(default=2, ge=2, le=8)


class SplitResult(BaseModel):
    original_id: str
    pain_point_ids: list[str]
