"""Feedback: submit (one item or a batch), list with filters and cursor pagination, read, erase."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session, col, select

from service.api import jsonbody
from service.api.deps import CurrentWorkspace, SessionDep, SettingsDep
from service.api.errors import FieldError, error_body, error_responses, field_error
from service.api.pagination import PageCursor, PageLimit, newest_first_page
from service.api.params import UtcDateTime
from service.feedback.erasure import erase_feedback
from service.feedback.ingest import ingest_items
from service.feedback.schemas import (
    BatchResult,
    FeedbackKind,
    FeedbackOut,
    FeedbackPage,
    ItemResult,
)
from service.models import FeedbackItem, Workspace
from service.settings import Settings

TAGS = [
    {
        "name": "feedback",
        "description": "Send reviews, tickets and survey answers (one at a time or in batches of up "
        "to 1,000), "
        "browse them, and erase one on request (GDPR). Personal data is redacted before storage. / "
        "Envoyez avis, tickets et réponses d'enquête (un par un ou par lots de 1 000), consultez-les, et "
        "effacez-en un sur demande (RGPD). Les données personnelles sont masquées avant stockage.",
    }
]

router = APIRouter(tags=["feedback"])

_SINGLE_FR = {
    "source": "avis-verifies",
    "external_id": "AV-2024-0042",
    "text": "Colis arrivé avec 5 jours de retard, et impossible de joindre le service client au 01 "
    "23 45 67 89.",
    "kind": "review",
    "rating": 2,
    "channel": "delivery",
    "created_at": "2024-03-12T09:30:00+01:00",
}
_SINGLE_EN = {
    "source": "zendesk",
    "external_id": "48213",
    "text": "My card was declined at checkout three times, then I was charged twice. Email me at "
    "jo@example.com",
    "kind": "ticket",
    "csat": 1,
    "channel": "web",
    "segment": "smb",
    "customer_ref": "cust-9912",
}
_BATCH = {
    "items": [
        {
            "source": "trustpilot",
            "external_id": "tp-1",
            "text": "Remboursement jamais reçu après 3 semaines.",
            "rating": 1,
        },
        {
            "source": "trustpilot",
            "external_id": "tp-1",
            "text": "Remboursement jamais reçu après 3 semaines.",
            "rating": 1,
        },
        {"source": "trustpilot", "external_id": "tp-2", "text": "   "},
    ]
}

REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": 'One item, or `{"items": [...]}` with 1 to 1,000 items. Only `text` is required.',
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/FeedbackIn"},
                        {"$ref": "#/components/schemas/FeedbackBatchIn"},
                    ]
                },
                "examples": {
                    "avis_fr": {"summary": "Un avis client (français)", "value": _SINGLE_FR},
                    "ticket_en": {"summary": "A support ticket (English)", "value": _SINGLE_EN},
                    "batch": {
                        "summary": "Lot de 3 : créé, doublon, rejeté / Batch of 3: created, "
                        "duplicate, rejected",
                        "value": _BATCH,
                    },
                },
            }
        },
    }
}

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A batch was processed (see each result), or a single item was already stored.",
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/BatchResult"},
                        {"$ref": "#/components/schemas/ItemResult"},
                    ]
                },
                "examples": {
                    "batch": {
                        "summary": "Batch of 3 / Lot de 3",
                        "value": {
                            "created": 1,
                            "duplicates": 1,
                            "rejected": 1,
                            "results": [
                                {
                                    "index": 0,
                                    "status": "created",
                                    "id": "0b0f8a9e-3c1e-4d0a-9a55-0a4b1c9f2e11",
                                    "reason": None,
                                    "errors": [],
                                    "language": "fr",
                                    "redactions": {},
                                },
                                {
                                    "index": 1,
                                    "status": "duplicate",
                                    "id": "0b0f8a9e-3c1e-4d0a-9a55-0a4b1c9f2e11",
                                    "reason": "already stored: source='trustpilot', external_id='tp-1'",
                                    "errors": [],
                                    "language": None,
                                    "redactions": {},
                                },
                                {
                                    "index": 2,
                                    "status": "rejected",
                                    "id": None,
                                    "reason": "text: must contain at least one non-whitespace "
                                    "character (not_blank)",
                                    "errors": [
                                        {
                                            "field": "text",
                                            "rule": "not_blank",
                                            "message": "must contain at least one non-whitespace character",
                                        }
                                    ],
                                    "language": None,
                                    "redactions": {},
                                },
                            ],
                        },
                    }
                },
            }
        },
    },
    201: {
        "description": "The single item was stored.",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/ItemResult"},
                "example": {
                    "index": 0,
                    "status": "created",
                    "id": "7c1d2b7e-5a8f-4f57-8b0e-2f6c8b1a9d40",
                    "reason": None,
                    "errors": [],
                    "language": "en",
                    "redactions": {"EMAIL": 1},
                },
            }
        },
    },
    **error_responses(400, 401, 413, 422),
}


def _parse_json_body(raw: bytes) -> Any:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise field_error(
            400, "body", "utf8", f"body must be UTF-8 encoded (invalid byte at position {exc.start})"
        ) from exc
    if not decoded.strip():
        raise field_error(422, "body", "required", "a JSON body is required")
    try:
        return jsonbody.loads(decoded)
    except json.JSONDecodeError as exc:
        raise field_error(
            400, "body", "json", f"body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except jsonbody.NonStandardJSONError as exc:
        raise field_error(400, "body", "json", f"body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise field_error(400, "body", "json", "body is nested too deeply") from exc


def _batch_items(payload: dict[str, Any], settings: Settings) -> list[Any]:
    extra = sorted(k for k in payload if k != "items")
    if extra:
        raise field_error(422, extra[0], "unknown_field", "a batch only accepts `items`")
    items = payload["items"]
    if not isinstance(items, list):
        raise field_error(422, "items", "array", "must be an array of feedback items")
    if not items:
        raise field_error(422, "items", "min_items", "must contain at least 1 item")
    if len(items) > settings.max_batch_items:
        raise field_error(
            422,
            "items",
            "max_items",
            f"must contain at most {settings.max_batch_items} items (got {len(items)})",
        )
    return items


def _ingest(session: Session, workspace: Workspace, items: list[Any], settings: Settings) -> list[ItemResult]:
    results: list[ItemResult | None] = [None] * len(items)
    valid_positions = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            valid_positions.append(i)
        else:
            err = FieldError(field="", rule="object", message="each item must be a JSON object")
            results[i] = ItemResult(
                index=i, status="rejected", reason="item is not a JSON object", errors=[err]
            )
    stored = ingest_items(session, workspace, [items[i] for i in valid_positions], settings=settings)
    if len(valid_positions) == len(items):  # every item an object: the indexes are already right
        return stored
    for position, result in zip(valid_positions, stored, strict=True):
        results[position] = result.model_copy(update={"index": position})
    return [r for r in results if r is not None]


def _json(model: BaseModel, status_code: int) -> Response:
    """The model serialised by pydantic's own (Rust) serialiser: a batch answer is 1,000 results, and
    ``model_dump`` + ``json.dumps`` took 3-4x longer. The route declares ``response_model=None`` and its
    ``responses`` for OpenAPI, so FastAPI validates nothing again here and the schema is unchanged."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


