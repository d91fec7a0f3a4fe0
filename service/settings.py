"""All run-time configuration in one place.

Every knob is read from the environment (prefix ``FRICTIONMAP_``) or a ``.env`` file, except
``DATABASE_URL`` which keeps its conventional unprefixed name so that hosting platforms can inject it.
Code receives a ``Settings`` instance (FastAPI ``Depends(get_settings)``, or an argument for CLI/NLP code)
instead of reading the environment itself, so tests can swap configuration without monkey-patching.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRICTIONMAP_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./data/frictionmap.db",
        validation_alias=AliasChoices("DATABASE_URL", "FRICTIONMAP_DATABASE_URL"),
        description="SQLAlchemy URL. SQLite file by default; postgresql+psycopg://... for PostgreSQL.",
    )
    data_dir: Path = Field(
        default=Path("./data"), description="Where the SQLite file, queue and uploads live."
    )

    # Background work: empty means an embedded SqliteHuey next to the database; redis://... scales out.
    queue_url: str = Field(default="", description="Empty for the embedded queue, or redis://host:port/db.")
    queue_immediate: bool = Field(
        default=False, description="Run tasks inline in the caller (tests, notebooks). Never in production."
    )
    worker_in_process: bool = Field(
        default=True, description="`frictionmap serve` also runs a queue consumer thread in the same process."
    )

    # Ingest limits (issue 2): rejected with a 4xx naming the rule.
    max_text_chars: int = 20_000
    max_batch_items: int = 1_000
    max_body_bytes: int = 25 * 1024 * 1024

    # NLP (issue 3/4). Backend spec: "auto", "use-multilingual" or "sentence-transformers:<name or path>".
    # "auto": `frictionmap analyze` picks per file (MiniLM for English-only input, USE when French present);
    # the service always resolves it to "use-multilingual" (see nlp.embeddings.registry.resolve_spec).
    embedding_backend: str = "auto"
    embedding_batch_size: int = 64
    models_dir: Path | None = Field(
        default=None,
        description="Directory of trained tagging artifacts; None means the ones shipped in training/.",
    )

    # Serving (issue 2). `frictionmap serve` reads these; --host/--port override them.
    host: str = Field(default="127.0.0.1", description="Interface `frictionmap serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `frictionmap serve` listens on.")
    worker_threads: int = Field(
        default=1, ge=1, le=32, description="Consumer threads of the in-process or standalone queue worker."
    )
    require_migrated: bool = Field(
        default=True,
        description="Refuse to start when the database is not at the Alembic head (run `frictionmap "
        "migrate`).",
    )
    pii_hash_key: str = Field(
        default="frictionmap-customer-ref",
        description="HMAC key that pseudonymises customer references; set a secret one per deployment.",
    )

    # Journey area (issue 5): full re-clustering on a schedule, on top of on-demand POST /v1/analyses.
    reanalysis_cron: str = Field(
        default="30 3 * * *",
        description="Cron (minute hour day month weekday, UTC) of the scheduled re-analysis of workspaces"
        " with new feedback; empty disables it.",
    )

    # Scheduled imports (issue 6).
    import_dirs: list[Path] = Field(
        default_factory=list,
        description="Directories a source's local-path location may point into (JSON list); empty means "
        "`<data_dir>/imports` only. Keeps API-key holders from reading arbitrary server files.",
    )
    import_max_bytes: int = Field(
        default=2 * 1024**3, ge=1, description="Largest export a source may download or read, in bytes."
    )
    import_chunk_rows: int = Field(
        default=500, ge=1, le=10_000, description="Records per transaction; the checkpoint commits with them."
    )
    import_chunk_pause_s: float = Field(
        default=0.0,
        ge=0,
        description="Pause between chunks, to leave the database to the API on small hosts.",
    )
    import_allow_private_urls: bool = Field(
        default=False, description="Allow source URLs on private/loopback addresses (off: no SSRF)."
    )
    import_stale_after_s: float = Field(
        default=30.0,
        gt=0,
        description="A running import with no checkpoint commit and no worker heartbeat for this long is "
        "taken as crashed and resumed (checked every 20 s).",
    )
    analysis_stale_after_s: float = Field(
        default=30.0,
        gt=0,
        description="A running analysis job with no worker heartbeat for this long is taken as orphaned by "
        "a dead worker and re-enqueued (checked at worker start-up and every 20 s).",
    )
    queued_stale_after_s: float = Field(
        default=900.0,
        gt=0,
        description="A queued analysis or import that no worker has picked up for this long is enqueued "
        "again (its message was lost between the commit and the queue).",
    )
    job_heartbeat_s: float = Field(
        default=10.0,
        gt=0,
        description="How often a worker running an analysis or an import says it is alive; keep it well "
        "under the *_stale_after_s settings.",
    )
    scores_refresh_delay_s: float = Field(
        default=30.0,
        ge=0,
        description="Pain-point scores and alerts after incremental assignment are refreshed at most once "
        "per this many seconds per workspace (debounced); 0 refreshes in every post-ingest task.",
    )
    read_cache_size: int = Field(
        default=64,
        ge=0,
        description="Filtered views (scores and sums per data version) kept in each server process's LRU; "
        "0 computes every read from the stored aggregates (benchmarks of the uncached path).",
    )
    read_max_staleness_s: float = Field(
        default=0.0,
        ge=0,
        le=86_400,
        description="Reads may serve stored aggregates this many seconds older than the data instead of "
        "rebuilding them first (seconds at 100k items); keep it above scores_refresh_delay_s so the worker's "
        "refresh rebuilds in time. 0: every read after a write sees it (rebuilds when behind).",
    )
    read_sums_delta: bool = Field(
        default=True,
        description="Bring the stored read aggregates forward by the items and units appended since they "
        "were built (a journal kept by database triggers) instead of rebuilding them in full; writes that "
        "are not appends (deletes, edits, merges, re-analysis) still rebuild. false: always rebuild.",
    )
    read_inline_build_max_rows: int = Field(
        default=5_000,
        ge=0,
        description="A read brings the stored aggregates forward itself only when that reads at most this "
        "many rows (items + units for a full rebuild, 4 per journal row for a delta: a few hundred ms); past "
        "it the read serves the last built version at once, marked stale in the X-Frictionmap-* headers, and "
        "a background thread of the server builds the new one. Never-built sums past it are built in the "
        "background too, and reads answer 503 with Retry-After and X-Frictionmap-Building: true until done.",
    )
    analysis_batch_pause_s: float = Field(
        default=0.0,
        ge=0,
        description="Pause after each committed extraction batch of an analysis job, to leave the "
        "database and CPU to the API on small hosts.",
    )
    # 128, not 64: each batch pays fixed costs (a tagging call, the batch's reads and commit); at 128
    # extraction runs at 0.65 of raw encoding speed on Banking77 (0.60-0.64 at 64) and two pinned workers
    # still share a 4,000-item job evenly (1.81x one). docs/benchmarks.md, "Extraction batch size".
    analysis_batch_items: int = Field(
        default=128,
        ge=0,
        le=10_000,
        description="Items per extraction batch task of an analysis job: every queue worker takes batches, "
        "and re-clustering starts when the last one is done; 0 extracts in the job's own task.",
    )
    max_rated_per_class: int = Field(
        default=2500,
        ge=20,
        le=100_000,
        description="Rated items per class (negative / positive) that the per-workspace sentiment adaptation "
        "fits on: a deterministic hash sample of a workspace's rated reviews above this, so its memory stays "
        "bounded (issue 10 follow-up, docs/benchmarks.md).",
    )
    import_lock_retry_s: float = Field(
        default=30.0, gt=0, description="Delay before retrying a run whose source is locked by another run."
    )
    import_rejected_rows_kept: int = Field(
        default=50, ge=0, le=1000, description="Rejected rows (with reasons) kept on each run."
    )

    webhook_allow_private_urls: bool = Field(
        default=False,
        description="Allow webhook URLs on private/loopback addresses (off: a workspace cannot make the "
        "server call its internal network).",
    )

    log_level: str = "INFO"

    # Hardening (issue 13).
    outbound_allow_hosts: list[str] = Field(
        default_factory=list,
        description="Internal destinations source URLs and webhooks may reach although not globally "
        'routable (JSON list of host names, addresses or CIDRs, e.g. ["hooks.internal", "10.20.0.0/16"]). '
        "Everything else must resolve to public unicast addresses, checked on every connection.",
    )
    rate_limit_per_minute: int = Field(
        default=1200,
        ge=0,
        description="Requests per minute per API key (refill of a token bucket); 0 disables the limit. "
        "Beyond it the API answers 429 with Retry-After.",
    )
    rate_limit_burst: int = Field(
        default=300,
        ge=1,
        description="Requests an API key may send at once before the per-minute rate applies.",
    )
    rate_limit_url: str = Field(
        default="",
        description="Redis URL holding the buckets, shared by every API process; empty: the queue URL when "
        "it is redis://, else each process counts on its own.",
    )
    # Web app (issue 12): sign-in sessions and login throttling.
    session_secret: str = Field(
        default="",
        description="Key that signs the web app's session cookie; empty: one is generated once and kept in "
        "`<data_dir>/session_secret`.",
    )
    session_max_age_s: int = Field(
        default=12 * 3600, ge=60, description="How long a web sign-in lasts, in seconds."
    )
    session_cookie_secure: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set true behind TLS)."
    )
    login_max_attempts: int = Field(
        default=5, ge=1, description="Failed sign-ins allowed per e-mail and address within the window."
    )
    login_window_s: float = Field(
        default=300.0, gt=0, description="Window of the sign-in throttle, in seconds; 429 past the limit."
    )

    @field_validator("embedding_backend")
    @classmethod
    def _known_embedding_spec(cls, value: str) -> str:
        """A typo here would otherwise surface only when the first analysis job loads the model."""
        value = value.strip()
        if value in ("auto", "use-multilingual") or value.startswith("concat:"):
            return value
        if value.startswith("sentence-transformers:") and value[len("sentence-transformers:") :].strip():
            return value
        raise ValueError(
            "must be 'auto', 'use-multilingual' or 'sentence-transformers:<model name or local path>'"
        )

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        """Hosting platforms hand out ``postgres://`` URLs; the installed driver is psycopg 3."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def import_roots(self) -> list[Path]:
        """Directories local-path sources may read from."""
        return list(self.import_dirs) or [self.data_dir / "imports"]

    @property
    def queue_path(self) -> Path:
        """File of the embedded SqliteHuey queue, next to the database by default."""
        return self.data_dir / "queue.db"


@lru_cache
def get_settings() -> Settings:
    return Settings()
