"""The environment of the real worker processes the benchmarks start: a SQLite database and SqliteHuey queue
in a scratch directory, one consumer thread, no scheduled re-analysis, and this checkout on ``PYTHONPATH`` so
that the workers run the code being measured, not whatever the venv's editable install points at."""

from __future__ import annotations

import os
from pathlib import Path

from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
#: The benches measure what a user gets: the service's own default batch size, not a copy of it.
BATCH_ITEMS: int = Settings.model_fields["analysis_batch_items"].default


def worker_env(tmp: Path, batch: int, log_level: str = "INFO") -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'fm.db'}",
        "FRICTIONMAP_DATA_DIR": str(tmp),
        "FRICTIONMAP_QUEUE_URL": "",
        "FRICTIONMAP_QUEUE_IMMEDIATE": "false",
        "FRICTIONMAP_WORKER_IN_PROCESS": "false",
        "FRICTIONMAP_WORKER_THREADS": "1",
        "FRICTIONMAP_ANALYSIS_BATCH_ITEMS": str(batch),
        "FRICTIONMAP_REANALYSIS_CRON": "",
        "FRICTIONMAP_LOG_LEVEL": log_level,
        "PYTHONPATH": str(ROOT),
    }
