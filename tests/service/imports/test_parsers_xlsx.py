"""Excel exports through the CSV source types (issue 10, item 6): same mapping, same items, clear errors."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from nlp.text.tabular import csv_reader, detect_csv_format
from service.imports.parsers import Checkpoint, ImportedItem, ImportFileError, ParsedRow, get_parser
from service.imports.parsers.textio import decode_prefix, detect_format
from tests.helpers import paths
from tests.helpers.workbooks import xlsx_bytes

FIXTURES = paths.IMPORT_FIXTURES

CSV_EXPORTS = [
    ("trustpilot_csv", "trustpilot_reviews.csv", None),
    ("app_store_csv", "app_store_reviews.csv", None),
    ("google_play_csv", "google_play_reviews.csv", None),
    ("avis_verifies_csv", "avis_verifies_export.csv", None),
    ("survey_csv", "survey_export.csv", None),
    ("generic_csv", "generic_latin1.csv", {"rating_scale": "1-10"}),
    ("generic_xlsx", "generic_latin1.csv", {"rating_scale": "1-10"}),
]


def run(source_type: str, data: bytes, mapping: dict | None = None, start: Checkpoint | None = None) -> list:
    return list(get_parser(source_type, mapping).records(io.BytesIO(data), start))


def items(records: list[ParsedRow]) -> list[ImportedItem]:
    # XML stores a cell's CRLF as LF, so the comparison with the CSV export is on LF line ends
    return [replace(i, text=i.text.replace("\r\n", "\n")) for record in records for i in record.items]


def csv_as_rows(data: bytes) -> list[list[str]]:
    """What Excel shows when it opens the CSV export: the cells, decoded and split by the shared rule."""
    fmt = detect_format(data)
    text = decode_prefix(data, fmt)
    csv_format = detect_csv_format(text)
    return list(csv_reader(io.StringIO(text[csv_format.hint_length :], newline=""), csv_format.delimiter))


@pytest.mark.parametrize(("source_type", "name", "mapping"), CSV_EXPORTS)
def test_xlsx_export_gives_the_items_of_the_csv_export(
    source_type: str, name: str, mapping: dict | None
) -> None:
    data = (FIXTURES / name).read_bytes()
    from_csv = run(source_type, data, mapping)
    from_xlsx = run(source_type, xlsx_bytes({"Export": csv_as_rows(data)}), mapping)
    assert items(from_xlsx) == items(from_csv) and items(from_csv)
    assert [r.error for r in from_xlsx] == [r.error for r in from_csv]


def test_typed_cells_dates_numbers_and_a_named_sheet() -> None:
    data = xlsx_bytes(
        {
            "Summary": [["not", "the", "reviews"]],
            "Reviews": [
                ["Review Id", "Review Created (UTC)", "Review Title", "Review Content", "Review Stars", ""],
                ["r1", datetime(2024, 3, 2, 9, 14, 55), None, 'Le SAV a dit "patientez",\nrien depuis.', 1],
                [None, None, None, None, None],
                ["r2", datetime(2024, 3, 3), "Top", "Rapide ; efficace", 5.0, "extra cell"],
            ],
        }
    )
    got = items(run("trustpilot_csv", data, {"sheet": "Reviews"}))
    assert [(i.external_id, i.text, i.rating) for i in got] == [
        ("r1", 'Le SAV a dit "patientez",\nrien depuis.', 1.0),
        ("r2", "Top.\nRapide ; efficace", 5.0),
    ]
    assert got[0].created_at is not None and got[0].created_at.isoformat().startswith("2024-03-02T09:14:55")


def test_resume_from_a_checkpoint_skips_the_committed_records() -> None:
    data = xlsx_bytes(
        {"S": [["id", "text"], *[[f"g{n}", f"Colis numéro {n} arrivé abîmé"] for n in range(6)]]}
    )
    first = run("generic_xlsx", data)
    assert [r.number for r in first] == [1, 2, 3, 4, 5, 6]
    resumed = run("generic_xlsx", data, start=first[3].checkpoint)
    assert [i.text for i in items(resumed)] == [i.text for i in items(first)[4:]]
    other_file = run("generic_xlsx", data, start=Checkpoint(4, None, "another-file"))
    assert len(other_file) == 6  # a checkpoint of another file is ignored


@pytest.mark.parametrize(
    ("data", "mapping", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), None, "password-protected"),
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", None, "not a readable .xlsx workbook"),
        (None, {"sheet": "Avis"}, "sheet 'Avis' not found; the workbook has: Reviews"),
        (b"", None, "the file is empty"),
    ],
)
def test_bad_workbooks_fail_with_a_reason(data: bytes | None, mapping: dict | None, reason: str) -> None:
    if data is None:
        data = xlsx_bytes({"Reviews": [["id", "text"], ["1", "ok"]]})
    with pytest.raises(ImportFileError, match=reason.replace(".", r"\.")):
        run("generic_csv", data, mapping)


def test_workbook_without_the_mapped_columns_names_them() -> None:
    with pytest.raises(ImportFileError, match="missing columns"):
        run("trustpilot_csv", xlsx_bytes({"S": [["id", "comment"], ["1", "x"]]}))
    with pytest.raises(ImportFileError, match="no header row"):
        run("generic_csv", xlsx_bytes({"S": []}))


def test_truncated_workbook_is_corrupt(tmp_path: Path) -> None:
    data = xlsx_bytes({"S": [["id", "text"], ["1", "Livraison en retard de trois jours"]]})
    with pytest.raises(ImportFileError, match="corrupt or incomplete"):
        run("generic_csv", data[: len(data) // 2])
