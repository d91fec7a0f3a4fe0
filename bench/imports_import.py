"""Full-import half of ``bench.imports_stream``: the export through a source run into a fresh SQLite database.

Uses ``execute_run`` — the function the queue worker runs — so the figure includes parsing, validation,
PII redaction, language detection, idempotent inserts and checkpoint commits.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlmodel import Session


def run_import(path: Path, workdir: Path) -> None:
    from bench.imports_stream import peak_rss_mib, report
    from service.db import get_engine, upgrade_to_head
    from service.import_runs import create_run, default_feedback_source, execute_run
    from service.models import Source, SourceRun
    from service.security import get_or_create_workspace
    from service.settings import Settings

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
        run = create_run(
            session,
            workspace_id=workspace.id,
            source=source,
            trigger="manual",
            source_type=source.type,
            location=source.location,
            mapping={},
            feedback_source=source.feedback_source,
        )
        session.commit()
    from nlp.language import detect_language

    detect_language("warm up the language detector before timing")
    baseline = peak_rss_mib()
    started = time.perf_counter()
    state = execute_run(run.id, settings)
    elapsed = time.perf_counter() - started
    with Session(get_engine(settings)) as session:
        done = session.get(SourceRun, run.id)
        assert done is not None
        print(
            f"state={state} read={done.read} created={done.created} duplicate={done.duplicate} "
            f"rejected={done.rejected} error={done.error}"
        )
        report("import", path, done.read, done.created, elapsed, baseline)
