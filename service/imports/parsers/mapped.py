"""Turning one source record into an item through a field mapping.

A source type ships default column names per field (the platform's documented export headers, plus
the aliases seen in the wild); a source's mapping overrides any of them. Headers are matched
case-insensitively so that "Review Id" and "Review ID" exports both work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from service.imports.parsers.types import (
    DateOrder,
    ImportedItem,
    ImportFileError,
    ImportMapping,
    RatingScale,
    RowError,
)
from service.imports.parsers.values import content_id, join_text, parse_date, parse_nps, parse_rating

ITEM_FIELDS = ("external_id", "text", "title", "rating", "created_at", "language", "nps", "csat")

Getter = Callable[[str], Any]
Finisher = Callable[[ImportedItem, Getter], None]


@dataclass(frozen=True)
class FieldSpec:
    """Defaults of one source type: candidate column names per item field and value conventions."""

    candidates: dict[str, tuple[str, ...]]
    required: tuple[str, ...] = ("text",)
    rating_scale: RatingScale = "1-5"
    csat_scale: RatingScale = "1-5"
    date_order: DateOrder = "auto"
    metadata: tuple[str, ...] = ()
    finish: Finisher | None = None
    # Namespaces hashed ids so that identical text from two platforms stays two items.
    id_namespace: str = "import"
    # ``feedback_item.kind`` and ``channel`` of everything this type imports.
    kind: str = "other"
    channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def default_mapping(self) -> dict[str, Any]:
        """The mapping shown to users (first candidate per field), as documented in docs/imports.md."""
        shown: dict[str, Any] = {name: names[0] for name, names in self.candidates.items() if names}
        shown["rating_scale"] = self.rating_scale
        shown["date_order"] = self.date_order
        if self.metadata:
            shown["metadata"] = list(self.metadata)
        return shown


@dataclass(frozen=True)
class Resolved:
    """A mapping resolved against a file: item field → actual column name, plus value conventions."""

    columns: dict[str, str]
    metadata: tuple[str, ...]
    rating_scale: RatingScale
    csat_scale: RatingScale
    date_order: DateOrder


def normalize_header(name: str) -> str:
    """Header identity for matching: BOM, quotes, case and repeated spaces do not matter."""
    return " ".join(name.replace("\ufeff", "").strip().strip('"').split()).casefold()


def resolve(
    spec: FieldSpec, mapping: ImportMapping, available: Iterable[str], what: str = "column"
) -> Resolved:
    """Match mapping and defaults against the file's columns; name every missing required column."""
    by_norm: dict[str, str] = {}
    for name in available:
        by_norm.setdefault(normalize_header(name), name)
    columns: dict[str, str] = {}
    missing: list[str] = []
    for item_field in ITEM_FIELDS:
        chosen = getattr(mapping, item_field)
        if chosen is not None:
            actual = by_norm.get(normalize_header(chosen))
            if actual is None:
                missing.append(f"{item_field!r} (mapping.{item_field} = {chosen!r})")
            else:
                columns[item_field] = actual
            continue
        for candidate in spec.candidates.get(item_field, ()):
            actual = by_norm.get(normalize_header(candidate))
            if actual is not None:
                columns[item_field] = actual
                break
        else:
            if item_field in spec.required:
                expected = ", ".join(repr(c) for c in spec.candidates.get(item_field, ())) or "a column"
                missing.append(f"{item_field!r} (expected one of {expected}; set mapping.{item_field})")
    wanted_meta = tuple(mapping.metadata) if mapping.metadata is not None else spec.metadata
    metadata = tuple(by_norm[normalize_header(m)] for m in wanted_meta if normalize_header(m) in by_norm)
    if mapping.metadata is not None:
        unknown = [m for m in mapping.metadata if normalize_header(m) not in by_norm]
        missing.extend(f"metadata {m!r}" for m in unknown)
    if missing:
        found = ", ".join(repr(n) for n in list(by_norm.values())[:30]) or "none"
        raise ImportFileError(f"missing {what}s: {'; '.join(missing)}. {what.capitalize()}s found: {found}")
    return Resolved(
        columns=columns,
        metadata=metadata,
        rating_scale=mapping.rating_scale or spec.rating_scale,
        csat_scale=mapping.csat_scale or spec.csat_scale,
        date_order=mapping.date_order or spec.date_order,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def build_item(spec: FieldSpec, resolved: Resolved, get: Getter, number: int) -> ImportedItem | RowError:
    """One record → one item, or the reason it is rejected (naming the column and the rule)."""
    cols = resolved.columns
    external_id = _text(get(cols["external_id"])) if "external_id" in cols else ""
    try:
        text = join_text(
            _text(get(cols["title"])) if "title" in cols else None,
            _text(get(cols["text"])) if "text" in cols else None,
        )
        rating = parse_rating(get(cols["rating"]), resolved.rating_scale) if "rating" in cols else None
        csat = parse_rating(get(cols["csat"]), resolved.csat_scale) if "csat" in cols else None
        nps = parse_nps(get(cols["nps"])) if "nps" in cols else None
        created_at = (
            parse_date(get(cols["created_at"]), resolved.date_order) if "created_at" in cols else None
        )
    except ValueError as exc:
        return RowError(number, str(exc), external_id or None)
    item = ImportedItem(
        external_id=external_id,
        text=text,
        rating=rating,
        nps=nps,
        csat=csat,
        channel=spec.channel,
        created_at=created_at,
        language=_text(get(cols["language"])) or None if "language" in cols else None,
        metadata={name: value for name in resolved.metadata if (value := _text(get(name)))},
    )
    if spec.finish is not None:
        spec.finish(item, get)
    if not item.text:
        return RowError(number, f"empty text (column {cols.get('text', 'text')!r})", item.external_id or None)
    if not item.external_id:
        stamp = item.created_at.isoformat() if item.created_at else ""
        item.external_id = content_id(spec.id_namespace, item.text, stamp, item.rating)
    return item
