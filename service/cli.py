"""The ``frictionmap`` command: serve the API, migrate the database, manage keys, run a worker, analyze a CSV.

Heavy imports (uvicorn, the NLP pipeline) happen inside the commands so ``frictionmap --help`` stays instant.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from service.settings import Settings, get_settings

app = typer.Typer(
    name="frictionmap",
    help="Frictionmap: customer feedback in, prioritized pain points on the customer journey out.",
    no_args_is_help=True,
    add_completion=False,
)


def _configure_logging() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # "Context impl ..." on every head check
    logging.basicConfig(
        level=get_settings().log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def migrate() -> None:
    """Upgrade the database (SQLite or PostgreSQL, from DATABASE_URL) to the latest schema."""
    from service.db import get_engine, migration_status, upgrade_to_head

    settings = get_settings()
    upgrade_to_head(settings)
    typer.echo(migration_status(get_engine(settings)).message())


def _migrated_settings() -> Settings:
    """The settings, once the database is at the schema head (else the reason on stderr, exit 1)."""
    from service.db import get_engine, migration_status

    settings = get_settings()
    status = migration_status(get_engine(settings))
    if not status.at_head:
        typer.echo(status.message(), err=True)
        raise typer.Exit(code=1)
    return settings


def _workspace_name(raw: str) -> str:
    """``--workspace`` stripped and 1 to 200 characters (else exit 2)."""
    name = raw.strip()
    if not name or len(name) > 200:
        typer.echo("--workspace must be 1 to 200 characters", err=True)
        raise typer.Exit(code=2)
    return name


@app.command("create-key")
def create_key(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Workspace name; created if missing.")],
    name: Annotated[str | None, typer.Option(help="A label to tell this key apart.")] = None,
) -> None:
    """Create a workspace if needed and print a new API key for it (shown once, stored only as a hash)."""
    from service.db import session_scope
    from service.workspaces.security import create_api_key, get_or_create_workspace

    settings = _migrated_settings()
    workspace_name = _workspace_name(workspace)
    with session_scope(settings) as session:
        ws = get_or_create_workspace(session, workspace_name)
        key = create_api_key(session, ws, name=name)
        session.commit()
        typer.echo(f"workspace: {ws.name} ({ws.id})", err=True)
    typer.echo(key)


@app.command("create-user")
def create_user_cmd(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Workspace name; created if missing.")],
    email: Annotated[str, typer.Option("--email", help="The person's e-mail (their sign-in name).")],
    role: Annotated[str, typer.Option("--role", help="admin, editor or viewer.")] = "viewer",
) -> None:
    """Create a web app user. The password is read from standard input (first line), so it never appears
    in the shell history or the process list: `printf '%s\\n' "$PW" | frictionmap create-user ...`."""
    import sys

    from service.db import session_scope
    from service.web.users import UserError, create_user
    from service.workspaces.security import get_or_create_workspace

    settings = _migrated_settings()
    workspace_name = _workspace_name(workspace)
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with session_scope(settings) as session:
        ws = get_or_create_workspace(session, workspace_name)
        try:
            user = create_user(session, ws, email, password, role)
        except UserError as exc:
            typer.echo(f"frictionmap create-user: {exc.field}: {exc}", err=True)
            raise typer.Exit(code=2) from exc
        session.commit()
        typer.echo(f"user {user.email} ({user.role}) in workspace {ws.name}", err=True)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default: settings.host, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings.port, 8000).")] = None,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes (uvicorn --workers); with more than one, run the queue in "
            "`frictionmap worker` processes (FRICTIONMAP_WORKER_IN_PROCESS=false): docs/deployment.md.",
        ),
    ] = 1,
) -> None:
    """Serve the web app (/) and the HTTP API (docs at /docs). Refuses to start on an un-migrated database."""
    import uvicorn

    from service.db import get_engine, migration_status

    settings = get_settings()
    _configure_logging()
    if settings.require_migrated:
        status = migration_status(get_engine(settings))
        if not status.at_head:
            typer.echo(f"Refusing to start: {status.message()}", err=True)
            raise typer.Exit(code=1)
    uvicorn.run(
        "service.main:app",
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        workers=workers if workers > 1 else None,
        log_level=settings.log_level.lower(),
    )


MAX_CPU = 8191  # Linux builds have at most 8,192 CPUs (NR_CPUS)


def parse_cpus(spec: str) -> set[int]:
    """``"0"``, ``"0-3"``, ``"0,2"`` -> CPU numbers; ValueError with the rule broken."""
    cpus: set[int] = set()
    for part in spec.split(","):
        lo, sep, hi = part.strip().partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            raise ValueError(f"{part.strip()!r} is not a CPU number or range (e.g. 0, 0-3, 0,2)")
        first, last = int(lo), int(hi) if sep else int(lo)
        if last < first:
            raise ValueError(f"range {part.strip()!r} ends before it starts")
        if last > MAX_CPU:
            raise ValueError(f"CPU {last} is beyond {MAX_CPU}, the largest CPU number Linux allows")
        cpus.update(range(first, last + 1))
    return cpus


@app.command()
def worker(
    cpus: Annotated[
        str | None,
        typer.Option(
            "--cpus",
            help="Run on these CPUs only (e.g. 0, 0-3, 0,2). Several workers on one machine: give each its "
            "own cores, or their encoders, which use a thread per CPU they may run on, oversubscribe it.",
        ),
    ] = None,
) -> None:
    """Run a standalone queue consumer (use with FRICTIONMAP_QUEUE_URL=redis://... and
    worker_in_process=false)."""
    import os

    from service.queue import run_consumer

    if cpus is not None:
        if not hasattr(os, "sched_setaffinity"):
            typer.echo("frictionmap worker: --cpus: not supported on this platform (Linux only)", err=True)
            raise typer.Exit(2)
        allowed = os.sched_getaffinity(0)
        try:
            wanted = parse_cpus(cpus)
        except ValueError as exc:
            typer.echo(f"frictionmap worker: --cpus: {exc}", err=True)
            raise typer.Exit(2) from None
        if not wanted <= allowed:
            typer.echo(
                f"frictionmap worker: --cpus: CPU {sorted(wanted - allowed)} not available"
                f" (this process may use {sorted(allowed)})",
                err=True,
            )
            raise typer.Exit(2)
        os.sched_setaffinity(0, wanted)  # before any model loads: the encoder sizes its threads on it
    _configure_logging()
    run_consumer(get_settings())


@app.command()
def analyze(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV, .xlsx or JSONL file of feedback.")
    ],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    id_column: Annotated[str | None, typer.Option("--id-column", help="Column holding the item id.")] = None,
    rating_column: Annotated[
        str | None, typer.Option("--rating-column", help="Column holding a 1-5 rating.")
    ] = None,
    date_column: Annotated[str | None, typer.Option("--date-column", help="Column holding the date.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON result here (default: stdout).")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Worksheet of an .xlsx input (default: the first).")
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="fr or en: language of the names (default: the data's).")
    ] = None,
    sentiment_space: Annotated[
        str | None,
        typer.Option(
            "--sentiment-space",
            help="Space the sentiment heads read: auto (default: with the auto backend on English, mixed "
            "with the USE heads where MiniLM is unsure), same (the pipeline's alone), or an embedding spec.",
        ),
    ] = None,
) -> None:
    """Run the whole pipeline on a CSV/.xlsx/JSONL file, without a server or database; JSON out, progress
    on stderr. Bad input (missing file or column) exits 2 with the reason on stderr.
    FRICTIONMAP_EMBEDDING_BACKEND picks the embedding space (default ``auto``: per file)."""
    from pydantic import ValidationError

    from nlp.analyze_cli import InputError, run_analyze
    from nlp.tagging.split_space import DEFAULT_SENTIMENT_SPACE

    try:
        settings = get_settings()
    except ValidationError as exc:
        typer.echo(f"frictionmap analyze: invalid configuration: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    try:
        run_analyze(
            input_path,
            text_column,
            id_column,
            rating_column,
            date_column,
            out,
            embedding_backend=settings.embedding_backend,  # "auto" (default): chosen per file
            models_dir=settings.models_dir,
            sheet=sheet,
            language=language,
            sentiment_space=sentiment_space or DEFAULT_SENTIMENT_SPACE,
        )
    except InputError as exc:
        typer.echo(f"frictionmap analyze: {exc}", err=True)
        raise typer.Exit(code=2) from exc


def main() -> None:
    app()


if __name__ == "__main__":
    main()
