"""The journey map exports' words in English and French: the one place these entries live.

The web app (``service.web.i18n``) merges this catalog into its own instead of repeating it, so a moment of
truth, a status or a stage heading reads the same on the page and in the file a CX lead shares. Keys the web
app also uses keep its names (``mot.*``, ``status.*``, ``journey.*``); keys only the exports use start with
``map.`` and ``csv.``. Renderers get the language as an argument; labels that come from data (stage labels
of the workspace's taxonomy, pain point names) arrive already in that language.
"""

from __future__ import annotations

from collections.abc import Callable

from nlp.i18n import format_decimal
from nlp.i18n import translator as _translator

EN: dict[str, str] = {
    "colon": ": ",
    "unassigned": "Unassigned",
    "mot.sentiment_drop": "mean sentiment drops by {drop} from {before} to {at}",
    "mot.highest_impact": "pain points at {at} cost the most KPI (sum of rating drop × share of feedback)",
    "journey.curve": "Emotion curve",
    "journey.moments": "Moments of truth",
    "journey.opportunities": "Opportunities",
    "journey.effort": "effort",
    "journey.rating": "rating",
    "overview.items": "feedback items",
    "pp.emerging": "emerging",
    "status.open": "open",
    "status.in_progress": "in progress",
    "status.resolved": "resolved",
    "kind.pain": "pain point",
    "kind.opportunity": "opportunity",
    "filters": "Filters",
    "filter.source": "Source",
    "filter.channel": "Channel",
    "filter.segment": "Segment",
    "filter.language": "Language",
    "filter.since": "From",
    "filter.until": "To",
    "map.title": "{name} — customer journey",
    "map.curve_label": "Emotion curve: mean sentiment per stage",
    "map.moment_badge": "moment of truth",
    "map.moment_title": "; moment of truth: ",
    "map.kpi.emotion": "Emotion",
    "map.kpi.rating": "Rating",
    "map.kpi.nps": "NPS",
    "map.kpi.effort": "Effort",
    "map.items": "{n} items",
    "map.entry_items": "{n} items ({share})",
    "map.entry_priority": "priority {value}",
    "map.touchpoints": "Touchpoints",
    "map.pain_points": "Pain points",
    "map.none": "none",
    "map.no_moments": "none detected",
    "map.meta": "{n} feedback items · filters: {filters} · generated {at}",
    "map.footer": "Emotion = mean sentiment of the stage's opinion units (−1..+1). Priority 0–100 combines "
    "volume, severity, impact, trend, effort and recency.",
    "map.customers": "Customers",
    "map.td.stage": "Stage: {stage}.",
    "map.td.mentioned": "Mentioned in {n} feedback items ({share}).",
    "map.td.priority": "Priority {value}/100.",
    "map.td.impact": "KPI drop when mentioned: {value}.",
    "map.td.trend": "Trend x{ratio}{emerging}.",
    "map.td.keyphrases": "Keyphrases: {phrases}.",
    "map.td.quote": "Quote: “{quote}”",
    "map.yes": "yes",
    "map.no": "no",
    "csv.stage_order": "Stage order",
    "csv.stage_id": "Stage id",
    "csv.stage_label": "Stage",
    "csv.stage_items": "Stage feedback items",
    "csv.stage_emotion": "Stage emotion (−1..+1)",
    "csv.stage_mean_rating": "Stage mean rating",
    "csv.stage_nps": "Stage NPS",
    "csv.stage_effort_share": "Stage effort share",
    "csv.stage_touchpoints": "Stage touchpoints",
    "csv.moment_of_truth": "Moment of truth",
    "csv.kind": "Kind",
    "csv.rank": "Rank",
    "csv.id": "Id",
    "csv.label": "Name",
    "csv.priority": "Priority (0–100)",
    "csv.items": "Feedback items",
    "csv.share": "Share of feedback",
    "csv.mean_sentiment": "Mean sentiment",
    "csv.trend_ratio": "Trend (recent ÷ baseline)",
    "csv.emerging": "Emerging",
    "csv.impact": "Rating drop when mentioned",
    "csv.status": "Status",
    "csv.keyphrases": "Key phrases",
    "csv.segments": "Segments",
}

