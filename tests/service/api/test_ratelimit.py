"""Rate limits per API key: a token bucket; 429 with Retry-After in the error shape; in process or Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.api.ratelimit import MemoryTokenBucket, RedisTokenBucket, limiter_for
from service.main import create_app
from service.settings import Settings

REDIS_URL = os.environ.get("FRICTIONMAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_memory_bucket_allows_the_burst_then_the_rate() -> None:
    bucket = MemoryTokenBucket(per_minute=60, burst=3)
    assert [bucket.acquire("k", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.acquire("k", now=100.0) == pytest.approx(1.0)
    assert bucket.acquire("other", now=100.0) == 0.0  # buckets are per key
    assert bucket.acquire("k", now=101.0) == 0.0  # one token refilled after a second
    assert bucket.acquire("k", now=101.0) > 0


def test_zero_disables_the_limit(settings: Settings) -> None:
    assert limiter_for(settings.model_copy(update={"rate_limit_per_minute": 0})) is None


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 6, "rate_limit_burst": 2}))
    with TestClient(app) as c:
        yield c


def test_api_answers_429_with_retry_after_per_key(
    limited: TestClient, auth_headers: dict[str, str], make_key: Callable[[str], str]
) -> None:
    assert [limited.get("/v1/sources", headers=auth_headers).status_code for _ in range(2)] == [200, 200]
    r = limited.get("/v1/feedback", headers=auth_headers)
    assert r.status_code == 429, r.text
    assert 1 <= int(r.headers["Retry-After"]) <= 10
    assert r.json()["errors"] == [
        {"field": "Authorization", "rule": "rate_limit", "message": r.json()["errors"][0]["message"]}
    ]
    other = {"X-API-Key": make_key("globex")}
    assert limited.get("/v1/sources", headers=other).status_code == 200
    # Bad keys are refused before they touch (or drain) any bucket.
    assert limited.get("/v1/sources", headers={"X-API-Key": "fm_nope"}).status_code == 401
    assert limited.get("/healthz").status_code == 200


@pytest.mark.redis
def test_redis_bucket_is_shared_by_processes() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")
    prefix = f"frictionmap-test:{uuid.uuid4().hex}:"
    first = RedisTokenBucket(REDIS_URL, per_minute=60, burst=2, prefix=prefix)
    second = RedisTokenBucket(REDIS_URL, per_minute=60, burst=2, prefix=prefix)
    assert first.acquire("k") == 0.0
    assert second.acquire("k") == 0.0
    wait = first.acquire("k")
    assert 0 < wait <= 1.0
    assert second.acquire("other") == 0.0


def test_redis_trouble_lets_requests_through() -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    bucket = RedisTokenBucket("redis://127.0.0.1:1/0", per_minute=60, burst=1)
    assert bucket.acquire("k") == 0.0
    assert bucket.acquire("k") == 0.0
