"""``python -m bench.extract_ratio``: the service's extraction throughput against the raw embedding
throughput of the same encoder, in the same process, on the same unit texts (issue 14 target: >= 0.6).

For each data set (Banking77 *train* and Allociné train+test, ``--n`` rows spread evenly over the file): a
fresh SQLite database in a temporary directory, the rows stored as ingest stores them (``language`` detected
at ingest on the first ``LANGUAGE_SAMPLE_CHARS``; no redaction, which is ingest's cost, not extraction's), an
analysis job planned with ``plan_job`` and every batch run through ``run_batch`` -- the code a worker runs per
batch task, without the queue, so queue latency does not pollute the ratio. A warm-up analysis of other rows
loads the models first. Raw embedding is ``embedder.encode`` over the stored unit texts in one call, timed
just before and just after the extraction (load drifts; both are printed, the ratio uses their mean).

Per-stage CPU seconds (``time.process_time``, this process and its threads) come from timers wrapped around
the pipeline's steps: language, segment, embed, tag, polarity, context, the backend's own adaptation
(``backend``), the blob encoding (``blob``), ``commit``, the rest of the batch's database work (``db``)
and garbage collections wherever they ran (``gc``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.worker_env import BATCH_ITEMS

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("FRICTIONMAP_DATASETS", ROOT.parent.parent / "shared" / "datasets"))
SETS = {
    "banking77": [DATASETS / "banking77" / "train.csv"],
    "allocine": [DATASETS / "allocine_fr_sample" / "train.csv", DATASETS / "allocine_fr_sample" / "test.csv"],
}

CPU: dict[str, float] = defaultdict(float)
WALL: dict[str, float] = defaultdict(float)
_depth: list[str] = []


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    """Exclusive CPU/wall time per stage: a nested stage's time is not counted in its parent."""
    c0, w0 = time.process_time(), time.perf_counter()
    _depth.append(stage)
    try:
        yield
    finally:
        _depth.pop()
        dc, dw = time.process_time() - c0, time.perf_counter() - w0
        CPU[stage] += dc
        WALL[stage] += dw
        if _depth:
            CPU[_depth[-1]] -= dc
            WALL[_depth[-1]] -= dw


_gc_start: list[tuple[float, float]] = []


def _gc_callback(phase: str, info: dict[str, int]) -> None:
    """Garbage collections as their own stage ``gc``: a collection runs inside whatever step allocates when
    a threshold trips, so without this its cost lands on a random stage (a gen-2 pass walks every tracked
    object of the loaded models)."""
    if phase == "start":
        _gc_start.append((time.process_time(), time.perf_counter()))
        return
    if not _gc_start:
        return
    c0, w0 = _gc_start.pop()
    dc, dw = time.process_time() - c0, time.perf_counter() - w0
    CPU["gc"] += dc
    WALL["gc"] += dw
    if _depth:
        CPU[_depth[-1]] -= dc
        WALL[_depth[-1]] -= dw


def _wrap(owner: Any, name: str, stage: str) -> None:
    fn: Callable[..., Any] = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with _timed(stage):
            return fn(*args, **kwargs)

    setattr(owner, name, wrapped)


def _instrument(backend: Any) -> None:
    """Timers around each step, patched where the calling module looks them up."""
    import sqlmodel

    import nlp.pipeline.extract as ex
    import service.analysis.extraction as sx

    for name, stage in [
        ("detect_language", "language"),
        ("split_units_batch", "segment"),
        ("encode_unique", "embed"),
        ("_polarity_from_tags", "polarity"),
        ("contextualize", "context"),
    ]:
        if hasattr(ex, name):
            _wrap(ex, name, stage)
    if hasattr(sx, "to_compact_blob"):
        _wrap(sx, "to_compact_blob", "blob")
    if hasattr(sx, "compact_blobs"):
        _wrap(sx, "compact_blobs", "blob")
    _wrap(sqlmodel.Session, "commit", "commit")
    gc.callbacks.append(_gc_callback)
    _wrap(type(backend), "extract", "backend")
    if getattr(backend, "tagger", None) is not None:
        _wrap(backend.tagger, "tag", "tag")


