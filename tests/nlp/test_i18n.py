"""The language rule shared by the pages and the API's exports (``nlp.i18n.pick_language``)."""

from __future__ import annotations

import pytest

from nlp.i18n import pick_language


@pytest.mark.parametrize(
    ("query", "session", "user", "accept", "expected"),
    [
        ("fr", "en", "en", "en", "fr"),  # the query wins
        (None, "fr", "en", "en", "fr"),  # then the session
        (None, None, "fr", "en", "fr"),  # then the user's setting
        ("de", None, None, "fr", "fr"),  # an unknown choice is skipped, not an error
        (None, None, None, "de, en;q=0.5, fr;q=0.8", "fr"),  # the browser's best known tag by q
        (None, None, None, "fr-CA;q=0.4, en-GB;q=0.4", "fr"),  # ties keep the browser's order
        (None, None, None, "en;q=oops, fr;q=0.1", "fr"),  # a malformed q ranks last, it does not raise
        (None, None, None, "de, it", "en"),  # nothing known: English
        (None, None, None, "", "en"),
    ],
)
def test_pick_language(
    query: str | None, session: str | None, user: str | None, accept: str, expected: str
) -> None:
    assert pick_language(query, session, user, accept) == expected
