"""Fixtures shared by every test module. Reuse them rather than building engines or apps by hand.

Databases
    db_url       str, parametrized [sqlite, postgres]: a test using it (directly or through the fixtures
                 below) runs on both. The database is migrated to the Alembic head and empty.
                 SQLite: a fresh copy of a migrated template file per test.
                 PostgreSQL: one schema per run and xdist worker (fmtest_<worker>_<pid>, search_path set
                 in the URL),
                 migrated once per session, every table truncated before each test. URL from env
                 FRICTIONMAP_TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
                 An unreachable PostgreSQL skips those tests, unless FRICTIONMAP_REQUIRE_POSTGRES=1
                 (set by .ci/run) turns that into a failure.
    sqlite_url   like db_url, SQLite only (fast tests that need a database but not both backends).
    settings     Settings for that database: data_dir=tmp_path, queue immediate, no in-process worker.
    engine       the engine of `settings` (service.db.get_engine).
    session      a sqlmodel.Session on it, closed after the test.

App
    app          create_app(settings).
    client       fastapi.testclient.TestClient(app), lifespan run (so the migration check runs too).

Tenants
    make_key            factory make_key(workspace_name) -> api_key (creates the workspace if needed).
    workspace_key       API key of workspace "acme";  workspace_id: its id.
    auth_headers        {"Authorization": "Bearer <workspace_key>"}.
    other_auth_headers  headers of a second workspace "globex" (isolation tests).

Env is set before any service import: FRICTIONMAP_QUEUE_IMMEDIATE=true,
FRICTIONMAP_WORKER_IN_PROCESS=false, FRICTIONMAP_DATA_DIR=<session temp dir>, so tasks run inline and no
queue file lands in the checkout.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="frictionmap-tests-"))
# One per test process (each xdist worker imports this file): removed when the process exits, so that runs do
# not pile up directories in the temp dir.
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)
os.environ["FRICTIONMAP_QUEUE_IMMEDIATE"] = "true"
os.environ["FRICTIONMAP_WORKER_IN_PROCESS"] = "false"
os.environ["FRICTIONMAP_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ.pop("FRICTIONMAP_QUEUE_URL", None)

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, inspect, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from service.db import forget_engine, get_engine, upgrade_to_head  # noqa: E402
from service.settings import Settings, get_settings  # noqa: E402

get_settings.cache_clear()

POSTGRES_URL = os.environ.get(
    "FRICTIONMAP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("FRICTIONMAP_REQUIRE_POSTGRES", "") not in ("", "0", "false")


def _settings_for(url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=url, data_dir=data_dir, queue_immediate=True, worker_in_process=False, queue_url=""
    )


@pytest.fixture(scope="session")
def _sqlite_template() -> Path:
    path = _SESSION_DIR / "template.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(_settings_for(url, _SESSION_DIR))
    forget_engine(url)
    return path


@pytest.fixture(scope="session")
def _postgres_base() -> Iterator[str]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    schema = f"fmtest_{worker}_{os.getpid()}"  # concurrent runs on one database never collide
    admin = create_engine(POSTGRES_URL, pool_pre_ping=True)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL required but unreachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {type(exc).__name__}")
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url_str = url.render_as_string(hide_password=False)
    upgrade_to_head(_settings_for(url_str, _SESSION_DIR))
    yield url_str
    forget_engine(url_str)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _truncate_all(url: str) -> None:
    engine = get_engine(_settings_for(url, _SESSION_DIR))
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    if tables:
        with engine.begin() as conn:
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            )


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "frictionmap.db"
    shutil.copyfile(_sqlite_template, path)
    url = f"sqlite:///{path}"
    yield url
    forget_engine(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    url: str = request.getfixturevalue("_postgres_base")
    _truncate_all(url)
    yield url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return _settings_for(db_url, tmp_path / "data")


@pytest.fixture
def engine(settings: Settings) -> Engine:
    return get_engine(settings)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    from service.main import create_app

    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def make_key(engine: Engine) -> Callable[[str], str]:
    from service.workspaces.security import create_api_key, get_or_create_workspace

    def _make(name: str) -> str:
        with Session(engine) as s:
            ws = get_or_create_workspace(s, name)
            key = create_api_key(s, ws)
            s.commit()
            return key

    return _make


@pytest.fixture
def workspace_key(make_key: Callable[[str], str]) -> str:
    return make_key("acme")


@pytest.fixture
def workspace_id(workspace_key: str, engine: Engine) -> str:
    from service.workspaces.security import workspace_for_key

    with Session(engine) as s:
        ws = workspace_for_key(s, workspace_key)
        assert ws is not None
        return ws.id


@pytest.fixture
def auth_headers(workspace_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {workspace_key}"}


@pytest.fixture
def other_auth_headers(make_key: Callable[[str], str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key('globex')}"}


# --- nlp fixtures (branch mining) ---
from collections.abc import Sequence  # noqa: E402

import numpy as np  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")


class HashingEmbedder:
    """Fast stand-in embedder for unit tests: hashed bag of lower-cased words (+ a FR→EN toy lexicon so
    bilingual logic can be exercised without a model). Real models are covered by the few `slow` tests."""

    LEXICON = {
        "retard": "late",
        "colis": "parcel",
        "remboursement": "refund",
        "carte": "card",
        "bloquée": "blocked",
    }

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def model_id(self) -> str:
        return "test-hashing"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer

        norm = [" ".join(self.LEXICON.get(w, w) for w in t.lower().split()) for t in texts]
        x = HashingVectorizer(n_features=self._dim, alternate_sign=False, norm="l2").transform(norm).toarray()
        x[np.linalg.norm(x, axis=1) == 0, 0] = 1.0
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def use_embedder():
    from nlp.embeddings import get_embedder

    return get_embedder("use-multilingual")


# --- analysis fixtures (branch journey) ---
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from tests.helpers.journey_backend import TopicBackend


@pytest.fixture
def topic_backend(settings: Settings) -> Iterator[TopicBackend]:
    """Swap the NLP pipeline for the deterministic ``tests.helpers.journey_backend.TopicBackend``
    (milliseconds,
    no model) so API tests exercise orchestration, storage and scoring; restored afterwards."""
    from service.analysis import backend_factory as backend_mod
    from service.queue import use_settings
    from tests.helpers.journey_backend import TopicBackend

    backend = TopicBackend()
    backend_mod.set_backend_factory(lambda _s: backend)
    use_settings(settings)
    yield backend
    backend_mod.set_backend_factory(None)
    use_settings(None)


@pytest.fixture
def real_backend(settings: Settings) -> Iterator[None]:
    """Analysis tasks run the production nlp/ backend (shipped models) against this test's database."""
    from service.analysis import backend_factory as backend_mod
    from service.queue import use_settings

    backend_mod.set_backend_factory(None)
    use_settings(settings)
    yield
    use_settings(None)


@pytest.fixture
def switchable_backend(settings: Settings) -> Iterator[dict[str, Any]]:
    """The production ``NlpBackend`` over the hashing embedder, no tagger (fast); tests may swap
    ``holder["backend"]`` between analyses, as a changed embedding setting would."""
    from service.analysis import backend_factory as backend_mod
    from service.analysis.nlp_backend import NlpBackend
    from service.queue import use_settings

    holder: dict[str, Any] = {"backend": NlpBackend(HashingEmbedder(), tagger=None)}
    backend_mod.set_backend_factory(lambda _s: holder["backend"])
    use_settings(settings)
    yield holder
    backend_mod.set_backend_factory(None)
    use_settings(None)
