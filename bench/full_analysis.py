"""``python -m bench.full_analysis --n N``: one full analysis of N items through real worker processes.

Issue 14's last target: 1M items (1.3M units) analysed with peak worker memory ≤ 4 GB in ≤ 60 min. Per run:
a fresh SQLite database and SqliteHuey queue in ``--dir``; N items of real text generated into the database
(``bench.full_analysis_data``: ingest is not timed here); ``--workers`` ``frictionmap worker`` processes
(``python -m service.cli worker``, this checkout on ``PYTHONPATH``, one consumer thread each, the production
backend: encoder ``auto``, shipped tagging); one analysis job enqueued as the API enqueues it; no warm-up, so
model loading is inside the run (in the plan task, the first thing a worker does).

Recorded: every ``--every`` seconds a progress line (units and batches done, the rate since the plan, an
extrapolation of the remaining extraction time, each worker's VmRSS / VmHWM / CPU seconds, the load
average) to ``progress.jsonl`` and stdout, so a run cut short (``--stop-at HH:MM`` UTC) still gives a rate;
at the end the phases each worker logged (``nlp.phases``: wall, CPU, memory at their end and the peak so far)
summed per phase, and the job's own timestamps, to ``result.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.full_analysis_data import DATASETS, generate_items
from bench.worker_env import BATCH_ITEMS, worker_env

ROOT = Path(__file__).resolve().parents[1]
_TICK = os.sysconf("SC_CLK_TCK")
_PHASE = re.compile(
    r"^(\S+ \S+) INFO nlp\.phases: phase=(\S+) wall_s=(\S+) cpu_s=(\S+) rss_mib=(\S+) hwm_mib=(\S+)"
)


def proc_stats(pid: int) -> dict[str, float]:
    """VmRSS / VmHWM (MiB) and user + system CPU seconds of a live process ({} once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return {}
    out = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key.lower() + "_mib"] = round(int(value.split()[0]) / 1024, 1)
    fields = stat.rsplit(")", 1)[1].split()
    out["cpu_s"] = round((int(fields[11]) + int(fields[12])) / _TICK, 1)
    return out


def parse_phases(lines: Sequence[str]) -> dict[str, dict[str, float]]:
    """Phase lines of one worker's log, summed per phase name (batches are many; the others run once)."""
    out: dict[str, dict[str, float]] = {}
    for line in lines:
        m = _PHASE.match(line)
        if not m:
            continue
        _, name, wall, cpu, rss, hwm = m.groups()
        p = out.setdefault(
            name, {"count": 0, "wall_s": 0.0, "cpu_s": 0.0, "rss_end_mib": 0.0, "hwm_mib": 0.0}
        )
        p["count"] += 1
        p["wall_s"] = round(p["wall_s"] + float(wall), 3)
        p["cpu_s"] = round(p["cpu_s"] + float(cpu), 3)
        p["rss_end_mib"] = max(p["rss_end_mib"], float(rss))
        p["hwm_mib"] = max(p["hwm_mib"], float(hwm))
    return out


