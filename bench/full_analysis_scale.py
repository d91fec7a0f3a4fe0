"""``python -m bench.full_analysis_scale --from DIR --copies K``: the analysis's second half (re-clustering,
naming, scores, stored sums) at a million items without an hour of extraction first.

Why this is faithful: ``bench.full_analysis`` resamples ~40k distinct train texts, so a 1M-item run embeds
each text ~25 times and stores the same units (text, tags, vector) for each copy. Here a finished
``bench.full_analysis`` run's database is copied and its items and units replicated K times inside SQLite
(new ids; same texts, tags, vectors and dates), every analysis output is removed (pain points, themes,
assignments, read sums: the state right after extraction), and one ``finish_analysis`` task — what the
last extraction batch enqueues — runs in a real ``frictionmap worker``. What differs from a real 1M run:
each unit repeats K times exactly (a real run repeats texts ~25 times, unevenly), and the worker has not
run the extraction batches before (their memory stays flat, measured by ``bench.full_analysis``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.full_analysis import _stop_time, parse_phases, start_workers, stop_workers, watch
from bench.worker_env import BATCH_ITEMS, worker_env

_CLEARED = ("theme", "pain_point", "read_item_sum", "read_unit_sum", "read_sum_state", "job")


def _copy_id(column: str) -> str:
    """A 36-character id per copy: the source id's first 29 characters, '-', the copy number."""
    return f"substr({column}, 1, 29) || '-' || printf('%06d', k.n)"


def replicate(db: Path, copies: int, unrated_copies: bool = False) -> dict[str, int]:
    """Add ``copies - 1`` copies of every item and unit; clear the analysis's outputs. ``unrated_copies``:
    the copies carry no rating, so the sentiment adaptation sees the source run's rated items only (the
    same sample and decision; its re-scoring of every unit, bounded in memory, is then skipped when the
    source run did not adapt: timed separately, ~0.6 ms a unit)."""
    con = sqlite3.connect(db)
    item_cols = [r[1] for r in con.execute("PRAGMA table_info(feedback_item)")]
    unit_cols = [r[1] for r in con.execute("PRAGMA table_info(opinion_unit)")]
    copied_items = {"id": _copy_id("id"), "external_id": "external_id || '-c' || k.n"}
    if unrated_copies:
        copied_items["rating"] = "NULL"
    copied_units = {"id": _copy_id("id"), "feedback_id": _copy_id("feedback_id"), "pain_point_id": "NULL"}
    con.execute("CREATE TEMP TABLE k(n INTEGER)")
    con.executemany("INSERT INTO k VALUES (?)", [(n,) for n in range(1, copies)])
    for table in _CLEARED:
        con.execute(f"DELETE FROM {table}")
    con.execute("UPDATE opinion_unit SET pain_point_id = NULL")
    for table, cols, copied in (
        ("feedback_item", item_cols, copied_items),
        ("opinion_unit", unit_cols, copied_units),
    ):
        names = ", ".join(f'"{c}"' for c in cols)
        exprs = ", ".join(copied.get(c, f'"{c}"') for c in cols)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {exprs} FROM {table}, k")
    con.commit()
    out = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("feedback_item", "opinion_unit")
    }
    if copies > 1:  # --copies 1 re-runs a replicated copy as it is: only its outputs are cleared
        con.execute("VACUUM")
    con.close()
    return out


def digest(db: Path) -> dict[str, Any]:
    """What the analysis wrote, without its random ids: pain points (kind, label, name, size, stage,
    centroid bytes) and every unit's assignment as its pain point's index in that sorted list, hashed (two
    runs on the same copy must give the same digest for the results to be called identical)."""
    con = sqlite3.connect(db)
    pps = con.execute(
        "SELECT id, kind, label, name, size, stage, hex(centroid), keyphrases, quotes FROM pain_point "
        "WHERE merged_into_id IS NULL ORDER BY kind, label, size, hex(centroid)"
    ).fetchall()
    index = {row[0]: n for n, row in enumerate(pps)}
    h = hashlib.sha256()
    for row in pps:
        h.update(repr(row[1:]).encode())
    described = h.hexdigest()
    for uid, pp in con.execute("SELECT id, pain_point_id FROM opinion_unit ORDER BY id"):
        h.update(f"{uid}:{index.get(pp, -1)};".encode())
    themes = con.execute(
        "SELECT t.kind, t.name, t.names, hex(t.centroid), group_concat(p.label, '|') FROM theme t "
        "LEFT JOIN (SELECT theme_id, label FROM pain_point ORDER BY label) p ON p.theme_id = t.id "
        "GROUP BY t.id ORDER BY t.kind, t.name, hex(t.centroid)"
    ).fetchall()
    sentiments = con.execute("SELECT sentiment, count(*) FROM opinion_unit GROUP BY 1 ORDER BY 1").fetchall()
    con.close()
    return {
        "pain_points": len(pps),
        "pain_points_sha256": described,
        "with_assignments_sha256": h.hexdigest(),
        "themes": len(themes),
        "themes_sha256": hashlib.sha256(repr(themes).encode()).hexdigest(),
        "sentiments": sentiments,
    }


