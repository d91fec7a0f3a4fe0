"""Erasures (GDPR right to erasure) and the tombstones that make them stick.

An ``Erasure`` row says *that* something was erased and when, with counts, so a workspace can show its
record of erasure requests; it holds no personal data. Each erasure leaves ``ErasureTombstone`` rows: keyed
hashes (HMAC with the deployment's ``pii_hash_key``, scoped to the workspace) of what identified the erased
data — the (source, external id) of each item, the content hash of items without an external id, the
pseudonymised customer reference. Ingest looks those up so a re-send or re-import of erased data is refused;
a hash without the key cannot be turned back into an id or a customer reference.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from service.models.types import JSONType, UTCDateTime, new_id, utcnow

ERASURE_SCOPES = ("customer", "item", "feedback_id")
TOMBSTONE_KINDS = ("customer", "item", "content")


def _workspace_fk() -> Column[Any]:
    return Column(String(36), ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True)


class Erasure(SQLModel, table=True):
    """One erasure request that was carried out: what kind of key named it, when, and how much went."""

    __tablename__ = "erasure"
    __table_args__ = (Index("ix_erasure_workspace_created", "workspace_id", "created_at", "id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    scope: str = Field(sa_column=Column(String(16), nullable=False))
    counts: dict[str, int] = Field(sa_column=Column(JSONType, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class ErasureTombstone(SQLModel, table=True):
    """A keyed hash that ingest refuses from now on (rule ``erased``)."""

    __tablename__ = "erasure_tombstone"
    __table_args__ = (Index("uq_erasure_tombstone_key", "workspace_id", "kind", "key_hash", unique=True),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    erasure_id: str = Field(
        sa_column=Column(String(36), ForeignKey("erasure.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    key_hash: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
