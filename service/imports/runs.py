"""Executing an import run: fetch the export, parse it, ingest in chunks, checkpoint, finish.

Everything here is plain functions over a database session so the huey tasks (``service/tasks/imports.py``),
the API and tests share one code path. A chunk's items and the run's counts and checkpoint are committed in
one transaction (``ingest_items(..., commit=False)``), so a worker killed at any instant leaves the run at a
checkpoint that matches exactly what is stored; the next attempt continues after it. Idempotent ingest
(``source`` + external id, or content hash) would make a replay harmless anyway, but the counts stay exact.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from croniter import croniter
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, or_, select

from nlp.text.storable import escaped, text_problem
from service.db import get_engine
from service.feedback import hooks
from service.feedback.ingest import ingest_items
from service.feedback.schemas import language_hint
from service.imports.fetch import FetchError, open_location
from service.imports.parsers import Checkpoint, ImportedItem, ImportFileError, ParsedRow, get_parser
from service.imports.parsers.registry import PARSERS
from service.models import FeedbackItem, Job, Source, SourceRun, Workspace
from service.models.types import utcnow
from service.netguard import policy_for
from service.settings import Settings

logger = logging.getLogger(__name__)

ACTIVE_STATES = ("queued", "running")
#: Types whose ids are only unique inside one file/survey: each source gets its own namespace.
PER_SOURCE_TYPES = ("generic_csv", "generic_jsonl", "survey_csv", "generic_xlsx")


def default_feedback_source(source_type: str, source_id: str | None = None) -> str:
    """``feedback_item.source`` for a type: the platform name, or a per-source namespace for generic files."""
    if source_type in PER_SOURCE_TYPES:
        return f"source:{source_id}" if source_id else f"upload:{source_type}"
    return PARSERS[source_type].spec.id_namespace


def next_fire(schedule: str, after: datetime) -> datetime:
    """Next time a cron expression fires strictly after ``after`` (UTC)."""
    nxt: datetime = croniter(schedule, after).get_next(datetime)
    return nxt


def to_feedback(
    item: ImportedItem, source_type: str, feedback_source: str, max_text_chars: int | None = None
) -> dict[str, Any]:
    """An imported item as the ``FeedbackIn`` payload ingest validates, like an API call would send it.

    Text beyond ``max_text_chars`` is cut (and the original length kept in metadata) rather than rejected:
    a long Zendesk thread still says what went wrong in its first pages, and the API limit exists to bound
    work per item, not to drop tickets.
    """
    spec = PARSERS[source_type].spec
    metadata = dict(item.metadata)
    if item.language:
        metadata["platform_language"] = item.language
    text = item.text
    if max_text_chars is not None and len(text) > max_text_chars:
        metadata["truncated_from_chars"] = len(text)
        text = text[:max_text_chars]
    payload: dict[str, Any] = {
        "source": feedback_source,
        "external_id": item.external_id,
        "text": text,
        "kind": spec.kind,
    }
    optional = {
        "rating": item.rating,
        "nps": item.nps,
        "csat": item.csat,
        "created_at": item.created_at,
        "channel": item.channel,
        "language": language_hint(item.language),
        "metadata": metadata or None,
    }
    payload.update({k: v for k, v in optional.items() if v is not None})
    return payload


@dataclass
class _Chunk:
    records: list[ParsedRow] = field(default_factory=list)
    rows: int = 0

    def add(self, record: ParsedRow) -> None:
        self.records.append(record)
        self.rows += max(1, len(record.items))


def create_run(
    session: Session,
    *,
    workspace_id: str,
    source: Source | None,
    trigger: str,
    source_type: str,
    location: str,
    mapping: dict[str, Any],
    feedback_source: str,
    job_id: str | None = None,
) -> SourceRun:
    """A queued run that snapshots the configuration it will use (added to the session, not committed)."""
    run = SourceRun(
        workspace_id=workspace_id,
        source_id=source.id if source is not None else None,
        job_id=job_id,
        trigger=trigger,
        type=source_type,
        location=location,
        mapping=dict(mapping),
        feedback_source=feedback_source,
        state="queued",
    )
    session.add(run)
    return run


def create_source_run(session: Session, source: Source, trigger: str) -> SourceRun:
    """A queued run of a registered source with the source's current configuration (not committed).

    Manual runs, scheduled ticks and the benchmark all start a source this way, so a run always snapshots
    the same fields whoever starts it.
    """
    return create_run(
        session,
        workspace_id=source.workspace_id,
        source=source,
        trigger=trigger,
        source_type=source.type,
        location=source.location,
        mapping=source.mapping,
        feedback_source=source.feedback_source,
    )


def active_run(session: Session, source_id: str) -> SourceRun | None:
    stmt = select(SourceRun).where(SourceRun.source_id == source_id, col(SourceRun.state).in_(ACTIVE_STATES))
    return session.exec(stmt.order_by(col(SourceRun.created_at).desc())).first()


def execute_run(run_id: str, settings: Settings) -> str | None:
    """Run (or resume) one import to completion; returns its final state, None if there is no such run."""
    with Session(get_engine(settings), expire_on_commit=False) as session:
        run = session.get(SourceRun, run_id)
        if run is None or run.state in ("done", "failed"):
            return run.state if run is not None else None
        workspace = session.get(Workspace, run.workspace_id)
        if workspace is None:
            return None
        now = utcnow()
        resumed = run.state == "running" and run.checkpoint is not None
        run.state, run.heartbeat_at = "running", now
        run.started_at = run.started_at or now
        _sync_job(session, run, started=True)
        session.add(run)
        try:
            session.commit()
        except StaleDataError:
            logger.warning("import run %s was claimed by another worker", run_id)
            return "running"
        if resumed:
            logger.info("import run %s resumes at %s", run.id, run.checkpoint)
        try:
            _ingest_file(session, run, workspace, settings)
        except StaleDataError:
            session.rollback()
            logger.warning("import run %s is being executed by another worker; this attempt stops", run.id)
            return "running"
        except (ImportFileError, FetchError) as exc:
            _finish(session, run, "failed", str(exc))
        except Exception as exc:
            session.rollback()
            logger.exception("import run %s failed", run.id)
            _finish(session, run, "failed", f"internal error ({type(exc).__name__}); see the worker log")
        else:
            _finish(session, run, "done", None)
        return run.state


def _ingest_file(session: Session, run: SourceRun, workspace: Workspace, settings: Settings) -> None:
    trusted = run.source_id is None  # uploads: the server chose the path
    with (
        open_location(
            run.location,
            allowed_dirs=[] if trusted else settings.import_roots,
            max_bytes=settings.import_max_bytes,
            policy=policy_for(settings.import_allow_private_urls, settings.outbound_allow_hosts),
            trusted=trusted,
        ) as path,
        path.open("rb") as fh,
    ):
        parser = get_parser(run.type, run.mapping)
        chunk = _Chunk()
        for record in parser.records(fh, Checkpoint.from_json(run.checkpoint)):
            chunk.add(record)
            if chunk.rows >= settings.import_chunk_rows:
                _commit_chunk(session, run, workspace, chunk.records, settings)
                chunk = _Chunk()
                if settings.import_chunk_pause_s:
                    time.sleep(settings.import_chunk_pause_s)
        if chunk.records:
            _commit_chunk(session, run, workspace, chunk.records, settings)


def _commit_chunk(
    session: Session, run: SourceRun, workspace: Workspace, records: list[ParsedRow], settings: Settings
) -> None:
    """Items of ``records`` + the run's counts and checkpoint, in one transaction; then the hooks."""
    payloads: list[dict[str, Any]] = []
    owners: list[tuple[int, str]] = []
    read = rejected = created = duplicate = 0
    rejected_rows: list[dict[str, Any]] = []
    for record in records:
        read += 1
        if record.error is not None:
            rejected += 1
            rejected_rows.append({k: _shown(v) for k, v in record.error.to_json().items()})
        for item in record.items:
            payloads.append(to_feedback(item, run.type, run.feedback_source, settings.max_text_chars))
            owners.append((record.number, item.external_id))
    # Platforms re-export everything every time: items already stored under this (source, external id) are
    # duplicates whatever ingest would say, so skip its redaction and language work for them.
    known = _stored_external_ids(session, workspace.id, run.feedback_source, [o[1] for o in owners])
    fresh = [i for i, (_, external_id) in enumerate(owners) if external_id not in known]
    duplicate += len(owners) - len(fresh)
    payloads = [payloads[i] for i in fresh]
    owners = [owners[i] for i in fresh]
    results = ingest_items(session, workspace, payloads, settings=settings, commit=False) if payloads else []
    created_ids: list[str] = []
    for result, (number, external_id) in zip(results, owners, strict=True):
        if result.status == "created":
            created += 1
            if result.id:
                created_ids.append(result.id)
        elif result.status == "duplicate":
            duplicate += 1
        else:
            rejected += 1
            rejected_rows.append(
                {"row": number, "reason": _shown(result.reason), "external_id": _shown(external_id)}
            )
    run.read += read
    run.created += created
    run.duplicate += duplicate
    run.rejected += rejected
    keep = settings.import_rejected_rows_kept
    if rejected_rows and len(run.rejected_rows) < keep:
        run.rejected_rows = [*run.rejected_rows, *rejected_rows][:keep]
    run.checkpoint = records[-1].checkpoint.to_json()
    run.heartbeat_at = utcnow()
    _sync_job(session, run)
    session.add(run)
    session.commit()
    hooks.feedback_created(session, workspace.id, created_ids)