def _seconds(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    return round((datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds(), 1)


def _job_state(job_id: str) -> dict[str, Any]:
    from sqlmodel import Session

    from service.db import get_engine
    from service.models import Job

    with Session(get_engine()) as s:
        job = s.get(Job, job_id)
        assert job is not None
        return {
            "state": job.state,
            "error": job.error,
            "progress": job.progress,
            "result": dict(job.result or {}),
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        }


def _enqueue(workspace_id: str) -> str:
    from service.analysis.jobs import ANALYSIS_KIND, create_job
    from service.analysis.tasks import run_analysis
    from service.db import session_scope
    from service.settings import get_settings

    with session_scope(get_settings()) as s:
        job = create_job(s, workspace_id, ANALYSIS_KIND, {"scope": {}})
        job_id = job.id
    run_analysis(job_id)
    return job_id


def _progress(
    t0: float, items: int, batch: int, job: dict[str, Any], procs: Sequence[subprocess.Popen[bytes]]
) -> dict[str, Any]:
    fan = job["result"].get("fanout") or {}
    done = len(fan.get("done") or [])
    units = int(fan.get("units") or 0)
    line: dict[str, Any] = {
        "t_s": round(time.perf_counter() - t0, 1),
        "utc": datetime.now(UTC).strftime("%H:%M:%S"),
        "state": job["state"],
        "stage": job["result"].get("stage"),
        "batches": f"{done}/{fan.get('batches', '?')}",
        "units": units,
        "load_1m": round(os.getloadavg()[0], 2),
        "workers": [proc_stats(p.pid) for p in procs],
    }
    planned = fan.get("planned_at")
    if planned and done:
        since = (datetime.now(UTC) - datetime.fromisoformat(planned)).total_seconds()
        items_done = min(items, done * batch)
        units_total = units / items_done * items
        line["units_per_s"] = round(units / since, 1)
        line["est_units_total"] = int(units_total)
        line["est_extract_left_s"] = round((units_total - units) / max(units / since, 1e-9), 0)
    line["rss_sum_mib"] = round(sum(w.get("vmrss_mib", 0.0) for w in line["workers"]), 1)
    return line


def start_workers(
    tmp: Path, env: dict[str, str], workers: int, pin: bool = False
) -> list[subprocess.Popen[bytes]]:
    """``frictionmap worker`` processes of this checkout, each logging to ``tmp/worker<k>.log``; with ``pin``,
    worker k runs on CPU k (mod the CPUs there are: ``worker --cpus``, set before any thread or model)."""
    ncpu = os.cpu_count() or 1
    return [
        subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", *(["--cpus", str(k % ncpu)] if pin else [])],
            env=env,
            cwd=ROOT,
            stdout=(tmp / f"worker{k}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for k in range(workers)
    ]


def stop_workers(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def watch(
    tmp: Path,
    job_id: str,
    procs: Sequence[subprocess.Popen[bytes]],
    items: int,
    batch: int,
    every: float,
    stop_at: datetime | None,
) -> dict[str, Any]:
    """Progress lines until the job is done or failed, or ``stop_at`` (UTC) passes; then the summary."""
    t0 = time.perf_counter()
    samples: list[dict[str, Any]] = []
    load = [os.getloadavg()[0]]
    cut_short = False
    with (tmp / "progress.jsonl").open("a") as out:
        while True:
            time.sleep(every)
            job = _job_state(job_id)
            line = _progress(t0, items, batch, job, procs)
            samples.append(line)
            load.append(line["load_1m"])
            out.write(json.dumps(line) + "\n")
            out.flush()
            print(json.dumps(line), flush=True)
            if job["state"] in ("done", "failed"):
                break
            if stop_at is not None and datetime.now(UTC) >= stop_at:
                cut_short = True
                break
    fan = job["result"].get("fanout") or {}
    final = [proc_stats(p.pid) for p in procs]
    return {
        "cut_short": cut_short,
        "state": job["state"],
        "error": job["error"],
        "units": job["result"].get("units", fan.get("units")),
        "job": {k: v for k, v in job["result"].items() if k != "fanout"},
        "wall_s": {
            "watched": round(time.perf_counter() - t0, 1),
            "plan": _seconds(job["created_at"], fan.get("planned_at")),
            "extraction": _seconds(fan.get("planned_at"), fan.get("extracted_at")),
            "finish": _seconds(fan.get("extracted_at"), job["finished_at"]),
        },
        "worker_final": final,
        "peak_rss_sum_sampled_mib": max((s["rss_sum_mib"] for s in samples), default=0.0),
        "load_avg": {"min": min(load), "max": max(load), "mean": round(sum(load) / len(load), 2)},
        "last_progress": samples[-1] if samples else None,
    }


def _stop_time(hhmm: str | None) -> datetime | None:
    if not hhmm:
        return None
    hh, mm = (int(x) for x in hhmm.split(":"))
    return datetime.now(UTC).replace(hour=hh, minute=mm, second=0, microsecond=0)


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(args.dir).resolve()
    env = worker_env(tmp, args.batch)
    os.environ.update(env)  # this process enqueues and reads the job on the same database and queue
    migrate = [sys.executable, "-m", "service.cli", "migrate"]
    if (tmp / "generated.json").exists():  # generated ahead (``--generate-only``): reused as it is
        data = json.loads((tmp / "generated.json").read_text())
        subprocess.run(migrate, env=env, check=True, cwd=ROOT, capture_output=True)  # by an older checkout
    else:
        tmp.mkdir(parents=True, exist_ok=False)
        subprocess.run(migrate, env=env, check=True, cwd=ROOT, capture_output=True)
        t_gen = time.perf_counter()
        data = generate_items(env["DATABASE_URL"], f"full-{args.n}", args.n, Path(args.datasets), args.seed)
        data["generate_s"] = round(time.perf_counter() - t_gen, 1)
        (tmp / "generated.json").write_text(json.dumps(data))
    print(json.dumps({"generated": data}), flush=True)
    if args.generate_only:
        return {"data": data}
    procs = start_workers(tmp, env, args.workers)
    try:
        job_id = _enqueue(data["workspace_id"])
        watched = watch(tmp, job_id, procs, args.n, args.batch, args.every, _stop_time(args.stop_at))
    finally:
        stop_workers(procs)
    logs = [tmp / f"worker{k}.log" for k in range(args.workers)]
    result = {
        "n": args.n,
        "workers": args.workers,
        "batch_items": args.batch,
        "data": data,
        **watched,
        "phases": [parse_phases(log.read_text(errors="replace").splitlines()) for log in logs],
        "dir": str(tmp),
    }
    (tmp / "result.json").write_text(json.dumps(result, indent=1))
    return result


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.full_analysis", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=20_000, help="items generated into the database")
    p.add_argument("--workers", type=int, default=1, help="worker processes")
    p.add_argument("--batch", type=int, default=BATCH_ITEMS, help="items per extraction batch task")
    p.add_argument("--every", type=float, default=15.0, help="seconds between progress lines")
    p.add_argument("--stop-at", default=None, help="HH:MM UTC: stop there and report what was reached")
    p.add_argument("--dir", required=True, help="new directory for the database, queue, logs and results")
    p.add_argument("--datasets", default=str(DATASETS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--generate-only", action="store_true", help="write the items and stop (a later run reuses them)"
    )
    result = run(p.parse_args())
    print(json.dumps({k: v for k, v in result.items() if k != "phases"}, indent=1))
    print(json.dumps(result.get("phases"), indent=1))


if __name__ == "__main__":
    main()
