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


def test_one_catalog_every_key_in_both_languages_and_the_exports_words_written_once() -> None:
    from nlp.journey_map import catalog as map_catalog
    from service.web import i18n

    assert set(i18n.EN) == set(i18n.FR)
    # The exports' entries are the web's too, and no web entry repeats one of them under the same key.
    assert not set(i18n._WEB_EN) & set(map_catalog.EN) and not set(i18n._WEB_FR) & set(map_catalog.FR)
    assert all(i18n.EN[k] == v for k, v in map_catalog.EN.items())
    assert all(i18n.FR[k] == v for k, v in map_catalog.FR.items())
    assert i18n.translator("fr")("mot.sentiment_drop", drop="0,5", before="A", at="B").startswith(
        "le sentiment moyen baisse de 0,5"
    )
