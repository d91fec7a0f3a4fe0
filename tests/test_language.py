"""Language at ingest: fr, en, or other (other languages, and too little text to tell)."""

from __future__ import annotations

import pytest

from nlp.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Livraison en retard et service client injoignable, très déçu.", "fr"),
        ("Remboursement jamais reçu après trois semaines d'attente.", "fr"),
        ("Delivery was late and customer service never answered, very disappointed.", "en"),
        ("My refund never arrived after three weeks of waiting.", "en"),
        ("La entrega llegó tarde y nadie respondió en atención al cliente.", "other"),
        ("Die Lieferung kam zu spät und der Kundenservice hat nie geantwortet.", "other"),
        ("12345 !!! 😡", "other"),
        ("", "other"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected
