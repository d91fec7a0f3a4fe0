"""A French information question ("Y a-t-il du retard sur le 18h05 ?"): a cue toward neutral (issue 10 R32).

Why: the issue asks that neutral, factual sentences stay neutral, and the French heads read the harm word of a
plain question as a complaint ("Proposez-vous une indemnisation pour 3 heures de retard ?" −0.78, "Quel est le
délai d'attente pour être rappelé ?" −0.55; the English heads call the same questions neutral). A question a
customer asks a company already enters the pain-point mining as a request for help (``help_request``), so the
cue changes the sentiment a CX lead reads, not which units are mined; it moves the heads' probabilities
toward neutral (``nlp.tagging.verdict_cues``) and never decides alone.

What counts: the unit ends with "?", holds no "!", opens with an interrogative or holds a verb–subject
inversion, and holds none of the words that make a question a complaint ("pourquoi", "toujours", "encore",
"jamais", "pas", "normal", "combien de fois", …) nor the second-person singular (a person addressed, as in
film lines, not a company). Patterns read the folded text (``nlp.text.folding.fold``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.text.folding import fold

_OPENING = re.compile(
    r"^(?:est[- ]ce qu|quel|quelle|quels|quelles|combien|comment|ou |quand|qui |a quel|a qui|y a[- ]t[- ]il"
    r"|avez[- ]vous|pouvez[- ]vous|puis[- ]je|peut[- ]on|faut[- ]il|dois[- ]je)"
)
_INVERSION = re.compile(r"\w-(?:t-)?(?:il|elle|on|ils|elles|vous|je|nous)\b|\best[- ]ce qu")
_COMPLAINT = re.compile(
    r"\b(?:pourquoi|toujours|encore|jamais|pas|rien|plus|aucun|aucune|personne|enfin|deja|vraiment|normal"
    r"|combien de fois|comment se fait)\b"
)
_SECOND_SINGULAR = re.compile(r"\b(?:tu|te|toi|ton|ta|tes)\b|\bt'")


def is_info_question(text: str) -> bool:
    """True for a French information question as the module defines it."""
    folded = fold(text).strip()
    if not folded.endswith("?") or "!" in folded:
        return False
    if not (_OPENING.search(folded) or _INVERSION.search(folded)):
        return False
    return not (_COMPLAINT.search(folded) or _SECOND_SINGULAR.search(folded))


def info_question_marks(texts: Sequence[str]) -> np.ndarray:
    """True where a text is a French information question."""
    return np.array([is_info_question(t) for t in texts], dtype=bool)
