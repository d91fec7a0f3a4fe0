"""API shapes of pain points: explained scores, detail, mentions, human edits, merge and split."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class TrendOut(BaseModel):
    """Public view of ``nlp.scoring.trend.TrendDetail``: is the pain point growing (emerging)?"""

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
    trend: TrendOut = Field(
        description="Is it growing? Recent share against the baseline, with the `emerging` test."
    )
    impact_metric: str | None = Field(
        description="The KPI the impact component uses: the first of rating, nps, csat with enough data"
    )
    impacts: list[ImpactOut] = Field(description="Impact on each KPI the feedback in scope has values for")


class PainPointOut(BaseModel):
    """A pain point (or opportunity) with its explained priority score."""

    id: str = Field(description="Pain point id (stable across re-analyses).")
    kind: Literal["pain", "opportunity"] = Field(
        description="`pain` (an irritant) or `opportunity` (something customers praise)."
    )
    label: str = Field(description="Short name of the pain point, from its keyphrases or set by a person.")
    label_edited: bool = Field(description="True when a person renamed it: re-analysis keeps the name.")
    name: str = Field(
        default="", description="Natural name in the workspace's language; an edited label always wins."
    )
    names: dict[str, str] = Field(
        default_factory=dict, description="Name per language the pain point has feedback in (fr, en)."
    )
    theme_id: str | None = Field(default=None, description="Its parent theme (`GET /v1/themes`).")
    stage: str | None = Field(
        description="Journey stage id it sits on (see `GET /v1/taxonomy`); null when unknown."
    )
    stage_confidence: float | None = Field(
        description="How sure the stage tagger is, 0 to 1; null when set by a person or unknown."
    )
    stage_edited: bool = Field(description="True when a person set the stage: re-analysis keeps it.")
    status: str = Field(description="`open`, `in_progress` or `resolved`.")
    owner: str | None = Field(description="Who is in charge of fixing it (free text); null when nobody.")
    due_date: date | None = Field(description="When the fix is due; null when not planned.")
    fix_effort: float | None = Field(
        description="Estimated fix effort in person-days; null when not estimated."
    )
    resolved_at: datetime | None = Field(
        description="When the fix shipped (UTC); the closed-loop check compares before and after it."
    )
    emerging: bool = Field(
        description="True when its share of feedback grows significantly (see `score.trend`)."
    )
    items: int = Field(description="Feedback items that mention it (in the selected period and filters).")
    units: int = Field(description="Opinion units (sentences or clauses) that belong to it.")
    keyphrases: list[str] = Field(description="Words and phrases that characterise it, most telling first.")
    score: ScoreOut = Field(description="Priority score with each component and the figures behind it.")
    created_at: datetime = Field(description="When the pain point was first found (UTC).")
    updated_at: datetime = Field(description="Last change by an analysis or a person (UTC).")


class PainPointPage(BaseModel):
    """One page of ranked pain points."""

    total: int = Field(description="Pain points matching the filters, all pages together.")
    limit: int = Field(description="Page size used.")
    offset: int = Field(description="Items skipped before this page.")
    sort: str = Field(description="Order used: `priority`, `volume`, `trend` or `impact`.")
    items: list[PainPointOut] = Field(description="The pain points of this page, in that order.")


class Quote(BaseModel):
    """A representative verbatim."""

    unit_id: str | None = Field(default=None, description="Opinion unit the quote comes from.")
    feedback_id: str | None = Field(default=None, description="Feedback item the quote comes from.")
    text: str = Field(description="What the customer wrote (personal data redacted).")


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
    """Mentions in one week."""

    week: date = Field(description="Monday of the week.")
    items: int = Field(description="Feedback items mentioning the pain point that week.")


class PainPointDetail(PainPointOut):
    """A pain point with its quotes, mixes, weekly trend and closed-loop verdict."""

    stage_runner_up: str | None = Field(description="Second most likely stage; null when none.")
    quotes: list[Quote] = Field(description="Representative quotes, most central first.")
    language_mix: dict[str, float] | None = Field(
        description="Share of its units per language (`fr`, `en`, `other`)."
    )
    sentiment_mix: dict[str, float] = Field(
        description="Share of its units per sentiment (`negative`, `neutral`, `positive`)."
    )
    emotion_mix: dict[str, float] = Field(
        description="Share of its units per emotion (anger, frustration, worry...)."
    )
    mean_sentiment: float | None = Field(
        description="Mean sentiment of its units, −1 (very negative) to +1; null without units."
    )
    effort_share: float = Field(
        description="Share of its units where the customer describes effort (chasing, repeating...)."
    )
    channels: dict[str, int] = Field(description="Feedback items per channel.")
    timeline: list[WeekCount] = Field(description="Mentions per week, oldest first: the trend chart.")
    merged_from: list[str] = Field(description="Ids of pain points merged into this one.")
    closed_loop: ClosedLoopOut | None = Field(
        description="Did the fix work? Mentions before and after `resolved_at`; null until resolved."
    )


class FeedbackMention(BaseModel):
    """A feedback item that mentions a pain point."""

    id: str = Field(description="Feedback item id.")
    text: str = Field(description="What the customer wrote (personal data redacted).")
    source: str = Field(description="Where it comes from (`trustpilot`, `zendesk`...).")
    channel: str | None = Field(description="Channel or touchpoint; null when unknown.")
    language: str = Field(description="`fr`, `en` or `other`.")
    rating: float | None = Field(description="Star rating, 1 to 5; null when none.")
    nps: int | None = Field(description="NPS answer, 0 to 10; null when none.")
    created_at: datetime = Field(description="When the customer wrote it (UTC).")
    units: list[str] = Field(description="The opinion units of this item that belong to the pain point")


class MentionPage(BaseModel):
    """One page of feedback mentioning a pain point."""

    total: int = Field(description="Feedback items mentioning the pain point, all pages together.")
    limit: int = Field(description="Page size used.")
    offset: int = Field(description="Items skipped before this page.")
    items: list[FeedbackMention] = Field(description="The items of this page, newest first.")


class PainPointPatch(BaseModel):
    """Human edits; a renamed or re-staged pain point keeps its label / stage through re-analysis."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(
        default=None, min_length=1, max_length=300, description="New name; kept through re-analysis."
    )
    stage: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="New stage id (one of the workspace taxonomy's stages); kept through re-analysis.",
    )
    status: Literal["open", "in_progress", "resolved"] | None = Field(
        default=None, description="`open`, `in_progress` or `resolved`."
    )
    owner: str | None = Field(
        default=None,
        max_length=200,
        description="Who is in charge of the fix (free text, at most 200 characters).",
    )
    due_date: date | None = Field(default=None, description="When the fix is due (YYYY-MM-DD).")
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
    """Pain points to fold into one."""

    model_config = ConfigDict(extra="forbid")

    target_id: str = Field(
        min_length=1, max_length=36, description="Pain point that stays and receives the others' feedback."
    )
    source_ids: list[str] = Field(
        min_length=1,
        max_length=50,
        description="Pain points folded into the target (1 to 50); their ids then answer 409.",
    )


