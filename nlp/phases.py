"""Wall time, CPU time and memory of an analysis's phases, logged by the process that runs them.

Why: a full analysis of a large workspace runs for tens of minutes in a worker process; which step holds the
memory peak (the re-clustering matrix, the labelling's texts, the read-sum rebuild) cannot be told from the
outside. Each phase logs one line on the ``nlp.phases`` logger at INFO: its wall and CPU
seconds and the process's resident memory at its end (``VmRSS``) and the peak so far (``VmHWM``, which only
grows: the phase during which it grew holds the new peak). ``bench.full_analysis`` reads these lines.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

_STATUS = Path("/proc/self/status")


def memory_kib() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in KiB; (0, 0) where ``/proc`` is not there."""
    rss = hwm = 0
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


@contextmanager
def phase(name: str, **fields: object) -> Iterator[None]:
    """Log ``name``'s wall / CPU seconds and memory when it ends (also when it raises)."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        if logger.isEnabledFor(logging.INFO):
            rss, hwm = memory_kib()
            extra = "".join(f" {k}={v}" for k, v in fields.items())
            logger.info(
                "phase=%s wall_s=%.3f cpu_s=%.3f rss_mib=%.1f hwm_mib=%.1f%s",
                name,
                time.perf_counter() - t0,
                time.process_time() - c0,
                rss / 1024,
                hwm / 1024,
                extra,
            )
