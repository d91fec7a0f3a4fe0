"""A small bilingual polarity lexicon with negation scope, as four extra features for the sentiment head.

Why: a sentence encoder averages meaning, so "pas mal", "rien à redire", "not bad", "could be better" or
"ne fonctionne plus" land close to their un-negated twins, and short product verdicts ("très cassant",
"brittle") carry little weight against a long neutral context. Counting opinion words, and flipping those
that follow a negation within three tokens, gives the linear head an explicit, cheap signal it can weigh
against the embedding (the weights are learnt; the lexicon never decides alone). Words are accent-folded and
were written for this project.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.text.folding import fold

POLARITY_NAMES = ("lex_positive", "lex_negative", "lex_negated_positive", "lex_negated_negative")
POLARITY_LEXICON_SCALE = 1.0
NEGATION_WINDOW = 3


def _words(text: str) -> frozenset[str]:
    """Word lists are kept as wrapped text: they read and diff better than one quoted word per line."""
    return frozenset(text.split())


_POSITIVE = _words("""
bien bon bonne super top parfait excellent genial geniale ravi ravie content contente satisfait
satisfaite efficace rapide rapidement agreable aimable sympa pratique simple fiable clair claire merci
recommande bravo impeccable nickel adore magnifique chaleureux professionnel competent reactif good
great excellent perfect love loved amazing happy pleased fast quick easy friendly helpful reliable
smooth recommend thanks thank awesome nice brilliant fantastic wonderful efficient clear best superb
polite kind
""")
_NEGATIVE = _words("""
mauvais mauvaise nul nulle horrible catastrophe catastrophique lent lente lenteur retard probleme souci
panne bug plante casse cassant cassee defectueux arnaque honte inadmissible inacceptable decu decue
decevant deception mecontent furieux scandaleux incompetent impossible jamais attente frais erreur perdu
perdue bloque bloquee annule annulee pire fuir ennui ennuyeux mediocre froid sale rude meprisant hautain
ridicule bad poor terrible awful horrible worst slow late delay delayed problem issue broken broke crash
crashes bug scam rude useless disappointed disappointing unacceptable ridiculous never waiting fee fees
charged error lost missing blocked cancelled wrong failed fails avoid worse boring cold dirty brittle
cracked angry annoying frustrating nightmare mal redire reprocher plaindre complain complaint
""")
_NEGATORS = _words(
    """
pas plus jamais rien aucun aucune sans ni not no never nothing without don't didn't doesn't isn't wasn't
won't can't cannot hardly nor n't dont didnt doesnt isnt wasnt wont cant
"""
)
_POS = _POSITIVE
_NEG = _NEGATIVE
_TOKEN = re.compile(r"[a-z]+(?:'t)?")


def is_negator(token: str) -> bool:
    """A folded token that opens a negation's scope."""
    return token in _NEGATORS or token.endswith("n't")


def _counts(text: str) -> tuple[int, int, int, int]:
    tokens = _TOKEN.findall(fold(text))
    pos = neg = neg_pos = neg_neg = 0
    last_negation = -10
    for i, tok in enumerate(tokens):
        if is_negator(tok):
            last_negation = i
        negated = 0 < i - last_negation <= NEGATION_WINDOW
        if tok in _POS:
            neg_pos += negated
            pos += not negated
        elif tok in _NEG and tok not in _NEGATORS:
            neg_neg += negated
            neg += not negated
    return pos, neg, neg_pos, neg_neg


def polarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """(n, 4) saturating counts in [0, 1]: positive, negative, negated positive, negated negative words."""
    rows = [[min(c, 3) / 3.0 for c in _counts(t)] for t in texts]
    return (
        np.asarray(rows, dtype=np.float32).reshape(len(texts), len(POLARITY_NAMES)) * POLARITY_LEXICON_SCALE
    )
