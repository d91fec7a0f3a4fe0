"""Helpers shared by the import tests: settings the inline worker also sees, fixture copies, polling."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.helpers import paths

FIXTURES = paths.IMPORT_FIXTURES


def copy_fixture(name: str, directory: Path, as_name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / (as_name or name)
    shutil.copyfile(FIXTURES / name, target)
    return target


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s")
