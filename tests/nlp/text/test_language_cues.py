"""The function-word fast path of language detection: decides one-sided texts, hands the rest to lingua."""

from __future__ import annotations

import pytest

from nlp.text import language
from nlp.text.language import detect_language, detect_language_lingua
from nlp.text.language_cues import cue_counts, cue_language


@pytest.mark.parametrize(
    "text",
    [
        "Le colis est arrivé en retard et je n'ai reçu aucune réponse du service client.",
        "J'attends toujours ma commande, c'est la troisième fois que je les appelle.",
        "Très déçu par ce produit, il ne marche pas du tout.",
    ],
)
def test_clear_french_is_decided_by_cues(text: str) -> None:
    assert cue_language(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "The parcel arrived a week late and nobody answered my emails.",
        "I don't think they will ever refund me, it's been a month.",
        "My card was declined at checkout again and the app keeps crashing.",
    ],
)
def test_clear_english_is_decided_by_cues(text: str) -> None:
    assert cue_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "El pedido nunca llegó y nadie responde a mis correos.",  # Spanish: "el", "y"... → lingua
        "Das Paket kam viel zu spät an und niemand antwortet.",  # German
        "Il pacco è arrivato in ritardo e nessuno risponde.",  # Italian
        "O pedido não chegou e ninguém responde.",  # Portuguese
        "Het pakket kwam te laat aan en niemand antwoordt.",  # Dutch
    ],
)
def test_other_languages_are_left_to_lingua(text: str) -> None:
    assert cue_language(text) is None
    assert detect_language(text) == "other"


@pytest.mark.parametrize(
    "text",
    [
        "Refund never received.",  # one cue at most: too few
        "Nul, à éviter.",
        "Le film The Lord of the Rings est très long et je l'ai aimé",  # mixed: 3 English cues, 5 French
        "",
        "12345",
    ],
)
def test_few_or_mixed_cues_are_not_decided(text: str) -> None:
    assert cue_language(text) is None


def test_elisions_and_contractions_count() -> None:
    assert cue_counts("j'ai c'est l'appli qu'on") == (4, 0, 0)
    assert cue_counts("don’t it’s I’m they’ve") == (0, 4, 0)


def test_cue_decided_texts_never_call_lingua(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_lingua(sample: str) -> str:
        raise AssertionError(f"lingua called on {sample!r}")

    monkeypatch.setattr(language, "_lingua", no_lingua)
    assert detect_language("Le colis est arrivé et je suis content.") == "fr"
    assert detect_language("The parcel arrived and I am happy with it.") == "en"


def test_undecided_texts_get_linguas_answer() -> None:
    for text in ("Refund never received.", "Colis perdu", "Muy bien", "Broken"):
        assert detect_language(text) == detect_language_lingua(text)


def test_only_the_leading_characters_are_read() -> None:
    # English cues after CUE_CHARS do not outweigh the French opening
    text = "Le colis est arrivé et je suis content. " + "x " * 400 + "the and is was were you my it"
    assert cue_language(text) == "fr"
