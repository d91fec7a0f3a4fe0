"""Queue wiring, post-ingest hooks and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from huey import MemoryHuey
from sqlmodel import Session
from typer.testing import CliRunner

from nlp.tagging.split_space import DEFAULT_SENTIMENT_SPACE
from service.cli import app as cli_app
from service.feedback import hooks
from service.queue import _ThreadConsumer, build_huey, huey, load_task_modules
from service.settings import Settings
from tests.helpers import paths

ROOT = paths.ROOT


def test_created_hook_gets_new_ids_only(client: TestClient, auth_headers: dict[str, str]) -> None:
    calls: list[tuple[str, list[str]]] = []

    def hook(session: Session, workspace_id: str, ids: Sequence[str]) -> None:
        calls.append((workspace_id, list(ids)))

    hooks.on_feedback_created(hook)
    try:
        batch = {"items": [{"text": "Livraison en retard"}, {"text": "Livraison en retard"}, {"text": " "}]}
        body = client.post("/v1/feedback", json=batch, headers=auth_headers).json()
        client.post("/v1/feedback", json=batch, headers=auth_headers)  # all duplicates: no call
    finally:
        hooks.remove(hook)
    assert len(calls) == 1 and calls[0][1] == [body["results"][0]["id"]]


def test_failing_hook_never_fails_ingest(client: TestClient, auth_headers: dict[str, str]) -> None:
    def broken(session: Session, workspace_id: str, ids: Sequence[str]) -> None:
        raise RuntimeError("boom")

    hooks.on_feedback_created(broken)
    try:
        r = client.post("/v1/feedback", json={"text": "Appli lente"}, headers=auth_headers)
    finally:
        hooks.remove(broken)
    assert r.status_code == 201


def test_queue_backends(tmp_path: Path) -> None:
    sqlite_huey = build_huey(Settings(data_dir=tmp_path, queue_url=""))
    assert type(sqlite_huey).__name__ == "SqliteHuey"
    redis_huey = build_huey(Settings(data_dir=tmp_path, queue_url="redis://127.0.0.1:6379/1"))
    assert type(redis_huey).__name__ == "PriorityRedisHuey"
    with pytest.raises(ValueError, match="QUEUE_URL"):
        build_huey(Settings(data_dir=tmp_path, queue_url="amqp://nope"))
    assert huey.immediate  # tests run tasks inline
    assert isinstance(load_task_modules(), list)


def test_thread_consumer_runs_tasks() -> None:
    """The in-process consumer (what `serve` starts) executes queued tasks from worker threads."""
    mem = MemoryHuey("t", utc=True)
    done = threading.Event()

    @mem.task()
    def mark() -> None:
        done.set()

    consumer = _ThreadConsumer(mem, workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        mark()
        assert done.wait(10)
    finally:
        consumer.stop(graceful=True)


def test_cli_migrate_create_key_and_refusal(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "FRICTIONMAP_DATA_DIR": str(tmp_path),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "service.cli", *args],
            env=env,
            cwd=ROOT,
            text=True,
            capture_output=True,
            timeout=120,
        )

    refused = run("create-key", "--workspace", "demo")
    assert refused.returncode == 1 and "frictionmap migrate" in refused.stderr
    migrated = run("migrate")
    assert migrated.returncode == 0 and "at head" in migrated.stdout
    created = run("create-key", "--workspace", "demo")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("fm_") and len(key) > 40
    again = run("create-key", "--workspace", "demo")
    assert again.stdout.strip() != key and "demo" in again.stderr


def test_cli_help_lists_commands() -> None:
    result = CliRunner().invoke(cli_app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "migrate", "create-key", "worker", "analyze"):
        assert command in result.output
    analyze = CliRunner().invoke(cli_app, ["analyze", "--help"])
    for option in ("--text-column", "--id-column", "--rating-column", "--date-column", "--out"):
        assert option in analyze.output


def test_cli_analyze_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["analyze", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr and "does not exist" in result.stderr
    assert result.stdout == ""


def test_cli_analyze_missing_column_is_exit_2_naming_the_flag(tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_text("id,body\n1,Livraison en retard\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["analyze", str(data), "--text-column", "avis"])
    assert result.exit_code == 2, result.output
    assert "avis" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""


def test_cli_analyze_bad_embedding_backend_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "in.csv"
    data.write_text("text\nLivraison en retard\n", encoding="utf-8")
    monkeypatch.setenv("FRICTIONMAP_EMBEDDING_BACKEND", "minilm")
    monkeypatch.setattr("service.cli.get_settings", lambda: Settings())
    result = CliRunner().invoke(cli_app, ["analyze", str(data)])
    assert result.exit_code == 2, result.output
    assert "embedding_backend" in result.stderr and "sentence-transformers:" in result.stderr


def test_cli_analyze_bad_sentiment_space_is_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_text("text\nLivraison en retard\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["analyze", str(data), "--sentiment-space", "use"])
    assert result.exit_code == 2, result.output
    assert "--sentiment-space" in result.stderr and "'same', 'auto'" in result.stderr
    assert "Traceback" not in result.output


def test_cli_analyze_delegates_to_nlp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    calls: list[tuple[object, ...]] = []
    fake = types.ModuleType("nlp.analyze_cli")
    kwargs: list[dict[str, object]] = []
    fake.run_analyze = lambda *args, **kw: (calls.append(args), kwargs.append(kw))  # type: ignore[attr-defined]
    fake.InputError = ValueError  # type: ignore[attr-defined]
    monkeypatch.setenv("FRICTIONMAP_EMBEDDING_BACKEND", "sentence-transformers:all-MiniLM-L6-v2")
    monkeypatch.setattr("service.cli.get_settings", lambda: Settings())
    monkeypatch.setitem(sys.modules, "nlp.analyze_cli", fake)
    data = tmp_path / "in.csv"
    data.write_text("ID,body\n1,Livraison en retard\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        cli_app,
        [
            "analyze",
            str(data),
            "--text-column",
            "body",
            "--id-column",
            "ID",
            "--rating-column",
            "R",
            "--date-column",
            "D",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert calls == [(data, "body", "ID", "R", "D", out)]
    # An explicit FRICTIONMAP_EMBEDDING_BACKEND is honoured; the default "auto" lets the CLI choose per file.
    assert kwargs[0]["embedding_backend"] == "sentence-transformers:all-MiniLM-L6-v2"
    assert Settings.model_fields["embedding_backend"].default == "auto"
    assert kwargs[0]["sentiment_space"] == DEFAULT_SENTIMENT_SPACE == "auto"  # the gated split (issue 10)
    again = CliRunner().invoke(cli_app, ["analyze", str(data), "--sentiment-space", "same"])
    assert again.exit_code == 0, again.output
    assert kwargs[1]["sentiment_space"] == "same"


@pytest.mark.redis
def test_redis_queue_round_trip() -> None:
    """FRICTIONMAP_QUEUE_URL=redis://... gives a RedisHuey that a thread consumer drains."""
    import uuid

    import redis

    url = os.environ.get("FRICTIONMAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("FRICTIONMAP_REQUIRE_POSTGRES"):  # CI: services must be up
            pytest.fail(f"Redis unreachable at {url}: {exc}")
        pytest.skip(f"Redis unreachable at {url}")
    rh = build_huey(Settings(queue_url=url, queue_immediate=False), name=f"fm-test-{uuid.uuid4().hex[:8]}")
    done = threading.Event()

    @rh.task()
    def mark() -> None:
        done.set()

    consumer = _ThreadConsumer(rh, workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        mark()
        assert done.wait(15)
    finally:
        consumer.stop(graceful=True)
        rh.storage.flush_all()


def test_worker_cpus_are_parsed_checked_and_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    """``frictionmap worker --cpus``: the worker runs on the CPUs given (its encoder then uses one thread per
    CPU); a malformed or unavailable set exits 2 with the rule, before anything runs."""
    import os

    from service import cli, queue

    assert cli.parse_cpus("0") == {0}
    assert cli.parse_cpus("0-2,5") == {0, 1, 2, 5}
    for bad in ("", "a", "1-", "3-1", "0,,1", "-1", "0-99999999999", " 1 2"):
        with pytest.raises(ValueError):
            cli.parse_cpus(bad)
    seen: list[set[int]] = []
    monkeypatch.setattr(queue, "run_consumer", lambda _settings: seen.append(os.sched_getaffinity(0)))
    before = os.sched_getaffinity(0)
    first = min(before)
    try:
        result = CliRunner().invoke(cli_app, ["worker", "--cpus", str(first)])
        assert result.exit_code == 0, result.output
        assert seen == [{first}]
    finally:
        os.sched_setaffinity(0, before)
    missing = CliRunner().invoke(cli_app, ["worker", "--cpus", "4096"])
    assert missing.exit_code == 2 and "4096" in missing.output and "not available" in missing.output
    malformed = CliRunner().invoke(cli_app, ["worker", "--cpus", "0-x"])
    assert malformed.exit_code == 2 and "--cpus" in malformed.output
    assert len(seen) == 1  # neither refused worker ran