def _stored_external_ids(
    session: Session, workspace_id: str, source: str, external_ids: list[str]
) -> set[str]:
    found: set[str] = set()
    # An id the database cannot hold (a lone surrogate from JSON, a NUL) cannot be stored either: it is left
    # to ingest, which rejects its row. Sent in the query, the driver raised and the whole run failed.
    unique = sorted({e for e in external_ids if text_problem(e) is None})
    for start in range(0, len(unique), 500):  # stay under SQLite's bound-parameter limit
        batch = unique[start : start + 500]
        stmt = select(FeedbackItem.external_id).where(
            FeedbackItem.workspace_id == workspace_id,
            FeedbackItem.source == source,
            col(FeedbackItem.external_id).in_(batch),
        )
        found.update(e for e in session.exec(stmt).all() if e is not None)
    return found


def _shown(value: Any) -> Any:
    """A rejected row's reason or id as the database and a JSON answer can hold it: a lone surrogate or a NUL
    quoted from the file (``rating '\x00' is not a number``) is written escaped. Stored raw, it failed the
    run's commit (PostgreSQL) or the job's JSON answer (a 500)."""
    return escaped(value) if isinstance(value, str) else value


def counts(run: SourceRun) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "read": run.read,
        "created": run.created,
        "duplicate": run.duplicate,
        "rejected": run.rejected,
        "rejected_rows": run.rejected_rows,
        "error": run.error,
    }


