"""Tombstone keys: what identified erased data, as keyed hashes, and the check ingest runs against them.

Three kinds of key, each an HMAC-SHA256 (key ``pii_hash_key``) of ``workspace:kind:value``:

* ``item`` — the (source, external id) pair of an erased item: a re-send or re-import of it is refused;
* ``content`` — the content hash of an erased item (what ingest uses as identity without an external id);
* ``customer`` — the pseudonymised customer reference of an erasure by customer: any later item carrying
  that reference is refused too, which is what a customer who asked to be forgotten expects.

The HMAC keeps the table free of personal data: without the deployment's key a hash cannot be tested
against guessed ids, and the workspace in the message keeps tenants' tombstones unlinkable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from service.api.errors import FieldError
from service.feedback.schemas import ItemResult
from service.models import ErasureTombstone
from service.settings import Settings

ERASED_RULE = "erased"
_FIELD_OF_KIND = {"item": "external_id", "content": "text", "customer": "customer_ref"}


def tombstone_hash(secret: str, workspace_id: str, kind: str, value: str) -> str:
    message = f"{workspace_id}:{kind}:{value}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def item_value(source: str, external_id: str) -> str:
    """One string per (source, external id) pair; JSON so that no separator can make two pairs collide."""
    return json.dumps([source, external_id], ensure_ascii=False)


def row_keys(
    secret: str,
    workspace_id: str,
    *,
    source: str,
    external_id: str | None,
    content_hash: str | None,
    customer_hash: str | None,
) -> list[tuple[str, str]]:
    """(kind, key hash) of everything that identifies one feedback row."""
    keys: list[tuple[str, str]] = []
    if external_id is not None:
        keys.append(("item", tombstone_hash(secret, workspace_id, "item", item_value(source, external_id))))
    if content_hash:
        keys.append(("content", tombstone_hash(secret, workspace_id, "content", content_hash)))
    if customer_hash:
        keys.append(("customer", tombstone_hash(secret, workspace_id, "customer", customer_hash)))
    return keys


def _found(session: Session, workspace_id: str, hashes: list[str]) -> set[tuple[str, str]]:
    """(kind, hash) of the given hashes that have a tombstone; one query per 500 hashes (PostgreSQL: one
    query, ``key_hash = ANY(:array)``: one parameter and a constant statement, not 500-entry IN lists)."""
    found: set[tuple[str, str]] = set()
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam("hashes", value=hashes, type_=ARRAY(String))
        query = select(ErasureTombstone.kind, ErasureTombstone.key_hash).where(
            ErasureTombstone.workspace_id == workspace_id, col(ErasureTombstone.key_hash) == any_(array)
        )
        return {(kind, key_hash) for kind, key_hash in session.exec(query).all()}
    for at in range(0, len(hashes), 500):
        query = select(ErasureTombstone.kind, ErasureTombstone.key_hash).where(
            ErasureTombstone.workspace_id == workspace_id,
            col(ErasureTombstone.key_hash).in_(hashes[at : at + 500]),
        )
        found.update((kind, key_hash) for kind, key_hash in session.exec(query).all())
    return found


def erased_kind(session: Session, workspace_id: str, keys: list[tuple[str, str]]) -> str | None:
    """The kind of the first of ``keys`` that has a tombstone in the workspace, else None (one look-up)."""
    if not keys:
        return None
    found = _found(session, workspace_id, [h for _, h in keys])
    return next((kind for kind, h in keys if (kind, h) in found), None)


def is_erased(session: Session, workspace_id: str, keys: list[tuple[str, str]]) -> bool:
    """True when any of ``keys`` has a tombstone in the workspace."""
    return erased_kind(session, workspace_id, keys) is not None


def _row_keys(settings: Settings, row: Mapping[str, Any]) -> list[tuple[str, str]]:
    return row_keys(
        settings.pii_hash_key,
        row["workspace_id"],
        source=row["source"],
        external_id=row["external_id"],
        content_hash=row["content_hash"],
        customer_hash=row["customer_hash"],
    )


def _rejected(index: int, kind: str) -> ItemResult:
    error = FieldError(
        field=_FIELD_OF_KIND[kind],
        rule=ERASED_RULE,
        message="this item, or its customer, was erased on request and cannot be stored again",
    )
    return ItemResult(index=index, status="rejected", reason=error.message, errors=[error])


def erased_results(
    session: Session, settings: Settings, rows: Sequence[tuple[int, Mapping[str, Any]]]
) -> dict[int, ItemResult]:
    """``rejected`` results, by item index, of the prepared ingest rows whose item, content or customer was
    erased; the others are absent. This is the one call ingest makes: one query per 500 keys, not per item.

    ``rows`` are (index, prepared ``feedback_item`` row) pairs of one workspace (redacted text, hashes).
    """
    if not rows:
        return {}
    keys = {index: _row_keys(settings, row) for index, row in rows}
    workspace_id = rows[0][1]["workspace_id"]
    found = _found(session, workspace_id, sorted({h for ks in keys.values() for _, h in ks}))
    if not found:
        return {}
    results: dict[int, ItemResult] = {}
    for index, item_keys in keys.items():
        kind = next((k for k, h in item_keys if (k, h) in found), None)
        if kind is not None:
            results[index] = _rejected(index, kind)
    return results
