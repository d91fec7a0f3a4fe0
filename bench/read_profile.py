"""``python -m bench.read_profile``: every read endpoint (API and web pages) timed at a given size, and the
server's memory, to show which reads still grow with the workspace (issue 14).

Starts a real API server (uvicorn on 127.0.0.1, one process) on a fresh SQLite file, writes ``--n`` items,
~1.3 N opinion units and ``--pain-points`` pain points straight into the database
(``bench.service_generate``: generated data, said so in the result), groups the pain points into parent
themes (``--themes``, round robin), then times each read ``--reads`` times after one warm-up (p50/p95) and
reports the server's peak resident memory (VmHWM) after the reads. No worker: nothing is analysed, so the
reads see one data version and every figure is a read, not a rebuild (the first read of the never-built
stored sums is reported separately as ``first_read_ms``, with ``first_build_s`` when it answered "building"
and the sums were built in the background; each read's warm-up, the first request with its
filters on that data version, is its ``first_ms``: the "cold" figure).

Then ``after_change``: a non-append change written straight into the database, as a re-analysis or a merge
leaves it (the units of one pain point moved to another: the sums must be rebuilt, a delta cannot express
it), and each read's first request after it (``first_after_change_ms``; the first one, ``list``, is where
the rebuild used to be paid), ``fresh_after_s``: how long until a read reports the new data version (the
``X-Frictionmap-Stale`` header gone; servers without the header served it fresh), and each read's first
request once fresh (``cold_after_rebuild_ms``: figures not cached for the new version yet).

    python -m bench.read_profile --n 10000 --n 100000 --reads 10

Network: 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, update

from bench.service import ROOT, free_port, log, peak_rss_mib, server_up, time_reads, wait_for, web_login
from bench.service_generate import generate_rows_sqlite_sql
from service.models import OpinionUnit, PainPoint, Theme, Workspace


def add_themes(database_url: str, workspace_name: str, n_themes: int) -> int:
    """Parent themes over the generated pain points (round robin within each kind), as an analysis
    leaves them: the themes endpoints and ``group_by=theme`` have something to add up."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        ws = conn.execute(select(Workspace.id).where(Workspace.name == workspace_name)).scalar_one()
        pps = conn.execute(
            select(PainPoint.id, PainPoint.kind).where(PainPoint.workspace_id == ws).order_by(PainPoint.id)  # type: ignore[arg-type]
        ).all()
        themes: dict[str, list[str]] = {}
        now = datetime.now(UTC)
        for kind in ("pain", "opportunity"):
            ids = [pid for pid, k in pps if k == kind]
            n = max(1, min(len(ids), round(n_themes * len(ids) / max(len(pps), 1))))
            for j, pid in enumerate(ids):
                themes.setdefault(f"{kind}-{j % n}", []).append(pid)
        for key, members in themes.items():
            tid = str(uuid.uuid4())
            conn.execute(
                Theme.__table__.insert().values(  # type: ignore[attr-defined]
                    id=tid,
                    workspace_id=ws,
                    kind=key.split("-")[0],
                    name=f"Theme {key}",
                    name_edited=False,
                    names={"en": f"Theme {key}"},
                    created_at=now,
                    updated_at=now,
                )
            )
            conn.execute(update(PainPoint).where(PainPoint.id.in_(members)).values(theme_id=tid))  # type: ignore[attr-defined]
    engine.dispose()
    return len(themes)


