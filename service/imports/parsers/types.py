"""Shared vocabulary of the importers: what a parser yields and how it fails.

Parsers never touch the database. They turn an export file into ``ParsedRow`` objects, each carrying the
items built from one source record (a CSV row, a JSON object, a survey respondent) or the reason it was
rejected, plus the ``Checkpoint`` a run stores so that a killed worker resumes right after that record.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nlp.text.storable import StorableStr


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (binary, wrong columns, truncated, bad JSON).

    Raised instead of yielding row errors because no row of such a file can be trusted; the message is
    shown to users as is, so it names the columns or the position involved.
    """


@dataclass(frozen=True)
class Checkpoint:
    """Where to restart after the last committed record.

    ``row`` counts source records already consumed. ``offset`` is the byte offset just after that
    record when the format allows seeking (CSV, JSON Lines); JSON documents resume by skipping ``row``
    records instead. ``fingerprint`` ties the checkpoint to one file so that a changed export restarts
    from the top instead of seeking into the middle of a different file.
    """

    row: int = 0
    offset: int | None = None
    fingerprint: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "offset": self.offset, "fingerprint": self.fingerprint}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Checkpoint | None:
        if not data:
            return None
        return cls(
            row=int(data.get("row", 0)), offset=data.get("offset"), fingerprint=data.get("fingerprint")
        )


@dataclass(frozen=True)
class RowError:
    """One rejected source record, with a reason a person can act on."""

    row: int
    reason: str
    external_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "reason": self.reason, "external_id": self.external_id}


@dataclass
class ImportedItem:
    """A feedback item as the importers produce it, before ``ingest_items`` validates and stores it.

    ``rating`` and ``csat`` are always on the 1–5 scale whatever the platform used, ``nps`` on 0–10, so
    downstream scoring never needs to know where an item came from. ``language`` is the platform's
    tag (``fr``, ``en-GB``, ``de``): ``language_hint`` turns it into ingest's ``fr`` / ``en`` / ``other``.
    """

    external_id: str
    text: str
    rating: float | None = None
    nps: int | None = None
    csat: float | None = None
    created_at: datetime | None = None
    language: str | None = None
    channel: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedRow:
    """What a parser yields per source record: its items or the reason it was rejected.

    Not a ``Record``: that name belongs to ``nlp.pipeline.Record``, the one record type of the pipeline.
    """

    number: int
    items: list[ImportedItem]
    error: RowError | None
    checkpoint: Checkpoint


RatingScale = Literal["1-5", "0-5", "1-10", "0-10", "0-100", "percent", "enum", "good_bad"]
DateOrder = Literal["auto", "dmy", "mdy", "ymd"]


class ImportMapping(BaseModel):
    """Field mapping of a source: item field → column name (CSV) or dotted key path (JSON).

    Every key is optional; unset keys fall back to the defaults of the source type. ``extra="forbid"``
    so that a typo such as ``"txt"`` is a 422 naming the key rather than a silently ignored column.
    """

    model_config = ConfigDict(extra="forbid")

    external_id: StorableStr | None = Field(
        default=None, description="Column holding the platform's review id."
    )
    text: StorableStr | None = Field(default=None, description="Column holding the review / comment body.")
    title: StorableStr | None = Field(
        default=None, description="Column holding a title, prepended to the text."
    )
    rating: StorableStr | None = Field(default=None, description="Column holding a star rating or score.")
    created_at: StorableStr | None = Field(
        default=None, description="Column holding the date the feedback was written."
    )
    language: StorableStr | None = Field(
        default=None, description="Column holding a language hint (fr, en, ...)."
    )
    nps: StorableStr | None = Field(
        default=None, description="Column holding a 0–10 likelihood-to-recommend answer."
    )
    csat: StorableStr | None = Field(
        default=None, description="Column holding a satisfaction score (scale: csat_scale)."
    )
    metadata: list[StorableStr] | None = Field(
        default=None, description="Columns copied as is into item metadata."
    )
    respondent_id: StorableStr | None = Field(
        default=None, description="Survey: column identifying the respondent."
    )
    open_ended: list[StorableStr] | None = Field(
        default=None, description="Survey: the open-ended question columns."
    )
    rating_scale: RatingScale | None = Field(default=None, description="Scale of the rating column.")
    csat_scale: RatingScale | None = Field(default=None, description="Scale of the CSAT column.")
    date_order: DateOrder | None = Field(default=None, description="Order of day/month in numeric dates.")
    delimiter: StorableStr | None = Field(
        default=None, description="CSV delimiter; read from the header when unset."
    )
    encoding: StorableStr | None = Field(default=None, description="File encoding; detected when unset.")
    sheet: StorableStr | None = Field(
        default=None, description="Worksheet of an .xlsx file; the first when unset."
    )

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("delimiter must be exactly one character")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                info = codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {value!r}") from exc
            # base64, rot13, zlib... are codecs but not text encodings (bytes.decode refuses them): the run
            # failed on them with an internal error. CPython marks them, as bytes.decode reads it.
            if not getattr(info, "_is_text_encoding", True):
                raise ValueError(f"{value!r} is not a text encoding")
        return value

    @field_validator("open_ended", "metadata")
    @classmethod
    def _non_empty_names(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not name.strip() for name in value):
            raise ValueError("column names must not be empty")
        return value
