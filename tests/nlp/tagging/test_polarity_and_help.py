"""The polarity lexicon features, the help-request cue and the head flag that turns the lexicon on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.tagging.artifacts import LinearHead
from nlp.tagging.features import LEXICAL_NAMES, build_features
from nlp.tagging.help_request import asks_for_help
from nlp.tagging.polarity_lexicon import POLARITY_NAMES, polarity_matrix

POS, NEG, NEG_POS, NEG_NEG = range(4)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("Livraison pas mal du tout", NEG_NEG),
        ("Rien à redire sur le service", NEG_NEG),
        ("Nothing to complain about", NEG_NEG),
        ("Not bad at all", NEG_NEG),
        ("Pas de problème, tout est arrivé", NEG_NEG),
        ("Service pas très efficace", NEG_POS),
        ("The staff were not helpful", NEG_POS),
        ("Le fil est très cassant !", NEG),
        ("Appli lente et mal conçue", NEG),
        ("Great service, thank you", POS),
        ("Conseillère très aimable", POS),
    ],
)
def test_lexicon_reads_negation_scope(text: str, column: int) -> None:
    row = polarity_matrix([text])[0]
    assert row[column] > 0
    assert row.argmax() == column


def test_lexicon_is_silent_on_facts_and_saturates() -> None:
    m = polarity_matrix(["J'ai commandé mardi, livraison prévue jeudi.", "bad bad bad bad bad bad"])
    assert m.shape == (2, len(POLARITY_NAMES))
    assert not m[0].any()
    assert m[1, NEG] == pytest.approx(1.0)  # three hits or more: capped


def test_negation_window_is_bounded() -> None:
    # "pas" is more than three tokens before "efficace": the praise is not flipped.
    assert polarity_matrix(["Je ne sais pas pourquoi mais le support est efficace"])[0, POS] > 0


def test_build_features_column_order() -> None:
    emb = np.ones((2, 4), dtype=np.float32)
    texts = ["pas mal", "super"]
    assert build_features(emb, texts, False).shape == (2, 4)
    assert build_features(emb, texts, True).shape == (2, 4 + len(LEXICAL_NAMES))
    both = build_features(emb, texts, True, True)
    assert both.shape == (2, 4 + len(LEXICAL_NAMES) + len(POLARITY_NAMES))
    np.testing.assert_array_equal(both[:, -len(POLARITY_NAMES) :], polarity_matrix(texts))
    assert build_features(emb, texts, False, True).shape == (2, 4 + len(POLARITY_NAMES))


def test_head_flag_round_trips(tmp_path: Path) -> None:
    head = LinearHead("sentiment", ("a", "b", "c"), np.zeros((3, 5)), np.zeros(3), "m", True, 0.0, 0.0, True)
    loaded = LinearHead.load(head.save(tmp_path), "m")
    assert loaded.uses_polarity and loaded.uses_lexical
    old = LinearHead("sentiment", ("a", "b", "c"), np.zeros((3, 5)), np.zeros(3), "m")
    assert not LinearHead.load(old.save(tmp_path), "m").uses_polarity


@pytest.mark.parametrize(
    "text",
    [
        "How do I activate my card?",
        "how can I top up by cheque",
        "Why is my transfer still pending",
        "Could you tell me where my refund is",
        "I need help with my account",
        "Comment faire pour obtenir une facture",
        "Pourquoi mon virement est-il bloqué",
        "Pourriez-vous m'indiquer le délai",
        "Je souhaite résilier mon abonnement",
        "Que dois-je faire maintenant",
        "Est-ce que vous livrez le dimanche ?",
    ],
)
def test_help_requests(text: str) -> None:
    assert asks_for_help(text)


@pytest.mark.parametrize(
    "text",
    [
        "Livraison rapide, merci",
        "Great app",
        "I ordered on Monday.",
        "Le conseiller m'a aidé",
        "Thanks for the help",
    ],
)
def test_not_help_requests(text: str) -> None:
    assert not asks_for_help(text)
