"""Bilingual (FR/EN) lexicon of customer-effort cues.

Effort (the CES view) is mostly said with a small set of recurring constructions — "third time I call",
"à chaque fois je dois réexpliquer", "45 minutes on hold", "obligé d'aller en agence" — that a sentence
embedding blurs with the topic around them. The cues are features for the effort classifier and the primary
source of the effort *type* (the type names the action, and the lexicon names it more precisely than a
classifier trained on ~250 effort examples). Measurements behind that choice: training/reports/.

A cue preceded by a negation ("I didn't have to call again", "sans avoir à rappeler", "plus besoin d'aller en
agence") is reported as negated: it describes the absence of effort, usually praise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.text.folding import fold

EFFORT_TYPES = (
    "repeat_contact",
    "repeat_information",
    "waiting",
    "reentering_data",
    "going_to_store",
    "complex_procedure",
)

_N = r"(?:\d+|two|three|four|five|six|several|many|deux|trois|quatre|cinq|six|plusieurs|dix|ten)"

# Patterns run on folded text (``nlp.text.folding.fold``): "réexpliquer" is written "reexpliquer".
_CUES: dict[str, tuple[str, ...]] = {
    "repeat_contact": (
        r"\b(?:third|fourth|fifth|3rd|4th|5th) (?:time|call|email|letter|message)\b",
        rf"\b{_N} (?:calls|emails|letters|messages|complaints)\b",
        rf"\b(?:called|call|calling|phoned|emailed|contacted|chased|wrote|posted|complained|reported|asked)\b[^.]{{0,40}}\b(?:again|twice|{_N} times|every (?:day|week)|each time)\b",  # noqa: E501
        r"\b(?:call|phone|chase|contact)(?:ing)? (?:them |you |the \w+ )?(?:again|back each time)\b",
        r"\bkeep (?:calling|chasing|asking)\b",
        r"\b(?:reopen|re-open)(?:ed|ing)? (?:it|the ticket)\b",
        r"\b(?:troisieme|quatrieme|cinquieme|3e|4e|5e) (?:fois|appel|relance|courrier|mail|demande)\b",
        rf"\b{_N} (?:appels|mails|courriers|relances|lettres|reclamations)\b",
        rf"\b(?:appele|appelle|appel|contacte|ecrit|relance|plaint|signale|poste|demande)\b[^.]{{0,40}}\b(?:{_N} fois|encore|chaque (?:semaine|jour|fois)|tous les jours)\b",  # noqa: E501
        r"\b(?:rappeler|relancer|relance|recontacter|rouvre)\b",
    ),
    "repeat_information": (
        r"\b(?:repeat|re-explain|explain(?:ed)? (?:\w+ ){0,3}(?:again|from (?:scratch|the (?:beginning|start))))",  # noqa: E501
        r"\b(?:asked|asking|ask) (?:me )?(?:for )?(?:\w+ ){0,4}again\b",
        r"\b(?:re-?send|sent)\b[^.]{0,40}\b(?:again|times|twice)\b",
        r"\bsame (?:questions|documents|logs|information|details)\b",
        r"\b(?:give|gave|dictate)\b[^.]{0,40}\b(?:again|three times|each time)\b",
        r"\b(?:reexpliquer|tout reexpliquer|expliquer a nouveau|raconter a chaque|redicter|repeter|me repeter)\b",  # noqa: E501
        r"\bredemand\w*\b",
        r"\b(?:redonner|renvoyer|renvoye|reenvoy\w*)\b",
        r"\bles memes (?:questions|documents|pieces|logs|infos|informations|justificatifs)\b",
        r"\b(?:envoye|transmis)\b[^.]{0,40}\b(?:fois|a nouveau|encore)\b",
    ),
    "waiting": (
        r"\b(?:on hold|waiting|waited|wait for|still (?:no|not|waiting|pending))\b",
        rf"\b{_N} (?:minutes|hours|days|weeks|months) (?:on hold|to (?:get|arrive|reply|answer|validate))\b",
        r"\b(?:took|takes|taking) (?:\w+ )?(?:days|weeks|months|ages|forever)\b",
        r"\b(?:delayed|postponed|no reply|no answer|no response|no news|pending|processing|stuck)\b",
        r"\b(?:attente|attendre|attends|attendu|j'attends|toujours pas|toujours aucune?|en cours de traitement)\b",  # noqa: E501
        rf"\b{_N} (?:minutes|heures|jours|semaines|mois) (?:d'attente|pour|a attendre|sans)\b",
        r"\b(?:a mis|met|mettent|mis) (?:\w+ )?(?:jours|semaines|mois|des plombes)\b",
        r"\b(?:retard|repousse|reporte|aucune (?:reponse|nouvelle)|sans (?:reponse|nouvelles)|bloque depuis)\b",  # noqa: E501
    ),
    "reentering_data": (
        r"\b(?:re-?enter|re-?type|type (?:\w+ ){0,3}again|fill(?:ed)? (?:it|\w+ ){0,3}(?:in )?again)\b",
        r"\b(?:wipes?|wiped|lost|loses|erased?|reset|resets|empty)\b[^.]{0,40}\b(?:typed|entered|choices|basket|fields|details|form|settings|filters|text)\b",
        r"\b(?:everything|all) again\b",
        r"\b(?:log(?:s|ged)? (?:me )?out)\b",
        r"\b(?:ressaisir|ressaisie|resaisir|retaper|retape|remplir a nouveau|rempli (?:\w+ )?(?:fois|a nouveau)|tout remettre|tout refaire|remettre mes)\b",  # noqa: E501
        r"\b(?:efface|vide|perd|perdu|remis a zero)\b[^.]{0,40}\b(?:tout|saisi|panier|choix|champs|reglages|filtres|texte)\b",  # noqa: E501
    ),
    "going_to_store": (
        r"\b(?:go|went|going|come|came|drive|drove|bring|take) (?:\w+ ){0,3}(?:to|into) (?:the |a |your )?(?:store|shop|branch|post office|agency|pickup point|relay point)\b",  # noqa: E501
        r"\b(?:in person|wasted trip|second trip|(?:have|had|has) to (?:go|come|drive|bring|take)\b[^.]{0,30}\b(?:store|shop|branch|office|point))\b",  # noqa: E501
        r"\b(?:aller|passer|venir|deplacer|deplacement|retourner|rapporter|me rendre|revenue?)\b[^.]{0,30}\b(?:en (?:agence|boutique|magasin)|a la poste|au magasin|a l'agence|point relais|sur place)\b",  # noqa: E501
        r"\b(?:(?:faut|fallu|dois|devoir|oblige\w*) (?:\w+ ){0,4}(?:en agence|en boutique|au magasin|dans une boutique)|en personne|deplacement (?:inutile|pour rien)|deuxieme deplacement)\b",  # noqa: E501
    ),
    "complex_procedure": (
        r"\b(?:registered letter|paper form|print(?:ing)?, sign|obstacle course|saga|nightmare|maze|several (?:steps|forms)|(?:three|four|five|\d+) (?:different )?(?:documents|forms|signatures|steps|platforms|pdfs))\b",  # noqa: E501
        r"\b(?:a form, a|form, then|required a scan|needs? a code sent by (?:post|letter))\b",
        r"\b(?:(?:lettre |en |courrier )recommandee?|recommande avec|formulaire papier|parcours du combattant|usine a gaz|toute une histoire|labyrinthe|dizaines de papiers|(?:trois|quatre|cinq|\d+) (?:justificatifs|formulaires|signatures|etapes|pdf|documents))\b",  # noqa: E501
        r"\b(?:imprimer, signer|code (?:recu|envoye) par (?:courrier|lettre)|il manque toujours un papier)\b",
    ),
}

_NEGATIONS = re.compile(
    r"\b(?:didn't|did not|don't|do not|no need|never had|without (?:having|needing)|not have to|no longer|"
    r"pas eu (?:a|besoin)|pas besoin|plus besoin|sans (?:avoir|devoir|meme|que j'aie)|rien eu a|aucun besoin|"
    r"n'ai (?:pas|rien|jamais) eu|nul besoin)\b[^.]{0,25}$"
)

_COMPILED = {kind: tuple(re.compile(p) for p in patterns) for kind, patterns in _CUES.items()}


@dataclass(frozen=True)
class EffortCue:
    effort_type: str
    match: str
    negated: bool


@lru_cache(maxsize=65536)
def find_effort_cues(text: str) -> tuple[EffortCue, ...]:
    """All effort cues in ``text``, in type order, each flagged when a negation precedes it.

    Cached: the features of two heads and the type lookup all scan the same unit."""
    folded = fold(text)
    cues: list[EffortCue] = []
    for kind, patterns in _COMPILED.items():
        for pattern in patterns:
            for m in pattern.finditer(folded):
                negated = bool(_NEGATIONS.search(folded[max(0, m.start() - 40) : m.start()]))
                cues.append(EffortCue(kind, m.group(0), negated))
    return tuple(cues)


def cue_vector(text: str) -> list[float]:
    """Per-type indicators (1 affirmed cue, -1 only negated cues, 0 none): lexical features of the model."""
    cues = find_effort_cues(text)
    out: list[float] = []
    for kind in EFFORT_TYPES:
        mine = [c for c in cues if c.effort_type == kind]
        if any(not c.negated for c in mine):
            out.append(1.0)
        elif mine:
            out.append(-1.0)
        else:
            out.append(0.0)
    return out


def lexicon_effort_type(text: str) -> str | None:
    """The most specific affirmed cue type (order of EFFORT_TYPES breaks ties toward the rarer actions)."""
    cues = [c for c in find_effort_cues(text) if not c.negated]
    if not cues:
        return None
    # Prefer the most specific types: "waiting" co-occurs with nearly everything ("still no refund after my
    # third call" is a repeat contact first).
    priority = (
        "going_to_store",
        "reentering_data",
        "repeat_information",
        "repeat_contact",
        "complex_procedure",
        "waiting",
    )
    found = {c.effort_type for c in cues}
    return next(t for t in priority if t in found)
