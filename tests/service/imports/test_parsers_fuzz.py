"""Property: whatever bytes an import parser reads, it yields rows (or row errors) or raises ImportFileError.

Any other exception ends the run as "internal error, see the worker log" with no reason a user can act on.
The files are near-valid exports of every source type (tests/helpers/fuzz_files.py) plus random bytes. CI runs
a small derandomized sample (a few seconds); search harder locally with
``FRICTIONMAP_FUZZ_EXAMPLES=5000 FRICTIONMAP_FUZZ_RANDOM=1`` (docs/benchmarks.md, "Robustness").
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.imports.parsers import PARSERS, ImportedItem, ImportFileError, ImportMapping, get_parser
from service.imports.parsers.jsonparse import JsonParser
from tests.helpers.fuzz_files import VALID, any_file, csv_bytes, json_bytes

EXAMPLES = int(os.environ.get("FRICTIONMAP_FUZZ_EXAMPLES", "200"))
RANDOM = os.environ.get("FRICTIONMAP_FUZZ_RANDOM") == "1"
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

MAPPINGS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "encoding": st.sampled_from(["utf-8", "cp1252", "utf-16", "utf-32", "latin-1", "idna", "utf-7"]),
            "delimiter": st.sampled_from([",", ";", "\t", '"', "a"]),
            "date_order": st.sampled_from(["auto", "dmy", "mdy", "ymd"]),
            "rating_scale": st.sampled_from(["1-5", "0-10", "percent", "enum", "good_bad"]),
            "csat_scale": st.sampled_from(["1-5", "good_bad"]),
            "sheet": st.sampled_from(["Reviews", "Missing"]),
        },
    ),
)


def columns_of(source_type: str) -> list[str]:
    """A valid header of the type first (``VALID`` names: its first candidate per field), then the others."""
    spec = PARSERS[source_type].spec
    survey = ["Respondent ID", "End Date", "Why this score?", "NPS", "Satisfaction"]
    valid = survey if source_type == "survey_csv" else [names[0] for names in spec.candidates.values()]
    valid = (valid * VALID)[:VALID]  # repeated names are harmless: one column each way
    others = [name for names in spec.candidates.values() for name in names]
    return [*valid, *others, *spec.metadata, *survey]


def consume(source_type: str, mapping: dict[str, Any] | None, data: bytes) -> list[ImportedItem]:
    """Every item of the file; ``ImportFileError`` is the one allowed way to refuse it."""
    items: list[ImportedItem] = []
    for record in get_parser(source_type, mapping).records(io.BytesIO(data)):
        assert (record.error is None) or not record.items
        if record.error is not None:
            assert isinstance(record.error.reason, str) and record.error.reason
        items.extend(record.items)
    for item in items:
        assert isinstance(item.text, str) and item.text
        assert isinstance(item.external_id, str) and item.external_id
        assert item.rating is None or 1.0 <= item.rating <= 5.0
        assert item.nps is None or 0 <= item.nps <= 10
    return items


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, dict[str, Any] | None, bytes]:
    source_type = draw(st.sampled_from(sorted(PARSERS)))
    mapping = draw(MAPPINGS)
    cls = PARSERS[source_type]
    list_key = cls.list_key if issubclass(cls, JsonParser) else None
    return source_type, mapping, draw(any_file(columns_of(source_type), list_key))


@FUZZ
@given(case=cases())
def test_any_bytes_give_rows_or_an_import_file_error(case: tuple[str, dict[str, Any] | None, bytes]) -> None:
    source_type, mapping, data = case
    if mapping is not None:
        ImportMapping.model_validate(mapping)  # what the API's 422 lets through
    try:
        consume(source_type, mapping, data)
    except ImportFileError as exc:
        assert str(exc)


@pytest.mark.parametrize("source_type", sorted(PARSERS))
def test_the_strategies_reach_rows_of_every_type(source_type: str) -> None:
    """Guards against a fuzzer that only makes refused files: the type's near-valid files yield items."""
    found: list[int] = []
    cls = PARSERS[source_type]
    if issubclass(cls, JsonParser):
        files = json_bytes(columns_of(source_type), cls.list_key)
    else:
        files = csv_bytes(columns_of(source_type))

    @settings(max_examples=50, derandomize=True, deadline=None, database=None)
    @given(data=files)
    def probe(data: bytes) -> None:
        with contextlib.suppress(ImportFileError):
            found.append(len(consume(source_type, None, data)))

    probe()
    assert any(found), f"no generated {source_type} file yielded an item"
