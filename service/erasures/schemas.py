"""API shapes of erasure requests and of the erasure record (which holds no personal data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from service.feedback.schemas import CleanStr


class ErasureIn(BaseModel):
    """Either a customer reference, or a (source, external id) pair — not both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"customer_ref": "client-8841"},
                {"source": "trustpilot", "external_id": "tp-58f1c2"},
            ]
        },
    )

    customer_ref: CleanStr | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Erase every item sent with this customer reference, and refuse later ones.",
    )
    source: CleanStr | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Source of the item to erase (with external_id).",
    )
    external_id: CleanStr | None = Field(
        default=None, min_length=1, max_length=255, description="The item's id in its source (with source)."
    )

    @model_validator(mode="after")
    def _one_target(self) -> ErasureIn:
        by_item = self.source is not None or self.external_id is not None
        if self.customer_ref is not None and by_item:
            raise PydanticCustomError(
                "one_of", "send either customer_ref, or source and external_id, not both"
            )
        if self.customer_ref is None:
            if self.external_id is None:
                raise PydanticCustomError("required", "external_id (with source) or customer_ref is required")
            if self.source is None:
                raise PydanticCustomError("required", "source is required with external_id")
        return self


class ErasureCounts(BaseModel):
    items: int = Field(description="Feedback items deleted.")
    units: int = Field(description="Opinion units (with their vectors) deleted.")
    quotes: int = Field(description="Quotes removed from pain points.")
    pain_points: int = Field(description="Pain points whose quotes or size changed.")


class ErasureOut(BaseModel):
    """One erasure carried out: when, named how, how much went. No identifier of the person or item."""

    id: str = Field(description="Id of this erasure record.")
    scope: Literal["customer", "item", "feedback_id"] = Field(
        description="What the request named: a customer, a (source, external id) pair, or a stored item id."
    )
    counts: ErasureCounts = Field(description="What was deleted.")
    created_at: datetime = Field(description="When the erasure was carried out (UTC).")

    @classmethod
    def from_row(cls, row: Any) -> ErasureOut:
        return cls(id=row.id, scope=row.scope, counts=ErasureCounts(**row.counts), created_at=row.created_at)


class ErasurePage(BaseModel):
    items: list[ErasureOut] = Field(description="Erasures, newest first.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")


ERASURE_EXAMPLES: dict[str, dict[str, Any]] = {
    "customer_en": {
        "summary": "Erase everything a customer sent (right to erasure)",
        "value": {"customer_ref": "crm-customer-8841"},
    },
    "item_en": {
        "summary": "Erase one review by its source and id",
        "value": {"source": "trustpilot", "external_id": "tp-58f1c2"},
    },
    "customer_fr": {
        "summary": "Effacer tout ce qu'un client a envoyé (droit à l'effacement)",
        "value": {"customer_ref": "client-8841"},
    },
    "item_fr": {
        "summary": "Effacer un avis par sa source et son identifiant",
        "value": {"source": "avis_verifies", "external_id": "av-2026-0412"},
    },
}