class SplitRequest(BaseModel):
    """How many parts to split a pain point into."""

    model_config = ConfigDict(extra="forbid")

    parts: int = Field(default=2, ge=2, le=8, description="Number of pain points to split into, 2 to 8.")


class SplitResult(BaseModel):
    """The pain points a split produced."""

    original_id: str = Field(description="Id kept by the largest part (with the human edits).")
    pain_point_ids: list[str] = Field(description="Ids of all parts, the original first.")


#: Request examples (French and English) shown in /docs.
PATCH_EXAMPLES: dict[str, dict[str, Any]] = {
    "renommer_et_assigner_fr": {
        "summary": "Renommer l'irritant, le placer sur la livraison et l'assigner",
        "value": {
            "label": "Colis livrés en retard",
            "stage": "delivery",
            "status": "in_progress",
            "owner": "Équipe logistique",
            "due_date": "2026-07-15",
        },
    },
    "mark_resolved_en": {
        "summary": "Mark it resolved when the fix shipped (starts the closed-loop check)",
        "value": {"status": "resolved", "resolved_at": "2026-06-01T00:00:00Z", "fix_effort": 12},
    },
}
MERGE_EXAMPLES: dict[str, dict[str, Any]] = {
    "fusionner_doublons_fr": {
        "summary": "Fusionner deux irritants qui parlent du même remboursement",
        "value": {
            "target_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            "source_ids": ["0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"],
        },
    },
    "merge_duplicates_en": {
        "summary": "Fold two look-alike checkout pain points into one",
        "value": {
            "target_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60",
            "source_ids": ["0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a62"],
        },
    },
}
SPLIT_EXAMPLES: dict[str, dict[str, Any]] = {
    "scinder_en_deux_fr": {"summary": "Scinder un irritant trop large en deux", "value": {"parts": 2}},
    "split_in_three_en": {"summary": "Split a catch-all pain point into three", "value": {"parts": 3}},
}
