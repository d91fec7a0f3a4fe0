"""Web app users: Argon2id password hashes, creation, and the e-mail + password check.

``argon2-cffi`` (the reference Argon2 binding, maintained by Hynek Schlawack) hashes with Argon2id and its
RFC 9106 low-memory profile; its encoded hashes carry their own parameters, so raising them later only needs
``check_needs_rehash`` at the next sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select

from service.models import USER_ROLES, User, Workspace

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("frictionmap-no-such-user")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


class UserError(ValueError):
    """A user cannot be created as asked; ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def validate_new_user(email: str, password: str, role: str) -> str:
    """The normalized e-mail, or a ``UserError`` naming the first rule broken."""
    email = normalize_email(email)
    if not EMAIL_RE.match(email):
        raise UserError("email", "not an e-mail address")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError("password", f"the password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    if role not in USER_ROLES:
        raise UserError("role", f"role must be one of {', '.join(USER_ROLES)}")
    return email


def create_user(session: Session, workspace: Workspace, email: str, password: str, role: str) -> User:
    """Add a user (flushed, not committed); an e-mail already used in the workspace is a ``UserError``."""
    email = validate_new_user(email, password, role)
    taken = session.exec(select(User).where(User.workspace_id == workspace.id, User.email == email)).first()
    if taken is not None:
        raise UserError("email", f"{email} already has an account in workspace {workspace.name!r}")
    user = User(workspace_id=workspace.id, email=email, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user whose e-mail and password match (the oldest account when one e-mail is in several
    workspaces), or None. Always runs one Argon2 verification at least, so timing does not tell whether
    the e-mail exists."""
    if len(password) > MAX_PASSWORD:
        return None
    candidates = session.exec(
        select(User).where(User.email == normalize_email(email)).order_by(col(User.created_at))
    ).all()
    if not candidates:
        check_password(_DUMMY_HASH, password)
        return None
    for user in candidates:
        if check_password(user.password_hash, password):
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
                session.add(user)
                session.commit()
            return user
    return None


def workspace_users(session: Session, workspace: Workspace) -> Sequence[User]:
    return session.exec(select(User).where(User.workspace_id == workspace.id).order_by(col(User.email))).all()
