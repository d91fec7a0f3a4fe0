"""Erasure use cases: find what a request names, delete it and everything derived from it, leave tombstones.

What goes with an item: its row (text, metadata), its opinion units (text, embedding vectors — ``ON DELETE
CASCADE`` and an explicit delete), its quotes in pain points; pain point sizes are recounted from the units
still assigned, and the erased ids are passed to ``service.feedback.hooks.on_feedback_deleted``. Mentions,
journey maps and exports are computed from those tables on every read, so nothing else holds the text.

Tombstones are written in the same transaction as the deletes, so an erasure is all or nothing. On SQLite the
file is then checkpointed (``wal_checkpoint(TRUNCATE)``): with ``secure_delete`` (``service.db``) the freed
pages are zeroed, and truncating the write-ahead log drops the copies it held.

Known limit: an ingest that checked the tombstones just before an erasure committed can still insert its item
right after; a second erasure request removes it (the tombstone then already refuses further re-sends).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from service.erasures.tombstones import item_value, row_keys, tombstone_hash
from service.feedback import hooks, search_index
from service.models import Erasure, ErasureTombstone, FeedbackItem, OpinionUnit, PainPoint
from service.models.types import utcnow
from service.settings import Settings
from service.workspaces.security import pseudonymise

_TOMBSTONE = ErasureTombstone.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ErasureTarget:
    """What a request names: a customer reference, a (source, external id) pair, or one stored item id."""

    customer_ref: str | None = None
    source: str | None = None
    external_id: str | None = None
    feedback_id: str | None = None

    @property
    def scope(self) -> str:
        if self.customer_ref is not None:
            return "customer"
        return "item" if self.feedback_id is None else "feedback_id"


@dataclass(frozen=True)
class ErasedCounts:
    items: int
    units: int
    quotes: int
    pain_points: int

    def as_dict(self) -> dict[str, int]:
        return {
            "items": self.items,
            "units": self.units,
            "quotes": self.quotes,
            "pain_points": self.pain_points,
        }


def _matching_items(
    session: Session, workspace_id: str, target: ErasureTarget, settings: Settings
) -> list[FeedbackItem]:
    query = select(FeedbackItem).where(FeedbackItem.workspace_id == workspace_id)
    if target.customer_ref is not None:
        customer_hash = pseudonymise(
            target.customer_ref, key=settings.pii_hash_key, workspace_id=workspace_id
        )
        query = query.where(FeedbackItem.customer_hash == customer_hash)
    elif target.feedback_id is not None:
        query = query.where(FeedbackItem.id == target.feedback_id)
    else:
        query = query.where(
            FeedbackItem.source == target.source, FeedbackItem.external_id == target.external_id
        )
    return list(session.exec(query).all())


# Bound the ids per statement: SQLite and PostgreSQL cap the bound parameters of one statement.
_CHUNK = 500


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


def delete_items(session: Session, workspace_id: str, ids: Sequence[str]) -> ErasedCounts:
    """Delete items ``ids`` of the workspace, their units and their quotes; recount touched pain points.

    Does not commit: the caller writes its tombstones in the same transaction.
    """
    if not ids:
        return ErasedCounts(items=0, units=0, quotes=0, pain_points=0)
    id_set = set(ids)
    chunks = _chunks(sorted(id_set))
    touched: set[str] = set()
    for chunk in chunks:
        touched.update(
            pid
            for pid in session.exec(
                select(OpinionUnit.pain_point_id).where(
                    col(OpinionUnit.feedback_id).in_(chunk), col(OpinionUnit.pain_point_id).is_not(None)
                )
            ).all()
            if pid is not None
        )
    # Quotes may cite an item even where none of its units is assigned any more: scan the workspace's points.
    quotes_removed = 0
    points = session.exec(select(PainPoint).where(PainPoint.workspace_id == workspace_id)).all()
    for point in points:
        quotes = point.quotes or []
        kept = [q for q in quotes if q.get("feedback_id") not in id_set]
        if len(kept) != len(quotes):
            quotes_removed += len(quotes) - len(kept)
            point.quotes = kept
            touched.add(point.id)
    units = items = 0
    for chunk in chunks:
        units += _rowcount(
            session.execute(delete(OpinionUnit).where(col(OpinionUnit.feedback_id).in_(chunk)))
        )
        items += _rowcount(
            session.execute(
                delete(FeedbackItem).where(
                    col(FeedbackItem.id).in_(chunk), col(FeedbackItem.workspace_id) == workspace_id
                )
            )
        )
    session.flush()
    now = utcnow()
    for point in points:
        if point.id in touched:
            point.size = session.exec(
                select(func.count()).select_from(OpinionUnit).where(OpinionUnit.pain_point_id == point.id)
            ).one()
            point.updated_at = now
            session.add(point)
    return ErasedCounts(
        items=items,
        units=units,
        quotes=quotes_removed,
        pain_points=len(touched),
    )


def _tombstone_keys(
    workspace_id: str, target: ErasureTarget, items: Sequence[FeedbackItem], settings: Settings
) -> set[tuple[str, str]]:
    secret = settings.pii_hash_key
    keys: set[tuple[str, str]] = set()
    for item in items:
        keys.update(
            row_keys(
                secret,
                workspace_id,
                source=item.source,
                external_id=item.external_id,
                content_hash=item.content_hash,
                customer_hash=None,  # a single item's erasure must not refuse the customer's other feedback
            )
        )
    if target.customer_ref is not None:
        customer_hash = pseudonymise(
            target.customer_ref, key=settings.pii_hash_key, workspace_id=workspace_id
        )
        keys.add(("customer", tombstone_hash(secret, workspace_id, "customer", customer_hash)))
    elif target.source is not None and target.external_id is not None:
        value = item_value(target.source, target.external_id)
        keys.add(("item", tombstone_hash(secret, workspace_id, "item", value)))
    return keys


def _insert_tombstones(session: Session, erasure: Erasure, keys: set[tuple[str, str]]) -> None:
    """Insert, ignoring keys already tombstoned (a repeated request, or a concurrent one)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for kind, key_hash in sorted(keys):
        row = ErasureTombstone(
            workspace_id=erasure.workspace_id,
            erasure_id=erasure.id,
            kind=kind,
            key_hash=key_hash,
            created_at=erasure.created_at,
        )
        values = row.model_dump()
        session.execute(insert(_TOMBSTONE).values(**values).on_conflict_do_nothing())


