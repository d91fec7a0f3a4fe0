"""``python -m bench.ingest_profile``: where the time of one ingest batch goes, in process, per phase.

Ingests ``--batches`` batches of ``--batch`` generated items (``bench.service.make_items``: FR/EN sentences,
external ids, channels, ratings) into a fresh database (SQLite in a temporary directory, or
``--database-url``) through ``service.feedback.ingest.ingest_items`` and reports the median time of each
phase per batch: validation, redaction, language detection, the rest of row preparation (pseudonymisation,
content hash), the erasure check, the INSERT (with the data-version trigger), the duplicate lookup, the
commit and the post-ingest hooks. ``--cprofile N`` prints the top N functions of cProfile instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench.service import make_items
from service.db import forget_engine, get_engine, upgrade_to_head
from service.feedback import hooks, ingest
from service.settings import Settings
from service.workspaces.security import get_or_create_workspace

TIMES: dict[str, float] = defaultdict(float)


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - t0

    return wrapper


@contextmanager
def _patched() -> Iterator[None]:
    """Wrap the phases of ``ingest_items`` (module globals) with timers; restore them afterwards."""
    names = {
        "_validate": "validation",
        "redact_pii": "redaction",
        "detect_language": "language",
        "_prepare": "prepare (all)",
        "erased_results": "erasure check",
        "_insert_ignoring_conflicts": "INSERT + trigger",
        "_existing_ids": "duplicate lookup",
    }
    saved = {attr: getattr(ingest, attr) for attr in names}
    saved_hooks = hooks.feedback_created
    try:
        for attr, label in names.items():
            setattr(ingest, attr, _timed(label, saved[attr]))
        hooks.feedback_created = _timed("hooks", saved_hooks)  # type: ignore[assignment]
        yield
    finally:
        for attr, fn in saved.items():
            setattr(ingest, attr, fn)
        hooks.feedback_created = saved_hooks  # type: ignore[assignment]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--database-url", default="")
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--batches", type=int, default=6)
    p.add_argument("--cprofile", type=int, default=0, help="print the top N cProfile rows (cumulative)")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fm-ingest-prof-"))
    url = args.database_url or f"sqlite:///{tmp / 'fm.db'}"
    settings = Settings(
        database_url=url, data_dir=tmp, queue_immediate=True, worker_in_process=False, queue_url=""
    )
    upgrade_to_head(settings)
    engine = get_engine(settings)
    items = make_items(args.batch * (args.batches + 1), seed=1)
    with Session(engine) as s:
        ws = get_or_create_workspace(s, f"prof-{time.time_ns()}")
        s.commit()
        ingest.ingest_items(s, ws, items[: args.batch], settings=settings)  # warm-up: models, caches
        walls: list[float] = []
        per_phase: dict[str, list[float]] = defaultdict(list)
        prof = cProfile.Profile() if args.cprofile else None
        with _patched():
            for b in range(1, args.batches + 1):
                TIMES.clear()
                batch = items[b * args.batch : (b + 1) * args.batch]
                t0 = time.perf_counter()
                if prof:
                    prof.enable()
                ingest.ingest_items(s, ws, batch, settings=settings)
                if prof:
                    prof.disable()
                walls.append(time.perf_counter() - t0)
                for k, v in TIMES.items():
                    per_phase[k].append(v)
    forget_engine(url)
    wall = statistics.median(walls)
    print(f"database: {engine.dialect.name}; batch {args.batch} items; median of {args.batches} batches")
    print(f"{'phase':<20}{'ms/batch':>10}{'us/item':>10}{'share':>8}")
    for k, v in sorted(per_phase.items(), key=lambda kv: -statistics.median(kv[1])):
        m = statistics.median(v)
        print(f"{k:<20}{m * 1e3:>10.1f}{m / args.batch * 1e6:>10.0f}{m / wall:>8.0%}")
    print(
        f"{'wall':<20}{wall * 1e3:>10.1f}{wall / args.batch * 1e6:>10.0f}"
        f"   -> {args.batch / wall:,.0f} items/s"
    )
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
