"""Feedback shapes shared by the HTTP API and the importers (both go through ``service.feedback.ingest``).

``FeedbackIn`` is strict on purpose: unknown fields, out-of-range scores, bad dates and non-encodable text are
rejected with the field and the rule, because silently dropping a misspelt ``ratting`` field would corrupt the
analysis without anyone noticing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from nlp.text.nesting import too_deep
from nlp.text.storable import StorableStr
from service.api.errors import FieldError

FeedbackKind = Literal["review", "ticket", "survey", "other"]
LanguageHint = Literal["fr", "en", "other"]
ResultStatus = Literal["created", "duplicate", "rejected"]

MAX_METADATA_BYTES = 16_384
MAX_METADATA_DEPTH = 32
#: Tolerated clock skew for ``created_at`` in the future.
FUTURE_TOLERANCE = timedelta(days=1)


# The one storable-text rule (nlp/text/storable.py), under the name the feedback schemas have used.
CleanStr = StorableStr

_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def language_hint(value: str | None) -> LanguageHint | None:
    """A platform's language tag (``fr``, ``fr-FR``, ``en_GB``, ``de``) as Frictionmap's ``fr`` / ``en`` /
    ``other``; None when it is not a language tag at all, so that ingest detects the language instead.

    Platforms label a review with the language the customer chose in the interface; it is usually right and
    costs nothing, where detection on a three-word review can hesitate.
    """
    match = _LANGUAGE_TAG.match((value or "").strip())
    if match is None:
        return None
    primary = match.group(1).lower()
    if primary in ("fr", "fra", "fre"):
        return "fr"
    if primary in ("en", "eng"):
        return "en"
    return "other"


class FeedbackIn(BaseModel):
    """One piece of customer feedback. Only `text` is required."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=False,
        json_schema_extra={
            "examples": [
                {
                    "source": "trustpilot",
                    "external_id": "tp-58f1c2",
                    "text": "Livraison avec 5 jours de retard et personne ne répond au téléphone.",
                    "kind": "review",
                    "rating": 2,
                    "channel": "delivery",
                    "segment": "particulier",
                    "customer_ref": "client-8841",
                    "created_at": "2024-03-12T09:30:00+01:00",
                    "metadata": {"order_country": "FR"},
                },
                {
                    "source": "zendesk",
                    "external_id": "48213",
                    "text": "My card was declined at checkout three times, then charged twice.",
                    "kind": "ticket",
                    "csat": 1,
                    "channel": "web",
                    "segment": "smb",
                    "created_at": "2024-03-14T16:05:00Z",
                },
            ]
        },
    )

    source: CleanStr = Field(
        default="api",
        min_length=1,
        max_length=100,
        description="Where the feedback comes from (`trustpilot`, `zendesk`, `survey-q3`...). Part of the "
        "idempotency key with `external_id`.",
    )
    external_id: CleanStr | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="The item's id in its source. Re-sending the same (`source`, `external_id`) "
        "creates nothing "
        "new. Without it, a hash of the item's content is the idempotency key.",
    )
    text: CleanStr = Field(
        description="What the customer wrote, in French or English (other languages are stored, "
        "tagged `other`). "
        "Personal data (e-mails, phones, IBANs, card numbers, secrets) is redacted before storage. "
        "1 to 20,000 characters, not only whitespace.",
    )
    kind: FeedbackKind = Field(default="other", description="`review`, `ticket`, `survey` or `other`.")
    rating: float | None = Field(default=None, ge=1, le=5, description="Star rating, 1 to 5.")
    nps: int | None = Field(default=None, ge=0, le=10, description="Net Promoter Score answer, 0 to 10.")
    csat: float | None = Field(default=None, ge=1, le=5, description="Customer satisfaction score, 1 to 5.")
    channel: CleanStr | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Channel or touchpoint (`web`, `app`, `store`, `phone`, `email`, `chat`, "
        "`social`, `delivery`).",
    )
    segment: CleanStr | None = Field(
        default=None, min_length=1, max_length=100, description="Customer segment or persona."
    )
    customer_ref: CleanStr | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Your customer identifier. Stored only as a keyed hash (pseudonymised), never in clear.",
    )
    created_at: datetime | None = Field(
        default=None,
        description="When the customer wrote it (ISO 8601; a time without offset is read as UTC). "
        "Defaults to the time Frictionmap received it.",
    )
    metadata: dict[str, Any] | None = Field(
        default=None,
        description="Free JSON object kept with the item (at most 16 KiB). String values are "
        "PII-redacted too.",
    )
    language: LanguageHint | None = Field(
        default=None,
        description="Language of the text when you know it: `fr`, `en` or `other` (a tag such as `fr-FR` "
        "or `en_GB` is read as its language). Stored as given; without it Frictionmap detects the "
        "language from the text.",
    )

    @field_validator("language", mode="before")
    @classmethod
    def _language_tag(cls, value: Any) -> Any:
        """``FR``, ``fr-CA`` and ``en_GB`` name French and English; other values must be one of the three."""
        if isinstance(value, str):
            if value.strip().lower() == "other":
                return "other"
            hint = language_hint(value)
            if hint in ("fr", "en"):
                return hint
        return value

    @field_validator("external_id", mode="before")
    @classmethod
    def _numeric_ids_are_ids(cls, value: Any) -> Any:
        """Platforms often export numeric ids; 48213 and "48213" are the same item."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("text")
    @classmethod
    def _text_rules(cls, value: str, info: ValidationInfo) -> str:
        max_chars = (info.context or {}).get("max_text_chars", 20_000)
        if not value.strip():
            raise PydanticCustomError("not_blank", "must contain at least one non-whitespace character")
        if len(value) > max_chars:
            raise PydanticCustomError(
                "max_length",
                "must be at most {max} characters (got {got})",
                {"max": max_chars, "got": len(value)},
            )
        return value

    @field_validator("created_at")
    @classmethod
    def _aware_not_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            value = value.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 or 9999-12-31T23:59:59-14:00: no UTC equivalent
            if value.year < 1990:
                raise PydanticCustomError("too_old", "must be after 1990-01-01") from None
            raise PydanticCustomError("not_in_future", "must not be in the future") from None
        if value > datetime.now(UTC) + FUTURE_TOLERANCE:
            raise PydanticCustomError("not_in_future", "must not be in the future")
        if value.year < 1990:
            raise PydanticCustomError("too_old", "must be after 1990-01-01")
        return value

    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata_depth(cls, value: Any) -> Any:
        """Checked before anything walks the object: 600 levels fit in 16 KiB and overflow the stack of
        every recursive step after (serialising, redacting, storing)."""
        if too_deep(value, MAX_METADATA_DEPTH):
            raise PydanticCustomError(
                "max_depth", "must be nested at most {max} levels deep", {"max": MAX_METADATA_DEPTH}
            )
        return value

    @field_validator("metadata")
    @classmethod
    def _metadata_rules(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        try:
            encoded = json.dumps(value, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError, UnicodeEncodeError) as exc:
            raise PydanticCustomError("json_object", "must be a JSON object of valid UTF-8 text") from exc
        if b"\\u0000" in encoded or b"\x00" in encoded:
            raise PydanticCustomError("no_nul", "must not contain NUL characters")
        if len(encoded) > MAX_METADATA_BYTES:
            raise PydanticCustomError(
                "max_size",
                "must be at most {max} bytes of JSON (got {got})",
                {"max": MAX_METADATA_BYTES, "got": len(encoded)},
            )
        return value


class FeedbackBatchIn(BaseModel):
    """A batch of up to 1,000 items. Each item is validated on its own: a bad item never sinks the others."""

    model_config = ConfigDict(extra="forbid")

    items: list[FeedbackIn] = Field(min_length=1, max_length=1000, description="The items, 1 to 1,000.")


class ItemResult(BaseModel):
    """What happened to one submitted item."""

    index: int = Field(description="Position of the item in the submitted batch (0 for a single item).")
    status: ResultStatus = Field(
        description="`created` (stored now), `duplicate` (already stored: nothing changed) or `rejected`."
    )
    id: str | None = Field(default=None, description="Id of the stored item (created or duplicate).")
    reason: str | None = Field(default=None, description="Why the item was rejected, or what it duplicates.")
    errors: list[FieldError] = Field(default_factory=list, description="Broken rules of a rejected item.")
    language: str | None = Field(
        default=None,
        description="Language stored for a created item: `fr`, `en` or `other` (the `language` hint when "
        "given, otherwise detected).",
    )
    redactions: dict[str, int] = Field(
        default_factory=dict, description="Personal data replaced by placeholders, by kind (EMAIL, PHONE...)."
    )


class BatchResult(BaseModel):
    """Per-item results, in submission order, plus counts."""

    created: int = Field(description="Items stored by this request.")
    duplicates: int = Field(description="Items that were already stored.")
    rejected: int = Field(description="Items refused; see each result's errors.")
    results: list[ItemResult] = Field(description="One result per submitted item, in order.")


class FeedbackOut(BaseModel):
    """A stored feedback item (text already redacted)."""

    id: str = Field(description="Frictionmap id of the item.")
    source: str = Field(description="Where it comes from.")
    external_id: str | None = Field(description="Its id in the source.")
    text: str = Field(description="Redacted text.")
    language: str = Field(
        description="Language: `fr`, `en` or `other` (the submitted hint, otherwise detected)."
    )
    kind: FeedbackKind = Field(description="`review`, `ticket`, `survey` or `other`.")
    rating: float | None = Field(description="Star rating, 1 to 5.")
    nps: int | None = Field(description="NPS answer, 0 to 10.")
    csat: float | None = Field(description="CSAT, 1 to 5.")
    channel: str | None = Field(description="Channel or touchpoint.")
    segment: str | None = Field(description="Customer segment or persona.")
    customer_hash: str | None = Field(description="Pseudonymised customer reference (keyed hash).")
    created_at: datetime = Field(description="When the customer wrote it (UTC).")
    received_at: datetime = Field(description="When Frictionmap received it (UTC).")
    metadata: dict[str, Any] | None = Field(description="Free metadata, PII-redacted.")
    redactions: dict[str, int] | None = Field(description="Personal data replaced at ingest, by kind.")


class FeedbackPage(BaseModel):
    """One page of feedback, newest first."""

    items: list[FeedbackOut] = Field(description="Items of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
