"""What shapes a workspace's priority score: component weights and the trend / emerging / impact settings.

Stored per workspace and edited through the API and the web app; the score itself is in ``priority.py``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PriorityWeights(BaseModel):
    """Relative weights of the components; normalised by their sum when scoring."""

    model_config = ConfigDict(extra="forbid")

    volume: float = Field(
        default=0.30,
        ge=0,
        description="Weight of volume: the share of feedback that mentions the pain point.",
    )
    severity: float = Field(
        default=0.20, ge=0, description="Weight of severity: how negative and emotional its mentions are."
    )
    impact: float = Field(
        default=0.20,
        ge=0,
        description="Weight of impact: how much lower the rating / NPS / CSAT is when it is mentioned.",
    )
    trend: float = Field(
        default=0.15,
        ge=0,
        description="Weight of trend: how fast its share grows (recent window against the baseline).",
    )
    effort: float = Field(
        default=0.10,
        ge=0,
        description="Weight of effort: the share of its mentions where the customer had to work hard.",
    )
    recency: float = Field(
        default=0.05, ge=0, description="Weight of recency: how recently it was last mentioned."
    )

    @model_validator(mode="after")
    def _some_weight(self) -> PriorityWeights:
        if sum(self.model_dump().values()) <= 0:
            raise ValueError("at least one weight must be > 0")
        return self

    def normalised(self) -> dict[str, float]:
        raw = self.model_dump()
        total = sum(raw.values())
        return {k: v / total for k, v in raw.items()}


class PriorityConfig(BaseModel):
    """Everything that shapes the score; stored per workspace."""

    model_config = ConfigDict(extra="forbid")

    weights: PriorityWeights = Field(
        default_factory=PriorityWeights,
        description="Relative weight of each score component (normalised by their sum).",
    )
    recent_days: int = Field(
        default=28, ge=1, le=365, description="Length of the recent window for the trend, in days."
    )
    baseline_days: int = Field(
        default=84, ge=1, le=3650, description="Length of the baseline window just before it, in days."
    )
    emerging_alpha: float = Field(
        default=0.05,
        gt=0,
        lt=1,
        description="Significance level of the `emerging` test (one-sided Fisher exact test).",
    )
    emerging_min_count: int = Field(
        default=5,
        ge=1,
        description="Mentions needed in the recent window before a pain point can be emerging.",
    )
    emerging_min_ratio: float = Field(
        default=1.5, ge=1, description="Growth of its share (recent ÷ baseline) needed to be emerging."
    )
    recency_half_life_days: float = Field(
        default=30.0, gt=0, description="Days after which the recency component halves."
    )
    impact_min_n: int = Field(default=3, ge=2, description="Minimum KPI values on each side for impact.")
