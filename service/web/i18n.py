"""The web app's words in English and French, and how a request picks its language.

A small dict rather than gettext: some hundred short strings, read by templates through ``t(key)``. The
language comes from ``?lang=fr|en`` (then kept in the session), else the user's setting, else the browser's
``Accept-Language``, else English. A missing French string falls back to English, never to the key.

The words the journey map's exports share with the pages (moments of truth, statuses, stage headings) live in
``nlp.journey_map.catalog`` and are merged here, so each entry has one home; numbers are written by
``nlp.i18n`` for both.
"""

from __future__ import annotations

from collections.abc import Callable

from nlp.i18n import LANGUAGES, format_count, format_decimal, format_general, format_percent
from nlp.i18n import translator as _translator
from nlp.journey_map import catalog as map_catalog

__all__ = [
    "CATALOGUE",
    "EN",
    "FR",
    "LANGUAGES",
    "format_count",
    "format_decimal",
    "format_general",
    "format_percent",
    "pick_language",
    "translator",
]

_WEB_EN: dict[str, str] = {
    "app": "Frictionmap",
    "skip": "Skip to content",
    "nav.overview": "Overview",
    "nav.pain_points": "Pain points",
    "nav.journey": "Journey map",
    "nav.compare": "Compare",
    "nav.sources": "Sources & imports",
    "nav.jobs": "Jobs",
    "nav.settings": "Settings",
    "signin": "Sign in",
    "signout": "Sign out",
    "email": "E-mail",
    "password": "Password",
    "login.failed": "Wrong e-mail or password.",
    "login.throttled": "Too many failed attempts. Try again in {seconds} s.",
    "login.intro": "Sign in with the account your administrator created for you.",
    "overview.top": "Top pain points by priority",
    "overview.emerging": "Emerging pain points",
    "overview.none_emerging": "Nothing is growing significantly faster than the rest.",
    "overview.stages": "Where feedback lands on the journey",
    "overview.volume": "Feedback per week",
    "overview.sentiment": "Mean sentiment per week",
    "overview.empty": "No analysed feedback yet: send feedback through the API or an import, then run an "
    "analysis.",
    "pp.label": "Pain point",
    "pp.stage": "Stage",
    "pp.priority": "Priority",
    "pp.items": "Items",
    "pp.trend": "Trend",
    "pp.status": "Status",
    "pp.owner": "Owner",
    "pp.due": "Due date",
    "pp.kind": "Kind",
    "pp.none": "No pain point matches these filters.",
    "pp.search": "Search the verbatims",
    "pp.matches": "{n} verbatims contain “{q}”",
    "filter.apply": "Apply",
    "filter.reset": "Reset",
    "filter.any": "any",
    "filter.theme": "Theme",
    "filter.sort": "Sort by",
    "share_view": "This view's address can be shared: the filters are in the URL.",
    "detail.score": "Why this priority",
    "detail.trend": "Mentions per week",
    "detail.quotes": "Quotes",
    "detail.feedback": "Feedback that mentions it",
    "detail.closed_loop": "Closed loop",
    "detail.closed_loop_none": "Mark the pain point resolved to measure whether mentions drop afterwards.",
    "detail.edit": "Edit",
    "detail.rename": "Name",
    "detail.save": "Save",
    "detail.merge": "Merge other pain points into this one",
    "detail.merge_button": "Merge",
    "detail.split": "Split into groups",
    "detail.parts": "Groups",
    "detail.split_button": "Split",
    "detail.keyphrases": "Key phrases",
    "detail.viewer": "You can read this pain point; editing needs the editor role.",
    "comp.volume": "Volume: {share} of feedback mentions it ({n} items).",
    "comp.severity": "Severity: {neg} of its mentions are negative.",
    "comp.impact": "Impact: customers who mention it rate {diff} points lower on {metric}.",
    "comp.impact_none": "Impact: not enough ratings to measure it yet.",
    "metric.rating": "rating",
    "metric.nps": "NPS",
    "metric.csat": "CSAT",
    "comp.trend": "Trend: {reason}",
    "trend.no_baseline": "no feedback in the baseline window: growth cannot be measured",
    "trend.no_recent": "no feedback in the recent window",
    "trend.few_recent": "fewer than {min} recent mentions",
    "trend.small_growth": "share grew less than x{ratio}",
    "trend.not_significant": "growth not significant (Fisher one-sided p >= {alpha})",
    "trend.emerging": "share x{ratio} vs baseline, Fisher one-sided p={p} < {alpha}",
    "comp.effort": "Effort: {share} of mentions describe customer effort (repeat contacts, waiting).",
    "comp.recency": "Recency: last mentioned {days} days before the latest feedback.",
    "comp.weighted": "points, weight {w}",
    "detail.full_text": "Full text",
    "journey.export": "Export",
    "journey.export_sheet": "CSV for spreadsheets",
    "compare.left": "Left",
    "compare.right": "Right",
    "compare.dimension": "Compare by",
    "compare.period": "period",
    "compare.value": "Value",
    "compare.gaps": "Where the two sides differ most",
    "compare.difference": "Difference",
    "compare.gaps_note": "Share of each side's feedback that mentions the pain point; right minus left.",
    "sources.title": "Sources",
    "sources.runs": "Import runs",
    "sources.rejected": "Rejected rows",
    "sources.none": "No source yet: create one with POST /v1/sources or upload a file with POST /v1/imports.",
    "jobs.none": "No job yet.",
    "settings.taxonomy": "Journey stages",
    "settings.weights": "Priority weights",
    "settings.webhooks": "Webhooks",
    "settings.edit_json": "Edit (JSON)",
    "settings.reset_taxonomy": "Back to the default stages",
    "settings.delete": "Delete",
    "settings.events": "Events",
    "settings.add_webhook": "Add a webhook",
    "settings.users": "Users",
    "settings.add_user": "Add a user",
    "settings.role": "Role",
    "settings.saved": "Saved.",
    "error": "Error",
    "created": "Created",
    "state": "State",
    "progress": "Progress",
    "kind": "Kind",
    "name": "Name",
    "language": "Interface language",
    "sources.schedule": "Schedule",
    "sources.last_run": "Last run",
    "sort.priority": "priority",
    "sort.volume": "volume",
    "sort.trend": "trend",
    "sort.impact": "impact",
}

