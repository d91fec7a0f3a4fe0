"""Streaming CSV parsing with exact byte checkpoints.

``csv.reader`` pulls physical lines from an iterator one at a time and never reads ahead, so the
byte offset of the last line it pulled is exactly the end of the record it just returned: that offset
is the checkpoint. A run resumed from it seeks there after re-reading the header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from nlp.text.tabular import csv_reader, detect_csv_format
from nlp.text.workbook import is_workbook
from service.imports.parsers.mapped import FieldSpec, Resolved, build_item, resolve
from service.imports.parsers.textio import (
    decode_prefix,
    detect_format,
    fingerprint,
    iter_lines,
    read_prefix,
)
from service.imports.parsers.types import (
    Checkpoint,
    DateOrder,
    ImportedItem,
    ImportFileError,
    ImportMapping,
    ParsedRow,
    RowError,
)
from service.imports.parsers.values import infer_date_order


def _is_excel_sep(fields: list[str]) -> bool:
    return fields[0].lower().startswith("sep=") and not any(f.strip() for f in fields[1:])


class _LineFeed:
    """Iterator of decoded lines that remembers the byte offset and line number reached."""

    def __init__(self, lines: Iterator[tuple[str, int]], offset: int, line: int = 0) -> None:
        self._lines = lines
        self.offset = offset
        self.line = line

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        text, self.offset = next(self._lines)
        self.line += 1
        return text


class CsvParser:
    """Parser of one CSV export shape; subclasses only change the ``FieldSpec`` or ``build``."""

    type: str = "generic_csv"
    spec: FieldSpec

    def __init__(self, mapping: ImportMapping | dict[str, Any] | None = None) -> None:
        self.mapping = (
            mapping if isinstance(mapping, ImportMapping) else ImportMapping.model_validate(mapping or {})
        )

    # -- hooks ---------------------------------------------------------------------------------
    def prepare(self, header: list[str]) -> None:
        """Resolve the mapping against the header; raise ``ImportFileError`` naming missing columns."""
        self.resolved: Resolved = resolve(self.spec, self.mapping, header)

    def build(self, number: int, row: dict[str, str]) -> list[ImportedItem] | RowError:
        result = build_item(self.spec, self.resolved, row.get, number)
        return result if isinstance(result, RowError) else [result]

    def date_column(self) -> str | None:
        return self.resolved.columns.get("created_at")

    def date_order(self) -> DateOrder:
        return self.resolved.date_order

    def set_date_order(self, order: DateOrder) -> None:
        self.resolved = replace(self.resolved, date_order=order)

    def skip_row(self, row: dict[str, str]) -> bool:
        """Rows that are part of a multi-line header (Qualtrics, SurveyMonkey) rather than data."""
        return False

    # -- engine --------------------------------------------------------------------------------
    def records(self, fh: BinaryIO, start: Checkpoint | None = None) -> Iterator[ParsedRow]:
        prefix = read_prefix(fh)
        if is_workbook(prefix):  # an .xlsx export: same mapping, rows from the sheet
            from service.imports.parsers.xlsxparse import xlsx_records  # it imports this module

            yield from xlsx_records(self, fh, start)
            return
        fmt = detect_format(prefix, self.mapping.encoding)
        sample = decode_prefix(prefix, fmt)
        # One quoting rule with the analyze CLI (nlp.text.tabular); Excel's "sep=;" line names the delimiter.
        csv_format = detect_csv_format(sample, self.mapping.delimiter)
        sample = sample[csv_format.hint_length :]
        delimiter = csv_format.delimiter
        file_id = fingerprint(fh)
        feed = _LineFeed(iter_lines(fh, fmt), fmt.bom_length)
        reader = csv_reader(feed, delimiter)
        header = self._header(reader, delimiter)
        try:
            self.prepare(header)
        except ImportFileError as exc:
            if len(header) == 1:
                raise ImportFileError(f"{exc} (only one column found with delimiter {delimiter!r})") from None
            raise
        self._settle_date_order(sample, delimiter, header)
        number = 0
        if start is not None and start.fingerprint == file_id and start.row > 0 and start.offset is not None:
            # Same file as when the checkpoint was written: continue right after the committed record.
            number = start.row
            feed = _LineFeed(iter_lines(fh, fmt, start.offset), start.offset)
            reader = csv_reader(feed, delimiter)
        yield from self._rows(reader, feed, header, number, file_id)

    def _settle_date_order(self, sample: str, delimiter: str, header: list[str]) -> None:
        """Fix day/month order for the whole file from the dates in the prefix (when ``auto``)."""
        column = self.date_column()
        if column is None or self.date_order() != "auto" or column not in header:
            return
        index = header.index(column)
        values: list[str] = []
        try:
            for n, fields in enumerate(csv_reader(io.StringIO(sample), delimiter, strict=False)):
                if n > 0 and len(fields) > index:
                    values.append(fields[index])
                if n > 500:
                    break
        except csv.Error:
            pass  # the prefix may end inside a quoted field; the rows before it are enough
        order = infer_date_order(values)
        if order is not None:
            self.set_date_order(order)

    def _header(self, reader: Any, delimiter: str) -> list[str]:
        try:
            for fields in reader:
                if any(f.strip() for f in fields) and not _is_excel_sep(fields):
                    return [f.replace("\ufeff", "").strip() for f in fields]
        except csv.Error as exc:
            raise ImportFileError(f"the header line is not valid CSV: {exc}") from None
        raise ImportFileError("the file has no header line")

    def _rows(
        self, reader: Any, feed: _LineFeed, header: list[str], number: int, file_id: str
    ) -> Iterator[ParsedRow]:
        width = len(header)
        while True:
            start_line = feed.line + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    raise ImportFileError(
                        f"the file ends inside a quoted field that starts near line {start_line}: "
                        "it is truncated or has an unbalanced quote"
                    ) from None
                number += 1
                yield ParsedRow(
                    number,
                    [],
                    RowError(number, f"invalid CSV near line {start_line}: {exc}"),
                    Checkpoint(number, feed.offset, file_id),
                )
                continue
            if not fields or not any(f.strip() for f in fields):
                continue
            number += 1
            checkpoint = Checkpoint(number, feed.offset, file_id)
            if len(fields) != width and not (
                len(fields) > width and not any(f.strip() for f in fields[width:])
            ):
                reason = f"row has {len(fields)} fields but the header has {width}" + (
                    " (truncated row?)" if len(fields) < width else " (unquoted delimiter in a field?)"
                )
                yield ParsedRow(number, [], RowError(number, reason), checkpoint)
                continue
            row = dict(zip(header, fields, strict=False))
            if self.skip_row(row):
                yield ParsedRow(number, [], None, checkpoint)
                continue
            built = self.build(number, row)
            if isinstance(built, RowError):
                yield ParsedRow(number, [], built, checkpoint)
            else:
                yield ParsedRow(number, built, None, checkpoint)
