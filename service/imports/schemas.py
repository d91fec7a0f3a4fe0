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
    "generic_xlsx",
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

    name: str | None = Field(default=None, min_length=1, max_length=200, description="New unique name.")
    type: SourceType | None = Field(default=None, description="New export shape.")
    location: str | None = Field(
        default=None, min_length=1, max_length=2000, description="New path or URL of the export."
    )
    mapping: ImportMapping | None = Field(
        default=None, description="New column mapping (replaces the old one)."
    )
    schedule: str | None = Field(default=None, description="New cron expression (UTC).")
    enabled: bool | None = Field(default=None, description="Turn scheduled runs on or off.")

    _check_schedule = field_validator("schedule")(lambda cls, v: _cron(v))
    _check_location = field_validator("location")(lambda cls, v: None if v is None else _location(v))


class SourceOut(BaseModel):
    """A registered import source."""

    id: str = Field(description="Source id.")
    name: str = Field(description="Unique name within the workspace.")
    type: str = Field(description="Export shape (e.g. `trustpilot_csv`, `zendesk_json`, `generic_csv`).")
    location: str = Field(description="Path or URL of the export file read at each run.")
    mapping: dict[str, Any] = Field(
        description="Column mapping: item field → column name (CSV) or dotted key path (JSON)."
    )
    schedule: str | None = Field(description="Cron expression (UTC); null: manual runs only.")
    enabled: bool = Field(description="Disabled sources are skipped by the scheduler.")
    feedback_source: str = Field(description="The `source` value stored on the imported feedback items.")
    created_at: datetime = Field(description="When the source was registered (UTC).")
    updated_at: datetime = Field(description="Last change (UTC).")
    last_run_at: datetime | None = Field(description="When it last ran (UTC); null before its first run.")
    next_run_at: datetime | None = Field(description="Next scheduled run (UTC), null without a schedule.")


class RejectedRow(BaseModel):
    """A record of the export that was not imported, and why."""

    row: int = Field(description="1-based record number in the file (data rows, header excluded).")
    reason: str = Field(description="Why it was rejected: the field and the rule it breaks.")
    external_id: str | None = Field(
        default=None, description="The record's id in the export, when it has one."
    )


class RunOut(BaseModel):
    """One run of an import: counts, rejected rows, state."""

    id: str = Field(description="Run id.")
    source_id: str | None = Field(description="Source it ran; null for a one-off upload.")
    trigger: Literal["manual", "schedule", "upload"] = Field(
        description="`manual` (`POST .../run`), `schedule` (cron) or `upload` (`POST /v1/imports`)."
    )
    state: RunState = Field(description="Where the run is: queued, running, done or failed.")
    read: int = Field(description="Records read from the file (rows, JSON objects, respondents).")
    created: int = Field(description="Feedback items stored by this run.")
    duplicate: int = Field(description="Items already stored (same source and external id, or same content).")
    rejected: int = Field(description="Records or items rejected; the first ones are listed with reasons.")
    rejected_rows: list[RejectedRow] = Field(
        description="The first rejected records, with the reason for each."
    )
    checkpoint: dict[str, Any] | None = Field(
        description="Where a resumed run continues: row and byte offset."
    )
    error: str | None = Field(description="Why the run failed (bad file, unreachable location...).")
    created_at: datetime = Field(description="When the run was queued (UTC).")
    started_at: datetime | None = Field(description="When it started (UTC); null while queued.")
    finished_at: datetime | None = Field(description="When it ended (UTC); null until then.")


class SourcePage(BaseModel):
    """One page of import sources."""

    items: list[SourceOut] = Field(description="Sources of this page, newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class RunPage(BaseModel):
    """One page of runs of a source."""

    items: list[RunOut] = Field(description="Runs of this page, newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class ImportJobOut(BaseModel):
    """A one-off import, reported as a job; `result` holds the run's counts and rejected rows."""

    id: str = Field(description="Job id; poll `GET /v1/imports/{id}`.")
    kind: str = Field(description="Always `import`.")
    state: RunState = Field(description="Where the import is: queued, running, done or failed.")
    progress: float = Field(description="Share of the file read, 0 to 1.")
    result: dict[str, Any] | None = Field(
        description="Counts (read, created, duplicate, rejected) and rejected rows, once done."
    )
    error: str | None = Field(description="Why the import failed; null otherwise.")
    created_at: datetime = Field(description="When the upload was received (UTC).")
    started_at: datetime | None = Field(description="When a worker started it (UTC); null while queued.")
    finished_at: datetime | None = Field(description="When it ended (UTC); null until then.")
    run_id: str | None = Field(default=None, description="The import run that records its counts.")


#: Request examples (French and English) shown in /docs.
SOURCE_EXAMPLES: dict[str, dict[str, Any]] = {
    "enquete_nps_fr": {
        "summary": "Enquête NPS déposée chaque trimestre sur le serveur, lue chaque lundi",
        "value": {
            "name": "Enquête NPS T3",
            "type": "survey_csv",
            "location": "/srv/frictionmap/imports/nps_q3.csv",
            "mapping": {"respondent_id": "ID", "nps": "Note", "open_ended": ["Pourquoi ?"]},
            "schedule": "0 6 * * 1",
        },
    },
    "trustpilot_daily_en": {
        "summary": "A Trustpilot export fetched every morning",
        "value": {
            "name": "Trustpilot UK",
            "type": "trustpilot_csv",
            "location": "https://exports.example.com/trustpilot/latest.csv",
            "schedule": "0 6 * * *",
            "enabled": True,
        },
    },
}
SOURCE_PATCH_EXAMPLES: dict[str, dict[str, Any]] = {
    "suspendre_fr": {"summary": "Suspendre les imports planifiés", "value": {"enabled": False}},
    "new_schedule_en": {
        "summary": "Run every hour and read another file",
        "value": {"schedule": "0 * * * *", "location": "https://exports.example.com/trustpilot/hourly.csv"},
    },
}
#: ``POST /v1/imports`` is a multipart form: these are its fields (the file itself is chosen in /docs).
IMPORT_EXAMPLES: dict[str, dict[str, Any]] = {
    "avis_verifies_fr": {
        "summary": "Un export Avis Vérifiés, une seule fois",
        "value": {"file": "avis_verifies_mars.csv", "type": "avis_verifies_csv", "source": "avis-verifies"},
    },
    "generic_csv_en": {
        "summary": "A spreadsheet of comments with its own column names",
        "value": {
            "file": "comments.csv",
            "type": "generic_csv",
            "mapping": '{"text": "Comment", "rating": "Stars", "created_at": "Date"}',
            "source": "store-survey",
        },
    },
}