def move_units(database_url: str, workspace_name: str) -> int:
    """A non-append change: the units of the second-largest pain point go to the largest (what a merge or a
    re-analysis writes); returns how many moved."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        ws = conn.execute(select(Workspace.id).where(Workspace.name == workspace_name)).scalar_one()
        unit = OpinionUnit.__table__  # type: ignore[attr-defined]
        top = conn.execute(
            select(unit.c.pain_point_id, func.count())
            .where(unit.c.workspace_id == ws, unit.c.pain_point_id.is_not(None))
            .group_by(unit.c.pain_point_id)
            .order_by(func.count().desc(), unit.c.pain_point_id)
            .limit(2)
        ).all()
        moved = conn.execute(
            update(unit)
            .where(unit.c.workspace_id == ws, unit.c.pain_point_id == top[1][0])
            .values(pain_point_id=top[0][0])
        ).rowcount
    engine.dispose()
    return int(moved)


def after_change(
    api: httpx.Client, web: httpx.Client, paths: dict[str, str], database_url: str, timeout_s: float
) -> dict[str, Any]:
    """First request of each read after a non-append change, time to fresh sums, and cold reads then."""
    out: dict[str, Any] = {"moved_units": move_units(database_url, "bench")}
    first: dict[str, float] = {}
    for name, path in paths.items():
        client = web if name.startswith("web_") else api
        t = time.perf_counter()
        response = client.get(path)
        response.raise_for_status()
        first[name] = round(1000 * (time.perf_counter() - t), 1)
        if name == "list":
            out["list_stale"] = response.headers.get("x-frictionmap-stale") == "true"
    out["first_after_change_ms"] = first
    t = time.perf_counter()
    while time.perf_counter() - t < timeout_s:
        response = api.get("/v1/pain-points", params={"limit": 1})
        if response.headers.get("x-frictionmap-stale") != "true":
            break
        time.sleep(0.5)
    out["fresh_after_s"] = round(time.perf_counter() - t, 1)
    cold: dict[str, float] = {}
    for name, path in paths.items():
        client = web if name.startswith("web_") else api
        t = time.perf_counter()
        client.get(path).raise_for_status()
        cold[name] = round(1000 * (time.perf_counter() - t), 1)
    out["cold_after_rebuild_ms"] = cold
    return out


def first_read(client: httpx.Client, timeout_s: float) -> dict[str, Any]:
    """The first read of never-built sums: ``first_read_ms`` (the whole build in the request, or, since
    branch i14-compare, the 503 "building" answer: ``first_read_building`` true) and, when it answered
    "building", ``first_build_s``: until a read answers 200 (polled every 0.5 s)."""
    t = time.perf_counter()
    response = client.get("/v1/pain-points", params={"limit": 1})
    out: dict[str, Any] = {"first_read_ms": round(1000 * (time.perf_counter() - t), 1)}
    out["first_read_building"] = response.status_code == 503 and "x-frictionmap-building" in response.headers
    if not out["first_read_building"]:
        response.raise_for_status()
        return out
    while time.perf_counter() - t < timeout_s:
        time.sleep(0.5)
        response = client.get("/v1/pain-points", params={"limit": 1})
        if response.status_code != 503:
            response.raise_for_status()
            break
    out["first_build_s"] = round(time.perf_counter() - t, 1)
    return out


def api_paths(client: httpx.Client) -> dict[str, str]:
    top = client.get("/v1/pain-points", params={"limit": 1}).json()
    theme = client.get("/v1/themes").json()["items"][0]["id"]
    return {
        "list": "/v1/pain-points",
        "list_filtered": "/v1/pain-points?channel=web&since=2025-06-01",
        "list_by_theme": f"/v1/pain-points?theme_id={theme}",
        "detail": f"/v1/pain-points/{top['items'][0]['id']}",
        "journey_map_json": "/v1/journey-map?format=json",
        "themes": "/v1/themes",
        "themes_filtered": "/v1/themes?channel=web&since=2025-06-01",
        "journey_map_themes": "/v1/journey-map?format=json&group_by=theme",
    }


WEB_PAGES = {
    "web_overview": "/",
    "web_journey": "/journey-map",
    "web_pain_points": "/pain-points",
    "web_filtered": "/pain-points?channel=web&since=2025-06-01&sort=volume",
    "web_search": "/pain-points?q=feedback+1234",
    "web_compare": "/compare?a_channel=web&b_channel=app",
}


def run_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fm-reads-"))
    database_url = f"sqlite:///{tmp / 'frictionmap.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FRICTIONMAP_DATA_DIR": str(tmp),
        "FRICTIONMAP_QUEUE_IMMEDIATE": "false",
        "FRICTIONMAP_WORKER_IN_PROCESS": "false",
        "FRICTIONMAP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(args.root),
    }
    py = sys.executable
    cwd = args.root
    subprocess.run([py, "-m", "service.cli", "migrate"], env=env, check=True, cwd=cwd, capture_output=True)
    key = subprocess.run(
        [py, "-m", "service.cli", "create-key", "--workspace", "bench"],
        env=env,
        check=True,
        cwd=cwd,
        capture_output=True,
    )
    headers = {"Authorization": f"Bearer {key.stdout.decode().strip()}"}
    t = time.perf_counter()
    generated = generate_rows_sqlite_sql(database_url, "bench", n, args.pain_points)
    generated["themes"] = add_themes(database_url, "bench", args.themes)
    generated["seconds"] = round(time.perf_counter() - t, 1)
    log(f"n={n:,}: generated {generated}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_file = (tmp / "server.log").open("wb")
    server = subprocess.Popen(
        [py, "-m", "uvicorn", "service.main:app", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    result: dict[str, Any] = {"n": n, "database": "sqlite", "generated": generated}
    try:
        wait_for(lambda: server_up(base), timeout=300)
        result["rss_idle_mib"] = peak_rss_mib(server.pid)
        with httpx.Client(base_url=base, headers=headers, timeout=args.timeout) as client:
            result |= first_read(client, args.fresh_timeout)
            api = api_paths(client)
            result["reads"] = time_reads(client, api, args.reads)
            with httpx.Client(base_url=base, timeout=args.timeout) as web:
                web_login(web, env)
                result["reads"] |= time_reads(web, WEB_PAGES, args.reads)
                if args.after_change:
                    paths = {**api, **WEB_PAGES}
                    paths.pop("web_search")  # a text index read, not a pain point figure
                    changed = after_change(client, web, paths, database_url, args.fresh_timeout)
                    result["after_change"] = changed
                    log(f"n={n:,}: after change {json.dumps(result['after_change'])}")
        result["peak_rss_mib"] = peak_rss_mib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
        if args.keep:
            log(f"n={n:,}: database kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    log(f"n={n:,}: {json.dumps(result['reads'])}")
    return result


def ratios(results: list[dict[str, Any]]) -> dict[str, float]:
    """p95 at the largest size over p95 at the smallest, per read (the issue's target: <= 1.5)."""
    if len(results) < 2:
        return {}
    small, large = results[0]["reads"], results[-1]["reads"]
    return {
        k: round(large[k]["p95_ms"] / small[k]["p95_ms"], 2) for k in large if small.get(k, {}).get("p95_ms")
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.read_profile", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, action="append", help="items (repeat for several sizes; default 10k)")
    p.add_argument("--reads", type=int, default=10, help="timed requests per read after one warm-up")
    p.add_argument("--pain-points", type=int, default=60)
    p.add_argument("--themes", type=int, default=12, help="parent themes over the pain points")
    p.add_argument("--root", type=Path, default=ROOT, help="the source tree the server runs (a checkout)")
    p.add_argument("--label", default="", help="a name for this run in the output (before / after)")
    p.add_argument(
        "--after-change",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="then move one pain point's units to another and time the first reads after it",
    )
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds one request may take")
    p.add_argument("--keep", action="store_true", help="keep the generated database (its path is logged)")
    p.add_argument("--fresh-timeout", type=float, default=900.0, help="seconds to wait for fresh sums")
    args = p.parse_args()
    results = [run_size(n, args) for n in (args.n or [10_000])]
    print(json.dumps({"label": args.label, "results": results, "p95_ratio_last_over_first": ratios(results)}))


if __name__ == "__main__":
    main()
