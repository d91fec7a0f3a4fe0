"""Does a unit ask for help? Support tickets are often neutral in tone but are still problems to mine.

"How do I activate my card?", "Pourriez-vous m'indiquer pourquoi mon compte est bloqué ?": no negative word,
a neutral sentiment, yet each is a recurring question the company should answer once and for all. The
sentiment head rightly calls them neutral, so the pain-point candidate rule (nlp/pipeline/extract.py) reads
this cue too. Bilingual, accent-folded; a plain question counts (a customer asking something of the company
is asking for help), rhetorical questions included — they are usually complaints anyway.
"""

from __future__ import annotations

import re

from nlp.text.folding import fold

_REQUEST = re.compile(
    r"\b(?:how (?:do|can|could|should|long|much)|why (?:is|was|has|have|did|does|do|can't|cant|won't)|"
    r"can you|could you|would you|please (?:help|advise|explain|tell|check|fix|refund|cancel|send)|"
    r"i need (?:help|to know|assistance)|help me|what (?:should|do|can) i|is (?:it|there) (?:normal|a way)|"
    r"i (?:want|would like|need) to (?:cancel|know|change|close|get|understand|report)|"
    r"comment (?:faire|puis|est|se fait|on|je)|pourquoi|pouvez-vous|pourriez-vous|pourrais-je|est-ce normal|"
    r"j'ai besoin d'aide|aidez-moi|merci de (?:me|bien|m')|je souhaite(?:rais)? (?:resilier|savoir|annuler|"
    r"changer|comprendre|signaler|obtenir)|que (?:dois|faut)-(?:je|il)|je voudrais (?:savoir|comprendre))"
)


def asks_for_help(text: str) -> bool:
    """True when the unit is a question or a request addressed to the company."""
    stripped = text.rstrip()
    return stripped.endswith("?") or _REQUEST.search(fold(stripped)) is not None
