"""Regressions found by the property search of test_parsers_fuzz.py: each input below ended an import run as
"internal error (SomeError); see the worker log", or answered 500, before its fix. Now a bad row is a row
error naming the value and the rule, a bad file an ``ImportFileError`` (a failed run with that reason, or a
422 at upload), and the rows around a bad one are still stored."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.imports.parsers import ImportFileError, ImportMapping, ParsedRow, get_parser
from tests.helpers.workbooks import xlsx_bytes


def parse(source_type: str, data: bytes, mapping: dict[str, Any] | None = None) -> list[ParsedRow]:
    return list(get_parser(source_type, mapping).records(io.BytesIO(data)))


def reasons(records: list[ParsedRow]) -> list[str]:
    return [r.error.reason for r in records if r.error is not None]


@pytest.mark.parametrize(
    "cell",
    [
        "0001-01-01T00:00:00+01:00",  # OverflowError in astimezone
        "31/12/9999 23:00 -01:00",  # OverflowError adding the offset
    ],
)
def test_a_date_pushed_past_the_calendar_by_its_offset_is_a_row_error(cell: str) -> None:
    records = parse("generic_csv", f"text,created_at\nhello,{cell}\nworld,2024-05-01\n".encode())
    assert reasons(records) == [f"date {cell!r} is outside the years 1 to 9999"]
    assert [i.text for r in records for i in r.items] == ["world"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1e400", "Unix epoch inf is outside the years 1 to 9999"),  # OverflowError in fromtimestamp
        ("1" + "0" * 400, "is outside the years 1 to 9999"),  # OverflowError in float()
        ("-1e300", "Unix epoch -1e+300 is outside the years 1 to 9999"),
    ],
)
def test_a_json_epoch_beyond_the_calendar_is_a_row_error(value: str, reason: str) -> None:
    line = '{"id": 7, "description": "Refund never arrived", "created_at": ' + value + "}\n"
    records = parse("zendesk_json", line.encode())
    assert len(records) == 1 and records[0].error is not None and reason in records[0].error.reason


def test_zendesk_comments_that_are_not_a_list_reject_the_ticket_not_the_run() -> None:
    lines = [
        {"id": 1, "description": "The app crashes", "comments": 5},  # TypeError: 'int' is not iterable
        {"id": 2, "description": "Refund never arrived", "comments": [{"body": "still waiting"}]},
    ]
    records = parse("zendesk_json", "\n".join(json.dumps(x) for x in lines).encode())
    assert reasons(records) == ["comments must be a JSON array, got int"]
    assert [i.external_id for r in records for i in r.items] == ["zendesk:2"]


def test_a_compact_one_line_document_is_read_as_a_document() -> None:
    """APIs answer ``{"tickets": [...]}`` on one line: it was read as JSON Lines whose first record lacked
    every expected key."""
    data = json.dumps({"tickets": [{"id": 3, "description": "Late delivery"}], "count": 1}).encode()
    records = parse("zendesk_json", data)
    assert [i.external_id for r in records for i in r.items] == ["zendesk:3"]


@pytest.mark.parametrize("shape", ["document", "lines"])
def test_json_nested_beyond_any_export_is_refused_without_exhausting_memory(shape: str) -> None:
    """100,000 levels took ijson 24 GB (the worker was killed); ``json.loads`` raised ``RecursionError``."""
    deep = "[" * 100_000 + "]" * 100_000
    if shape == "document":
        with pytest.raises(ImportFileError, match="nests deeper than 64 levels"):
            parse("generic_jsonl", f'[{{"text": "x", "deep": {deep}}}]'.encode())
    else:
        records = parse("generic_jsonl", f'{{"text": "ok"}}\n{{"text": "x", "deep": {deep}}}\n'.encode())
        assert reasons(records) == ["record nests deeper than 64 levels"]
        assert [i.text for r in records for i in r.items] == ["ok"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "idna"])
def test_a_mapping_encoding_the_file_is_not_in_is_a_file_error(encoding: str) -> None:
    """A BOM-less file under ``utf-16``/``utf-32``, or a codec unfit for files, raised ``UnicodeError``."""
    with pytest.raises(ImportFileError, match=f"cannot be read in mapping.encoding '{encoding}'"):
        parse("generic_csv", b"text\nhello\n", {"encoding": encoding})


def test_a_utf32_file_with_a_bom_splits_lines_on_characters_not_bytes() -> None:
    data = "text,rating\nhello,4\nworld,5\n".encode("utf-32")
    records = parse("generic_csv", data, {"encoding": "utf-32"})
    assert [(i.text, i.rating) for r in records for i in r.items] == [("hello", 4.0), ("world", 5.0)]


@pytest.mark.parametrize("encoding", ["base64", "rot13", "zlib"])
def test_a_codec_that_is_not_a_text_encoding_is_refused_by_the_mapping(encoding: str) -> None:
    with pytest.raises(ValueError, match=f"'{encoding}' is not a text encoding"):
        ImportMapping(encoding=encoding)


def corrupt_workbook() -> bytes:
    """A workbook whose sheet's compressed data is damaged: zipfile raises ``zlib.error`` reading it."""
    book = bytearray(
        xlsx_bytes({"Reviews": [["text", "rating"], *[[f"review {n}", n % 5 + 1] for n in range(50)]]})
    )
    start = book.index(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    book[start + 20] ^= 0xFF
    return bytes(book)


def test_a_workbook_with_damaged_compressed_data_is_a_file_error() -> None:
    with pytest.raises(ImportFileError, match=r"not a readable \.xlsx workbook|workbook is corrupt"):
        parse("generic_csv", corrupt_workbook())


def test_upload_of_a_damaged_workbook_is_a_422_naming_the_file(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    files = {"file": ("reviews.xlsx", corrupt_workbook())}
    response = client.post("/v1/imports", data={"type": "generic_csv"}, files=files, headers=auth_headers)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"]) == ("file", "readable_workbook")


def test_upload_with_a_non_text_encoding_is_a_422_naming_the_mapping_key(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    form = {"type": "generic_csv", "mapping": '{"encoding": "base64"}'}
    response = client.post(
        "/v1/imports", data=form, files={"file": ("a.csv", b"text\nhi\n")}, headers=auth_headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "mapping.encoding"


@pytest.mark.parametrize("bad_id", ["\ud800", "a\u0000b"])
def test_an_unstorable_external_id_rejects_its_row_and_the_rest_is_stored(
    client: TestClient, auth_headers: dict[str, str], bad_id: str
) -> None:
    """A lone surrogate or a NUL in an id went into the duplicate lookup query unvalidated: the database
    driver raised and the run failed with an internal error."""
    lines = [{"id": "r1", "text": "Refund never received"}, {"id": bad_id, "text": "Card refused"}]
    data = "\n".join(json.dumps(x) for x in lines).encode()
    form = {"type": "generic_jsonl", "source": "jsonl-upload"}
    response = client.post("/v1/imports", data=form, files={"file": ("x.jsonl", data)}, headers=auth_headers)
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["state"] == "done", job
    assert (job["result"]["created"], job["result"]["rejected"]) == (1, 1)
    assert "external_id" in job["result"]["rejected_rows"][0]["reason"]
