"""The one folding every cue list, lexicon and name key reads."""

from __future__ import annotations

import unicodedata

from nlp.text.folding import fold


def test_fold_fast_path_matches_the_character_filter() -> None:
    """Issue 14: ``fold`` returns ASCII text without the per-character filter and caches; same output."""

    def reference(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    for text in [
        "I had to CALL them 3 times!",
        "Réexpliquer au dépôt, c’est pénible",
        "ﬁnally İstanbul ŒUVRE",
        "",
        "plain ascii, 'quotes' and ?",
    ]:
        assert fold(text) == reference(text)
        assert fold(text) == reference(text)  # cached


def test_fold_strips_accents_and_reads_the_typographic_apostrophe() -> None:
    assert fold("L’Été DÉJÀ reçu") == "l'ete deja recu"
