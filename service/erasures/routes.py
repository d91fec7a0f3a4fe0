"""Erasure on request (GDPR art. 17): by customer or by (source, external id), and the record of erasures."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlmodel import select

from service.api.deps import CurrentWorkspace, SessionDep, SettingsDep
from service.api.docs import request_examples
from service.api.errors import error_responses, field_error
from service.api.pagination import PageCursor, PageLimit, newest_first_page
from service.erasures.schemas import ERASURE_EXAMPLES, ErasureIn, ErasureOut, ErasurePage
from service.erasures.service import ErasureTarget, erase
from service.models import Erasure

router = APIRouter(prefix="/erasures", tags=["erasures"])
TAGS = [
    {
        "name": "erasures",
        "description": "Right to erasure: delete a customer's or an item's feedback and all derived data, "
        "and refuse it if it is sent again (`rejected`, rule `erased`). / Droit à l'effacement.",
    }
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ErasureOut,
    summary="Erase a customer's feedback, or one item by (source, external id)",
    description="Deletes every matching item, its opinion units and vectors, its quotes in pain points "
    "(sizes recounted), and keeps a keyed-hash tombstone so a re-send or re-import is rejected with rule "
    "`erased`. Recorded even when nothing matches yet. / Efface et empêche le retour des données.",
    responses=error_responses(401, 422),
    openapi_extra=request_examples(ERASURE_EXAMPLES),
)
def create_erasure(
    body: ErasureIn, session: SessionDep, workspace: CurrentWorkspace, settings: SettingsDep
) -> ErasureOut:
    target = ErasureTarget(customer_ref=body.customer_ref, source=body.source, external_id=body.external_id)
    erasure = erase(session, workspace.id, target, settings)
    if erasure is None:  # only requests by feedback id can match nothing
        raise field_error(404, "body", "not_found", "nothing to erase")
    return ErasureOut.from_row(erasure)


@router.get(
    "",
    response_model=ErasurePage,
    summary="What was erased and when (newest first; no personal data)",
    responses=error_responses(401, 422),
)
def list_erasures(
    session: SessionDep, workspace: CurrentWorkspace, cursor: PageCursor = None, limit: PageLimit = 50
) -> ErasurePage:
    query = select(Erasure).where(Erasure.workspace_id == workspace.id)
    rows, next_cursor = newest_first_page(session, query, Erasure, cursor=cursor, limit=limit)
    return ErasurePage(items=[ErasureOut.from_row(r) for r in rows], next_cursor=next_cursor)
