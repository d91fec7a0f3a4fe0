"""Excel (``.xlsx``) exports through the CSV parsers: same source types, same column mapping.

Trustpilot and other platforms hand out Excel files; refusing them made users re-save by hand. Any CSV
source type (``trustpilot_csv``, ``survey_csv``, ...) reads a workbook when the file is a ZIP container, so a
mapping written for the CSV export works unchanged; ``generic_xlsx`` is ``generic_csv`` under the name people
look for. Rows are streamed by openpyxl (``nlp.text.workbook``); a workbook has no byte offsets, so the
checkpoint counts records and a resumed run skips that many.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from nlp.text.workbook import OLE_MAGIC, WorkbookError, is_workbook, sheet_rows
from service.imports.parsers.platforms import GenericCsv
from service.imports.parsers.textio import fingerprint
from service.imports.parsers.types import Checkpoint, ImportFileError, ParsedRow
from service.imports.parsers.values import infer_date_order

if TYPE_CHECKING:  # pragma: no cover
    from service.imports.parsers.csvparse import CsvParser

_DATE_SAMPLE_ROWS = 500


class GenericXlsx(GenericCsv):
    """Any Excel export: ``generic_csv`` under the name people look for (it reads CSV files too)."""

    type = "generic_xlsx"


def xlsx_records(parser: CsvParser, fh: BinaryIO, start: Checkpoint | None = None) -> Iterator[ParsedRow]:
    """``CsvParser.records`` for a workbook: header = first non-blank row of the sheet (mapping ``sheet``,
    default the first one); raises ``ImportFileError`` for a corrupt, protected or sheetless workbook."""
    file_id = fingerprint(fh)
    skip = start.row if start is not None and start.fingerprint == file_id else 0
    try:
        rows = (r for r in sheet_rows(fh, parser.mapping.sheet) if any(c.strip() for c in r))
        header = [c.replace("\ufeff", "").strip() for c in next(rows, [])]
        while header and not header[-1]:
            header.pop()  # spreadsheets pad rows with empty cells
        if not header:
            raise ImportFileError("the sheet has no header row")
        try:
            parser.prepare(header)
        except ImportFileError as exc:
            if len(header) == 1:
                raise ImportFileError(f"{exc} (only one column found in the sheet)") from None
            raise
        head = [r for _, r in zip(range(_DATE_SAMPLE_ROWS), rows, strict=False)]
        _settle_date_order(parser, header, head)
        width = len(header)
        number = 0
        for fields in _chain(head, rows):
            number += 1
            if number <= skip:
                continue
            checkpoint = Checkpoint(number, None, file_id)
            row = dict(zip(header, [*fields[:width], *[""] * (width - len(fields))], strict=True))
            if parser.skip_row(row):
                yield ParsedRow(number, [], None, checkpoint)
                continue
            built = parser.build(number, row)
            if isinstance(built, list):
                yield ParsedRow(number, built, None, checkpoint)
            else:
                yield ParsedRow(number, [], built, checkpoint)
    except WorkbookError as exc:
        raise ImportFileError(str(exc)) from None


def workbook_problem(path: Path, sheet: str | None = None) -> str | None:
    """Why an uploaded workbook cannot be imported, checked before queueing so the answer is a 422 rather
    than a failed job; ``None`` when it opens (or when the file is not a workbook at all)."""
    with path.open("rb") as fh:
        prefix = fh.read(8)
    if not (is_workbook(prefix) or prefix.startswith(OLE_MAGIC)):
        return None
    rows = sheet_rows(path, sheet)
    try:
        next(rows, None)
    except WorkbookError as exc:
        return str(exc)
    finally:
        rows.close()
    return None


def _chain(head: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from head
    yield from rest


def _settle_date_order(parser: CsvParser, header: list[str], rows: list[list[str]]) -> None:
    """Day/month order for the whole sheet from its first rows (text dates only; real date cells are ISO)."""
    column = parser.date_column()
    if column is None or parser.date_order() != "auto" or column not in header:
        return
    index = header.index(column)
    order = infer_date_order([r[index] for r in rows if len(r) > index])
    if order is not None:
        parser.set_date_order(order)