FR: dict[str, str] = {
    "colon": "\u00a0: ",
    "unassigned": "Non classé",
    "mot.sentiment_drop": "le sentiment moyen baisse de {drop} entre {before} et {at}",
    "mot.highest_impact": "les irritants de l'étape {at} coûtent le plus en KPI "
    "(somme de la baisse de note × part des retours)",
    "journey.curve": "Courbe d'émotion",
    "journey.moments": "Moments de vérité",
    "journey.opportunities": "Opportunités",
    "journey.effort": "effort",
    "journey.rating": "note",
    "overview.items": "retours",
    "pp.emerging": "émergent",
    "status.open": "ouvert",
    "status.in_progress": "en cours",
    "status.resolved": "résolu",
    "kind.pain": "irritant",
    "kind.opportunity": "opportunité",
    "filters": "Filtres",
    "filter.source": "Source",
    "filter.channel": "Canal",
    "filter.segment": "Segment",
    "filter.language": "Langue",
    "filter.since": "Du",
    "filter.until": "Au",
    "map.title": "{name} — parcours client",
    "map.curve_label": "Courbe d'émotion\u00a0: sentiment moyen par étape",
    "map.moment_badge": "moment de vérité",
    "map.moment_title": "\u00a0; moment de vérité\u00a0: ",
    "map.kpi.emotion": "Émotion",
    "map.kpi.rating": "Note",
    "map.kpi.nps": "NPS",
    "map.kpi.effort": "Effort",
    "map.items": "{n} retours",
    "map.entry_items": "{n} retours ({share})",
    "map.entry_priority": "priorité {value}",
    "map.touchpoints": "Points de contact",
    "map.pain_points": "Irritants",
    "map.none": "aucun",
    "map.no_moments": "aucun détecté",
    "map.meta": "{n} retours · filtres\u00a0: {filters} · généré le {at}",
    "map.footer": "Émotion = sentiment moyen des unités d'opinion de l'étape (−1 à +1). La priorité (0 à "
    "100) combine volume, gravité, impact, tendance, effort et récence.",
    "map.customers": "Clients",
    "map.td.stage": "Étape\u00a0: {stage}.",
    "map.td.mentioned": "Mentionné dans {n} retours ({share}).",
    "map.td.priority": "Priorité {value}/100.",
    "map.td.impact": "Baisse du KPI quand il est mentionné\u00a0: {value}.",
    "map.td.trend": "Tendance ×{ratio}{emerging}.",
    "map.td.keyphrases": "Expressions clés\u00a0: {phrases}.",
    "map.td.quote": "Citation\u00a0: «\u00a0{quote}\u00a0»",
    "map.yes": "oui",
    "map.no": "non",
    "csv.stage_order": "Ordre de l'étape",
    "csv.stage_id": "Identifiant de l'étape",
    "csv.stage_label": "Étape",
    "csv.stage_items": "Retours de l'étape",
    "csv.stage_emotion": "Émotion de l'étape (−1 à +1)",
    "csv.stage_mean_rating": "Note moyenne de l'étape",
    "csv.stage_nps": "NPS de l'étape",
    "csv.stage_effort_share": "Part d'effort de l'étape",
    "csv.stage_touchpoints": "Points de contact de l'étape",
    "csv.moment_of_truth": "Moment de vérité",
    "csv.kind": "Type",
    "csv.rank": "Rang",
    "csv.id": "Identifiant",
    "csv.label": "Nom",
    "csv.priority": "Priorité (0 à 100)",
    "csv.items": "Retours",
    "csv.share": "Part des retours",
    "csv.mean_sentiment": "Sentiment moyen",
    "csv.trend_ratio": "Tendance (récent ÷ référence)",
    "csv.emerging": "Émergent",
    "csv.impact": "Baisse de note quand il est mentionné",
    "csv.status": "Statut",
    "csv.keyphrases": "Expressions clés",
    "csv.segments": "Segments",
}

CATALOG = {"en": EN, "fr": FR}


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **args)`` in ``lang`` over this catalog."""
    return _translator(CATALOG, lang)


def moment_explanation(
    reason: str, value: float, at_label: str, before_label: str | None, lang: str = "en"
) -> str:
    """Why a stage is a moment of truth, in ``lang``: the sentence the page and every export show."""
    return translator(lang)(
        f"mot.{reason}", drop=format_decimal(value, lang, 2), before=before_label or "", at=at_label
    )
