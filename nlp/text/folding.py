"""One accent and case folding for every cue list, lexicon and name key, so a pattern written once without
accents ("reexpliquer", "deja recu") matches what customers type with or without them.

Why one module: the tagger's cue lists, the polarity lexicon, the document words, the sarcasm and idiom
rules, the names' negation reach and the training scripts all compare folded text; before this they imported
a private helper from ``nlp.tagging.effort_cues`` (and naming kept a second, slightly different copy), so a
change to one folding would silently desynchronise the others.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower-case, ’ read as ', accents stripped: "Réexpliqué’" → "reexplique'".

    Cached, and ASCII text returned as is (it has nothing to decompose or strip): tagging folds each unit
    five times (cues, lexical and polarity features, help requests, character n-grams), and the per-character
    filter was a tenth of the tagging's CPU."""
    lowered = text.lower().replace("’", "'")
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
