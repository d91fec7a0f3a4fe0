"""``python -m bench.read_sum_delta``: bringing the read sums forward by delta vs rebuilding them, same data.

Generates ``--n`` items (~1.3 units each, ``bench.service_generate``: straight into a fresh database, SQLite
in a temporary directory or ``--database-url``; PostgreSQL runs in a schema of its own), builds the sums once,
then for each ``--append`` size:

1. appends that many items the way the service does: items inserted, their units inserted without a pain
   point, then 85 % of the units assigned to an existing pain point by a bulk UPDATE (incremental
   assignment), each step its own transaction;
2. times ``ensure_fresh`` with the delta on (``view_delta``: journal → UPSERT), checking it took the delta
   path (the build counters);
3. times a full rebuild of the same data (``rebuild_read_sums``, what every read after a write did before);
4. checks that both left the same totals (counts exactly, float sums to 1e-9) per table, grain and kind;
5. with ``--api``: through the API in process (``create_app`` + TestClient, no network), appends that many
   items again and times the first ``GET /v1/pain-points`` after it with ``read_sums_delta`` on, then once
   more with it off (the read brings the sums forward itself: delta, or full rebuild as before).

``--write-cost N``: instead, the cost of the journal on writes: the same append of N items into an empty
workspace at revision 0008 (version bump only) and at head (bump + journal), three times each, alternating.

Timings are wall-clock on whatever else the machine runs: compare the two columns of one run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench.service_generate import generate_rows, generate_rows_sqlite_sql
from service.analysis.view_tables import BUILDS, ensure_fresh, rebuild_read_sums
from service.db import build_engine, upgrade_to_head
from service.models import FeedbackItem, OpinionUnit, PainPoint, ReadItemSum, ReadUnitSum, Workspace
from service.settings import Settings

SCHEMA = "bench_read_sum_delta"
_CHANNELS = ("web", "app", "store", "phone", "email", None)
_SEGMENTS = ("retail", "premium", "business", None)


def prepare(database_url: str, data_dir: Path) -> str:
    """A migrated empty database: a fresh SQLite file, or a fresh schema on PostgreSQL."""
    if not database_url:
        return f"sqlite:///{data_dir / 'bench.db'}"
    admin = create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    return url.render_as_string(hide_password=False)


def append(engine: Any, ws: str, n: int, seed: int) -> None:
    """``n`` items with 1–2 units each; units inserted unassigned, then 85 % assigned in bulk."""
    rng = random.Random(seed)
    pps = [
        row[0] for row in Session(engine).execute(select(PainPoint.id).where(PainPoint.workspace_id == ws))
    ]
    start = datetime(2025, 1, 6, tzinfo=UTC)
    items, units, assign = [], [], []
    for k in range(n):
        fid = str(uuid.uuid4())
        created = start + timedelta(minutes=rng.randint(0, 400 * 24 * 60))  # some days past the base year
        items.append(
            {
                "id": fid,
                "workspace_id": ws,
                "source": rng.choice(("trustpilot", "google", "zendesk", "survey")),
                "external_id": f"append-{seed}-{k}",
                "text": f"appended feedback {k}",
                "language": rng.choice(("en", "fr", "de")),
                "kind": "review",
                "rating": float(rng.randint(1, 5)) if rng.random() < 0.7 else None,
                "nps": rng.randint(0, 10) if rng.random() < 0.3 else None,
                "csat": None,
                "channel": rng.choice(_CHANNELS),
                "segment": rng.choice(_SEGMENTS),
                "created_at": created,
                "received_at": created,
                "content_hash": uuid.uuid4().hex + uuid.uuid4().hex,
            }
        )
        for j in range(1 if rng.random() < 0.7 else 2):
            uid = str(uuid.uuid4())
            units.append(
                {
                    "id": uid,
                    "workspace_id": ws,
                    "feedback_id": fid,
                    "start": 10 * j,
                    "end": 10 * j + 9,
                    "text": "unit",
                    "language": "en",
                    "sentiment": "negative",
                    "sentiment_score": rng.uniform(-1, 0.6),
                    "emotion": rng.choice(("anger", "joy", None, None)),
                    "stage": rng.choice(("purchase", "delivery", "support", None)),
                    "effort": rng.random() < 0.15,
                    "pain_point_id": None,
                    "created_at": created,
                }
            )
            if rng.random() < 0.85:
                assign.append({"id": uid, "pain_point_id": rng.choice(pps)})
    with Session(engine) as session:
        session.execute(insert(FeedbackItem), items)
        session.commit()
        session.execute(insert(OpinionUnit), units)
        session.commit()
        session.execute(update(OpinionUnit), assign)
        session.commit()


def totals(engine: Any, ws: str) -> dict[str, list[float]]:
    out = {}
    with Session(engine) as session:
        for model in (ReadItemSum, ReadUnitSum):
            table = model.__table__  # type: ignore[attr-defined]
            measures = [
                c for c in table.columns if c.name not in ("id", "workspace_id", "grain", "kind", "key")
            ]
            measures = measures[measures.index(table.c.language) + 1 :]
            rows = session.execute(
                select(table.c.grain, table.c.kind, func.count(), *(func.sum(m) for m in measures))
                .where(table.c.workspace_id == ws)
                .group_by(table.c.grain, table.c.kind)
            ).all()
            for row in rows:
                out[f"{table.name}/{row[0]}/{row[1]}"] = [float(v) for v in row[2:]]
    return out


def same_totals(a: dict[str, list[float]], b: dict[str, list[float]]) -> bool:
    return a.keys() == b.keys() and all(
        math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) for k in a for x, y in zip(a[k], b[k], strict=True)
    )


def first_read_ms(url: str, data_dir: Path, engine: Any, ws: str, size: int, seed: int, delta: bool) -> int:
    """Append ``size`` items, then time the first pain-point list read through the API."""
    from fastapi.testclient import TestClient

    from service.main import create_app
    from service.settings import get_settings
    from service.workspaces.security import create_api_key

    os.environ["FRICTIONMAP_READ_SUMS_DELTA"] = "true" if delta else "false"
    get_settings.cache_clear()
    settings = Settings(database_url=url, data_dir=data_dir, queue_immediate=True, worker_in_process=False)
    with Session(engine) as session:
        workspace = session.get(Workspace, ws)
        assert workspace is not None
        key = create_api_key(session, workspace)
        session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/pain-points", headers=headers).status_code == 200  # warm: imports, caches
        time.sleep(3)  # the app's warm-up thread (language detector) off the CPU
        append(engine, ws, size, seed)
        t0 = time.perf_counter()
        r = client.get("/v1/pain-points", params={"limit": 50}, headers=headers)
        elapsed = time.perf_counter() - t0
        assert r.status_code == 200, r.text
    return round(elapsed * 1000)


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fm-delta-") as tmp:
        url = prepare(args.database_url, Path(tmp))
        upgrade_to_head(Settings(database_url=url, data_dir=Path(tmp)))
        engine = build_engine(url)
        with Session(engine) as session:
            ws = Workspace(name="bench")
            session.add(ws)
            session.commit()
            ws_id = ws.id
        t0 = time.perf_counter()
        gen = generate_rows_sqlite_sql if url.startswith("sqlite") else generate_rows
        shape = gen(url, "bench", args.n, args.pain_points)
        result: dict[str, Any] = {
            "database": engine.dialect.name,
            **shape,
            "generate_s": time.perf_counter() - t0,
        }
        with Session(engine) as session:
            t0 = time.perf_counter()
            ensure_fresh(session, ws_id)
            result["first_build_s"] = round(time.perf_counter() - t0, 3)
        rows = []
        for k, size in enumerate(args.append):
            t0 = time.perf_counter()
            append(engine, ws_id, size, seed=100 + k)
            appended_s = time.perf_counter() - t0
            before = BUILDS["applied_deltas"]
            with Session(engine) as session:
                t0 = time.perf_counter()
                ensure_fresh(session, ws_id, delta=True)
                delta_s = time.perf_counter() - t0
            delta_ok = BUILDS["applied_deltas"] == before + 1
            after_delta = totals(engine, ws_id)
            with Session(engine) as session:
                t0 = time.perf_counter()
                rebuild_read_sums(session, ws_id)
                rebuild_s = time.perf_counter() - t0
            row = {
                "append": size,
                "append_s": round(appended_s, 3),
                "delta_ms": round(delta_s * 1000),
                "rebuild_ms": round(rebuild_s * 1000),
                "speedup": round(rebuild_s / delta_s, 1),
                "delta_ok": delta_ok,
                "same_sums": same_totals(after_delta, totals(engine, ws_id)),
            }
            if args.api:
                row["api_first_read_delta_ms"] = first_read_ms(
                    url, Path(tmp), engine, ws_id, size, 200 + k, True
                )
                row["api_first_read_rebuild_ms"] = first_read_ms(
                    url, Path(tmp), engine, ws_id, size, 300 + k, False
                )
            print(json.dumps(row), flush=True)
            rows.append(row)
        result["runs"] = rows
        result["builds"] = dict(BUILDS)
        engine.dispose()
        if args.database_url:
            admin = create_engine(args.database_url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            admin.dispose()
        return result


def write_cost(args: argparse.Namespace) -> dict[str, Any]:
    from alembic import command

    from service.db import alembic_config

    out: dict[str, list[float]] = {"0008_theme_name_edited": [], "head": []}
    for attempt in range(3):
        for revision in out:
            with tempfile.TemporaryDirectory(prefix="fm-delta-") as tmp:
                url = prepare(args.database_url, Path(tmp))
                command.upgrade(alembic_config(url), revision)
                engine = build_engine(url)
                with Session(engine) as session:
                    ws = Workspace(name="bench")
                    session.add(ws)
                    session.flush()
                    session.add_all([PainPoint(workspace_id=ws.id, label=f"p{k}") for k in range(20)])
                    session.commit()
                    ws_id = ws.id
                t0 = time.perf_counter()
                append(engine, ws_id, args.write_cost, seed=attempt)
                out[revision].append(round(time.perf_counter() - t0, 3))
                engine.dispose()
    return {
        "database": args.database_url.split(":")[0] or "sqlite",
        "items": args.write_cost,
        "append_s": out,
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.read_sum_delta", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="items generated before the appends")
    p.add_argument("--append", type=int, nargs="+", default=[1_000, 10_000], help="items per append")
    p.add_argument("--pain-points", type=int, default=60)
    p.add_argument("--database-url", default="", help="default: a fresh SQLite file; PostgreSQL: a schema")
    p.add_argument("--api", action="store_true", help="also time the first API read after an append")
    p.add_argument("--write-cost", type=int, default=0, help="time N appended items at 0008 vs head")
    args = p.parse_args()
    print(json.dumps(write_cost(args) if args.write_cost else run(args), indent=1))


if __name__ == "__main__":
    main()
