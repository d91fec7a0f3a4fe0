"""Which name a person reads: an edited label always wins, then the workspace's language, then the stored one.

Kept apart from the routes so the pain point list, the detail, the themes and the journey map all show the
same name. Names are stored per language at analysis time, so changing the workspace's language takes effect
on the next read, without a re-analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from service.models import PainPoint, Workspace

NAME_LANGUAGES = ("fr", "en")


def workspace_language(workspace: Workspace | None) -> str | None:
    """The language chosen for names (``settings["language"]``), None = the data's majority language."""
    value = ((workspace.settings if workspace else None) or {}).get("language")
    return value if value in NAME_LANGUAGES else None


def set_workspace_language(workspace: Workspace, language: str | None) -> None:
    settings: dict[str, Any] = dict(workspace.settings or {})
    if language is None:
        settings.pop("language", None)
    else:
        settings["language"] = language
    workspace.settings = settings


def present_languages(mixes: Iterable[Mapping[str, float] | None]) -> set[str]:
    """Name languages with units in any of ``mixes`` (pain points' ``language_mix``)."""
    return {
        lang for mix in mixes for lang, share in (mix or {}).items() if share > 0 and lang in NAME_LANGUAGES
    }


def shown_names(names: Mapping[str, str] | None, languages: set[str]) -> dict[str, str]:
    """``names`` keyed only by name languages present in the data (``other`` never; a name stored before a
    re-analysis dropped a language's units is not shown)."""
    return {lang: name for lang, name in (names or {}).items() if lang in languages}


def display_name(pp: PainPoint, language: str | None) -> str:
    if pp.label_edited:
        return pp.label
    names = pp.names or {}
    if language is not None and language in names:
        return names[language]
    return pp.name or pp.label
