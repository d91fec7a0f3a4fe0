"""What the pages show beyond the API's read side: stage labels, verbatim search, the score in words and
highlighted quotes. The figures themselves come from stored sums (``service.web.summary_insights``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from nlp.scoring.priority import PriorityResult
from service.models import Workspace
from service.workspaces.taxonomy import workspace_taxonomy

SEARCH_LIMIT = 2000


@dataclass(frozen=True)
class Week:
    monday: date
    items: int
    sentiment: float | None


def stage_labels(workspace: Workspace, lang: str = "en") -> dict[str, str]:
    """Stage id -> label in the interface's language (the taxonomy is bilingual)."""
    labels = {
        s.id: (s.label.fr if lang == "fr" else s.label.en) for s in workspace_taxonomy(workspace).stages
    }
    return labels | {"unknown": "Non classé" if lang == "fr" else "Unassigned"}


def like_pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """``text`` escaped, with each occurrence of a term (2+ characters, any case) in ``<mark>``."""
    words = sorted({t.strip() for t in terms if len(t.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("".join(out))


def terms_of(keyphrases: Iterable[str], query: str | None) -> list[str]:
    """Words to highlight in quotes: the search, and the pain point's key phrases and their words."""
    terms: list[str] = [query] if query else []
    for phrase in keyphrases:
        terms.append(phrase)
        terms.extend(w for w in phrase.split() if len(w) >= 4)
    return terms


@dataclass(frozen=True)
class ComponentLine:
    name: str
    sentence: str
    weight: float
    points: float


def explain(result: PriorityResult, t: Callable[..., str]) -> list[ComponentLine]:
    """Each component of the priority in a sentence, with its weight and the points it adds (priority =
    100 × Σ weight × component, weights normalised)."""
    c = result.components
    impact = next((i for i in result.impacts if i.metric == result.impact_metric), None)
    sentences = {
        "volume": t("comp.volume", share=f"{result.share:.1%}", n=result.n_items),
        "severity": t("comp.severity", neg=f"{result.negativity:.0%}"),
        "impact": (
            t("comp.impact", diff=f"{impact.difference:.2f}", metric=impact.metric)
            if impact is not None and impact.difference is not None
            else t("comp.impact_none")
        ),
        "trend": t("comp.trend", reason=result.trend.reason),
        "effort": t("comp.effort", share=f"{result.effort_share:.0%}"),
        "recency": t(
            "comp.recency",
            days=result.days_since_last_seen if result.days_since_last_seen is not None else "–",
        ),
    }
    values = {
        "volume": c.volume,
        "severity": c.severity,
        "impact": c.impact,
        "trend": c.trend,
        "effort": c.effort,
        "recency": c.recency,
    }
    return [
        ComponentLine(
            name, sentences[name], result.weights.get(name, 0.0), 100 * result.weights.get(name, 0.0) * v
        )
        for name, v in values.items()
    ]
