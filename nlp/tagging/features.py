"""Features the tagging heads read: the unit embedding, optionally followed by a few lexical indicators.

The pipeline already holds the embeddings, so the only extra cost is the lexicon scan (regexes over short
units). Lexical columns are scaled so that L2-regularised logistic regression can give them weight comparable
to the 512 embedding dimensions (whose individual values are ~0.04).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.tagging.effort_cues import EFFORT_TYPES, cue_vector
from nlp.tagging.polarity_lexicon import POLARITY_NAMES, polarity_matrix
from nlp.text.folding import fold

LEXICAL_SCALE = 0.5
POLARITY_SCALE = 1.0  # the polarity flags are rare in training data; a larger scale lets L2 give them weight
_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|nobody|don't|didn't|doesn't|won't|can't|cannot|isn't|wasn't|"
    r"ne|n'|pas|jamais|rien|personne|aucune?|plus)\b"
)

# Polarity flips a sentence encoder reads poorly: the *absence* of a problem is praise ("no need to wait",
# "sans discuter", "jamais un souci"), a *negated or withdrawn* recommendation is a complaint ("I no longer
# recommend it", "j'hésiterais à vous recommander"), and a one-star verdict is negative whatever follows.
_ABSENT_PROBLEM = re.compile(
    r"\b(?:no|without|never|zero|not a single|sans|aucune?|jamais|pas d[e']|pas besoin|no need|plus besoin|"
    r"rien a)\s+(?:\w+\s+){0,2}(?:d'|de |a )?"
    r"(?:problems?|issues?|hassle|fuss|wait(?:ing)?|queue|questions?|trouble|"
    r"worries|probleme?s?|souci|soucis|attente|attendre|discuter|questions?|prise de tete|tracas|relancer|"
    r"repeter|redire|surprises?|frais caches)\b"
)
_NEGATED_RECOMMEND = re.compile(
    r"\b(?:not|never|no longer|won't|wouldn't|can't|cannot|hesitate to|stopped|used to|"
    r"ne (?:\w+ )?(?:plus|pas|"
    r"jamais)|plus|jamais|hesiterais a|deconseille|deconseiller|voulais)\s+(?:\w+\s+){0,3}"
    r"(?:recommend|recommande|recommander|conseille|conseiller)\w*"
)
_WITHDRAWN_RECOMMEND = re.compile(r"\bne (?:\w+ )?(?:recommande|conseille)\w* (?:plus|pas|jamais)\b")
_ONE_STAR = re.compile(r"\b(?:0|1|one|zero|une?|zero)\s*(?:star|etoile)s?\b")

LEXICAL_NAMES = (
    *(f"cue_{t}" for t in EFFORT_TYPES),
    "negation",
    "exclamation",
    "question",
    "absent_problem",
    "negated_recommend",
    "one_star",
)


def lexical_matrix(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        folded = fold(text)
        rows.append(
            [
                *cue_vector(text),
                1.0 if _NEGATION.search(folded) else 0.0,
                1.0 if "!" in text else 0.0,
                1.0 if text.rstrip().endswith("?") else 0.0,
                1.0 if _ABSENT_PROBLEM.search(folded) else 0.0,
                1.0 if _NEGATED_RECOMMEND.search(folded) or _WITHDRAWN_RECOMMEND.search(folded) else 0.0,
                1.0 if _ONE_STAR.search(folded) else 0.0,
            ]
        )
    scale = np.array([LEXICAL_SCALE] * (len(LEXICAL_NAMES) - 3) + [POLARITY_SCALE] * 3, dtype=np.float32)
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), len(LEXICAL_NAMES)) * scale


TEXT_COLUMNS = len(LEXICAL_NAMES) + len(POLARITY_NAMES)  # width of ``text_columns``
_last_columns: tuple[tuple[str, ...], np.ndarray] | None = None


def text_columns(texts: Sequence[str]) -> np.ndarray:
    """``[lexical cues, polarity lexicon]`` of each text (float32): the text-only part of the features.

    The last batch's result is kept: the tagger's heads and the sentiment adaptation read the same texts
    one after the other (a regex scan of each unit; computed twice per unit before, 17 % of the adaptation's
    re-scoring). The cache is one (texts, result) pair read once and replaced whole, so a thread that reads
    it while another replaces it still gets a consistent pair."""
    global _last_columns
    key = tuple(texts)
    cached = _last_columns
    if cached is not None and cached[0] == key:
        return cached[1]
    both = np.hstack([lexical_matrix(texts), polarity_matrix(texts)])
    _last_columns = (key, both)
    return both


def build_features(
    embeddings: np.ndarray, texts: Sequence[str], lexical: bool, polarity: bool = False
) -> np.ndarray:
    """``[embedding, lexical cues?, polarity lexicon?]`` — the column order every head was trained with."""
    parts = [np.asarray(embeddings, dtype=np.float32)]
    if lexical or polarity:
        both = text_columns(texts)
        n_lex = len(LEXICAL_NAMES)
        if lexical:
            parts.append(both[:, :n_lex])
        if polarity:
            parts.append(both[:, n_lex:])
    return parts[0] if len(parts) == 1 else np.hstack(parts)
