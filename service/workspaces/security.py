"""API keys: generated once, shown once, stored as a SHA-256 digest.

Keys carry 256 bits of randomness, so a plain (unsalted) SHA-256 is enough to make a leaked table useless and
keeps lookup a single indexed equality. The short ``prefix`` is stored in clear so people can tell keys apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from service.models import ApiKey, Workspace

KEY_PREFIX = "fm_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> tuple[str, str]:
    """A new key and its display prefix: ``fm_<8 hex>_<43 urlsafe chars>``."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def get_or_create_workspace(session: Session, name: str) -> Workspace:
    workspace = session.exec(select(Workspace).where(Workspace.name == name)).first()
    if workspace is None:
        workspace = Workspace(name=name)
        session.add(workspace)
        session.flush()
    return workspace


def create_api_key(session: Session, workspace: Workspace, name: str | None = None) -> str:
    """Store a new key for ``workspace`` and return it in clear — the only time it is ever visible."""
    key, prefix = generate_key()
    session.add(ApiKey(workspace_id=workspace.id, prefix=prefix, key_hash=hash_key(key), name=name))
    session.flush()
    return key


def workspace_for_key(session: Session, key: str) -> Workspace | None:
    """The workspace of an active key, or None (unknown or revoked)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    api_key = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if api_key is None or api_key.revoked or not hmac.compare_digest(api_key.key_hash, digest):
        return None
    return session.get(Workspace, api_key.workspace_id)


def pseudonymise(value: str, *, key: str, workspace_id: str) -> str:
    """Keyed hash of a customer reference, scoped to the workspace so refs cannot be linked across tenants."""
    message = f"{workspace_id}:{value.strip()}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()
