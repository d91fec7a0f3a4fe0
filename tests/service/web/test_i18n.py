"""Counts on the pages are grouped as each language writes them."""

from __future__ import annotations

from service.web.i18n import format_count


def test_counts_are_grouped_per_language() -> None:
    assert format_count(100000, "en") == "100,000"
    assert format_count(1234567, "fr") == "1\u202f234\u202f567"  # narrow no-break space, French typography
    assert format_count(999, "fr") == "999" and format_count(0, "en") == "0"
