"""Source type name → parser class; the only place that lists the supported export shapes."""

from __future__ import annotations

from typing import Any, BinaryIO, Protocol

from service.imports.parsers.csvparse import CsvParser
from service.imports.parsers.jsonparse import JsonParser
from service.imports.parsers.platforms import (
    AppStoreCsv,
    AppStoreJson,
    AvisVerifiesCsv,
    GenericCsv,
    GenericJsonl,
    GoogleBusinessJson,
    GooglePlayCsv,
    TrustpilotCsv,
    ZendeskJson,
)
from service.imports.parsers.survey import SurveyCsv
from service.imports.parsers.types import Checkpoint, ImportMapping, ParsedRow
from service.imports.parsers.xlsxparse import GenericXlsx


class Parser(Protocol):
    type: str

    def records(self, fh: BinaryIO, start: Checkpoint | None = None) -> Any: ...


PARSERS: dict[str, type[CsvParser] | type[JsonParser]] = {
    cls.type: cls
    for cls in (
        GenericCsv,
        GenericJsonl,
        TrustpilotCsv,
        GoogleBusinessJson,
        AppStoreCsv,
        AppStoreJson,
        GooglePlayCsv,
        AvisVerifiesCsv,
        ZendeskJson,
        SurveyCsv,
        GenericXlsx,
    )
}
SOURCE_TYPES: tuple[str, ...] = tuple(PARSERS)


def get_parser(
    source_type: str, mapping: ImportMapping | dict[str, Any] | None = None
) -> CsvParser | JsonParser:
    """Instantiate the parser of a type; ``KeyError`` names the supported types."""
    try:
        cls = PARSERS[source_type]
    except KeyError:
        raise KeyError(f"unknown source type {source_type!r}; supported: {', '.join(SOURCE_TYPES)}") from None
    return cls(mapping)


def iter_records(
    source_type: str, mapping: dict[str, Any] | None, fh: BinaryIO, start: Checkpoint | None = None
) -> Any:
    """Convenience for notebooks and tests: ``for record in iter_records("trustpilot_csv", None, f)``."""
    parser = get_parser(source_type, mapping)
    records: Any = parser.records(fh, start)
    return records


__all__ = ["PARSERS", "SOURCE_TYPES", "ParsedRow", "Parser", "get_parser", "iter_records"]
