"""``python -m bench.service``: the service end to end — HTTP ingest, analysis, read latency and memory.

Starts a real API server (uvicorn on 127.0.0.1) and a separate queue worker against a fresh database (SQLite
in a temporary directory, or ``--database-url``), then:

1. ingests ``--n`` items through ``POST /v1/feedback`` from ``--clients`` threads, ``--batch`` a request;
2. runs one analysis (``POST /v1/analyses``) and waits for it; the worker uses the deterministic test
   backend (``tests.helpers.analysis_worker``: sentence units, keyword topics, no model) unless ``--real``,
   so the figures are about the service, not the models;
   (or, with ``--generate``, writes N items, ~1.3 N opinion units and ``--pain-points`` pain points straight
   into the database: generated data for the read part only, at sizes like 1M);
3. times the read endpoints (pain-point list, a filtered list, one detail, the journey map as JSON),
   ``--reads`` requests each after one warm-up, and reports p50/p95;
4. reports the peak resident memory (VmHWM) of the server and of the worker.

The texts are generated: short FR/EN sentences about eight topics with random channels, sources, segments,
ratings and dates over a year (a fixed seed), so every size has the same shape. Network: 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.service_generate import generate_rows, generate_rows_sqlite_sql

ROOT = Path(__file__).resolve().parents[1]

_SENTENCES = (
    "My card was declined at checkout again.",
    "Paiement refusé avec ma carte, impossible de commander.",
    "The parcel arrived a week late.",
    "Colis livré avec une semaine de retard.",
    "Still waiting for my refund after a month.",
    "Remboursement jamais reçu malgré mes relances.",
    "The app crashes every time I open it.",
    "L'appli plante à chaque ouverture.",
    "I was on hold for an hour and had to call again.",
    "Attente interminable, j'ai dû rappeler trois fois.",
    "Fast delivery, next day as promised.",
    "Livraison rapide, reçu le lendemain.",
    "The store staff were friendly and helpful.",
    "Vendeuse très aimable en magasin.",
    "Read the reviews and compared before buying.",
    "J'ai lu les avis avant d'acheter.",
)
_CHANNELS = ("web", "app", "store", "phone", "email")
_SOURCES = ("trustpilot", "google", "zendesk", "survey")
_SEGMENTS = ("retail", "premium", "business")


def log(msg: str) -> None:
    print(f"[bench.service {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def make_items(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    start = datetime(2025, 1, 6, tzinfo=UTC)
    items = []
    for i in range(n):
        text = " ".join(rng.sample(_SENTENCES, rng.randint(1, 3)))
        items.append(
            {
                "source": rng.choice(_SOURCES),
                "external_id": f"bench-{i}",
                "text": f"{text} (ref {i})",
                "channel": rng.choice(_CHANNELS),
                "segment": rng.choice(_SEGMENTS),
                "rating": rng.randint(1, 5),
                "created_at": (start + timedelta(minutes=rng.randint(0, 364 * 24 * 60))).isoformat(),
            }
        )
    return items


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM of ``pid`` (Linux): the peak resident set so far."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ingest(base: str, headers: dict[str, str], items: list[dict[str, Any]], batch: int, clients: int) -> dict:
    batches = [items[i : i + batch] for i in range(0, len(items), batch)]
    lock = threading.Lock()
    counts = {"created": 0, "duplicates": 0, "rejected": 0, "errors": 0, "status_503": 0}

    def work() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
            while True:
                with lock:
                    if not batches:
                        return
                    body = {"items": batches.pop()}
                r = client.post("/v1/feedback", json=body)
                with lock:
                    if r.status_code != 200:
                        counts["errors"] += 1
                        counts["status_503"] += r.status_code == 503
                        continue
                    data = r.json()
                    for k in ("created", "duplicates", "rejected"):
                        counts[k] += data[k]

    start = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {**counts, "seconds": round(wall, 2), "items_per_s": round(len(items) / wall, 1)}


def wait_for(check: Callable[[], bool], timeout: float, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("gave up waiting")
        time.sleep(every)


def time_reads(client: httpx.Client, paths: dict[str, str], reads: int) -> dict[str, dict[str, float]]:
    """p50/p95 of ``reads`` requests per path after one warm-up, whose time is reported too (``first_ms``:
    the first read after the data changed, which may rebuild stored aggregates)."""
    out = {}
    for name, path in paths.items():
        t = time.perf_counter()
        client.get(path).raise_for_status()  # warm-up
        first = 1000 * (time.perf_counter() - t)
        times = []
        for _ in range(reads):
            t = time.perf_counter()
            client.get(path).raise_for_status()
            times.append(1000 * (time.perf_counter() - t))
        out[name] = {
            "first_ms": round(first, 1),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
        }
    return out


def web_login(web: httpx.Client, env: dict[str, str]) -> None:
    """Create a viewer of the bench workspace and sign in (the form's CSRF token, then the cookie)."""
    subprocess.run(
        [sys.executable, "-m", "service.cli", "create-user", "-w", "bench", "--email", "bench@example.com"],
        input=b"bench-password-1234\n",
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    form = web.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, "no csrf_token in the login form"
    r = web.post(
        "/login",
        data={"email": "bench@example.com", "password": "bench-password-1234", "csrf_token": token.group(1)},
    )
    assert r.status_code < 400 and web.cookies, (r.status_code, r.text[:200])


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fm-bench-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'frictionmap.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FRICTIONMAP_DATA_DIR": str(tmp),
        "FRICTIONMAP_QUEUE_URL": args.queue_url,
        "FRICTIONMAP_QUEUE_IMMEDIATE": "false",
        "FRICTIONMAP_WORKER_IN_PROCESS": "false",
        "FRICTIONMAP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    py = sys.executable
    subprocess.run([py, "-m", "service.cli", "migrate"], env=env, check=True, cwd=ROOT, capture_output=True)
    key = (
        subprocess.run(
            [py, "-m", "service.cli", "create-key", "--workspace", "bench"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        .stdout.decode()
        .strip()
    )
    headers = {"Authorization": f"Bearer {key}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_cmd = [py, "-m", "uvicorn", "service.main:app", "--host", "127.0.0.1", "--port", str(port)]
    server_cmd += ["--workers", str(args.server_workers)] if args.server_workers > 1 else []
    worker_module = "service.cli" if args.real else "tests.helpers.analysis_worker"
    logs = (tmp / "server.log").open("wb"), (tmp / "worker.log").open("wb")
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, stdout=logs[0], stderr=subprocess.STDOUT)
    worker = subprocess.Popen(
        [py, "-m", worker_module, "worker"], env=env, cwd=ROOT, stdout=logs[1], stderr=subprocess.STDOUT
    )
    result: dict[str, Any] = {"n": args.n, "database": database_url.split(":", 1)[0], "clients": args.clients}
    try:
        wait_for(lambda: server_up(base), timeout=300)  # a loaded machine imports slowly
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            if args.generate:
                log(f"generating {args.n:,} items with units and pain points directly in the database")
                t = time.perf_counter()
                sql = args.generate_sql and database_url.startswith("sqlite")
                gen = generate_rows_sqlite_sql if sql else generate_rows
                result["generated"] = gen(database_url, "bench", args.n, args.pain_points)
                result["generated"]["seconds"] = round(time.perf_counter() - t, 1)
                log(f"generated: {result['generated']}")
            else:
                items = make_items(args.n)
                log(f"ingesting {args.n:,} items")
                result["ingest"] = ingest(base, headers, items, args.batch, args.clients)
                log(f"ingest: {result['ingest']}")
                if args.ingest_only:
                    return result
                t = time.perf_counter()
                job = client.post("/v1/analyses", json={"scope": {}}).json()
                wait_for(
                    lambda: _job_state(client, job["id"]) in ("done", "failed"), timeout=args.analysis_timeout
                )
                result["analysis"] = {
                    "state": _job_state(client, job["id"]),
                    "seconds_incl_queue_wait": round(time.perf_counter() - t, 1),
                }
                log(f"analysis: {result['analysis']}")
            t = time.perf_counter()
            top = client.get("/v1/pain-points", params={"limit": 1}).json()
            # The first read after the data changed: builds stored aggregates where the code keeps them.
            result["first_read_ms"] = round(1000 * (time.perf_counter() - t), 1)
            result["pain_points"] = top["total"]
            paths = {
                "list": "/v1/pain-points",
                "list_filtered": "/v1/pain-points?channel=web&since=2025-06-01",
                "journey_map_json": "/v1/journey-map?format=json",
                "themes": "/v1/themes",
                "journey_map_themes": "/v1/journey-map?format=json&group_by=theme",
            }
            if top["items"]:
                paths["detail"] = f"/v1/pain-points/{top['items'][0]['id']}"
            result["reads"] = time_reads(client, paths, args.reads)
        with httpx.Client(base_url=base, timeout=600) as web:  # the web app, behind a session cookie
            web_login(web, env)
            pages = {"web_overview": "/", "web_journey": "/journey-map", "web_pain_points": "/pain-points"}
            result["reads"] |= time_reads(web, pages, args.reads)
        result["peak_rss_mib"] = {
            "server": peak_rss_mib(server.pid) if args.server_workers == 1 else None,
            "worker": peak_rss_mib(worker.pid),
        }
    finally:
        for proc in (server, worker):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for f in logs:
            f.close()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"kept {tmp} (database, queue, server.log, worker.log)")
    return result


def server_up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def _job_state(client: httpx.Client, job_id: str) -> str:
    return str(client.get(f"/v1/jobs/{job_id}").json()["state"])


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.service", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=10_000, help="items to ingest")
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--batch", type=int, default=500, help="items per POST /v1/feedback")
    p.add_argument("--reads", type=int, default=20, help="timed requests per read endpoint")
    p.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    p.add_argument("--queue-url", default="", help="default: SqliteHuey in the data dir")
    p.add_argument("--server-workers", type=int, default=1, help="uvicorn --workers")
    p.add_argument("--real", action="store_true", help="the nlp/ pipeline instead of the test backend")
    p.add_argument("--analysis-timeout", type=float, default=3600)
    p.add_argument(
        "--generate",
        action="store_true",
        help="write items, units and pain points straight into the database (no ingest, no analysis): "
        "for the read benchmark at sizes the HTTP path cannot reach in time",
    )
    p.add_argument(
        "--generate-sql",
        action="store_true",
        help="with --generate on SQLite: generate inside SQL (1M in ~1 min)",
    )
    p.add_argument(
        "--ingest-only",
        action="store_true",
        help="stop after the timed HTTP ingest (no analysis, no reads): the ingest throughput alone",
    )
    p.add_argument("--pain-points", type=int, default=60, help="pain points with --generate")
    p.add_argument("--keep", action="store_true", help="keep the temporary data dir (logs, SQLite files)")
    print(json.dumps(run(p.parse_args())), flush=True)


if __name__ == "__main__":
    main()
