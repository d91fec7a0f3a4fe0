"""Which version of the stored read sums a request serves: never one that makes it wait for a large build.

After a write the sums are behind the data. Bringing them forward costs about the rows it reads: a delta
(``view_delta``) reads the journal, a full rebuild (after a merge, a split, a re-analysis, an erasure…) every
item and unit of the workspace — ~80 s at a million items on the 2-core machine. A read pays that itself only
when it is small (``settings.read_inline_build_max_rows``); otherwise it serves the last *complete* build
(each build replaces the sums in one transaction, so a reader never sees half of one) and a background
thread of this server process builds the new version; the next reads find it. The response says so: the
``X-Frictionmap-Data-Version`` header is the version the figures reflect, ``X-Frictionmap-Current-Version``
the data's, and ``X-Frictionmap-Stale: true`` when they differ (``service.api.freshness``).

The worker's ``refresh_scores`` (after every analysis and the debounced refresh after incremental
assignment) builds in its own task, so reads normally find the sums ready; this only keeps a request off the
build when a write came from elsewhere (an API merge or split, an erasure, a bare ingest before the refresh).
Never-built sums have nothing to serve: a small workspace builds them in the request; a large one (data
written straight into the database, never analysed through the worker) starts the same background build and
the read answers ``SumsBuilding`` at once (HTTP 503, ``Retry-After``, ``X-Frictionmap-Building: true``)
instead of holding the request for the whole first build (minutes at a million items).
"""

from __future__ import annotations

import logging
import threading
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from service.analysis.view_delta import MAX_DELTA_FRACTION, workspace_size
from service.analysis.view_tables import _ITEM, _JOURNAL, _UNIT, _VERSION, data_version, ensure_fresh

logger = logging.getLogger(__name__)

# A journal row costs a delta about this many rows of a rebuild (seven joins and the distinct-item checks
# per row, measured: ~1 s for 3,400 journal rows against ~10 s for 230,000 items + units at 100k).
DELTA_ROW_COST = 4


@dataclass
class Served:
    """The versions the reads of one request served (the lowest), for its response headers."""

    served: int | None = None
    current: int | None = None

    def note(self, served: int, current: int) -> None:
        self.served = served if self.served is None else min(self.served, served)
        self.current = current if self.current is None else max(self.current, current)

    @property
    def stale(self) -> bool:
        return self.served is not None and self.served != self.current


# What a read answering ``SumsBuilding`` tells the client to wait before asking again.
BUILDING_RETRY_AFTER_S = 5


class SumsBuilding(Exception):
    """The workspace's sums were never built and building them is large: a background thread builds them
    now, and this read has no complete build to serve (answered 503 with ``Retry-After``)."""

    def __init__(self, workspace_id: str, retry_after_s: int = BUILDING_RETRY_AFTER_S) -> None:
        super().__init__(
            "this workspace's figures are being built for the first time; nothing was changed, "
            f"retry in {retry_after_s} s"
        )
        self.workspace_id = workspace_id
        self.retry_after_s = retry_after_s


SERVED: ContextVar[Served | None] = ContextVar("frictionmap_served_versions", default=None)

_lock = threading.Lock()
_building: dict[str, threading.Thread] = {}


def pending_rows(session: Session, workspace_id: str, built: int, delta: bool, cap: int) -> int:
    """About how many rows bringing the sums forward reads (stops counting the journal past ``cap``)."""
    size = workspace_size(session, workspace_id)
    invalidated = session.execute(
        select(_VERSION.c.invalidated_version).where(_VERSION.c.workspace_id == workspace_id)
    ).scalar_one_or_none()
    if not delta or (invalidated or 0) > built:
        return size
    limit = max(cap, int(MAX_DELTA_FRACTION * size)) + 1
    journal = select(_JOURNAL.c.kind).where(_JOURNAL.c.workspace_id == workspace_id).limit(limit).subquery()
    rows = int(session.execute(select(func.count()).select_from(journal)).scalar_one())
    return size if rows > MAX_DELTA_FRACTION * size else DELTA_ROW_COST * rows


def stored_rows(session: Session, workspace_id: str, cap: int) -> int:
    """Items + units of the workspace, each count stopping at ``cap`` (an index walk of at most ``cap`` rows):
    what a first build reads, for a workspace whose sums were never built."""
    total = 0
    for table in (_ITEM, _UNIT):
        rows = select(table.c.id).where(table.c.workspace_id == workspace_id).limit(cap).subquery()
        total += int(session.execute(select(func.count()).select_from(rows)).scalar_one())
    return total


def version_for_read(
    session: Session,
    workspace_id: str,
    max_staleness_s: float = 0.0,
    delta: bool = True,
    inline_max_rows: int | None = None,
) -> int:
    """The version of the sums this read uses: the data's (bringing them forward when that is small, or
    ``inline_max_rows`` is None: the worker), else the last build while a background thread makes the next.
    Raises ``SumsBuilding`` when there is no last build and the first one is large (it runs in the
    background)."""
    version, built = data_version(session, workspace_id)
    served = version
    if version != built:
        if inline_max_rows is not None:
            if built < 0:  # nothing in the sums to size the build by: count the rows themselves, capped
                pending = stored_rows(session, workspace_id, inline_max_rows + 1)
            else:
                pending = pending_rows(session, workspace_id, built, delta, inline_max_rows // DELTA_ROW_COST)
            if pending > inline_max_rows:
                build_in_background(session, workspace_id, delta)
                if built < 0:
                    raise SumsBuilding(workspace_id)
                served = built
        if served == version:
            served = ensure_fresh(session, workspace_id, max_staleness_s, delta)
    request = SERVED.get()
    if request is not None:
        request.note(served, version)
    return served


def build_in_background(session: Session, workspace_id: str, delta: bool) -> bool:
    """Start bringing the workspace's sums forward in a thread of this process, unless one already is;
    returns whether one was started. Concurrent builds (other processes) serialise on the build lock."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    with _lock:
        running = _building.get(workspace_id)
        if running is not None and running.is_alive():
            return False
        thread = threading.Thread(
            target=_build, args=(engine, workspace_id, delta), name=f"frictionmap-sums-{workspace_id[:8]}"
        )
        thread.daemon = True
        _building[workspace_id] = thread
        thread.start()
    return True


def _build(engine: object, workspace_id: str, delta: bool) -> None:
    try:
        with Session(engine) as session:  # type: ignore[arg-type]
            ensure_fresh(session, workspace_id, 0.0, delta)
    except Exception:  # a competing build (another process) may hold SQLite's lock: the next read retries
        logger.exception("background build of the read sums of workspace %s failed", workspace_id)
    finally:
        with _lock:
            if _building.get(workspace_id) is threading.current_thread():
                del _building[workspace_id]


def wait_for_builds(timeout: float = 600.0) -> None:
    """Join the background builds running now (tests, benchmarks, shutdown)."""
    with _lock:
        threads = list(_building.values())
    for thread in threads:
        thread.join(timeout)