def _scrub_sqlite_log(session: Session) -> None:
    """Drop the write-ahead log's copies of deleted pages (best effort: busy readers leave it for later)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        session.commit()


def erase(session: Session, workspace_id: str, target: ErasureTarget, settings: Settings) -> Erasure | None:
    """Carry out one erasure request and record it; commits.

    A request by ``feedback_id`` that matches nothing returns None (the caller answers 404). A request by
    customer or by (source, external id) is recorded even when nothing is stored yet, so the data is refused
    if it arrives later (an import in flight, a late re-send).
    """
    session.commit()  # end any read snapshot so the deletes below take the write lock with the busy timeout
    items = _matching_items(session, workspace_id, target, settings)
    if target.feedback_id is not None and not items:
        return None
    keys = _tombstone_keys(workspace_id, target, items, settings)
    ids = [item.id for item in items]
    counts = delete_items(session, workspace_id, ids)
    erasure = Erasure(workspace_id=workspace_id, scope=target.scope, counts=counts.as_dict())
    session.add(erasure)
    session.flush()
    _insert_tombstones(session, erasure, keys)
    session.commit()
    search_index.forget_erased(session)
    _scrub_sqlite_log(session)
    hooks.feedback_deleted(session, workspace_id, ids)
    session.refresh(erasure)
    return erasure
