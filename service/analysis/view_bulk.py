"""Bulk writing of the stored read sums: how a rebuild deletes a workspace's rows and which SQLite settings
its connection uses meanwhile (``view_tables.rebuild_read_sums``).

At 1M items a rebuild used to spend 145 s deleting the previous ~10M sum rows one by one from four B-trees,
with ``secure_delete`` zeroing every freed cell, before its inserts (docs/benchmarks.md, "Stored sums rebuild
and cold Compare")."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlmodel import Session

logger = logging.getLogger(__name__)

# SQLite page cache for a rebuild's connection (KiB, negative as ``PRAGMA cache_size`` takes it): the
# default 2 MB makes every index insert and every ``GROUP BY`` sorter spill go through the OS page cache.
REBUILD_CACHE_KIB = 65536


@contextmanager
def bulk_pragmas(session: Session) -> Iterator[None]:
    """SQLite, for the duration of a rebuild on this connection: a larger page cache, and
    ``secure_delete`` off. The sum tables hold counts and sums keyed by pain point, theme, stage, label and
    dimension values, never an item's text, so the pages their rebuild frees need not be zeroed (what
    ``service.db`` turns it on for: an erased item's text); zeroing them was most of the delete's writes.
    Both are restored afterwards (the connection returns to the pool). PostgreSQL: nothing."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    secure = session.execute(text("PRAGMA secure_delete")).scalar_one()
    cache = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text("PRAGMA secure_delete = 0"))
    session.execute(text(f"PRAGMA cache_size = {-REBUILD_CACHE_KIB}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA secure_delete = {int(secure)}"))
        session.execute(text(f"PRAGMA cache_size = {int(cache)}"))


def delete_sums(session: Session, table: Any, workspace_id: str) -> str:
    """Delete one workspace's rows of a sum table; returns how (``truncate`` / ``rows`` / ``none``).

    On SQLite, when the workspace owns every row (the usual single-workspace database; two index probes
    tell), a ``DELETE`` without ``WHERE`` frees the table's and its indexes' pages whole (SQLite's truncate
    optimisation: the tables have no trigger and no foreign key to them) instead of removing ~10M rows one
    by one from four B-trees (145 s at 1M items). PostgreSQL and shared tables delete by workspace
    (PostgreSQL only marks the rows dead; ``TRUNCATE`` would lock readers out of the served sums)."""
    if session.get_bind().dialect.name == "sqlite":
        low, high = session.execute(
            select(
                select(func.min(table.c.workspace_id)).scalar_subquery(),
                select(func.max(table.c.workspace_id)).scalar_subquery(),
            )
        ).one()
        if low is None:
            return "none"
        if low == high == workspace_id:
            session.execute(delete(table))
            return "truncate"
    session.execute(delete(table).where(table.c.workspace_id == workspace_id))
    return "rows"


CHECKPOINT_WAITS_S = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)  # pauses between tries while readers hold the WAL


def checkpoint_after_rebuild(session: Session, waits: tuple[float, ...] = CHECKPOINT_WAITS_S) -> bool:
    """SQLite, after a rebuild's commit: copy the write-ahead log into the database file and empty it;
    True when every frame was copied.

    A rebuild at 1M items leaves ~1 GB of frames in the WAL, and the automatic checkpoint cannot finish while
    readers hold older snapshots, so until the next write every read looks each page up in the WAL's index
    first: a cold Compare at 1M took 426-450 ms CPU with such a WAL and 282-378 ms once it was checkpointed
    (docs/benchmarks.md, "Reads at 1M on the merged main"). ``TRUNCATE`` holds the writer lock while it waits
    for readers, so each try runs without a busy timeout: with a reader still on an older snapshot it does
    what a passive checkpoint does and returns at once, instead of blocking every writer for the
    connection's 30 s. Readers of the web pages last milliseconds, so while a reader on a snapshot older
    than the commit keeps frames from being copied it tries again after short pauses (~3 s in all, writers
    free in between). Readers that began after the commit do not stop the copy, only the truncation: once
    every frame is copied, reads find their pages in the database file (the WAL's index is skipped) and
    the file is emptied by a later checkpoint. PostgreSQL: nothing."""
    if session.get_bind().dialect.name != "sqlite":
        return True
    timeout = session.execute(text("PRAGMA busy_timeout")).scalar_one()
    session.execute(text("PRAGMA busy_timeout = 0"))
    try:
        result = None
        for pause in (*waits, None):
            result = session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).first()
            if result is None or not result[0] or result[1] == result[2]:
                return True  # emptied, or every frame copied (readers on the new snapshot keep the file)
            if pause is not None:
                time.sleep(pause)
        logger.warning(
            "the write-ahead log was not copied after a rebuild (busy, frames, copied: %s); reads look pages"
            " up in it until a later checkpoint",
            tuple(result) if result is not None else None,
        )
        return False
    finally:
        session.execute(text(f"PRAGMA busy_timeout = {int(timeout)}"))
