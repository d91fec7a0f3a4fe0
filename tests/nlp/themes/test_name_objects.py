"""A French name that stops on a verb whose object follows is read on to it (docs/benchmarks.md R42)."""

from __future__ import annotations

import pytest

from nlp.themes.name_objects import complete_object
from nlp.themes.naming import name_themes


@pytest.mark.parametrize(
    ("surface", "texts", "expected"),
    [
        (
            "Le vendeur refuse",
            ["Le vendeur refuse le remboursement.", "le vendeur refuse le remboursement sans raison"],
            "Le vendeur refuse le remboursement",
        ),
        (
            "La montre connectée perd",
            ["La montre connectée perd la connexion tous les jours", "Ma montre connectée perd la connexion"],
            "La montre connectée perd la connexion",
        ),
        # the units name different objects: no majority, the name stays
        (
            "Le montage m'a pris",
            ["Le montage m'a pris deux heures.", "Le montage m'a pris trois heures"],
            None,
        ),
        # never across punctuation, never after a noun
        ("Le vendeur refuse", ["Le vendeur refuse, le remboursement attendra."] * 2, None),
        ("Colis endommagé", ["J'ai reçu un colis endommagé hier"] * 2, None),
    ],
)
def test_a_verb_is_read_on_to_the_object_most_units_give_it(
    surface: str, texts: list[str], expected: str | None
) -> None:
    assert complete_object(surface, texts, max_words=8) == (expected or surface)


def test_the_completed_name_never_exceeds_max_words() -> None:
    texts = ["Le service client de la banque refuse le remboursement de mes frais."] * 3
    name = "Le service client de la banque refuse"
    assert complete_object(name, texts, max_words=7) == name


def test_a_theme_named_by_a_verb_gets_its_object() -> None:
    texts = [
        "Le vendeur refuse le retour du colis.",
        "Le vendeur refuse le retour, inadmissible.",
        "Encore une fois le vendeur refuse le retour.",
        "Le vendeur refuse le retour sans explication.",
    ]
    [n] = name_themes([texts], [["fr"] * 4], [[0.9, 0.8, 0.7, 0.6]])
    assert n.name.lower().endswith("refuse le retour"), n.name
