"""API shapes of analysis jobs: what to analyse, and a job's state and progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.analysis.extraction import AnalysisScope


class AnalysisRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: AnalysisScope = Field(
        default_factory=AnalysisScope, description="Filter on feedback; empty = the whole workspace."
    )


class JobOut(BaseModel):
    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    progress: float
    params: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
