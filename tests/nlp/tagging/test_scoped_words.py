"""Word features with negation scope (issue 10 R3): a French unit head that tells "pas déçu" from "très déçu",
stored with its analyzer's name so that a file always reads with the features it was fitted on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.tagging.artifacts import save_tfidf_head
from nlp.tagging.doc_words import (
    NEGATED,
    WORD_PREFIX,
    WordCharHead,
    fit_word_char_head,
    scoped_word_char_features,
    scoped_word_features,
)

UNITS = [
    ("Très déçu de cet achat.", "negative"),
    ("Déçu par la batterie.", "negative"),
    ("Vraiment déçue du service.", "negative"),
    ("Pas déçu du tout.", "positive"),
    ("Jamais déçue par cette marque.", "positive"),
    ("Je ne suis pas déçu de ce choix.", "positive"),
    ("Colis remis mardi au point relais.", "neutral"),
    ("Commande passée lundi.", "neutral"),
]


def _words(text: str) -> list[str]:
    return [f.removeprefix(WORD_PREFIX) for f in scoped_word_features(text) if " " not in f]


def test_words_after_a_negator_are_marked_until_the_window_or_punctuation_ends() -> None:
    assert _words("Pas déçu du tout.") == ["pas", f"{NEGATED}decu", f"{NEGATED}du", f"{NEGATED}tout"]
    assert _words("Très déçu.") == ["tres", "decu"]
    # the window is three words; a comma ends the scope; a second negator opens its own
    assert _words("pas du tout ravi") == ["pas", f"{NEGATED}du", f"{NEGATED}tout", f"{NEGATED}ravi"]
    assert _words("pas un seul jour ravi") == [
        "pas",
        f"{NEGATED}un",
        f"{NEGATED}seul",
        f"{NEGATED}jour",
        "ravi",
    ]
    assert _words("Pas cher, mais nul") == ["pas", f"{NEGATED}cher", "mais", "nul"]
    assert _words("I don't like it") == ["i", "don't", f"{NEGATED}like", f"{NEGATED}it"]
    assert f"{WORD_PREFIX}pas decu" in scoped_word_features("Pas déçu")  # bigrams stay plain
    assert all(f.startswith(WORD_PREFIX) for f in scoped_word_features("Pas déçu"))  # no char n-grams


def _fit(features: str = "scoped_words") -> WordCharHead:
    texts, labels = [t for t, _ in UNITS], [y for _, y in UNITS]
    return fit_word_char_head(texts, labels, np.ones(len(UNITS)), 8.0, min_df=1, features=features)


def test_a_scoped_head_separates_negated_from_plain_disappointment(tmp_path: Path) -> None:
    head = _fit()
    assert head.features == "scoped_words"
    s = head.score(["Très déçu de la livraison.", "Pas déçu de la livraison."])
    assert s[0] < 0 < s[1]
    back = WordCharHead.load(head.save(tmp_path, "sentiment-words-fr"))
    assert back.features == "scoped_words" and (tmp_path / "sentiment-words-fr-v1.npz").exists()
    np.testing.assert_allclose(
        back.score(["Pas déçu.", "Déçu."]), head.score(["Pas déçu.", "Déçu."]), rtol=1e-6
    )


def test_an_older_file_reads_as_word_char_and_an_unknown_analyzer_is_refused(tmp_path: Path) -> None:
    head = _fit()
    arrays = (head.classes, head.vocabulary, head.idf, head.coef, head.intercept, head.char_range)
    old = save_tfidf_head(tmp_path / "old-v1.npz", arrays, "char_range")  # no "features" key
    assert WordCharHead.load(old).features == "word_char"
    bad = save_tfidf_head(tmp_path / "bad-v1.npz", arrays, "char_range", {"features": np.array("bag")})
    with pytest.raises(ValueError, match="unknown word features 'bag'"):
        WordCharHead.load(bad)


def test_scoped_words_with_char_ngrams_read_back_exactly(tmp_path: Path) -> None:
    head = _fit("scoped_word_char")
    feats = scoped_word_char_features("Pas déçu")
    assert f"{WORD_PREFIX}{NEGATED}decu" in feats and " pa" in feats  # words in scope, and char_wb grams
    texts = ["Pas déçu de la batterie.", "Très déçu du service."]
    back = WordCharHead.load(head.save(tmp_path, "sentiment-words-fr"))
    assert back.features == "scoped_word_char"
    np.testing.assert_allclose(back.predict_proba(texts), head.predict_proba(texts), rtol=1e-6)
