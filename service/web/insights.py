"""What the pages show beyond the API's read side: stage labels, verbatim search, the score in words and
highlighted quotes. The figures themselves come from stored sums (``service.web.summary_insights``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from nlp.journey_map.build import UNASSIGNED_STAGE
from nlp.scoring.priority import PriorityResult
from nlp.scoring.trend import TrendDetail
from service.analysis.view import stage_specs
from service.models import Workspace
from service.web.i18n import format_count, format_decimal, format_general, format_percent, translator

SEARCH_LIMIT = 2000


@dataclass(frozen=True)
class Week:
    monday: date
    items: int
    sentiment: float | None


def stage_labels(workspace: Workspace, lang: str = "en") -> dict[str, str]:
    """Stage id -> label in the interface's language (the taxonomy is bilingual): the journey map's stage
    specs, and the trailing Unassigned stage."""
    labels = {s.id: s.label for s in stage_specs(workspace, lang)}
    return labels | {UNASSIGNED_STAGE: translator(lang)("unassigned")}


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


def trend_reason(trend: TrendDetail, t: Callable[..., str], lang: str) -> str:
    """Why a pain point is (or is not) emerging, in the page's language; the API's English ``reason``
    where the key is unknown (a result computed before the keys existed)."""
    if not trend.reason_key:
        return trend.reason
    given = dict(trend.reason_args)
    args = {name: format_general(value, lang) for name, value in given.items()}
    if trend.reason_key == "few_recent":
        args["min"] = format_count(int(given["min"]), lang)
    if trend.reason_key == "emerging":  # the API's reason gives the growth with two decimals
        args["ratio"] = format_decimal(given["ratio"], lang, 2)
    return t(f"trend.{trend.reason_key}", **args)


def explain(result: PriorityResult, t: Callable[..., str], lang: str = "en") -> list[ComponentLine]:
    """Each component of the priority in a sentence, with its weight and the points it adds (priority =
    100 × Σ weight × component, weights normalised); numbers written as the page's language writes them."""
    c = result.components
    impact = next((i for i in result.impacts if i.metric == result.impact_metric), None)
    sentences = {
        "volume": t(
            "comp.volume", share=format_percent(result.share, lang, 1), n=format_count(result.n_items, lang)
        ),
        "severity": t("comp.severity", neg=format_percent(result.negativity, lang)),
        "impact": (
            t(
                "comp.impact",
                diff=format_decimal(impact.difference, lang, 2),
                metric=t(f"metric.{impact.metric}"),
            )
            if impact is not None and impact.difference is not None
            else t("comp.impact_none")
        ),
        "trend": t("comp.trend", reason=trend_reason(result.trend, t, lang)),
        "effort": t("comp.effort", share=format_percent(result.effort_share, lang)),
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
