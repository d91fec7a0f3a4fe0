"""``python -m bench.fanout``: extraction throughput of one analysis with 1, 2, ... worker processes.

For each ``--workers`` count: a fresh SQLite database and SqliteHuey queue in a temporary directory;
``--n`` Banking77 texts (train split, every k-th row: the file is sorted by intent) written straight
into ``feedback_item`` (no HTTP, no redaction: the figure is the analysis, not ingest); that many
``frictionmap worker`` processes (one thread each, the real nlp/ pipeline); a warm-up analysis in
another workspace so every worker has loaded its models; then the timed analysis. Extraction time is
the job's own record: from the plan (``fanout.planned_at``) to the completing batch
(``fanout.extracted_at``); the total includes re-clustering. The machine is shared: the load average
is printed with each figure.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.datasets import DEFAULT_DIR
from bench.full_analysis import start_workers, stop_workers
from bench.worker_env import BATCH_ITEMS, worker_env

ROOT = Path(__file__).resolve().parents[1]
BANKING77 = DEFAULT_DIR / "banking77" / "train.csv"


def _texts(path: Path, n: int) -> list[str]:
    """``n`` rows spread evenly over the file (it is sorted by intent: the first rows are one intent)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [row["text"] for row in csv.DictReader(f)]
    step = max(1, len(rows) // n)
    return rows[::step][:n]


def _seconds(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def run_once(workers: int, texts: list[str], batch: int, timeout: float, pin: bool = False) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fm-fanout-"))
    env = worker_env(tmp, batch, log_level="WARNING")
    py = sys.executable
    subprocess.run([py, "-m", "service.cli", "migrate"], env=env, check=True, cwd=ROOT, capture_output=True)
    procs = start_workers(tmp, env, workers, pin=pin)  # pin: worker k on core k (``worker --cpus k``)
    try:
        code = (
            "import json, sys; from bench.fanout import _analyse; "
            "print(json.dumps(_analyse(sys.argv[1], json.loads(sys.stdin.read()), float(sys.argv[2]))))"
        )
        warm = subprocess.run(
            [py, "-c", code, "warm", str(timeout)],
            input=json.dumps(texts[: batch * workers * 2]),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        timed = subprocess.run(
            [py, "-c", code, "timed", str(timeout)],
            input=json.dumps(texts),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        for done in (warm, timed):
            if done.returncode:
                raise RuntimeError(done.stderr[-3000:])
        out = json.loads(timed.stdout.strip().splitlines()[-1])
        out["warm_up_workers"] = json.loads(warm.stdout.strip().splitlines()[-1])["workers"]
    finally:
        stop_workers(procs)
        shutil.rmtree(tmp, ignore_errors=True)
    return {"worker_processes": workers, "pinned": pin, "items": len(texts), "batch_items": batch, **out}


def _analyse(workspace: str, texts: list[str], timeout: float) -> dict[str, Any]:
    """Inside a process on the bench's database and queue: store the texts, enqueue one analysis, wait."""
    from sqlmodel import Session

    from service.analysis.tasks import run_analysis
    from service.db import get_engine
    from service.models import FeedbackItem, Job, Workspace

    engine = get_engine()
    with Session(engine) as s:
        ws = Workspace(name=workspace)
        s.add(ws)
        s.flush()
        s.add_all(
            FeedbackItem(
                workspace_id=ws.id,
                text=t,
                language="en",
                external_id=str(i),
                content_hash=hashlib.sha256(f"{i}:{t}".encode()).hexdigest(),
            )
            for i, t in enumerate(texts)
        )
        job = Job(workspace_id=ws.id, kind="analysis", params={"scope": {}})
        s.add(job)
        s.commit()
        job_id = job.id
    t0 = time.perf_counter()
    run_analysis(job_id)
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as s:
            done = s.get(Job, job_id)
            assert done is not None
            if done.state in ("done", "failed"):
                break
        if time.monotonic() > deadline:
            raise TimeoutError(f"analysis not done within {timeout} s")
        time.sleep(0.5)
    total = time.perf_counter() - t0
    result = done.result or {}
    fanout = result.get("fanout", {})
    extract_s = _seconds(fanout["planned_at"], fanout["extracted_at"])
    return {
        "state": done.state,
        "error": done.error,
        "units": result.get("units"),
        "extract_s": round(extract_s, 1),
        "items_per_s": round(len(texts) / extract_s, 1),
        "total_s": round(total, 1),
        "workers": fanout.get("workers"),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=2000, help="Banking77 train rows")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker process counts to time")
    p.add_argument("--batch", type=int, default=BATCH_ITEMS, help="items per extraction batch task")
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--data", type=Path, default=BANKING77)
    p.add_argument("--pin", action="store_true", help="pin each worker process to one core")
    args = p.parse_args()
    texts = _texts(args.data, args.n)
    for workers in args.workers:
        print(json.dumps(run_once(workers, texts, args.batch, args.timeout, args.pin)), flush=True)


if __name__ == "__main__":
    main()
