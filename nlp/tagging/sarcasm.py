"""Sarcastic praise of a harm ("Thanks for the 4 hr delay", "Super, encore une panne."): a negative cue.

Why: messages to brands thank, love and praise sarcastically, and the words the encoders and VADER read are
the praise: "Great, another delay." +0.55, "Thanks for the 4 hr delay, really made my day" +0.78, "I love how
nobody ever answers the phone." +0.12 (``frictionmap analyze`` defaults, 2026-12-07). The sarcasm is carried
by a fixed construction — a thanks or a praise word whose object is a harm the customer suffered — so it is
written down, like the set verdict phrases (``nlp.tagging.idioms``), and applied as a log-odds shift toward
negative that never decides alone (``nlp.tagging.verdict_cues``). The constructions are narrow on purpose:
the harm must be the direct object of the thanks ("thanks for the delay", not "thanks for the update on the
delay"), the praise must open the unit and be followed by "another"/"encore" and a harm ("Great, another
delay"; "Super, encore merci" stays praise), and
the loved thing must be an ordeal ("love being on hold"). Written for this project from general usage (no
evaluation text); R31 gave the French "merci (beaucoup) d'avoir / de m'avoir …" the English list's harms;
R34 added praise for a harm "managed" ("Bravo, vous avez réussi à perdre ma valise") and praise for a change
after which nothing works.

Patterns read the accent-folded, lower-cased text (``nlp.text.folding.fold``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nlp.text.folding import fold

_NUMBER = (  # "the 4 hr delay", "les 3h de retard": a quantity before the harm
    r"(?:\d+(?:[.,]\d+)?\s*(?:h|hr|hrs|hours?|heures?|min|mins|minutes?|days?|jours?|weeks?|semaines?)"
    r"\s+(?:de |of )?)?"
)
_EN_HARM = (
    r"(?:delay|delays|wait|waiting|cancell?ation|cancell?ing|losing|lost (?:bag|luggage|parcel|package)"
    r"|ruining|wasting|overbooking|stranding|overcharging|charging me twice|making me wait|the hassle"
    r"|hanging up|ignoring)"
)
_FR_HARM = r"(?:retard|retards|attente|annulation|perte|galere|bazar|panne|pannes)"
# "Merci d'avoir …" a harm done to the customer: _EN_HARM's verbs in French (R31); "annulé" only with "mon
# vol", since customers thank a company for a cancellation they asked for.
_FR_DONE = (
    r"(?:perdu|oublie|egare|casse|ignore|annule mon vol|gache|ruine|fait perdre|raccroche|fait attendre"
    r"|(?:facture|debite|preleve) deux fois|laisse en plan|abandonne|surfacture)"
)
# After "Great, another …" / "Super, encore …": only a harm, so "Super, encore merci" stays praise.
_EN_EVENT = (
    r"(?:delay|cancell?ation|outage|crash|bug|error|problem|issue|fee|strike|breakdown|price (?:rise|hike))"
)
_FR_EVENT = r"(?:panne|retard|bug|probleme|souci|annulation|greve|frais|hausse|coupure|erreur|plantage)"
# R34: praise for having "managed" a harm ("Well done, you managed to lose my luggage"), and praise for a
# change that broke everything ("Bravo pour la mise à jour, plus rien ne marche"): the praise opens the unit.
# A cancellation only of a trip, as R31 ("bravo, you managed to cancel my order" may be what was asked for).
_EN_MANAGED = (
    r"(?:lose|lost|break|broke|ruin|cancel my (?:flight|train)|delay|overcharge|charge me twice|mess up"
    r"|mess it up|wreck|double charge)"
)
_FR_MANAGED = (
    r"(?:perdre|casser|annuler mon (?:vol|train)|gacher|ruiner|egarer|abimer|bloquer|tout casser"
    r"|(?:facturer|debiter|prelever) deux fois|me faire attendre|nous faire attendre)"
)
_EN_PRAISE = (
    r"(?:well done|great job|good job|nice job|nice work|great work|congrats|congratulations|bravo|kudos)"
)
_FR_PRAISE = r"(?:bravo|felicitations|chapeau|beau travail|bien joue)"
_SARCASM = re.compile(
    # English: thanks for a harm; praise, then another / again; loving an ordeal
    r"\b(?:thanks?|thank you|thx|cheers)(?: (?:so much|a lot|again|guys))? for "
    rf"(?:the |another |a |an |my |our |all the )?{_NUMBER}{_EN_HARM}\b"
    r"(?! (?:confirmation|notice|update|info|refund|compensation|voucher))"
    r"|^(?:oh )?(?:great|wonderful|fantastic|perfect|brilliant|awesome|lovely|just great|super|terrific)"
    rf"\s*[,!.]+\s*(?:yet |just )?another {_NUMBER}{_EN_EVENT}\b"
    r"|\b(?:love|loving|adore|enjoy|enjoying) (?:being (?:stuck|on hold|ignored|stranded|delayed|overcharged"
    r"|kept waiting|hung up on)|waiting (?:on hold|for hours|forever|\d+)|sitting (?:on the tarmac|on hold))"
    # French: merci pour un tort; louange, puis encore; adorer une épreuve
    r"|\bmerci (?:beaucoup |bien |encore )?(?:pour|de|du|des) (?:le |la |les |ce |cette |ces |vos |votre |l'|"
    rf"ces )?{_NUMBER}{_FR_HARM}\b(?! (?:rapide|gratuite|sans frais|rembourse))"
    rf"|\bmerci (?:beaucoup |bien |encore |mille fois )?(?:d'|de m'|de nous )avoir {_FR_DONE}\b"
    r"|^(?:super|genial|parfait|bravo|top|trop bien|magnifique|excellent|formidable)\s*[,!.]+\s*"
    rf"(?:encore|une fois de plus|a nouveau)(?: une| un| des| du| en)? {_NUMBER}{_FR_EVENT}\b"
    r"|\bj'adore (?:attendre|poireauter|etre (?:mis|mise) en attente|qu'on me (?:raccroche|balade))"
    # R34: "well done, you managed to lose …" / "bravo, vous avez réussi à perdre …"; "great job on the
    # update, nothing works" / "bravo pour la mise à jour, plus rien ne marche"
    rf"|^{_EN_PRAISE}\b[^.!?]{{0,30}}\b(?:managed|succeeded|found a way) (?:to|in) {_EN_MANAGED}\b"
    rf"|^{_FR_PRAISE}\b[^.!?]{{0,30}}\b(?:reussi|arrive|parvenu)e?s? a {_FR_MANAGED}\b"
    rf"|^{_EN_PRAISE} (?:on|for) [^.!?]{{1,40}}[,;:-]\s*(?:and )?(?:now )?nothing (?:works|is working)\b"
    rf"|^{_FR_PRAISE} pour [^.!?]{{1,40}}[,;:-]\s*(?:et )?(?:plus )?rien ne (?:marche|fonctionne)\b"
)


def sarcasm_marks(texts: Sequence[str]) -> np.ndarray:
    """True where a text holds sarcastic praise of a harm (the constructions above)."""
    return np.array([bool(_SARCASM.search(fold(t))) for t in texts], dtype=bool)
