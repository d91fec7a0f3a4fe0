"""Where training and evaluation runs leave their JSON reports (``training/reports/``), and the one writer.

Why a module: each run's report is the evidence its docs section quotes; ten runs each wrote the folder and
the JSON layout (indent 2, UTF-8 kept as is, a final newline) by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPORTS = Path(__file__).resolve().parent / "reports"


def write_report(name: str, data: Any) -> Path:
    """``data`` as ``training/reports/<name>`` (the folder made if missing); the path written."""
    REPORTS.mkdir(exist_ok=True)
    path = REPORTS / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
