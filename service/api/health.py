"""Liveness and readiness probes (no API key: load balancers and orchestrators call them)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text

from service.db import migration_status

MOUNT_PREFIX = ""
TAGS = [{"name": "health", "description": "Probes for load balancers and orchestrators. No API key needed."}]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"] = Field(description="Always `ok` when the process answers.")


class Readiness(BaseModel):
    """Readiness: the database answers and its schema is current."""

    status: Literal["ready", "not_ready"] = Field(description="`ready` when the API can serve requests.")
    database: str = Field(description="`ok`, or why the database cannot be reached.")
    migrations: str = Field(description="Whether the schema is at the latest Alembic revision.")


@router.get("/healthz", response_model=Health, summary="Is the process up?")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Can the API serve requests?",
    description="Checks that the database answers and that its schema is at the Alembic head. 503 otherwise.",
    responses={503: {"model": Readiness, "description": "Database unreachable or schema not migrated."}},
)
def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        body = Readiness(
            status="not_ready", database=f"unreachable: {type(exc).__name__}", migrations="unknown"
        )
        return JSONResponse(body.model_dump(), status_code=503)
    status = migration_status(engine)
    ready = status.at_head
    body = Readiness(status="ready" if ready else "not_ready", database="ok", migrations=status.message())
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
