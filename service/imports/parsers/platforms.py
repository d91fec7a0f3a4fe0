"""Source types: the export shapes of each platform, as ``FieldSpec`` defaults plus small hooks.

Column names follow each platform's documented export or API field names; aliases cover the variants
their exports have had (letter case, older labels, French back-office labels).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from service.imports.parsers.csvparse import CsvParser
from service.imports.parsers.jsonparse import JsonParser, get_path
from service.imports.parsers.mapped import FieldSpec, Getter
from service.imports.parsers.types import ImportedItem, RowError
from service.imports.parsers.values import content_id, parse_date, parse_rating

GENERIC_CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "comment",
        "comments",
        "review",
        "feedback",
        "verbatim",
        "message",
        "body",
        "content",
        "commentaire",
        "avis",
        "texte",
    ),
    "external_id": ("external_id", "id", "review_id", "feedback_id"),
    "title": ("title", "titre", "subject"),
    "rating": ("rating", "stars", "score", "note"),
    "created_at": ("created_at", "date", "created", "timestamp", "submitted_at"),
    "language": ("language", "lang", "langue"),
    "nps": ("nps",),
}


class GenericCsv(CsvParser):
    """Any CSV: columns named by the mapping, or the usual names (text, comment, rating, date...)."""

    type = "generic_csv"
    spec = FieldSpec(candidates=GENERIC_CANDIDATES, id_namespace="generic")


class GenericJsonl(JsonParser):
    """JSON Lines (or a JSON array) of objects; mapping values are dotted key paths."""

    type = "generic_jsonl"
    spec = FieldSpec(candidates=GENERIC_CANDIDATES, id_namespace="generic")


class TrustpilotCsv(CsvParser):
    """Trustpilot Business "Export reviews" CSV (service reviews)."""

    type = "trustpilot_csv"
    spec = FieldSpec(
        candidates={
            "external_id": ("Review Id", "Review ID"),
            "title": ("Review Title",),
            "text": ("Review Content",),
            "rating": ("Review Stars",),
            "created_at": ("Review Created (UTC)", "Review Created"),
            "language": ("Review Language",),
        },
        metadata=("Source Of Review", "Location Name", "Location Id", "Review Country", "Tags"),
        date_order="ymd",
        id_namespace="trustpilot",
        kind="review",
    )


class AppStoreCsv(CsvParser):
    """App Store Connect customer reviews, as exported from the customerReviews API to CSV."""

    type = "app_store_csv"
    spec = FieldSpec(
        candidates={
            "external_id": ("id", "Review ID", "Review Id"),
            "title": ("title", "Title"),
            "text": ("body", "Review", "Body", "Content"),
            "rating": ("rating", "Rating", "Stars"),
            "created_at": ("createdDate", "Date", "Created Date"),
        },
        metadata=("territory", "Territory", "Country", "version", "App Version"),
        id_namespace="app_store",
        kind="review",
        channel="app",
    )


class AppStoreJson(JsonParser):
    """App Store Connect API response ``{"data": [{"id", "attributes": {...}}]}`` saved to a file."""

    type = "app_store_json"
    list_key = "data"
    spec = FieldSpec(
        candidates={
            "external_id": ("id",),
            "title": ("attributes.title",),
            "text": ("attributes.body",),
            "rating": ("attributes.rating",),
            "created_at": ("attributes.createdDate",),
        },
        metadata=("attributes.territory",),
        id_namespace="app_store",
        kind="review",
        channel="app",
    )


def _play_review_id(item: ImportedItem, get: Getter) -> None:
    """The Play report has no id column; the review id is in the console link (``reviewId=...``)."""
    if item.external_id:
        return
    link = str(get("Review Link") or "")
    if link:
        query = parse_qs(urlparse(link).query)
        review_id = (query.get("reviewId") or [""])[0] or link.rstrip("/").rsplit("/", 1)[-1]
        item.external_id = review_id if review_id.startswith("gp:") else f"gp:{review_id}"
        return
    item.external_id = content_id(
        "google_play", get("Package Name"), get("Review Submit Millis Since Epoch"), item.text
    )


class GooglePlayCsv(CsvParser):
    """Google Play Console monthly reviews report (``reviews_<package>_<yyyymm>.csv``, UTF-16)."""

    type = "google_play_csv"
    spec = FieldSpec(
        candidates={
            "title": ("Review Title",),
            "text": ("Review Text",),
            "rating": ("Star Rating",),
            "created_at": ("Review Submit Millis Since Epoch", "Review Submit Date and Time"),
            "language": ("Reviewer Language",),
        },
        metadata=("Package Name", "App Version Name", "Device"),
        finish=_play_review_id,
        id_namespace="google_play",
        kind="review",
        channel="app",
    )


def _avis_order_fallback(item: ImportedItem, get: Getter) -> None:
    """Without a review id, the order reference identifies the (one) brand review of an order."""
    if not item.external_id:
        for column in (
            "Référence commande",
            "Reference commande",
            "order_ref",
            "Commande",
            "Numéro de commande",
        ):
            value = str(get(column) or "").strip()
            if value:
                item.external_id = f"order:{value}"
                return


class AvisVerifiesCsv(CsvParser):
    """Avis Vérifiés (Skeepers) back-office review export: French labels, ``;``, dd/mm/yyyy dates."""

    type = "avis_verifies_csv"
    spec = FieldSpec(
        candidates={
            "external_id": ("ID avis", "Id avis", "Identifiant avis", "review_id"),
            "text": ("Avis", "Commentaire", "Contenu de l'avis", "review"),
            "rating": ("Note", "Note globale", "rate"),
            "created_at": ("Date de l'avis", "Date avis", "Date de dépôt", "review_date"),
        },
        metadata=("Référence commande", "Produit", "Date de commande", "Canal"),
        date_order="dmy",
        finish=_avis_order_fallback,
        id_namespace="avis_verifies",
        kind="review",
    )


class GoogleBusinessJson(JsonParser):
    """Google Business Profile reviews: ``{"reviews": [Review...]}`` (API list response or Takeout)."""

    type = "google_business_json"
    list_key = "reviews"
    spec = FieldSpec(
        candidates={
            "external_id": ("reviewId", "name"),
            "text": ("comment",),
            "rating": ("starRating",),
            "created_at": ("createTime",),
        },
        rating_scale="enum",
        id_namespace="google_business",
        kind="review",
    )

    def build(self, number: int, obj: dict[str, Any]) -> list[ImportedItem] | RowError:
        # Google appends machine translations: "(Translated by Google) ... (Original) ...".
        comment = obj.get("comment")
        if isinstance(comment, str) and "(Original)" in comment:
            obj = {**obj, "comment": comment.split("(Original)", 1)[1].strip()}
        return super().build(number, obj)


class ZendeskJson(JsonParser):
    """Zendesk tickets (full JSON export: one ticket per line; or ``{"tickets": [...]}``).

    One item per ticket: subject, description and the requester's later public comments, because an
    agent's replies are not customer feedback. The satisfaction rating (good/bad) becomes CSAT 5/1 and its
    comment is appended to the text.
    """

    type = "zendesk_json"
    list_key = "tickets"
    spec = FieldSpec(
        candidates={
            "external_id": ("id",),
            "text": ("description", "subject"),
            "created_at": ("created_at",),
        },
        rating_scale="good_bad",
        id_namespace="zendesk",
        kind="ticket",
    )

    def build(self, number: int, obj: dict[str, Any]) -> list[ImportedItem] | RowError:
        ticket_id = obj.get("id")
        external_id = str(ticket_id) if ticket_id is not None else ""
        subject = str(obj.get("subject") or "").strip()
        description = str(obj.get("description") or "").strip()
        parts = [p for p in (subject, description) if p]
        if subject and description.startswith(subject):
            parts = [description]
        requester = obj.get("requester_id")
        comments = obj.get("comments") or []
        # A number here raised TypeError when iterated: the run ended "internal error".
        if not isinstance(comments, list):
            return RowError(
                number, f"comments must be a JSON array, got {type(comments).__name__}", external_id or None
            )
        for comment in comments:
            if not isinstance(comment, dict) or comment.get("public") is False:
                continue
            if requester is not None and comment.get("author_id") not in (None, requester):
                continue
            body = str(comment.get("plain_body") or comment.get("body") or "").strip()
            if body and body != description and not description.startswith(body):
                parts.append(body)
        raw_satisfaction = obj.get("satisfaction_rating")
        satisfaction: dict[str, Any] = raw_satisfaction if isinstance(raw_satisfaction, dict) else {}
        sat_comment = str(satisfaction.get("comment") or "").strip()
        if sat_comment:
            parts.append(sat_comment)
        text = "\n\n".join(parts)
        try:
            csat = parse_rating(satisfaction.get("score"), "good_bad") if satisfaction else None
            created_at = parse_date(obj.get("created_at"), "ymd")
        except ValueError as exc:
            return RowError(number, str(exc), external_id or None)
        if not text:
            return RowError(
                number, "ticket has no subject, description or requester comment", external_id or None
            )
        via = get_path(obj, "via.channel")
        metadata = {k: v for k, v in {"status": obj.get("status"), "tags": obj.get("tags")}.items() if v}
        return [
            ImportedItem(
                external_id=f"zendesk:{external_id}" if external_id else content_id("zendesk", text),
                text=text,
                csat=csat,
                created_at=created_at,
                channel=str(via) if via else None,
                metadata=metadata,
            )
        ]


__all__ = [
    "AppStoreCsv",
    "AppStoreJson",
    "AvisVerifiesCsv",
    "GenericCsv",
    "GenericJsonl",
    "GoogleBusinessJson",
    "GooglePlayCsv",
    "TrustpilotCsv",
    "ZendeskJson",
]