def _enqueue_finish(workspace_id: str, items: int, units: int) -> str:
    """A running job whose extraction plan is complete, and its ``finish_analysis`` task."""
    from service.analysis.jobs import ANALYSIS_KIND, FANOUT, create_job
    from service.analysis.tasks import finish_analysis
    from service.db import session_scope
    from service.models.types import new_id, utcnow
    from service.settings import get_settings

    plan = new_id()
    now = utcnow().isoformat()
    with session_scope(get_settings()) as s:
        job = create_job(s, workspace_id, ANALYSIS_KIND, {"scope": {}}, commit=False)
        job.state, job.attempts, job.started_at = "running", 1, utcnow()
        job.result = {
            "stage": "cluster",
            "heartbeat": now,
            FANOUT: {
                "plan": plan,
                "items": items,
                "batches": 0,
                "done_ranges": [],
                "done_count": 0,
                "units": units,
                "workers": {},
                "clustering": True,
                "planned_at": now,
                "extracted_at": now,
            },
        }
        s.add(job)
        s.commit()
        job_id = job.id
    finish_analysis(job_id, plan)
    return job_id


def run(args: argparse.Namespace) -> dict[str, Any]:
    src, tmp = Path(args.source).resolve(), Path(args.dir).resolve()
    tmp.mkdir(parents=True, exist_ok=False)
    shutil.copy(src / "fm.db", tmp / "fm.db")
    data = json.loads((src / "generated.json").read_text())
    t0 = time.perf_counter()
    counts = replicate(tmp / "fm.db", args.copies, args.unrated_copies)
    copy_s = round(time.perf_counter() - t0, 1)
    print(json.dumps({"replicated": counts, "copies": args.copies, "s": copy_s}), flush=True)
    env = worker_env(tmp, BATCH_ITEMS)
    os.environ.update(env)
    procs = start_workers(tmp, env, 1)
    try:
        time.sleep(args.warm_s)  # the worker's imports (not the models: the finish task loads those)
        job_id = _enqueue_finish(data["workspace_id"], counts["feedback_item"], counts["opinion_unit"])
        watched = watch(
            tmp, job_id, procs, counts["feedback_item"], BATCH_ITEMS, args.every, _stop_time(args.stop_at)
        )
    finally:
        stop_workers(procs)
    result = {
        "source": str(src),
        "copies": args.copies,
        "unrated_copies": args.unrated_copies,
        "replicated": counts,
        "replicate_s": copy_s,
        "utc_start": datetime.now(UTC).isoformat(),
        **watched,
        "phases": parse_phases((tmp / "worker0.log").read_text(errors="replace").splitlines()),
        "digest": digest(tmp / "fm.db") if watched["state"] == "done" else None,
        "dir": str(tmp),
    }
    (tmp / "result.json").write_text(json.dumps(result, indent=1))
    return result


def main() -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.full_analysis_scale", description=__doc__.split("\n")[0]
    )
    p.add_argument("--from", dest="source", required=True, help="a finished bench.full_analysis --dir")
    p.add_argument("--copies", type=int, required=True, help="K: each item and unit K times in all")
    p.add_argument("--dir", required=True, help="new directory for the copy, the queue and the logs")
    p.add_argument("--every", type=float, default=10.0)
    p.add_argument("--warm-s", type=float, default=5.0)
    p.add_argument("--stop-at", default=None, help="HH:MM UTC")
    p.add_argument("--unrated-copies", action="store_true", help="copies without ratings (see replicate)")
    result = run(p.parse_args())
    print(json.dumps({k: v for k, v in result.items() if k != "phases"}, indent=1))
    print(json.dumps(result["phases"], indent=1))


if __name__ == "__main__":
    main()
