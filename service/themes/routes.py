"""Names and themes: the language names are shown in."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import CurrentWorkspace, SessionDep
from service.themes.naming import set_workspace_language, workspace_language
from service.themes.schemas import NameLanguage

router = APIRouter(tags=["themes"])
TAGS = [
    {
        "name": "themes",
        "description": "Parent themes over pain points, and the language their names are shown in.",
    }
]


@router.get("/name-language", response_model=NameLanguage)
def get_name_language(workspace: CurrentWorkspace) -> NameLanguage:
    """The language of `name` on pain points and themes (null: the majority language of the data)."""
    return NameLanguage.model_validate({"language": workspace_language(workspace)})


@router.put("/name-language", response_model=NameLanguage)
def put_name_language(body: NameLanguage, workspace: CurrentWorkspace, session: SessionDep) -> NameLanguage:
    """Choose the language of names; names are stored per language, so the next read uses it."""
    set_workspace_language(workspace, body.language)
    session.add(workspace)
    session.commit()
    return body
