"""The read side's in-process cache: a small thread-safe LRU of figures computed from the stored sums.

Keys carry the workspace's data version (and whatever else the figures depend on: filters, priority
settings, the live pain points), so an entry is never stale, only unused; values hold plain numbers, never
ORM objects, so an entry stays small and safe to share between requests. Used by the pain point list,
detail and map (``view_summary``) and by the themes (``service.themes.summary``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from service.settings import get_settings

T = TypeVar("T")


class Lru(Generic[T]):
    """A small thread-safe LRU (FastAPI runs sync routes in a thread pool); its size is
    ``settings.read_cache_size``, read on first use (0 turns caching off)."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.size is None:
            self.size = get_settings().read_cache_size
        if not self.size:
            return compute()
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
