"""API shapes of import sources, their runs, and one-off import jobs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from croniter import CroniterBadDateError, croniter
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from service.imports.fetch import classify_location
from service.imports.parsers import ImportMapping
from service.imports.parsers.registry import SOURCE_TYPES

SourceType = Literal[
    "generic_csv",
    "generic_jsonl",
    "trustpilot_csv",
    "google_business_json",
    "app_store_csv",
    "app_store_json",
    "google_play_csv",
    "avis_verifies_csv",
    "zendesk_json",
    "survey_csv",
]
assert set(SOURCE_TYPES) == set(SourceType.__args__), "SourceType must list every registered parser"  # type: ignore[attr-defined]

RunState = Literal["queued", "running", "done", "failed"]


def _cron(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value.split()) != 5 or not croniter.is_valid(value):
        raise PydanticCustomError(
            "cron", "must be a 5-field cron expression (minute hour day month weekday), e.g. '0 6 * * *'"
        )
    try:  # "0 0 31 4 *" is well formed but names a day that never comes
        croniter(value, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterBadDateError:
        raise PydanticCustomError(
            "cron_never_fires", "names a date that never occurs (e.g. April 31st): it would never run"
        ) from None
    return value


def _location(value: str) -> str:
    value = value.strip()
    try:
        classify_location(value)
    except ValueError as exc:
        raise PydanticCustomError("location", str(exc)) from None
    return value


class SourceIn(BaseModel):
    """A source to pull on a schedule: an export file at a local path or an http(s) URL."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Trustpilot FR",
                    "type": "trustpilot_csv",
                    "location": "https://exports.example.com/trustpilot/latest.csv",
                    "schedule": "0 6 * * *",
                    "enabled": True,
                },
                {
                    "name": "Enquête NPS T3",
                    "type": "survey_csv",
                    "location": "/srv/frictionmap/imports/nps_q3.csv",
                    "mapping": {"respondent_id": "ID", "nps": "Note", "open_ended": ["Pourquoi ?"]},
                },
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200, description="Unique name within the workspace.")
    type: SourceType = Field(description="Export shape; see docs/imports.md for each type's columns.")
    location: str = Field(
        min_length=1, max_length=2000, description="Local path (under the import directories) or http(s) URL."
    )
    mapping: ImportMapping | None = Field(
        default=None, description="Overrides of the type's default columns (item field → column name)."
    )
    schedule: str | None = Field(default=None, description="Cron expression (UTC); null: manual runs only.")
    enabled: bool = Field(default=True, description="Disabled sources are skipped by the scheduler.")
    feedback_source: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Value stored as the items' `source` (idempotency namespace). Default: the platform "
        "name (`trustpilot`, `zendesk`...), or `source:<id>` for generic and survey files.",
    )

    _check_schedule = field_validator("schedule")(lambda cls, v: _cron(v))
    _check_location = field_validator("location")(lambda cls, v: _location(v))


class SourcePatch(BaseModel):
    """Fields to change; absent fields keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: SourceType | None = None
    location: str | None = Field(default=None, min_length=1, max_length=2000)
    mapping: ImportMapping | None = None
    schedule: str | None = None
    enabled: bool | None = None

    _check_schedule = field_validator("schedule")(lambda cls, v: _cron(v))
    _check_location = field_validator("location")(lambda cls, v: None if v is None else _location(v))


class SourceOut(BaseModel):
    id: str
    name: str
    type: str
    location: str
    mapping: dict[str, Any]
    schedule: str | None
    enabled: bool
    feedback_source: str
    created_at: datetime
    updated_at: datetime
    last_run_at: datetime | None
    next_run_at: datetime | None = Field(description="Next scheduled run (UTC), null without a schedule.")


class RejectedRow(BaseModel):
    row: int = Field(description="1-based record number in the file (data rows, header excluded).")
    reason: str
    external_id: str | None = None


class RunOut(BaseModel):
    id: str
    source_id: str | None
    trigger: Literal["manual", "schedule", "upload"]
    state: RunState
    read: int = Field(description="Records read from the file (rows, JSON objects, respondents).")
    created: int = Field(description="Feedback items stored by this run.")
    duplicate: int = Field(description="Items already stored (same source and external id, or same content).")
    rejected: int = Field(description="Records or items rejected; the first ones are listed with reasons.")
    rejected_rows: list[RejectedRow]
    checkpoint: dict[str, Any] | None = Field(
        description="Where a resumed run continues: row and byte offset."
    )
    error: str | None = Field(description="Why the run failed (bad file, unreachable location...).")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class SourcePage(BaseModel):
    items: list[SourceOut]
    next_cursor: str | None


class RunPage(BaseModel):
    items: list[RunOut]
    next_cursor: str | None


class ImportJobOut(BaseModel):
    """A one-off import, reported as a job; `result` holds the run's counts and rejected rows."""

    id: str
    kind: str
    state: RunState
    progress: float
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    run_id: str | None = None
