"""Postal addresses: French street shapes (number, bis/ter, street type, name, postcode and town), UK and US
street lines with their postcode / state and ZIP, and bare UK postcodes.

A street needs a number to count ("la boutique de la rue de Rivoli" is a place, "12 rue de Rivoli" is an
address); a postcode and town that follow are absorbed into the same span.
"""

from __future__ import annotations

import re

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿ"
_FR_TYPES = (
    r"rue|avenue|av\.?|boulevard|bd|bld|allée|allee|chemin|impasse|place|pl\.|quai|route|rte|cours|square|"
    r"passage|voie|résidence|lotissement|lieu-dit|chaussée|faubourg|fbg|sentier|hameau|esplanade|promenade|"
    r"rond-point|cité|villa|parvis|montée|traverse|ruelle|sq\.?"
)
_FR_NAME_WORD = rf"(?:[{_UP}0-9][\w'’\-.]*|(?:de|du|des|la|le|les|et|sur|sous|aux|au|en|à)\b|l['’]|d['’])"
_FR_STREET = (
    rf"(?<![\w,.])\d{{1,4}}(?:\s?(?:bis|ter|quater|[A-Da-d])\b)?,?\s+(?i:{_FR_TYPES})\s+"
    rf"(?:{_FR_NAME_WORD}\s*){{0,5}}[{_UP}0-9][\w'’\-]*"
)
_FR_TOWN = (
    rf"(?:,?\s*\d{{5}}\s+[{_UP}][\w'’\-]*(?:[\s\-](?:[{_UP}][\w'’\-]*|(?:sur|sous|en|le|la|les|de)\b))*)"
)
_FR_ADDRESS = re.compile(rf"{_FR_STREET}{_FR_TOWN}?")

_UK_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"
_EN_TYPES = (
    r"Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Gardens|Terrace|Place|Pl|Court|Ct|"
    r"Square|Grove|Hill|Mews|Row|Walk|Boulevard|Blvd|Parkway|Pkwy|Highway|Hwy|Circle|Trail|Park|Green"
)
_EN_STREET = (
    rf"(?<![\w,.])\d{{1,5}}[A-Za-z]?\s+(?:(?:[A-Z][\w'’\-]*|\d+(?:st|nd|rd|th))\s+){{1,3}}(?:{_EN_TYPES})\.?"
    r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W))?\b"
)
_EN_UNIT = r"(?:,?\s+(?:Apt|Apartment|Suite|Unit|Flat)\.?\s*\w+)?"
_EN_TOWN = r"(?:,?\s+[A-Z][a-zA-Z'’\-]+(?:\s+[A-Z][a-zA-Z'’\-]+)?)"
_US_TAIL = r"(?:,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?)"
_EN_ADDRESS = re.compile(
    rf"{_EN_STREET}{_EN_UNIT}(?:{_EN_TOWN}?(?:{_US_TAIL}|\s+{_UK_POSTCODE})|{_EN_TOWN}(?=[,.]?\s*$))?"
)
_POSTCODE_ALONE = re.compile(_UK_POSTCODE)


def address_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _FR_ADDRESS.finditer(text)]
    spans += [(m.start(), m.end()) for m in _EN_ADDRESS.finditer(text)]
    spans += [(m.start(), m.end()) for m in _POSTCODE_ALONE.finditer(text)]
    return spans
