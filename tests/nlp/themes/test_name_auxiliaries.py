"""A French name never stops on the "été" of "a été" (docs/benchmarks.md R39)."""

from __future__ import annotations

import pytest

from nlp.themes.name_auxiliaries import complete_auxiliary
from nlp.themes.naming import name_themes


def complete(surface: str, texts: list[str], max_words: int = 8) -> str | None:
    return complete_auxiliary(surface, texts, max_words)


def test_a_name_stopping_on_a_ete_reads_on_to_what_most_units_say_after_it() -> None:
    texts = [
        "On me dit que le remboursement a été fait",
        "Le remboursement a été fait en bon d'achat au lieu d'argent.",
        "Remboursement a été refusé sans explication",
    ]
    assert complete("Remboursement a été", texts) == "Remboursement a été fait"
    # adverbs between "été" and the next content word come along
    texts = [
        "Le livreur a été très aimable",
        "livreur a été vraiment très aimable",
        "Le livreur a été très aimable.",
    ]
    assert complete("Livreur a été", texts) == "Livreur a été très aimable"
    # a stop-listed adjective ends the form; an article is read past to its noun
    assert (
        complete("Film aurait été", ["Le film aurait été différent car le rôle …"])
        == "Film aurait été différent"
    )
    assert (
        complete("Film aurait été", ["le film aurait été un succès sans lui"] * 2)
        == "Film aurait été un succès"
    )


def test_without_a_majority_the_name_is_refused() -> None:
    texts = [
        "Ma carte a été bloquée à l'étranger.",
        "Ma carte a été débitée d'un achat que je n'ai pas fait.",
        "Ma carte a été suspendue à cause d'un frais impayé.",
    ]
    assert complete("Carte a été", texts) is None
    # the clause ends right after "été" in most units: nothing to read on to
    assert complete("Carte a été", ["Ma carte a été.", "Carte a été, enfin.", "Carte a été bloquée"]) is None


@pytest.mark.parametrize(
    "surface",
    [
        "Remboursement n'a toujours pas été",
        "Film aurait été",
        "Colis avait déjà été",
        "Dossier n’a jamais été",
    ],
)
def test_ete_after_a_form_of_avoir_is_an_auxiliary(surface: str) -> None:
    texts = [f"{surface} traité correctement"] * 3
    assert complete(surface, texts) == f"{surface} traité"


@pytest.mark.parametrize(
    "surface", ["Vacances de cet été", "Soldes d'été", "Été très aimable", "Remboursement fait"]
)
def test_other_names_are_left_as_they_are(surface: str) -> None:
    # "été" as the noun, or not at the end; no unit needs to hold the name for it to be kept
    assert complete(surface, []) == surface


def test_a_theme_is_never_named_by_a_span_stopping_on_a_ete() -> None:
    texts = [
        "Ma carte a été bloquée à l'étranger, carte bloquée pendant trois jours.",
        "Ma carte a été débitée deux fois, carte bloquée ensuite.",
        "Ma carte a été suspendue sans prévenir.",
        "Carte bloquée au distributeur, ma carte a été avalée.",
    ]
    [n] = name_themes([texts], [["fr"] * 4], [[0.9, 0.8, 0.7, 0.6]])
    assert not n.name.lower().endswith("a été"), n.name
