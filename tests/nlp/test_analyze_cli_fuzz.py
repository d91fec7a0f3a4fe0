"""Property: ``frictionmap analyze`` reads any file into records or stops with ``InputError`` (exit 2).

Another exception is a traceback for the user. Files are near-valid CSV, JSON Lines and .xlsx exports plus
random bytes (tests/helpers/fuzz_files.py), under every extension the CLI accepts. CI runs a small
derandomized sample; search harder with ``FRICTIONMAP_FUZZ_EXAMPLES=5000 FRICTIONMAP_FUZZ_RANDOM=1``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.analyze_cli import InputError, load_records, main
from tests.helpers.fuzz_files import any_file

EXAMPLES = int(os.environ.get("FRICTIONMAP_FUZZ_EXAMPLES", "200"))
RANDOM = os.environ.get("FRICTIONMAP_FUZZ_RANDOM") == "1"
COLUMNS = ["text", "id", "rating", "date", "comment", "Review Content", "note"]
SUFFIXES = [".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json", ".xlsx"]


@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    data=any_file(COLUMNS),
    suffix=st.sampled_from(SUFFIXES),
    rating=st.sampled_from([None, "rating", "note"]),
    sheet=st.sampled_from([None, "Reviews", "Missing"]),
)
def test_any_file_gives_records_or_an_input_error(
    data: bytes, suffix: str, rating: str | None, sheet: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{suffix}"
        path.write_bytes(data)
        try:
            records = load_records(path, "text", None, rating, "date", sheet)
        except InputError as exc:
            assert str(exc)
            return
    for record in records:
        assert isinstance(record.text, str)
        assert record.rating is None or isinstance(record.rating, float)


def test_a_bad_file_is_exit_2_with_the_reason(tmp_path: Path, capsys: object) -> None:
    """What the property's ``InputError`` means at the command line: exit 2 and one line, no traceback."""
    path = tmp_path / "export.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    assert main([str(path), "--no-tagging"]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert err.startswith("error: input: line 2 is not UTF-8") and "Traceback" not in err
