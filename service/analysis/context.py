"""Which settings queue tasks use.

API and worker processes read the same environment, so tasks normally use ``get_settings()``. Tests and
notebooks run tasks inline against a database of their own: ``use_settings`` points tasks at it.
"""

from __future__ import annotations

from service.settings import Settings, get_settings

_override: Settings | None = None


def use_settings(settings: Settings | None) -> None:
    global _override
    _override = settings


def task_settings() -> Settings:
    return _override or get_settings()
