"""The verbatim search's index (migration ``0011_search_index``): which items may contain a query, read from
an index instead of every item text, without changing which items the search returns.

PostgreSQL answers ``text ILIKE '%q%'`` from its ``pg_trgm`` GIN index by itself: nothing here. SQLite has an
FTS5 ``trigram`` table, ``feedback_item_fts``, whose ``LIKE`` gives the *candidates*: its index folds case for
every letter (``É``/``é``) where SQLite's ``LIKE``/``lower()`` fold ASCII only, and the query's ``%``, ``_``
and ``\\`` are kept as wildcards (FTS5 takes no ``ESCAPE``), so the candidates are a superset of the matches
and the search keeps its exact ``ILIKE … ESCAPE`` on them: same results, same order, same limit.

The index serves a query only when that pays: it needs a run of 3 characters without a wildcard (a trigram),
and a query found in more than ``CANDIDATE_CAP`` items (a common word) is better served by the plain scan,
newest first, which stops after the search's limit of matches.
"""

from __future__ import annotations

import json
import re
import sqlite3

from sqlalchemy import text
from sqlmodel import Session

FTS = "feedback_item_fts"
CANDIDATE_CAP = 5_000
_RUN = re.compile(r"[^%_]{3,}")
_AVAILABLE: dict[str, bool] = {}  # per database URL: the table exists


def fts_pattern(q: str) -> str | None:
    """The FTS5 ``LIKE`` pattern for a (stripped) query, or None when no trigram can narrow it down."""
    return f"%{q}%" if _RUN.search(q) else None


def available(session: Session) -> bool:
    """Whether this database has the SQLite FTS5 table (always False on PostgreSQL, which needs none)."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    key = str(bind.engine.url)
    if key not in _AVAILABLE:
        found = session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": FTS}
        ).first()
        _AVAILABLE[key] = found is not None
    return _AVAILABLE[key]


def candidates(session: Session, q: str) -> str | None:
    """The rowids of the items that may contain ``q`` as a JSON array (for ``json_each``), or None when the
    plain scan should answer: no index, no trigram in ``q``, or more than ``CANDIDATE_CAP`` candidates."""
    pattern = fts_pattern(q)
    if pattern is None or not available(session):
        return None
    rows = session.execute(
        text(f"SELECT rowid FROM {FTS} WHERE text LIKE :p LIMIT :cap"),
        {"p": pattern, "cap": CANDIDATE_CAP + 1},
    ).all()
    if len(rows) > CANDIDATE_CAP:
        return None
    return json.dumps([r for (r,) in rows])


def forget_erased(session: Session) -> None:
    """After an erasure: merge the FTS5 index so that the erased texts' trigrams leave the file, not only the
    answers (FTS5 keeps deleted entries in its segments until a merge). With ``secure-delete`` (SQLite >=
    3.42, set by the migration) the deletes already removed them; on PostgreSQL the GIN index's entries go
    with the heap's at ``VACUUM`` (docs/privacy.md)."""
    if sqlite3.sqlite_version_info >= (3, 42, 0) or not available(session):
        return
    session.execute(text(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')"))
    session.commit()
