"""Filters read from the page's URL, so that a filtered view is a link that can be shared.

Empty fields are ignored (a submitted form sends them), and a value that breaks a rule is dropped and
reported on the page rather than answering an error page: the rest of the view still renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from service.analysis.view import ViewFilters

VIEW_KEYS = tuple(ViewFilters.model_fields)
EXTRA_KEYS = ("q", "owner", "theme", "sort")
SORTS = ("priority", "volume", "trend", "impact")


@dataclass
class PageFilters:
    view: ViewFilters
    q: str = ""
    owner: str = ""
    theme: str = ""  # a parent theme's id
    sort: str = "priority"
    dropped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: v for k, v in self.view.model_dump().items() if v is not None}
        data.update(q=self.q, owner=self.owner, theme=self.theme, sort=self.sort)
        return data


def parse_filters(params: Mapping[str, str], prefix: str = "") -> PageFilters:
    raw = {k: params.get(prefix + k, "").strip() for k in VIEW_KEYS}
    raw = {k: v for k, v in raw.items() if v}
    dropped: list[str] = []
    while True:
        try:
            view = ViewFilters.model_validate(raw)
            break
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            if not bad & raw.keys():
                view = ViewFilters()
                break
            dropped.extend(sorted(bad & raw.keys()))
            raw = {k: v for k, v in raw.items() if k not in bad}
    sort = params.get(prefix + "sort", "priority")
    return PageFilters(
        view=view,
        q=params.get(prefix + "q", "").strip()[:200],
        owner=params.get(prefix + "owner", "").strip()[:200],
        theme=params.get(prefix + "theme", "").strip()[:36],
        sort=sort if sort in SORTS else "priority",
        dropped=dropped,
    )
