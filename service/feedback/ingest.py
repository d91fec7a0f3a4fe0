"""Idempotent feedback ingest: the one path by which feedback enters the database (API and importers alike).

For each item: validate (``FeedbackIn``), redact PII from the text and metadata, detect the language (unless
the item carries a ``language`` hint), pseudonymise the customer reference, compute the content hash, then one
multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` per chunk of the batch (a row per statement was
half of the ingest time; on PostgreSQL one ``INSERT ... SELECT FROM unnest(column arrays)``, ``insert_pg``),
and one lookup of the stored ids of the duplicates.
The unique constraints are the source of truth for idempotency, so concurrent callers posting the same batch
(several API workers, an import racing a webhook) store each item exactly once on SQLite and PostgreSQL:

* with an ``external_id``: unique (workspace, source, external_id);
* without: unique (workspace, content_hash) among items that have no external id.

A rejected item never sinks the others; nothing is half-written because all inserts of a call share one
transaction, committed at the end. Items are stored *as first received*: re-sending an id with
edited text is a
``duplicate`` and does not overwrite (history stays reproducible).

SQLite note: the function commits any open transaction of ``session`` first and then writes before it reads,
so the write lock is taken with the busy timeout instead of failing on a stale read snapshot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, tuple_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from nlp.text.language import detect_language
from nlp.text.redaction import redact_pii
from service.api.errors import summary, to_field_errors
from service.erasures.tombstones import erased_results
from service.feedback import hooks, insert_pg
from service.feedback.schemas import FeedbackIn, ItemResult
from service.models import FeedbackItem, Workspace
from service.models.types import new_id, utcnow
from service.settings import Settings, get_settings
from service.workspaces.security import pseudonymise

_TABLE = FeedbackItem.__table__  # type: ignore[attr-defined]
LANGUAGE_SAMPLE_CHARS = 2_000


@dataclass(frozen=True)
class _Prepared:
    index: int
    row: dict[str, Any]
    language: str
    redactions: dict[str, int]


def content_hash(item: FeedbackIn, redacted_text: str, customer_hash: str | None) -> str:
    """Stable hash of what the customer said and its context (not of when we received it)."""
    payload = {
        "source": item.source,
        "text": " ".join(redacted_text.split()),
        "kind": item.kind,
        "rating": item.rating,
        "nps": item.nps,
        "csat": item.csat,
        "channel": item.channel,
        "segment": item.segment,
        "customer": customer_hash,
        "created_at": item.created_at.isoformat() if item.created_at else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _redact_json(value: Any, counts: dict[str, int]) -> Any:
    if isinstance(value, str):
        red = redact_pii(value)
        for kind, n in red.counts.items():
            counts[kind] = counts.get(kind, 0) + n
        return red.text
    if isinstance(value, list):
        return [_redact_json(v, counts) for v in value]
    if isinstance(value, dict):
        return {k: _redact_json(v, counts) for k, v in value.items()}
    return value


def _validate(raw: Mapping[str, Any] | FeedbackIn, settings: Settings) -> FeedbackIn:
    if isinstance(raw, FeedbackIn):
        raw = raw.model_dump(exclude_unset=True)
    return FeedbackIn.model_validate(raw, context={"max_text_chars": settings.max_text_chars})


def _prepare(
    index: int, item: FeedbackIn, workspace_id: str, settings: Settings, received_at: datetime
) -> _Prepared:
    red = redact_pii(item.text)
    counts = dict(red.counts)
    meta = _redact_json(item.metadata, counts) if item.metadata is not None else None
    customer_hash = (
        pseudonymise(item.customer_ref, key=settings.pii_hash_key, workspace_id=workspace_id)
        if item.customer_ref
        else None
    )
    # A hint from the sender (or the platform, through the importers) wins: it is what the customer chose.
    # Otherwise language is settled long before 2,000 characters; bounding the input bounds the cost of a
    # 20k ticket.
    language = item.language or detect_language(red.text[:LANGUAGE_SAMPLE_CHARS])
    row = {
        "id": new_id(),
        "workspace_id": workspace_id,
        "source": item.source,
        "external_id": item.external_id,
        "text": red.text,
        "language": language,
        "kind": item.kind,
        "rating": item.rating,
        "nps": item.nps,
        "csat": item.csat,
        "channel": item.channel,
        "segment": item.segment,
        "customer_hash": customer_hash,
        "created_at": item.created_at or received_at,
        "received_at": received_at,
        "metadata": meta,
        "content_hash": content_hash(item, red.text, customer_hash),
        "redactions": counts or None,
    }
    return _Prepared(index=index, row=row, language=language, redactions=counts)


def _lock_key(row: Mapping[str, Any]) -> tuple[str, str, str]:
    if row["external_id"] is not None:
        return ("e", row["source"], row["external_id"])
    return ("h", row["content_hash"], "")


def _lock_order(p: _Prepared) -> tuple[str, str, str]:
    return _lock_key(p.row)


# Rows per INSERT: at 18 bound parameters a row, well under SQLite's 32,766 and PostgreSQL's 65,535.
INSERT_CHUNK_ROWS = 500


def _insert_ignoring_conflicts(session: Session, rows: Sequence[dict[str, Any]]) -> set[str]:
    """One multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` per chunk; the ids actually inserted.

    A row whose unique key is already stored (or being stored by a concurrent transaction, which PostgreSQL
    waits for) is skipped, including the second occurrence of a key inside ``rows``: the VALUES are inserted
    in order, so the first occurrence wins. Ids are made here, not by the database, so the returned set maps
    back to the rows whatever order RETURNING uses (SQLite does not promise one).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # one statement of column arrays (unnest), see insert_pg
        return insert_pg.insert_ignoring_conflicts(session, rows)
    if dialect != "sqlite":
        raise RuntimeError(f"unsupported database dialect for ingest: {dialect}")
    # One statement object with parameter *lists*: SQLAlchemy's "insertmanyvalues" renders the multi-row
    # VALUES from a cached compilation. Building ``.values(chunk)`` instead compiled 500 x 18 bind
    # parameters afresh on every call — 70% of the INSERT time (docs/benchmarks.md, "Ingest profile").
    stmt = sqlite_insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id)
    inserted: set[str] = set()
    for start in range(0, len(rows), INSERT_CHUNK_ROWS):
        chunk = list(rows[start : start + INSERT_CHUNK_ROWS])
        inserted.update(session.execute(stmt, chunk).scalars())
    return inserted


def _existing_ids(
    session: Session, workspace_id: str, rows: Sequence[dict[str, Any]]
) -> dict[tuple[str, str, str], str]:
    """Stored ids of ``rows``' unique keys (``_lock_key``): one query per chunk of keys, not one per row
    (PostgreSQL: two queries over key arrays, ``insert_pg.existing_ids``)."""
    if session.get_bind().dialect.name == "postgresql":
        return insert_pg.existing_ids(session, workspace_id, rows)
    c = _TABLE.c
    found: dict[tuple[str, str, str], str] = {}
    by_external = sorted({(r["source"], r["external_id"]) for r in rows if r["external_id"] is not None})
    by_hash = sorted({r["content_hash"] for r in rows if r["external_id"] is None})
    for start in range(0, len(by_external), INSERT_CHUNK_ROWS):
        pairs = by_external[start : start + INSERT_CHUNK_ROWS]
        stmt = select(c.id, c.source, c.external_id).where(
            c.workspace_id == workspace_id, tuple_(c.source, c.external_id).in_(pairs)
        )
        for id_, source, external_id in session.execute(stmt):
            found[("e", source, external_id)] = id_
    for start in range(0, len(by_hash), INSERT_CHUNK_ROWS):
        hashes = by_hash[start : start + INSERT_CHUNK_ROWS]
        stmt = select(c.id, c.content_hash).where(
            c.workspace_id == workspace_id, c.external_id.is_(None), c.content_hash.in_(hashes)
        )
        for id_, hash_ in session.execute(stmt):
            found[("h", hash_, "")] = id_
    return found


def ingest_items(
    session: Session,
    workspace: Workspace,
    items: Sequence[Mapping[str, Any] | FeedbackIn],
    *,
    settings: Settings | None = None,
    commit: bool = True,
) -> list[ItemResult]:
    """Store ``items`` for ``workspace``; one ``ItemResult`` per item, in order. Commits.

    ``items`` may be raw mappings (validated here, so errors name the item's fields) or ``FeedbackIn``.
    Post-ingest hooks (``service.feedback.hooks.on_feedback_created``) run after the commit with the
    created ids.

    ``commit=False`` leaves the inserts in the open transaction and skips the hooks: the caller adds its
    own rows, commits, then calls ``hooks.feedback_created`` with the created ids. The importers use it
    to store a chunk of items and the run's checkpoint atomically, so a killed worker resumes exactly.
    """
    settings = settings or get_settings()
    workspace_id = workspace.id
    received_at = utcnow()
    results: list[ItemResult | None] = [None] * len(items)
    prepared: list[_Prepared] = []
    for index, raw in enumerate(items):
        try:
            item = _validate(raw, settings)
        except ValidationError as exc:
            errors = to_field_errors(exc.errors())
            results[index] = ItemResult(index=index, status="rejected", reason=summary(errors), errors=errors)
            continue
        prepared.append(_prepare(index, item, workspace_id, settings, received_at))

    erased = erased_results(session, settings, [(p.index, p.row) for p in prepared])  # erased on request
    for index, rejected in erased.items():
        results[index] = rejected
    prepared = [p for p in prepared if p.index not in erased]
    created_ids: list[str] = []
    if prepared:
        session.commit()  # end any read snapshot so the first statement below takes the write lock
        # Every caller takes the unique-index locks in the same global order, so two batches holding the same
        # items in different orders cannot deadlock on PostgreSQL. The sort is stable: within one batch the
        # first occurrence of a key is the one created.
        prepared.sort(key=_lock_order)
        try:
            inserted = _insert_ignoring_conflicts(session, [p.row for p in prepared])
            missing = [p.row for p in prepared if p.row["id"] not in inserted]
            existing = _existing_ids(session, workspace_id, missing) if missing else {}
            for p in prepared:
                if p.row["id"] in inserted:
                    created_ids.append(p.row["id"])
                    results[p.index] = ItemResult(
                        index=p.index,
                        status="created",
                        id=p.row["id"],
                        language=p.language,
                        redactions=p.redactions,
                    )
                    continue
                key = (
                    f"source={p.row['source']!r}, external_id={p.row['external_id']!r}"
                    if p.row["external_id"] is not None
                    else "same content (no external_id)"
                )
                results[p.index] = ItemResult(
                    index=p.index,
                    status="duplicate",
                    id=existing.get(_lock_key(p.row)),
                    reason=f"already stored: {key}",
                )
            if commit:
                session.commit()
        except Exception:
            session.rollback()
            raise
    if commit:
        hooks.feedback_created(session, workspace_id, created_ids)
    return [r for r in results if r is not None]
