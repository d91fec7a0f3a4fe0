"""Rows of an Excel workbook (``.xlsx``), streamed with openpyxl in read-only mode.

Review platforms (Trustpilot among them) hand out Excel exports. openpyxl is the maintained pure-Python
reader of the format; read-only mode parses the sheet XML as a stream, so memory stays flat on large exports.
Cells become the strings a CSV export of the same sheet would hold, so one column mapping serves both.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Generator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

from nlp.text.tabular import TableError

#: What openpyxl lets escape from a damaged ZIP or XML: a flipped byte in a compressed part raises
#: ``zlib.error``, a cut one ``EOFError``, an unknown compression method ``NotImplementedError`` and an
#: encrypted entry ``RuntimeError``; each used to end ``frictionmap analyze`` or an import in a traceback.
_CORRUPT = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ParseError,
    ValueError,
    EOFError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # CFB container: legacy .xls, or an .xlsx encrypted with a password


class WorkbookError(TableError):
    """A workbook that cannot be read (corrupt, password-protected, missing sheet)."""


def is_workbook(prefix: bytes) -> bool:
    """Whether a file's first bytes are a ZIP container (what every .xlsx is)."""
    return prefix.startswith(ZIP_MAGIC)


def cell_text(value: Any) -> str:
    """A cell as a CSV export would write it: ``5`` not ``5.0``, ISO dates, empty for blank cells."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def sheet_rows(source: Path | BinaryIO, sheet: str | None = None) -> Generator[list[str], None, None]:
    """Rows of ``sheet`` (default: the first worksheet) as lists of strings.

    Raises ``WorkbookError`` for a password-protected or legacy workbook, a corrupt file or an unknown
    sheet name (the message lists the sheets).
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    prefix = _prefix(source)
    if prefix.startswith(OLE_MAGIC):
        raise WorkbookError(
            "the workbook is password-protected or a legacy .xls file: remove the password and save it as "
            ".xlsx (or export the sheet as CSV)"
        )
    if not is_workbook(prefix):
        raise WorkbookError("the file is not an .xlsx workbook (no ZIP signature)")
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (*_CORRUPT, InvalidFileException) as exc:
        raise WorkbookError(
            f"the file is a ZIP archive but not a readable .xlsx workbook: corrupt or incomplete "
            f"({type(exc).__name__}: {exc})"
        ) from None
    try:
        worksheets = book.worksheets
        if sheet is None:
            if not worksheets:
                raise WorkbookError("the workbook has no worksheet")
            ws: Any = worksheets[0]
        else:
            names = [w.title for w in worksheets]
            if sheet not in names:
                raise WorkbookError(f"sheet {sheet!r} not found; the workbook has: {', '.join(names)}")
            ws = book[sheet]
        try:
            for values in ws.iter_rows(values_only=True):
                yield [cell_text(v) for v in values]
        except _CORRUPT as exc:
            raise WorkbookError(f"the .xlsx workbook is corrupt ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()


def _prefix(source: Path | BinaryIO) -> bytes:
    if isinstance(source, Path):
        with source.open("rb") as fh:
            return fh.read(8)
    source.seek(0)
    prefix = source.read(8)
    source.seek(0)
    return prefix