def _sync_job(session: Session, run: SourceRun, *, started: bool = False) -> None:
    """Uploads report through their Job: mirror the run's state and counts onto it."""
    if run.job_id is None:
        return
    job = session.get(Job, run.job_id)
    if job is None:
        return
    job.state = run.state
    job.result = counts(run)
    size = (job.params or {}).get("bytes")
    offset = (run.checkpoint or {}).get("offset")
    if isinstance(size, int) and size > 0 and isinstance(offset, int):
        job.progress = min(0.99, offset / size)  # 1.0 only once the run is done
    if started and job.started_at is None:
        job.started_at = run.started_at
    if run.state in ("done", "failed"):
        job.finished_at = run.finished_at
        job.error = run.error
        job.progress = 1.0 if run.state == "done" else job.progress
    session.add(job)


def _finish(session: Session, run: SourceRun, state: str, error: str | None) -> None:
    run.state, run.error, run.finished_at = state, _shown(error), utcnow()
    _sync_job(session, run)
    session.add(run)
    if run.source_id is not None:
        source = session.get(Source, run.source_id)
        if source is not None:
            source.last_run_at = run.finished_at
            session.add(source)
    session.commit()
    if run.trigger == "upload":
        Path(run.location).unlink(missing_ok=True)  # the stored upload is only needed until the run ends
    log = logger.warning if state == "failed" else logger.info
    log(
        "import run %s %s: read=%d created=%d duplicate=%d rejected=%d%s",
        run.id,
        state,
        run.read,
        run.created,
        run.duplicate,
        run.rejected,
        f" error={error}" if error else "",
    )


def claim_due_sources(session: Session, now: datetime | None = None) -> list[SourceRun]:
    """Queue one run per enabled source whose cron time has come (committed; caller enqueues them).

    The ``next_run_at`` advance is a compare-and-set, so two schedulers (several consumers with periodic
    tasks) never queue the same tick twice; a source with a run still queued or running skips the tick.
    """
    now = now or utcnow()
    due = session.exec(
        select(Source).where(
            col(Source.enabled).is_(True),
            col(Source.schedule).is_not(None),
            col(Source.next_run_at) <= now,
        )
    ).all()
    runs: list[SourceRun] = []
    for source in due:
        assert source.schedule is not None and source.next_run_at is not None
        following = next_fire(source.schedule, now)
        claimed = session.execute(
            update(Source)
            .where(col(Source.id) == source.id, col(Source.next_run_at) == source.next_run_at)
            .values(next_run_at=following)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        if active_run(session, source.id) is not None:
            continue
        runs.append(create_source_run(session, source, "schedule"))
    session.commit()
    return runs


def stale_runs(session: Session, stale_after_s: float, now: datetime | None = None) -> list[SourceRun]:
    """Runs a dead worker left behind: ``running`` with no checkpoint commit for ``stale_after_s`` seconds,
    or still ``queued`` that long after creation (their queue message was lost). Re-enqueueing a run that
    is in fact only waiting is harmless: the per-source lock and the run's version lock serialize it."""
    limit = (now or utcnow()) - timedelta(seconds=stale_after_s)
    stmt = select(SourceRun).where(
        or_(
            (col(SourceRun.state) == "running") & (col(SourceRun.heartbeat_at) < limit),
            (col(SourceRun.state) == "queued") & (col(SourceRun.created_at) < limit),
        )
    )
    return list(session.exec(stmt).all())
