"""PII redaction: personal data is replaced by typed placeholders before text is stored or analysed (GDPR).

Detection favours validated matches over wide regexes, because a CX dataset is full of look-alikes that must
survive (order numbers, prices, dates, tracking codes) and over-redaction destroys the signal we mine:

* ``<URL_SECRET>`` — credentials in URLs: ``user:password@`` and the values of token-like query parameters.
* ``<SECRET>``     — ``password: ...`` / ``mot de passe : ...`` values and well-known API-token shapes.
* ``<EMAIL>``      — e-mail addresses.
* ``<IBAN>``       — IBANs whose ISO 13616 mod-97 check digits are valid (python-stdnum).
* ``<CARD>``       — 13–19 digit numbers with a card-network prefix that pass the Luhn check (python-stdnum).
* ``<PHONE>``      — numbers Google's libphonenumber finds *valid* in French or international format; US/UK
  national formats only when written with separators, so bare digit runs (order numbers) stay.

Order matters: URLs first (their userinfo looks like an e-mail), cards and IBANs before phones (a card's digit
groups could parse as a phone number).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn

PLACEHOLDERS = ("<EMAIL>", "<PHONE>", "<IBAN>", "<CARD>", "<SECRET>", "<URL_SECRET>")


@dataclass(frozen=True)
class Redaction:
    text: str
    counts: dict[str, int] = field(default_factory=dict)  # placeholder kind ("EMAIL", ...) -> occurrences

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<userinfo>[^\s/@:]+:[^\s/@]+)@", re.I)
_SECRET_PARAMS = (
    "token|access_token|refresh_token|id_token|auth|auth_token|authorization|key|api_key|apikey|secret|"
    "client_secret|password|passwd|pwd|pass|sig|signature|session|sessionid|session_id|jwt|code|otp"
)
_URL_SECRET_PARAM = re.compile(rf"(?P<lead>[?&;](?:{_SECRET_PARAMS})=)(?P<value>[^&#\s]+)", re.I)
_PASSWORD_VALUE = re.compile(
    r"(?P<lead>\b(?:password|passwd|pwd|mot\s+de\s+passe|mdp|code\s+secret|pin)\s*(?:est|is)?\s*[:=]\s*)"
    r"(?P<value>\S+)",
    re.I,
)
_TOKEN_SHAPES = re.compile(
    r"\b(?:"
    r"(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"  # Stripe
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub
    r"|xox[abpr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|AKIA[0-9A-Z]{16}"  # AWS access key id
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWT
    r")\b"
    r"|(?<=\bBearer )[A-Za-z0-9._~+/-]{16,}=*"
)
_EMAIL = re.compile(r"\b[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_CARD_CANDIDATE = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){12,18}(?![\d]|[.,]\d)")
# Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, CB).
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6|50|5[6-9])")
_PHONE_REGIONS = ("FR", "US", "GB")
_SEPARATED = re.compile(r"[\s().-]")


def _valid_iban(candidate: str) -> bool:
    return bool(std_iban.is_valid(candidate.replace(" ", "")))


def _valid_card(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return 13 <= len(digits) <= 19 and bool(_CARD_PREFIX.match(digits)) and luhn.is_valid(digits)


def _sub_validated(
    pattern: re.Pattern[str], text: str, placeholder: str, valid: Callable[[str], bool]
) -> tuple[str, int]:
    count = 0

    def repl(match: re.Match[str]) -> str:
        nonlocal count
        if valid(match.group(0)):
            count += 1
            return placeholder
        return match.group(0)

    return pattern.sub(repl, text), count


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            raw = match.raw_string
            international = raw.lstrip("(").startswith(("+", "00"))
            french_national = region == "FR" and raw.startswith("0")
            if not (international or french_national or _SEPARATED.search(raw)):
                continue  # a bare run of digits is more likely an order/tracking number than a US/UK phone
            spans.append((match.start, match.end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _redact_phones(text: str) -> tuple[str, int]:
    spans = _phone_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + "<PHONE>" + text[end:]
    return text, len(spans)


def redact_pii(text: str) -> Redaction:
    """Replace personal data in ``text`` by typed placeholders; ``counts`` says what was found."""
    counts: dict[str, int] = {}

    def add(kind: str, n: int) -> None:
        if n:
            counts[kind] = counts.get(kind, 0) + n

    text, n = _URL_USERINFO.subn(lambda m: f"{m.group('scheme')}<URL_SECRET>@", text)
    add("URL_SECRET", n)
    text, n = _URL_SECRET_PARAM.subn(lambda m: f"{m.group('lead')}<URL_SECRET>", text)
    add("URL_SECRET", n)
    text, n = _PASSWORD_VALUE.subn(lambda m: f"{m.group('lead')}<SECRET>", text)
    add("SECRET", n)
    text, n = _TOKEN_SHAPES.subn("<SECRET>", text)
    add("SECRET", n)
    text, n = _EMAIL.subn("<EMAIL>", text)
    add("EMAIL", n)
    text, n = _sub_validated(_IBAN_CANDIDATE, text, "<IBAN>", _valid_iban)
    add("IBAN", n)
    text, n = _sub_validated(_CARD_CANDIDATE, text, "<CARD>", _valid_card)
    add("CARD", n)
    text, n = _redact_phones(text)
    add("PHONE", n)
    return Redaction(text=text, counts=counts)
