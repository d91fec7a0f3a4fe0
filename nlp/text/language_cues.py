"""Fast path of language detection: French and English function words settle most texts without lingua.

Why: lingua's n-gram scoring was the largest share of ingest time (issue 14: ~55% of an item's in-process
cost), yet most feedback gives itself away in its first function words — "le", "les", "est", "je", "c'est"
against "the", "and", "is", "I", "don't". Counting those is one regex pass and a few set look-ups.

The fast path only *decides* when the evidence is one-sided; otherwise it answers ``None`` and the caller
asks lingua, so hard cases keep lingua's answer:

* a cue word of another language this product expects to see (Spanish, German, Italian, Portuguese, Dutch:
  "el", "und", "che", "não", "het"...) anywhere in the sample → ``None`` (a Spanish review must still come
  out ``"other"``);
* fewer than ``MIN_CUES`` cues of the leading language → ``None`` (short texts: "Refund never received");
* the other language has more than ``1 / MIN_RATIO`` of the leader's cues → ``None`` (mixed or quoted text).

Cue words are chosen to be rare outside their language among the detector's seven languages ("de", "la", "en",
"in", "no", "die" are left out: they are words of several of them). Thresholds were set on the *train* splits
of the labelled sets in ``../shared/datasets``; ``python -m bench.language`` reports accuracy and time on the
test splits against lingua alone. No project imports: shared with the ingest path.
"""

from __future__ import annotations

import re
from typing import Literal

# Leading letters are enough: language is a property of the first sentences, and a long ticket settles in its
# first few hundred characters; the rest of the sample (up to 2,000 characters) only costs time.
CUE_CHARS = 600
MIN_CUES = 2
MIN_RATIO = 3  # leader's cues >= MIN_RATIO x the other language's cues


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

FRENCH = _words(
    "les des est et je tu il elle ils elles nous vous pour avec pas dans sur une du au aux mon mes ton tes "
    "ses notre votre leur leurs ce cet cette ces qui quoi mais ou où très été être ont sont suis êtes avons "
    "avez fait moins bien aussi encore jamais rien toujours comme quand ça cela ceci lui ne "
    "donc chez sans sous vers depuis puis alors déjà même trop peu beaucoup"
)
ENGLISH = _words(
    "the and is was were are am i you he she we they it its my your our their him her them this that these "
    "those with for have has had not to of at be been being but what there which who would could should will "
    "can just very so do does did don't can't won't didn't doesn't isn't wasn't i'm it's i've i'll you're "
    "they're that's there's "
    "from by about after before because when than then too only any some all get got"
)
# French elisions ("j'attends", "c'est", "l'appli", "qu'on") and English contractions ("don't", "it's").
_FRENCH_ELISIONS = _words("j c l d n qu s m t jusqu lorsqu puisqu quoiqu presqu")
_ENGLISH_CONTRACTED = _words("t s m re ve ll d")
# Function words of the other languages the detector knows (Spanish, German, Italian, Portuguese, Dutch) that
# are not French or English words: any one of them hands the text to lingua.
OTHER = _words(
    "el los las del es está están por con una muy pero como para gracias hola "
    "der das und ist nicht ich sie mit ein eine zu auf den dem sehr wir aber auch war sind bitte danke "
    "che di è gli della delle sono ho molto anche questo questa grazie perché "
    "não em uma com os muito obrigado obrigada você "
    "het een niet ik zijn dat voor op maar ook naar heb wij bedankt"
)

CueLanguage = Literal["fr", "en"]


def cue_counts(text: str) -> tuple[int, int, int]:
    """(French, English, other-language) cue words in the first ``CUE_CHARS`` characters of ``text``."""
    fr = en = other = 0
    for token in _TOKEN.findall(text[:CUE_CHARS].lower()):
        if token in FRENCH:
            fr += 1
        elif token in ENGLISH:
            en += 1
        elif token in OTHER:
            other += 1
        elif "'" in token or "’" in token:
            head, _, tail = token.replace("’", "'").partition("'")
            if head in _FRENCH_ELISIONS:
                fr += 1
            elif tail in _ENGLISH_CONTRACTED:
                en += 1
    return fr, en, other


def cue_language(text: str) -> CueLanguage | None:
    """``"fr"`` or ``"en"`` when the function words are many and one-sided, else ``None`` (ask lingua)."""
    fr, en, other = cue_counts(text)
    if other:
        return None
    if fr >= MIN_CUES and fr >= MIN_RATIO * en:
        return "fr"
    if en >= MIN_CUES and en >= MIN_RATIO * fr:
        return "en"
    return None