@router.post(
    "/feedback",
    summary="Submit feedback (one item or a batch)",
    description=(
        'Stores one item, or a batch `{"items": [...]}` of up to 1,000, and answers per item: `created`, '
        "`duplicate` (already stored — re-sending is safe) or `rejected` with the field and rule "
        "broken. A bad "
        "item never sinks the good ones in its batch. Idempotency key: (`source`, `external_id`), "
        "or a hash of "
        "the content when there is no `external_id`. E-mails, phone numbers, IBANs, card numbers and secrets "
        "are replaced by placeholders (`<EMAIL>`, `<PHONE>`...) before storage.\n\n"
        "A single item answers 201 when created, 200 when a duplicate, 422 when rejected. A batch "
        "answers 200 "
        "with one result per item.\n\n"
        "Stocke un élément ou un lot ; chaque élément reçoit `created`, `duplicate` ou `rejected` "
        "(avec le champ "
        "et la règle en cause). Renvoyer le même lot ne crée rien de nouveau."
    ),
    openapi_extra=REQUEST_BODY,
    responses=_RESPONSES,
    response_model=None,
)
async def submit_feedback(
    request: Request, session: SessionDep, workspace: CurrentWorkspace, settings: SettingsDep
) -> Response:
    payload = _parse_json_body(await request.body())
    if not isinstance(payload, dict):
        raise field_error(422, "body", "object", 'body must be a JSON object: one item, or {"items": [...]}')
    if "items" in payload:
        items = _batch_items(payload, settings)
        results = await run_in_threadpool(_ingest, session, workspace, items, settings)
        batch = BatchResult(
            created=sum(r.status == "created" for r in results),
            duplicates=sum(r.status == "duplicate" for r in results),
            rejected=sum(r.status == "rejected" for r in results),
            results=results,
        )
        return _json(batch, 200)
    (result,) = await run_in_threadpool(_ingest, session, workspace, [payload], settings)
    if result.status == "rejected":
        return JSONResponse(error_body(result.reason or "rejected", result.errors), status_code=422)
    code = status.HTTP_201_CREATED if result.status == "created" else status.HTTP_200_OK
    return _json(result, code)


