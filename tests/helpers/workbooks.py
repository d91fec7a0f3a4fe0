"""Small .xlsx files for the reader and importer tests, built with openpyxl."""

from __future__ import annotations

import io

from openpyxl import Workbook


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with these sheets (title → rows), in this order."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
