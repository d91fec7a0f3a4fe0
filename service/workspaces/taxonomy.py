"""The journey taxonomy in force for a workspace.

Shared by the taxonomy routes (what the API shows) and the analysis tasks (what the tagger places units on),
so both always agree on which stages a workspace has.
"""

from __future__ import annotations

from sqlmodel import Session

from nlp.tagging.taxonomy import Taxonomy, load_default_taxonomy, parse_taxonomy
from service.models import Workspace


def workspace_taxonomy(workspace: Workspace) -> Taxonomy:
    """The workspace's stored taxonomy (validated when it was PUT), else the shipped default."""
    if workspace.taxonomy:
        return parse_taxonomy(workspace.taxonomy)
    return load_default_taxonomy()


def set_taxonomy(session: Session, workspace: Workspace, taxonomy: Taxonomy | None) -> Taxonomy:
    """Store ``taxonomy`` (already validated) for the workspace, or go back to the default with None; commit.

    The API's PUT/DELETE and the web app's Settings both go through here; the next analysis re-tags units
    whose stage is not in the new taxonomy."""
    workspace.taxonomy = taxonomy.model_dump(mode="json") if taxonomy is not None else None
    session.add(workspace)
    session.commit()
    return workspace_taxonomy(workspace)
