"""Parsers of review-platform exports, streaming and resumable (issue 6).

``get_parser(type, mapping).records(binary_file, checkpoint)`` yields one ``ParsedRow`` per source
record: the ``ImportedItem``s built from it or the ``RowError`` that rejected it, and the
``Checkpoint`` after it. Files that cannot be imported at all raise ``ImportFileError``.
"""

from service.imports.parsers.registry import PARSERS, SOURCE_TYPES, get_parser, iter_records
from service.imports.parsers.types import (
    Checkpoint,
    ImportedItem,
    ImportFileError,
    ImportMapping,
    ParsedRow,
    RowError,
)

__all__ = [
    "PARSERS",
    "SOURCE_TYPES",
    "Checkpoint",
    "ImportFileError",
    "ImportMapping",
    "ImportedItem",
    "ParsedRow",
    "RowError",
    "get_parser",
    "iter_records",
]
