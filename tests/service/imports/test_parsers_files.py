"""File-level behaviour of the importers: encodings, delimiters, bad files, checkpoints, streaming."""

from __future__ import annotations

import codecs
import io
import json
from itertools import islice
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.imports.parsers import Checkpoint, ImportFileError, ParsedRow, get_parser
from tests.helpers import paths

FIXTURES = paths.IMPORT_FIXTURES

ROWS = [
    ("r1", "Livraison très lente, colis abîmé", "2"),
    ("r2", "Service client réactif – merci !", "5"),
    ("r3", "Prix\nbien trop élevés", "1"),
]


def csv_bytes(encoding: str, delimiter: str = ",", bom: bytes = b"") -> bytes:
    lines = [delimiter.join(["id", "comment", "rating"])]
    for rid, text, rating in ROWS:
        lines.append(delimiter.join([rid, '"' + text + '"', rating]))
    return bom + ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(
    source_type: str, data: bytes, mapping: dict | None = None, start: Checkpoint | None = None
) -> list[ParsedRow]:
    return list(get_parser(source_type, mapping).records(io.BytesIO(data), start))


def texts(records: list[ParsedRow]) -> list[str]:
    return [i.text for r in records for i in r.items]


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", b"", ","),
        ("utf-8", codecs.BOM_UTF8, ";"),
        ("cp1252", b"", ";"),
        ("latin-1", b"", "\t"),
        ("utf-16-le", codecs.BOM_UTF16_LE, ","),
    ],
)
def test_encodings_and_delimiters_give_the_same_items(encoding: str, bom: bytes, delimiter: str) -> None:
    rows = ROWS if encoding != "latin-1" else [(i, t.replace("–", "-"), r) for i, t, r in ROWS]
    lines = [delimiter.join(["id", "comment", "rating"])]
    lines += [delimiter.join([rid, f'"{text}"', rating]) for rid, text, rating in rows]
    data = bom + ("\r\n".join(lines) + "\r\n").encode(encoding)
    assert texts(run("generic_csv", data)) == [text for _, text, _ in rows]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook",
            "a ZIP archive but not a readable .xlsx workbook",
        ),
        (b"id,text\n1,\x00\x01\x02\x00\x00binary", "contains NUL bytes"),
        (bytes(range(256)) * 50, "binary"),
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "the file is empty"),
    ],
)
def test_binary_and_empty_files_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ImportFileError, match=reason):
        run("generic_csv", data)


def test_wrong_columns_name_the_missing_ones_and_what_was_found() -> None:
    data = (FIXTURES / "app_store_reviews.csv").read_bytes()
    with pytest.raises(ImportFileError) as info:
        run("trustpilot_csv", data)
    message = str(info.value)
    assert "'text' (expected one of 'Review Content'" in message
    assert "'body'" in message and "'rating'" in message  # columns found in the file


def test_mapped_column_missing_is_named() -> None:
    with pytest.raises(ImportFileError, match=r"mapping.text = 'verbatim'"):
        run("generic_csv", csv_bytes("utf-8"), {"text": "verbatim"})


def test_unknown_mapping_key_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="txt"):
        get_parser("generic_csv", {"txt": "comment"})


def test_unterminated_quote_means_truncated_file() -> None:
    data = csv_bytes("utf-8") + b'r4,"this review was cut in the midd'
    records = []
    with pytest.raises(ImportFileError, match="truncated"):
        for record in get_parser("generic_csv").records(io.BytesIO(data)):
            records.append(record)
    assert len(texts(records)) == 3  # rows before the cut were readable


def test_short_row_is_rejected_not_the_file() -> None:
    data = csv_bytes("utf-8") + b"r4,only two fields\r\nr5,fine again,4\r\n"
    records = run("generic_csv", data)
    assert records[3].error is not None
    assert records[3].error.reason == "row has 2 fields but the header has 3 (truncated row?)"
    assert texts(records)[-1] == "fine again"


