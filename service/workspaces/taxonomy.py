"""The journey taxonomy in force for a workspace.

Shared by the taxonomy routes (what the API shows) and the analysis tasks (what the tagger places units on),
so both always agree on which stages a workspace has.
"""

from __future__ import annotations

from nlp.tagging.taxonomy import Taxonomy, load_default_taxonomy, parse_taxonomy
from service.models import Workspace


def workspace_taxonomy(workspace: Workspace) -> Taxonomy:
    """The workspace's stored taxonomy (validated when it was PUT), else the shipped default."""
    if workspace.taxonomy:
        return parse_taxonomy(workspace.taxonomy)
    return load_default_taxonomy()
