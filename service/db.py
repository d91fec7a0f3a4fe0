"""Database engine, sessions and the "is the schema at the Alembic head?" check.

One engine per database URL, built from ``Settings``, so the API, the CLI, the queue worker and tests share
the same connection rules:

* SQLite: ``check_same_thread=False`` (FastAPI runs sync routes in a thread pool), a 30 s busy timeout,
  WAL journal (readers never block the writer) and ``foreign_keys=ON`` so ``ON DELETE CASCADE`` works —
  GDPR erasure of a feedback item relies on it — and ``secure_delete=ON``, so the pages an erasure frees are
  overwritten with zeros instead of keeping the erased text readable in the file.
* PostgreSQL: psycopg 3 with ``pool_pre_ping`` so a restarted server does not surface as a 500.

Schema changes go through Alembic only (``migrations/``); :func:`migration_status` compares the database
with the scripts so the app can refuse to start on an un-migrated database and ``/readyz`` can report it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from service.settings import Settings, get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def build_engine(database_url: str) -> Engine:
    """A new engine for ``database_url``; prefer :func:`get_engine`, which caches one per URL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=False
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the configured database (created on first use)."""
    url = (settings or get_settings()).database_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = build_engine(url)
        return engine


def dispose_engines() -> None:
    """Close every cached engine (tests, CLI shutdown)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def session_scope(settings: Settings | None = None) -> Session:
    """A session for code outside a request (CLI, tasks). Use as a context manager."""
    return Session(get_engine(settings))


def get_session() -> Iterator[Session]:
    """A session on the configured database, closed afterwards (callers commit explicitly).

    Usable as a FastAPI dependency, but routes should prefer ``service.api.deps.SessionDep``, which uses the
    engine of the app's own settings (what tests inject through ``create_app(settings)``).
    """
    with Session(get_engine()) as session:
        yield session


# --- Alembic ---------------------------------------------------------------------------------------------


def alembic_config(database_url: str) -> Config:
    """Alembic configuration built in code, so migrations run the same from a checkout or an
    installed wheel."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade_to_head(settings: Settings | None = None) -> None:
    """Apply every pending migration (what ``frictionmap migrate`` runs)."""
    from alembic import command

    settings = settings or get_settings()
    cfg = alembic_config(settings.database_url)
    with get_engine(settings).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


@dataclass(frozen=True)
class MigrationStatus:
    current: tuple[str, ...]
    head: tuple[str, ...]

    @property
    def at_head(self) -> bool:
        return set(self.current) == set(self.head)

    def message(self) -> str:
        if self.at_head:
            return f"database schema at head ({', '.join(self.head)})"
        current = ", ".join(self.current) or "empty (never migrated)"
        head = ", ".join(self.head)
        return (
            f"database schema is not at the latest migration: current={current}, head={head}. "
            "Run `frictionmap migrate` first."
        )


def migration_status(engine: Engine) -> MigrationStatus:
    """Compare the revision recorded in the database with the head(s) of ``migrations/``."""
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return MigrationStatus(current=tuple(current), head=tuple(script.get_heads()))


class DatabaseNotMigratedError(RuntimeError):
    """Raised at start-up when the schema is behind the code."""


def forget_engine(database_url: str) -> None:
    """Dispose and drop the cached engine of one URL (tests that create a database per test)."""
    with _engines_lock:
        engine = _engines.pop(database_url, None)
    if engine is not None:
        engine.dispose()
