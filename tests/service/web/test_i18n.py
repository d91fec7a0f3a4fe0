"""Counts on the pages are grouped as each language writes them."""

from __future__ import annotations

from service.web.i18n import format_count, format_decimal


def test_counts_are_grouped_per_language() -> None:
    assert format_count(100000, "en") == "100,000"
    assert format_count(1234567, "fr") == "1\u202f234\u202f567"  # narrow no-break space, French typography
    assert format_count(999, "fr") == "999" and format_count(0, "en") == "0"


def test_scores_keep_their_sign_and_the_language_decimal_mark() -> None:
    assert (
        format_decimal(0.44, "en", sign=True) == "+0.4" and format_decimal(-0.25, "fr", sign=True) == "-0,2"
    )
    assert format_decimal(1234.56, "fr") == "1\u202f234,6" and format_decimal(50.5, "en", 0) == "50"
