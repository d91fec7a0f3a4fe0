"""Settings and engine rules that every other module relies on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.models import Workspace
from service.settings import Settings


def test_database_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h:5432/db")
    assert Settings().database_url == "postgresql+psycopg://u@h:5432/db"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("FRICTIONMAP_DATABASE_URL", raising=False)
    assert Settings(_env_file=None).database_url == "sqlite:///./data/frictionmap.db"  # type: ignore[call-arg]


def test_sqlite_pragmas(sqlite_url: str, tmp_path: Path) -> None:
    from service.db import get_engine

    engine = get_engine(Settings(database_url=sqlite_url, data_dir=tmp_path))
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_datetimes_come_back_aware_utc(engine: Engine) -> None:
    with Session(engine) as s:
        ws = Workspace(name="tz")
        s.add(ws)
        s.commit()
        ws_id = ws.id
    with Session(engine) as s:
        got = s.get(Workspace, ws_id)
        assert got is not None and got.created_at.tzinfo is not None
        assert got.created_at.utcoffset() is not None and got.created_at.utcoffset().total_seconds() == 0
