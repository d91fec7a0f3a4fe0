"""Excel exports read with openpyxl (issue 10, item 6): same cells a CSV export holds, clear errors."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from nlp.text.tabular import records
from nlp.text.workbook import WorkbookError, cell_text, sheet_rows
from tests.helpers.workbooks import xlsx_bytes


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    path.write_bytes(xlsx_bytes(sheets))
    return path


def test_first_sheet_rows_as_csv_strings(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "trustpilot.xlsx",
        {
            "Reviews": [
                ["Review Id", "Review Created (UTC)", "Review Content", "Review Stars"],
                ["r1", datetime(2024, 3, 2, 9, 14, 55), 'Le SAV a dit "patientez",\nrien depuis.', 1],
                ["r2", datetime(2024, 3, 3), "Rapide ; efficace", 5.0],
                [None, None, None, None],
            ],
            "Other": [["x"], ["y"]],
        },
    )
    got = list(records(sheet_rows(path)))
    assert got == [
        {
            "Review Id": "r1",
            "Review Created (UTC)": "2024-03-02T09:14:55",
            "Review Content": 'Le SAV a dit "patientez",\nrien depuis.',
            "Review Stars": "1",
        },
        {
            "Review Id": "r2",
            "Review Created (UTC)": "2024-03-03",
            "Review Content": "Rapide ; efficace",
            "Review Stars": "5",
        },
    ]
    assert list(records(sheet_rows(path, "Other"))) == [{"x": "y"}]


def test_cell_text() -> None:
    assert [cell_text(v) for v in (None, True, 3, 4.5, 2.0, "a")] == ["", "true", "3", "4.5", "2", "a"]


def test_missing_sheet_names_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"Avis": [["id"], ["1"]], "Notes": [["id"]]})
    with pytest.raises(WorkbookError, match="sheet 'Reviews' not found; the workbook has: Avis, Notes"):
        list(sheet_rows(path, "Reviews"))


def test_corrupt_and_protected_workbooks(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"S": [["id"], ["1"]]})
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(WorkbookError, match="corrupt"):
        list(sheet_rows(truncated))
    not_a_book = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(not_a_book, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    with pytest.raises(WorkbookError, match="corrupt"):
        list(sheet_rows(not_a_book))
    # Excel stores a password-protected .xlsx in an OLE/CFB container, not a ZIP
    protected = tmp_path / "protected.xlsx"
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    with pytest.raises(WorkbookError, match="password-protected"):
        list(sheet_rows(protected))
    text = tmp_path / "text.xlsx"
    text.write_text("id,text\n1,hello\n")
    with pytest.raises(WorkbookError, match=r"not an \.xlsx"):
        list(sheet_rows(text))
