"""Cell conversions: rating scales onto 1–5, NPS, the date formats exports use."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.imports.parsers.values import (
    content_id,
    infer_date_order,
    join_text,
    parse_date,
    parse_nps,
    parse_rating,
)


@pytest.mark.parametrize(
    ("raw", "scale", "expected"),
    [
        ("4", "1-5", 4.0),
        ("4,5", "1-5", 4.5),
        ("4/5", "1-5", 4.0),
        ("FIVE", "enum", 5.0),
        ("ONE", "enum", 1.0),
        ("STAR_RATING_UNSPECIFIED", "enum", None),
        ("10", "1-10", 5.0),
        ("1", "1-10", 1.0),
        ("0", "0-10", 1.0),
        ("80%", "1-5", 4.2),
        ("50", "percent", 3.0),
        ("good", "good_bad", 5.0),
        ("bad", "good_bad", 1.0),
        ("", "1-5", None),
        (None, "1-5", None),
    ],
)
def test_ratings_map_onto_one_to_five(raw: object, scale: str, expected: float | None) -> None:
    assert parse_rating(raw, scale) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "scale", "reason"),
    [("six", "1-5", "not a number"), ("7", "1-5", "outside the scale 1-5"), ("SIX", "enum", "ONE..FIVE")],
)
def test_bad_ratings_say_why(raw: str, scale: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_rating(raw, scale)  # type: ignore[arg-type]


def test_nps_accepts_labels_and_rejects_out_of_range() -> None:
    assert parse_nps("10 - Extremely likely") == 10
    assert parse_nps("0") == 0
    assert parse_nps("") is None
    with pytest.raises(ValueError, match="0 to 10"):
        parse_nps("11")


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("2014-10-02T15:01:23.045123456Z", "auto", datetime(2014, 10, 2, 15, 1, 23, 45123, tzinfo=UTC)),
        ("2017-11-15T08:10:34-08:00", "auto", datetime(2017, 11, 15, 16, 10, 34, tzinfo=UTC)),
        ("2024-03-02 09:14:55", "auto", datetime(2024, 3, 2, 9, 14, 55, tzinfo=UTC)),
        ("15/10/2022 05:19", "auto", datetime(2022, 10, 15, 5, 19, tzinfo=UTC)),
        ("03/04/2023", "dmy", datetime(2023, 4, 3, tzinfo=UTC)),
        ("03/04/2023", "mdy", datetime(2023, 3, 4, tzinfo=UTC)),
        ("11/24/2026 10:15:32 PM", "auto", datetime(2026, 11, 24, 22, 15, 32, tzinfo=UTC)),
        ("2024/03/05", "auto", datetime(2024, 3, 5, tzinfo=UTC)),
        ("05.03.24", "dmy", datetime(2024, 3, 5, tzinfo=UTC)),
        ("1711955565000", "auto", datetime(2024, 4, 1, 7, 12, 45, tzinfo=UTC)),
        (1711955565, "auto", datetime(2024, 4, 1, 7, 12, 45, tzinfo=UTC)),
        ("", "auto", None),
    ],
)
def test_dates(raw: object, order: str, expected: datetime | None) -> None:
    assert parse_date(raw, order) == expected  # type: ignore[arg-type]


def test_bad_dates_say_why() -> None:
    with pytest.raises(ValueError, match="not ISO 8601"):
        parse_date("last tuesday")
    with pytest.raises(ValueError, match="not a valid calendar date"):
        parse_date("31/02/2024", "dmy")


def test_date_order_is_inferred_once_per_file() -> None:
    assert infer_date_order(["03/04/2024", "25/04/2024"]) == "dmy"
    assert infer_date_order(["03/04/2024", "04/25/2024"]) == "mdy"
    assert infer_date_order(["03/04/2024 10:00 AM"]) == "mdy"
    assert infer_date_order(["03/04/2024"]) is None


def test_text_and_ids() -> None:
    assert join_text("Great", "Fast delivery") == "Great.\nFast delivery"
    assert join_text("Great!", "") == "Great!"
    assert join_text("", "Body only") == "Body only"
    assert content_id("x", "a") == content_id("x", "a") != content_id("y", "a")
