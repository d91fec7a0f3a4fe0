"""Full-import half of ``bench.imports_stream``: the export through a source run into a fresh SQLite database.

Uses ``execute_run`` — the function the queue worker runs — so the figure includes parsing, validation,
PII redaction, language detection, idempotent inserts and checkpoint commits. ``repeat`` runs the same
export a second time, as a platform's daily full re-export would: every item is then a duplicate.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlmodel import Session

from service.settings import Settings


def run_import(path: Path, workdir: Path, repeat: bool = False) -> None:
    from bench.imports_stream import peak_rss_mib
    from nlp.text.language import detect_language
    from service.db import get_engine, upgrade_to_head
    from service.imports.runs import create_source_run, default_feedback_source, execute_run
    from service.models import Source
    from service.workspaces.security import get_or_create_workspace

    settings = Settings(
        database_url=f"sqlite:///{workdir / 'bench.db'}",
        data_dir=workdir,
        queue_immediate=True,
        worker_in_process=False,
        import_dirs=[path.parent],
    )
    upgrade_to_head(settings)
    with Session(get_engine(settings), expire_on_commit=False) as session:
        workspace = get_or_create_workspace(session, "bench")
        session.commit()
        source = Source(
            workspace_id=workspace.id,
            name="bench",
            type="trustpilot_csv",
            location=str(path),
            mapping={},
            feedback_source=default_feedback_source("trustpilot_csv"),
        )
        session.add(source)
        session.commit()
    detect_language("warm up the language detector before timing")
    baseline = peak_rss_mib()
    for mode in ("import", "re-import") if repeat else ("import",):
        with Session(get_engine(settings), expire_on_commit=False) as session:
            run = create_source_run(session, source, "manual")
            session.commit()
        started = time.perf_counter()
        state = execute_run(run.id, settings)
        _print_run(settings, run.id, mode, path, time.perf_counter() - started, baseline, state)


def _print_run(
    settings: Settings, run_id: str, mode: str, path: Path, elapsed: float, baseline: float, state: str | None
) -> None:
    from bench.imports_stream import report
    from service.db import get_engine
    from service.models import SourceRun

    with Session(get_engine(settings)) as session:
        done = session.get(SourceRun, run_id)
        assert done is not None
        print(
            f"state={state} read={done.read} created={done.created} duplicate={done.duplicate} "
            f"rejected={done.rejected} error={done.error}"
        )
        report(mode, path, done.read, done.created + done.duplicate, elapsed, baseline)