def _texts(paths: list[Path], n: int) -> list[str]:
    rows: list[str] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            rows += [row["text"] for row in csv.DictReader(f)]
    step = max(1, len(rows) // n)
    return rows[::step][:n]


def _store(session: Any, name: str, texts: list[str]) -> str:
    from nlp.text.language import detect_language
    from service.feedback.ingest import LANGUAGE_SAMPLE_CHARS
    from service.models import FeedbackItem, Job, Workspace

    ws = Workspace(name=name)
    session.add(ws)
    session.flush()
    session.add_all(
        FeedbackItem(
            workspace_id=ws.id,
            text=t,
            language=detect_language(t[:LANGUAGE_SAMPLE_CHARS]),
            external_id=str(i),
            content_hash=hashlib.sha256(f"{name}:{i}:{t}".encode()).hexdigest(),
        )
        for i, t in enumerate(texts)
    )
    job = Job(workspace_id=ws.id, kind="analysis", params={"scope": {}})
    session.add(job)
    session.commit()
    return str(job.id)


def _extract_all(session: Any, job_id: str, settings: Any) -> int:
    from service.analysis.jobs import plan_job, run_batch

    plan = plan_job(session, job_id, settings)
    assert plan is not None
    for index, ids in enumerate(plan.batches):
        with _timed("db"):
            run_batch(session, job_id, plan.plan_id, index, ids, settings, "bench")
    return len(plan.batches)


def _raw(embedder: Any, texts: list[str]) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    embedder.encode(texts)
    return time.process_time() - c0, time.perf_counter() - w0


def run(name: str, n: int, batch: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fm-extract-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'fm.db'}",
        FRICTIONMAP_DATA_DIR=str(tmp),
        FRICTIONMAP_ANALYSIS_BATCH_ITEMS=str(batch),
        FRICTIONMAP_LOG_LEVEL="WARNING",
    )
    try:
        from sqlmodel import Session, select

        from service.analysis.backend_factory import get_backend
        from service.db import dispose_engines, get_engine, upgrade_to_head
        from service.models import Job, OpinionUnit
        from service.settings import Settings

        settings = Settings()
        upgrade_to_head(settings)
        texts = _texts(SETS[name], n + 64)
        warm, timed = texts[n:], texts[:n]
        backend: Any = get_backend(settings)
        with Session(get_engine(settings)) as s:
            _extract_all(s, _store(s, "warm", warm), settings)
            job_id = _store(s, name, timed)
        from nlp.text.language import detect_language
        from nlp.text.segmentation import split_units_batch
        from service.feedback.ingest import LANGUAGE_SAMPLE_CHARS

        # The unit texts extraction will produce (the same segmentation on the languages stored at ingest),
        # so that the raw pass can run before it too; checked against the stored units afterwards.
        langs = [detect_language(t[:LANGUAGE_SAMPLE_CHARS]) for t in timed]
        unit_texts = [u.text for sp in split_units_batch(timed, langs) for u in sp]
        _instrument(backend)
        CPU.clear()
        WALL.clear()
        embedder = backend.embedder
        raw1 = _raw(embedder, unit_texts)
        c0, w0 = time.process_time(), time.perf_counter()
        with Session(get_engine(settings)) as s:
            batches = _extract_all(s, job_id, settings)
            ws_id = s.exec(select(Job.workspace_id).where(Job.id == job_id)).one()
        ext = (time.process_time() - c0, time.perf_counter() - w0)
        raw2 = _raw(embedder, unit_texts)
        with Session(get_engine(settings)) as s:
            stored = s.exec(select(OpinionUnit.text).where(OpinionUnit.workspace_id == ws_id)).all()
        m = len(unit_texts)
        raw_cpu, raw_wall = (raw1[0] + raw2[0]) / 2, (raw1[1] + raw2[1]) / 2
        dispose_engines()
        return {
            "set": name,
            "items": n,
            "units": m,
            "batches": batches,
            "model": backend.model_id,
            "raw_units_per_cpu_s": round(m / raw_cpu, 1),
            "extract_units_per_cpu_s": round(m / ext[0], 1),
            "ratio_cpu": round(raw_cpu / ext[0], 3),
            "raw_units_per_wall_s": round(m / raw_wall, 1),
            "extract_units_per_wall_s": round(m / ext[1], 1),
            "ratio_wall": round(raw_wall / ext[1], 3),
            "raw_cpu_s": [round(raw1[0], 2), round(raw2[0], 2)],
            "extract_cpu_s": round(ext[0], 2),
            "extract_wall_s": round(ext[1], 2),
            "stage_cpu_s": {k: round(v, 2) for k, v in sorted(CPU.items(), key=lambda kv: -kv[1])},
            "stored_units_match": sorted(stored) == sorted(unit_texts),
            "load": os.getloadavg()[0],
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument(
        "--batch", type=int, default=BATCH_ITEMS, help="items per batch task (analysis_batch_items)"
    )
    args = ap.parse_args()
    for name in args.sets:
        print(json.dumps(run(name, args.n, args.batch)), flush=True)


if __name__ == "__main__":
    main()