# --- reading --------------------------------------------------------------------------------------------


def _to_out(item: FeedbackItem) -> FeedbackOut:
    return FeedbackOut(
        id=item.id,
        source=item.source,
        external_id=item.external_id,
        text=item.text,
        language=item.language,
        kind=item.kind,
        rating=item.rating,
        nps=item.nps,
        csat=item.csat,
        channel=item.channel,
        segment=item.segment,
        customer_hash=item.customer_hash,
        created_at=item.created_at,
        received_at=item.received_at,
        metadata=item.meta,
        redactions=item.redactions,
    )


@router.get(
    "/feedback",
    response_model=FeedbackPage,
    summary="List feedback (newest first)",
    description="Filters combine with AND. Follow `next_cursor` to page through results.",
    responses=error_responses(401, 422),
)
def list_feedback(
    session: SessionDep,
    workspace: CurrentWorkspace,
    source: Annotated[str | None, Query(max_length=100, description="Only this source.")] = None,
    kind: Annotated[FeedbackKind | None, Query(description="Only this kind.")] = None,
    channel: Annotated[str | None, Query(max_length=100, description="Only this channel/touchpoint.")] = None,
    segment: Annotated[str | None, Query(max_length=100, description="Only this segment.")] = None,
    language: Annotated[str | None, Query(pattern="^(fr|en|other)$", description="fr, en or other.")] = None,
    created_from: Annotated[
        UtcDateTime | None,
        Query(
            description="Written at or after this time (ISO 8601; a plain date is that day's UTC midnight)."
        ),
    ] = None,
    created_to: Annotated[
        UtcDateTime | None,
        Query(description="Written before this time (ISO 8601; a plain date is that day's UTC midnight)."),
    ] = None,
    rating_min: Annotated[float | None, Query(ge=1, le=5, description="Rating at least.")] = None,
    rating_max: Annotated[float | None, Query(ge=1, le=5, description="Rating at most.")] = None,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> FeedbackPage:
    if created_from is not None and created_to is not None and created_to < created_from:
        # the same rule as every other period (``service.api.params.check_period``)
        raise field_error(422, "created_to", "after_since", "must not be earlier than `created_from`")
    query = select(FeedbackItem).where(FeedbackItem.workspace_id == workspace.id)
    for column, value in (
        (FeedbackItem.source, source),
        (FeedbackItem.kind, kind),
        (FeedbackItem.channel, channel),
        (FeedbackItem.segment, segment),
        (FeedbackItem.language, language),
    ):
        if value is not None:
            query = query.where(column == value)
    if created_from is not None:
        query = query.where(FeedbackItem.created_at >= _aware(created_from))
    if created_to is not None:
        query = query.where(FeedbackItem.created_at < _aware(created_to))
    if rating_min is not None:
        query = query.where(col(FeedbackItem.rating) >= rating_min)
    if rating_max is not None:
        query = query.where(col(FeedbackItem.rating) <= rating_max)
    page, next_cursor = newest_first_page(session, query, FeedbackItem, cursor=cursor, limit=limit)
    return FeedbackPage(items=[_to_out(r) for r in page], next_cursor=next_cursor)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


_ID = Annotated[str, Path(max_length=64, description="Id of the feedback item.")]


@router.get(
    "/feedback/{feedback_id}",
    response_model=FeedbackOut,
    summary="Read one feedback item",
    responses=error_responses(401, 404),
)
def get_feedback(feedback_id: _ID, session: SessionDep, workspace: CurrentWorkspace) -> FeedbackOut:
    item = session.exec(
        select(FeedbackItem).where(FeedbackItem.id == feedback_id, FeedbackItem.workspace_id == workspace.id)
    ).first()
    if item is None:
        raise field_error(404, "feedback_id", "not_found", "no such feedback item in this workspace")
    return _to_out(item)


@router.delete(
    "/feedback/{feedback_id}",
    status_code=204,
    summary="Erase one feedback item and everything derived from it (GDPR)",
    description="Deletes the item, its opinion units, and its quotes in pain points; pain point sizes are "
    "recounted. / Efface l'élément et tout ce qui en est dérivé (droit à l'effacement).",
    responses=error_responses(401, 404),
)
def delete_feedback(
    feedback_id: _ID, session: SessionDep, workspace: CurrentWorkspace, settings: SettingsDep
) -> Response:
    if not erase_feedback(session, workspace.id, feedback_id, settings):
        raise field_error(404, "feedback_id", "not_found", "no such feedback item in this workspace")
    return Response(status_code=204)
