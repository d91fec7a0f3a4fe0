"""The workspace's journey taxonomy: read it, replace it (validated), or go back to the shipped default.

The taxonomy is stored on the workspace row (``workspace.taxonomy`` JSON, NULL = default). Replacing it needs
no retraining: stages the shipped classifier knows keep using it, and a taxonomy with other stages is
recognised from its own descriptions and example phrases (see nlp/tagging/prototypes.py and
training/README.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, status

from nlp.tagging.taxonomy import Taxonomy, load_default_taxonomy
from service.api.deps import CurrentWorkspace, SessionDep
from service.api.errors import error_responses
from service.workspaces.taxonomy import workspace_taxonomy

TAGS = [
    {
        "name": "taxonomy",
        "description": "The customer-journey stages and touchpoints used to place pain points. Replace the "
        "default with your own journey (B2B, insurance...). / Les étapes du parcours client et points de "
        "contact utilisés pour placer les irritants. Remplacez le parcours par défaut par le vôtre.",
    }
]

router = APIRouter(tags=["taxonomy"])


class TaxonomyOut(Taxonomy):
    is_default: bool


def _out(taxonomy: Taxonomy, is_default: bool) -> TaxonomyOut:
    return TaxonomyOut(**taxonomy.model_dump(), is_default=is_default)


_EXAMPLE: dict[str, Any] = load_default_taxonomy().model_dump(mode="json")


@router.get("/taxonomy", response_model=TaxonomyOut, responses=error_responses(401))
def get_taxonomy(workspace: CurrentWorkspace) -> TaxonomyOut:
    """The workspace's journey taxonomy (the shipped default until one is PUT)."""
    return _out(workspace_taxonomy(workspace), is_default=not workspace.taxonomy)


@router.put("/taxonomy", response_model=TaxonomyOut, responses=error_responses(401, 422))
def put_taxonomy(
    workspace: CurrentWorkspace,
    session: SessionDep,
    taxonomy: Taxonomy = Body(openapi_examples={"default journey": {"value": _EXAMPLE}}),
) -> TaxonomyOut:
    """Replace the taxonomy. Stages are listed in journey order; every stage needs a unique lower-case id,
    French and English labels and descriptions, and example phrases in both languages (they are what the
    tagger uses to recognise a stage it was not trained on). Invalid documents answer 422 naming each
    field and rule, and leave the stored taxonomy unchanged."""
    workspace.taxonomy = taxonomy.model_dump(mode="json")
    session.add(workspace)
    session.commit()
    return _out(taxonomy, is_default=False)


@router.delete(
    "/taxonomy", response_model=TaxonomyOut, status_code=status.HTTP_200_OK, responses=error_responses(401)
)
def reset_taxonomy(workspace: CurrentWorkspace, session: SessionDep) -> TaxonomyOut:
    """Go back to the shipped default taxonomy."""
    workspace.taxonomy = None
    session.add(workspace)
    session.commit()
    return _out(load_default_taxonomy(), is_default=True)