_WEB_FR: dict[str, str] = {
    "app": "Frictionmap",
    "skip": "Aller au contenu",
    "nav.overview": "Vue d'ensemble",
    "nav.pain_points": "Irritants",
    "nav.journey": "Parcours client",
    "nav.compare": "Comparer",
    "nav.sources": "Sources et imports",
    "nav.jobs": "Tâches",
    "nav.settings": "Réglages",
    "signin": "Se connecter",
    "signout": "Se déconnecter",
    "email": "E-mail",
    "password": "Mot de passe",
    "login.failed": "E-mail ou mot de passe incorrect.",
    "login.throttled": "Trop d'essais manqués. Réessayez dans {seconds} s.",
    "login.intro": "Connectez-vous avec le compte créé par votre administrateur.",
    "overview.top": "Principaux irritants par priorité",
    "overview.emerging": "Irritants émergents",
    "overview.none_emerging": "Rien ne progresse nettement plus vite que le reste.",
    "overview.stages": "Où se situent les retours sur le parcours",
    "overview.volume": "Retours par semaine",
    "overview.sentiment": "Sentiment moyen par semaine",
    "overview.empty": "Aucun retour analysé : envoyez des retours par l'API ou un import, puis lancez une "
    "analyse.",
    "pp.label": "Irritant",
    "pp.stage": "Étape",
    "pp.priority": "Priorité",
    "pp.items": "Retours",
    "pp.trend": "Tendance",
    "pp.status": "Statut",
    "pp.owner": "Responsable",
    "pp.due": "Échéance",
    "pp.kind": "Type",
    "pp.none": "Aucun irritant ne correspond à ces filtres.",
    "pp.search": "Rechercher dans les verbatims",
    "pp.matches": "{n} verbatims contiennent « {q} »",
    "filter.apply": "Appliquer",
    "filter.reset": "Réinitialiser",
    "filter.any": "tous",
    "filter.theme": "Thème",
    "filter.sort": "Trier par",
    "share_view": "L'adresse de cette vue peut être partagée : les filtres sont dans l'URL.",
    "detail.score": "Pourquoi cette priorité",
    "detail.trend": "Mentions par semaine",
    "detail.quotes": "Citations",
    "detail.feedback": "Retours qui le mentionnent",
    "detail.closed_loop": "Boucle fermée",
    "detail.closed_loop_none": "Marquez l'irritant comme résolu pour mesurer si les mentions baissent "
    "ensuite.",
    "detail.edit": "Modifier",
    "detail.rename": "Nom",
    "detail.save": "Enregistrer",
    "detail.merge": "Fusionner d'autres irritants dans celui-ci",
    "detail.merge_button": "Fusionner",
    "detail.split": "Scinder en groupes",
    "detail.parts": "Groupes",
    "detail.split_button": "Scinder",
    "detail.keyphrases": "Expressions clés",
    "detail.viewer": "Vous pouvez consulter cet irritant ; le modifier demande le rôle éditeur.",
    "comp.volume": "Volume : {share} des retours le mentionnent ({n} retours).",
    "comp.severity": "Gravité : {neg} de ses mentions sont négatives.",
    "comp.impact": "Impact : les clients qui le mentionnent notent {diff} points de moins ({metric}).",
    "comp.impact_none": "Impact : pas encore assez de notes pour le mesurer.",
    "metric.rating": "note",
    "metric.nps": "NPS",
    "metric.csat": "CSAT",
    "comp.trend": "Tendance : {reason}",
    "trend.no_baseline": "aucun retour dans la période de référence : la hausse ne peut pas être mesurée",
    "trend.no_recent": "aucun retour dans la période récente",
    "trend.few_recent": "moins de {min} mentions récentes",
    "trend.small_growth": "part multipliée par moins de {ratio}",
    "trend.not_significant": "hausse non significative (test de Fisher unilatéral, p ≥ {alpha})",
    "trend.emerging": "part ×{ratio} par rapport à la référence, test de Fisher unilatéral p = {p} < {alpha}",
    "comp.effort": "Effort : {share} des mentions décrivent un effort du client (relances, attente).",
    "comp.recency": "Récence : dernière mention {days} jours avant le retour le plus récent.",
    "comp.weighted": "points, poids {w}",
    "detail.full_text": "Texte complet",
    "journey.export": "Exporter",
    "journey.export_sheet": "CSV pour tableur",
    "compare.left": "Gauche",
    "compare.right": "Droite",
    "compare.dimension": "Comparer par",
    "compare.period": "période",
    "compare.value": "Valeur",
    "compare.gaps": "Là où les deux côtés diffèrent le plus",
    "compare.difference": "Écart",
    "compare.gaps_note": "Part des retours de chaque côté qui mentionnent l'irritant ; droite moins gauche.",
    "sources.title": "Sources",
    "sources.runs": "Imports",
    "sources.rejected": "Lignes rejetées",
    "sources.none": "Aucune source : créez-en une avec POST /v1/sources ou importez un fichier avec "
    "POST /v1/imports.",
    "jobs.none": "Aucune tâche.",
    "settings.taxonomy": "Étapes du parcours",
    "settings.weights": "Poids de la priorité",
    "settings.webhooks": "Webhooks",
    "settings.edit_json": "Modifier (JSON)",
    "settings.reset_taxonomy": "Revenir aux étapes par défaut",
    "settings.delete": "Supprimer",
    "settings.events": "Événements",
    "settings.add_webhook": "Ajouter un webhook",
    "settings.users": "Utilisateurs",
    "settings.add_user": "Ajouter un utilisateur",
    "settings.role": "Rôle",
    "settings.saved": "Enregistré.",
    "error": "Erreur",
    "created": "Créé",
    "state": "État",
    "progress": "Avancement",
    "kind": "Type",
    "name": "Nom",
    "language": "Langue de l'interface",
    "sources.schedule": "Planification",
    "sources.last_run": "Dernier import",
    "sort.priority": "priorité",
    "sort.volume": "volume",
    "sort.trend": "tendance",
    "sort.impact": "impact",
}

#: Web entries first, then the exports' (a key in both would be one entry written twice: a test forbids it).
EN: dict[str, str] = {**_WEB_EN, **map_catalog.EN}
FR: dict[str, str] = {**_WEB_FR, **map_catalog.FR}
CATALOGUE = {"en": EN, "fr": FR}


def pick_language(query: str | None, session_lang: str | None, user_lang: str | None, accept: str) -> str:
    """``?lang=`` first, then what this session or the user chose, then the browser's first known tag."""
    for choice in (query, session_lang, user_lang):
        if choice in LANGUAGES:
            return choice
    ranked = []
    for n, part in enumerate(accept.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, n, tag.strip().lower()[:2]))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return "en"


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **args)`` for a page in ``lang`` (English where a French entry is missing)."""
    return _translator(CATALOGUE, lang)
