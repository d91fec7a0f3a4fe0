"""Probes, and refusing to start on an un-migrated database."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.db import DatabaseNotMigratedError, forget_engine, get_engine, migration_status
from service.main import create_app
from service.settings import Settings


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    # The head revision changes as areas add migrations (0003_imports, merge revisions): check "at head".
    assert ready.json()["status"] == "ready" and "at head" in ready.json()["migrations"]


def _empty_settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path}/empty.db",
        data_dir=tmp_path,
        queue_immediate=True,
        worker_in_process=False,
        **kw,
    )  # type: ignore[arg-type]


def test_app_refuses_unmigrated_database(tmp_path: Path) -> None:
    settings = _empty_settings(tmp_path)
    app = create_app(settings)
    with pytest.raises(DatabaseNotMigratedError, match="frictionmap migrate"), TestClient(app):
        pass
    forget_engine(settings.database_url)


def test_readyz_reports_unmigrated(tmp_path: Path) -> None:
    settings = _empty_settings(tmp_path, require_migrated=False)
    with TestClient(create_app(settings)) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["status"] == "not_ready"
    assert "never migrated" in r.json()["migrations"]
    assert not migration_status(get_engine(settings)).at_head
    forget_engine(settings.database_url)
