"""People who sign in to the web app: one row per e-mail and workspace, with a role.

API keys stay the machines' door; users are the people's. Only an Argon2id hash of the password is stored
(see ``service.web.users``). The e-mail is kept lower-cased so that sign-in does not depend on its case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from service.models.types import UTCDateTime, new_id, utcnow

USER_ROLES = ("admin", "editor", "viewer")


def _workspace_fk() -> Column[Any]:
    return Column(String(36), ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True)


class User(SQLModel, table=True):
    """A workspace member: ``viewer`` reads, ``editor`` also edits pain points, ``admin`` also settings."""

    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("workspace_id", "email", name="uq_user_workspace_email"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    workspace_id: str = Field(sa_column=_workspace_fk())
    email: str = Field(sa_column=Column(String(320), nullable=False, index=True))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    role: str = Field(default="viewer", sa_column=Column(String(16), nullable=False))
    language: str | None = Field(default=None, sa_column=Column(String(8), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