def test_truncated_json_document_and_jsonl() -> None:
    doc = (FIXTURES / "google_business_reviews.json").read_bytes()
    with pytest.raises(ImportFileError, match="truncated"):
        run("google_business_json", doc[: len(doc) // 2])
    lines = (FIXTURES / "zendesk_tickets.jsonl").read_bytes()
    with pytest.raises(ImportFileError, match="incomplete JSON: the file is truncated"):
        run("zendesk_json", lines[:-40])


def test_json_without_the_expected_list_is_rejected() -> None:
    with pytest.raises(ImportFileError, match="'reviews'"):
        run("google_business_json", json.dumps({"items": [{"comment": "x"}]}, indent=1).encode())
    with pytest.raises(ImportFileError, match="not JSON"):
        run("zendesk_json", csv_bytes("utf-8"))


def test_json_first_record_without_required_keys_names_them() -> None:
    data = b'{"id": 1, "words": "hello"}\n'
    with pytest.raises(ImportFileError, match=r"missing keys: 'text'.*'words'"):
        run("generic_jsonl", data)


@pytest.mark.parametrize(
    ("source_type", "name"),
    [
        ("trustpilot_csv", "trustpilot_reviews.csv"),
        ("google_play_csv", "google_play_reviews.csv"),
        ("avis_verifies_csv", "avis_verifies_export.csv"),
        ("zendesk_json", "zendesk_tickets.jsonl"),
        ("zendesk_json", "zendesk_tickets_api.json"),
        ("google_business_json", "google_business_reviews.json"),
        ("survey_csv", "survey_export.csv"),
    ],
)
def test_resuming_from_any_checkpoint_yields_exactly_the_remaining_records(
    source_type: str, name: str
) -> None:
    data = (FIXTURES / name).read_bytes()
    full = run(source_type, data)
    for cut in range(len(full)):
        resumed = run(source_type, data, start=full[cut].checkpoint)
        assert [r.number for r in resumed] == [r.number for r in full[cut + 1 :]]
        assert [i.external_id for r in resumed for i in r.items] == [
            i.external_id for r in full[cut + 1 :] for i in r.items
        ]


def test_checkpoint_of_another_file_restarts_from_the_top() -> None:
    data = csv_bytes("utf-8")
    stale = Checkpoint(row=2, offset=40, fingerprint="123:deadbeef")
    assert texts(run("generic_csv", data, start=stale)) == [t for _, t, _ in ROWS]


class CountingReader(io.BufferedReader):
    """Counts bytes pulled from the underlying file, to prove parsers stream."""

    def __init__(self, raw: io.RawIOBase) -> None:
        super().__init__(raw, buffer_size=8192)
        self.pulled = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.pulled += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.pulled += len(data)
        return data


def test_csv_parser_streams_instead_of_reading_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("id,comment,rating\n")
        for n in range(60_000):
            out.write(f'{n},"Review number {n}, with a comma and some padding text to make it longer",4\n')
    size = path.stat().st_size
    with path.open("rb", buffering=0) as raw:
        fh = CountingReader(raw)  # type: ignore[arg-type]
        first = list(islice(get_parser("generic_csv").records(fh), 100))
        assert first[-1].number == 100
        assert fh.pulled < 300_000 < size  # prefix (64 KiB, read twice) + a few lines, not 5 MB


def test_excel_sep_hint_line_sets_the_delimiter() -> None:
    data = b"sep=;\r\nid;comment;rating\r\n1;Colis perdu, aucune r\xe9ponse;1\r\n"
    assert texts(run("generic_csv", data)) == ["Colis perdu, aucune réponse"]


def test_qualtrics_extra_header_rows_are_skipped() -> None:
    data = (
        b"ResponseId,RecordedDate,Q1_NPS_GROUP,Q2\n"
        b"Response ID,Recorded Date,How likely are you to recommend us?,Why this score? (comment)\n"
        b'"{""ImportId"":""_recordId""}","{""ImportId"":""recordedDate""}","{""ImportId"":""QID1""}",'
        b'"{""ImportId"":""QID2_TEXT""}"\n'
        b"R_1a,2024-05-02 10:00:00,9,Fast and friendly\n"
    )
    mapping = {"respondent_id": "ResponseId", "nps": "Q1_NPS_GROUP", "open_ended": ["Q2"]}
    records = run("survey_csv", data, mapping)
    assert [r.error for r in records] == [None, None, None]
    items = [i for r in records for i in r.items]
    assert [(i.external_id, i.text, i.nps) for i in items] == [("R_1a:Q2", "Fast and friendly", 9)]
