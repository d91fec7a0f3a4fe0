"""API shapes of analysis jobs: what to analyse, and a job's state and progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.analysis.extraction import AnalysisScope


class AnalysisRequest(BaseModel):
    """What to analyse; an empty body analyses the whole workspace."""

    model_config = ConfigDict(extra="forbid")

    scope: AnalysisScope = Field(
        default_factory=AnalysisScope, description="Filter on feedback; empty = the whole workspace."
    )


class JobOut(BaseModel):
    """A background job (analysis or import) and how far it got."""

    id: str = Field(description="Job id; poll `GET /v1/jobs/{id}` until `state` is `done` or `failed`.")
    kind: str = Field(description="What the job does, e.g. `analysis`.")
    state: Literal["queued", "running", "done", "failed"] = Field(
        description="`queued`, `running`, `done` or `failed`."
    )
    progress: float = Field(description="Share of the work done, 0 to 1.")
    params: dict[str, Any] | None = Field(
        default=None, description="What the job was asked to do (e.g. the analysis scope)."
    )
    result: dict[str, Any] | None = Field(
        default=None,
        description="Counts and figures of a finished job (pain points found, items analysed...).",
    )
    error: str | None = Field(default=None, description="Why the job failed; null otherwise.")
    attempts: int = Field(
        default=0,
        description="How many times a worker started it (a crashed worker's job is retried and resumes).",
    )
    created_at: datetime = Field(description="When the job was queued (UTC).")
    started_at: datetime | None = Field(
        default=None, description="When a worker started it (UTC); null while queued."
    )
    finished_at: datetime | None = Field(default=None, description="When it ended (UTC); null until then.")


#: Request examples of ``POST /v1/analyses`` (French and English), shown in /docs.
ANALYSIS_EXAMPLES: dict[str, dict[str, Any]] = {
    "avis_fr_depuis_mars_fr": {
        "summary": "Analyser les avis Trustpilot en français depuis mars",
        "value": {"scope": {"source": "trustpilot", "language": "fr", "since": "2026-03-01T00:00:00Z"}},
    },
    "whole_workspace_en": {
        "summary": "Analyse the whole workspace (an empty body does the same)",
        "value": {"scope": {}},
    },
}

#: Request examples of ``PUT /v1/priority-config``.
PRIORITY_CONFIG_EXAMPLES: dict[str, dict[str, Any]] = {
    "volume_avant_tout_fr": {
        "summary": "Donner plus de poids au volume et à l'impact sur la note",
        "value": {
            "weights": {
                "volume": 0.4,
                "severity": 0.15,
                "impact": 0.3,
                "trend": 0.1,
                "effort": 0.05,
                "recency": 0.0,
            },
            "recent_days": 28,
            "baseline_days": 84,
        },
    },
    "faster_trends_en": {
        "summary": "Spot emerging pain points on a two-week window",
        "value": {"recent_days": 14, "baseline_days": 56, "emerging_min_ratio": 1.3},
    },
}
