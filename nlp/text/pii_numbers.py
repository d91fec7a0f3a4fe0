"""Identifiers by shape and checksum: French NIR (key), IBAN (mod-97), phone numbers (FR, UK, US, others).

Phones are recognised by *shape*, not by allocation, so a number in a range libphonenumber does not know yet
is still redacted. What keeps order and ticket numbers is the context rule: a phone-shaped number right after
an identifier word (ticket, order, commande, dossier, référence, n°, facture, contrat, client, tracking,
case, account, booking...) is kept unless a phone word (tél, téléphone, portable, appeler, joindre, phone,
call, mobile...) comes after that identifier word. "Commande n° 0612345678" stays; "appelez-moi au 06 12 34
56 78" goes; "ticket 1234567890" is not phone-shaped in the first place.
"""

from __future__ import annotations

import re

import phonenumbers

# --- NIR (numéro de sécurité sociale) ---------------------------------------------------------------------
_NIR = re.compile(
    r"(?<![\w])(?P<body>[1-478][\s.]?\d{2}[\s.]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.]?(?:\d{2}|2[ABab])"
    r"[\s.]?\d{3}[\s.]?\d{3})[\s.]?(?P<key>\d{2})(?![\w])"
)


def nir_spans(text: str) -> list[tuple[int, int]]:
    """NIRs whose two-digit key is 97 minus the 13-digit body mod 97 (Corsica's 2A/2B read as 19/18)."""
    spans = []
    for match in _NIR.finditer(text):
        body = re.sub(r"[\s.]", "", match.group("body")).upper().replace("2A", "19").replace("2B", "18")
        if body.isdigit() and 97 - int(body) % 97 == int(match.group("key")):
            spans.append((match.start(), match.end()))
    return spans


# --- IBAN --------------------------------------------------------------------------------------------------
# ISO 13616 lengths of the countries customers of a French/English CX tool write most; others: 15 to 34.
_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "TN": 24, "TR": 26,
}  # fmt: skip
_IBAN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")


def _mod97(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def iban_spans(text: str) -> list[tuple[int, int]]:
    """The longest prefix of each IBAN-shaped run whose length fits its country and whose mod-97 is 1."""
    spans = []
    for match in _IBAN_CANDIDATE.finditer(text):
        raw = match.group(0)
        ends = [i + 1 for i, c in enumerate(raw) if c != " "]  # end offset of each compact character
        compact = raw.replace(" ", "").upper()
        country = compact[:2]
        lengths = [_IBAN_LENGTHS[country]] if country in _IBAN_LENGTHS else range(len(compact), 14, -1)
        for length in lengths:
            if length <= len(compact) and _mod97(compact[:length]):
                spans.append((match.start(), match.start() + ends[length - 1]))
                break
    return spans


# --- Phones ------------------------------------------------------------------------------------------------
_SEP = r"[ .\-]?"
_PHONE_SHAPES = (
    # France: 0X XX XX XX XX, +33 X XX XX XX XX, 0033..., +33 (0)X...
    re.compile(rf"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:{_SEP}\d{{2}}){{4}}(?![\d])"),
    # UK: 0 + 10 digits, or +44 + 10 digits, in any grouping.
    re.compile(r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|0)[1-37-9](?:[ \-]?\d){9}(?![\d])"),
    # North America: (AAA) BBB-CCCC, AAA-BBB-CCCC, +1 AAA BBB CCCC; separators required.
    re.compile(r"(?<![\w+(])(?:\+?1[ .\-]?)?(?:\(\d{3}\)\s?|\d{3}[ .\-])\d{3}[ .\-]\d{4}(?![\d])"),
)
_ID_WORDS = re.compile(
    r"(?i:\b(?:tickets?|orders?|commandes?|cdes?|dossiers?|r[ée]f[ée]rences?|r[ée]f|facture|invoice|"
    r"contrat|contract|client|customer|tracking|suivi|colis|parcel|case|account|booking|r[ée]servation|"
    r"sku|code|article|produit|product|claim|sinistre|abonn[ée]|membre|member|adh[ée]rent)\b"
    r"|\bn[°o]\.?|#)"
)
_PHONE_WORDS = re.compile(
    r"(?i:\b(?:t[ée]l[ée]?(?:phone)?|tel|phone|portable|mobile|fixe|landline|appel\w*|rappel\w*|joindre|"
    r"joignable|call\w*|ring|text|reach|sms|whatsapp|fax|contact\w*)\b)"
)


def _identifier_context(text: str, start: int) -> bool:
    window = text[max(0, start - 40) : start]
    ids = [m.end() for m in _ID_WORDS.finditer(window)]
    if not ids:
        return False
    phones = [m.end() for m in _PHONE_WORDS.finditer(window)]
    return not phones or ids[-1] > phones[-1]


# Cheap prefilters (issue 14): a scan runs only where its pattern can match. Every phone shape above has at
# least 10 digits (FR 0X + 8, UK 0 + 10, NANP 3 + 3 + 4); an international number at least 7 (a country code
# of 1–3 digits and the shortest national numbers, 4 digits); a NIR 14 (12 digits and 2A/2B, then the key).
MIN_PHONE_SHAPE_DIGITS = 10
MIN_INTERNATIONAL_DIGITS = 7
MIN_NIR_DIGITS = 14
_DIGITS = re.compile(r"\d")
# what PhoneNumberMatcher's kept matches start with: "+" (then a digit), or "00" not inside a longer number
_INTERNATIONAL_LEAD = re.compile(r"\+\s?\(?\d|(?<!\d)00")


def digit_count(text: str) -> int:
    return len(_DIGITS.findall(text))


def phone_spans(text: str, digits: int | None = None) -> list[tuple[int, int]]:
    """Phone numbers by shape, then international ones (libphonenumber); ``digits``: ``digit_count(text)``
    when the caller has it. Each scan is skipped when the text has too few digits for it to match."""
    digits = digit_count(text) if digits is None else digits
    if digits < MIN_INTERNATIONAL_DIGITS:
        return []
    spans = []
    if digits >= MIN_PHONE_SHAPE_DIGITS:
        spans = [(m.start(), m.end()) for shape in _PHONE_SHAPES for m in shape.finditer(text)]
    if _INTERNATIONAL_LEAD.search(text):  # other countries, written internationally
        for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.POSSIBLE):
            if match.raw_string.lstrip("(").startswith(("+", "00")):
                spans.append((match.start, match.end))
    return [s for s in spans if not _identifier_context(text, s[0])]
