"""The workspace's journey taxonomy: read it, replace it (validated), or go back to the shipped default.

The taxonomy is stored on the workspace row (``workspace.taxonomy`` JSON, NULL = default). Replacing it needs
no retraining: stages the shipped classifier knows keep using it, and a taxonomy with other stages is
recognised from its own descriptions and example phrases (see nlp/tagging/prototypes.py and
training/README.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, status
from fastapi.openapi.models import Example
from pydantic import Field

from nlp.tagging.taxonomy import Taxonomy, load_default_taxonomy
from service.api.deps import CurrentWorkspace, SessionDep
from service.api.errors import error_responses
from service.workspaces.taxonomy import set_taxonomy, workspace_taxonomy

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
    """The journey taxonomy the workspace uses."""

    is_default: bool = Field(description="True while the workspace uses the built-in journey.")


def _out(taxonomy: Taxonomy, is_default: bool) -> TaxonomyOut:
    return TaxonomyOut(**taxonomy.model_dump(), is_default=is_default)


_EXAMPLE: dict[str, Any] = load_default_taxonomy().model_dump(mode="json")
_SHORT_FR: dict[str, Any] = {
    "id": "parcours_court",
    "version": 1,
    "name": {"en": "Short online journey", "fr": "Parcours court en ligne"},
    "stages": [
        {
            "id": "commande",
            "label": {"en": "Ordering", "fr": "Commande"},
            "description": {"en": "Choosing, paying, confirming.", "fr": "Choisir, payer, confirmer."},
            "examples": {
                "en": ["Payment failed twice"],
                "fr": ["Le paiement a échoué deux fois", "Impossible de valider le panier"],
            },
        },
        {
            "id": "apres_vente",
            "label": {"en": "After-sales", "fr": "Après-vente"},
            "description": {"en": "Returns, refunds, support.", "fr": "Retours, remboursements, SAV."},
            "examples": {
                "en": ["Still no refund"],
                "fr": ["Toujours pas remboursé", "Le SAV ne répond pas"],
            },
        },
    ],
    "touchpoints": [
        {"id": "web", "label": {"en": "Website", "fr": "Site web"}},
        {"id": "phone", "label": {"en": "Phone", "fr": "Téléphone"}},
    ],
}
_TAXONOMY_EXAMPLES: dict[str, Example] = {
    "parcours_court_fr": {
        "summary": "Un parcours en deux étapes, libellés en français et en anglais",
        "value": _SHORT_FR,
    },
    "default_journey_en": {
        "summary": "The built-in journey (what GET answers by default)",
        "value": _EXAMPLE,
    },
}


@router.get(
    "/taxonomy",
    response_model=TaxonomyOut,
    responses=error_responses(401),
    summary="Read the journey stages and touchpoints the workspace uses",
)
def get_taxonomy(workspace: CurrentWorkspace) -> TaxonomyOut:
    """The workspace's journey taxonomy (the shipped default until one is PUT)."""
    return _out(workspace_taxonomy(workspace), is_default=not workspace.taxonomy)


@router.put(
    "/taxonomy",
    response_model=TaxonomyOut,
    responses=error_responses(401, 422),
    summary="Replace the journey stages and touchpoints with your own",
)
def put_taxonomy(
    workspace: CurrentWorkspace,
    session: SessionDep,
    taxonomy: Taxonomy = Body(openapi_examples=_TAXONOMY_EXAMPLES),
) -> TaxonomyOut:
    """Replace the taxonomy. Stages are listed in journey order; every stage needs a unique lower-case id,
    French and English labels and descriptions, and example phrases in both languages (they are what the
    tagger uses to recognise a stage it was not trained on). Invalid documents answer 422 naming each
    field and rule, and leave the stored taxonomy unchanged."""
    return _out(set_taxonomy(session, workspace, taxonomy), is_default=False)


@router.delete(
    "/taxonomy",
    response_model=TaxonomyOut,
    status_code=status.HTTP_200_OK,
    responses=error_responses(401),
    summary="Go back to the built-in journey taxonomy",
)
def reset_taxonomy(workspace: CurrentWorkspace, session: SessionDep) -> TaxonomyOut:
    """Go back to the shipped default taxonomy."""
    return _out(set_taxonomy(session, workspace, None), is_default=True)
