"""PII redaction: personal data is replaced by typed placeholders before text is stored or analysed (GDPR).

Detection favours validated matches over wide regexes, because a CX dataset is full of look-alikes that must
survive (order numbers, prices, dates, tracking codes) and over-redaction destroys the signal we mine:

* ``<URL_SECRET>`` — credentials in URLs: ``user:password@`` and the values of token-like query parameters.
* ``<SECRET>``     — ``password: ...`` / ``mot de passe : ...`` values and well-known API-token shapes.
* ``<EMAIL>``      — e-mail addresses.
* ``<IBAN>``       — IBAN-shaped runs (any case, any spacing) with a valid mod-97 and the country's length.
* ``<CARD>``       — 13–19 digit numbers with a card-network prefix that pass the Luhn check (python-stdnum).
* ``<NIR>``       — French social security numbers whose two-digit key checks (``pii_numbers``).
* ``<PHONE>``      — French, UK and North-American numbers by *shape* (also in unallocated ranges) and other
  international numbers; a phone-shaped number right after an identifier word (ticket, commande, dossier,
  référence, n°, order...) is kept as the order/ticket number it is (rule in ``pii_numbers``).
* ``<ADDRESS>``    — French street addresses (number, bis/ter, street type, postcode and town), UK/US street
  lines with postcode or state and ZIP, bare UK postcodes (``pii_addresses``).
* ``<NAME>``       — person names after a title (the title stays: "Mme <NAME>"), a role word or an
  introduction, known first names, and French multi-word ``PER`` entities of spaCy (``pii_names``).

Order matters: URLs first (their userinfo looks like an e-mail), IBANs and cards before the rest (their digit
groups could parse as a phone); then NIR, phone, address and name spans are found on the same text and an
earlier kind wins an overlap ("rue Victor Hugo" inside an address is not a person).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum import luhn

from nlp.text.pii_addresses import address_spans
from nlp.text.pii_names import name_spans
from nlp.text.pii_numbers import (
    MIN_INTERNATIONAL_DIGITS,
    MIN_NIR_DIGITS,
    digit_count,
    iban_spans,
    nir_spans,
    phone_spans,
)
from nlp.text.pii_prefilter import (
    enough_digits,
    may_have,
    may_have_address,
    may_have_any,
    may_have_token,
)

PLACEHOLDERS = (
    "<EMAIL>",
    "<PHONE>",
    "<IBAN>",
    "<CARD>",
    "<SECRET>",
    "<URL_SECRET>",
    "<NAME>",
    "<ADDRESS>",
    "<NIR>",
)


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
_CARD_CANDIDATE = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){12,18}(?![\d]|[.,]\d)")
# Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, CB).
# Fewest digits of an IBAN (country letters then two check digits) and of a card number.
_MIN_IBAN_DIGITS = 2
_MIN_CARD_DIGITS = 13
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6|50|5[6-9])")


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


@dataclass(frozen=True)
class PiiSpan:
    start: int
    end: int
    kind: str  # "NAME", "ADDRESS", "NIR", "PHONE" (detectors that run on the text left after the others)


# Later kinds lose overlaps to earlier ones: an IBAN's digit groups are not a phone, "rue Victor Hugo" in an
# address is not a person.
_SPAN_ORDER = ("NIR", "PHONE", "ADDRESS", "NAME")


def _detect(text: str) -> list[PiiSpan]:
    found: list[PiiSpan] = []
    digits = digit_count(text)  # prefilter: each number scan runs only when enough digits are there
    sources: tuple[tuple[str, Callable[[str], list[tuple[int, int]]] | None], ...] = (
        ("NIR", nir_spans if digits >= MIN_NIR_DIGITS else None),
        ("PHONE", (lambda t: phone_spans(t, digits)) if digits >= MIN_INTERNATIONAL_DIGITS else None),
        ("ADDRESS", address_spans if digits and may_have_address(text) else None),
        ("NAME", name_spans),
    )
    for kind, detect in sources:
        if detect is None:
            continue
        for start, end in sorted(detect(text), key=lambda s: (s[0], -s[1])):
            if end <= start or any(start < f.end and f.start < end for f in found):
                continue
            found.append(PiiSpan(start, end, kind))
    return sorted(found, key=lambda f: f.start)


def find_pii(text: str) -> list[PiiSpan]:
    """NIR, phone, address and name spans of ``text`` (``redact_pii`` looks for them once secrets, e-mails,
    IBANs and cards are already placeholders)."""
    return _detect(text)


def _replace(text: str, spans: list[PiiSpan], add: Callable[[str, int], None]) -> str:
    for span in reversed(spans):
        text = text[: span.start] + f"<{span.kind}>" + text[span.end :]
    for kind in _SPAN_ORDER:
        add(kind, sum(1 for s in spans if s.kind == kind))
    return text


def redact_pii(text: str) -> Redaction:
    """Replace personal data in ``text`` by typed placeholders; ``counts`` says what was found."""
    counts: dict[str, int] = {}

    def add(kind: str, n: int) -> None:
        if n:
            counts[kind] = counts.get(kind, 0) + n

    # Prefilters (``pii_prefilter``): each scan runs only when the text has what its pattern needs.
    # Placeholders add no digits, so the digit count of the input bounds every later step's.
    digits = digit_count(text)
    if may_have(text, "://", "@"):
        text, n = _URL_USERINFO.subn(lambda m: f"{m.group('scheme')}<URL_SECRET>@", text)
        add("URL_SECRET", n)
    if may_have(text, "="):
        text, n = _URL_SECRET_PARAM.subn(lambda m: f"{m.group('lead')}<URL_SECRET>", text)
        add("URL_SECRET", n)
    if may_have_any(text, ":", "="):
        text, n = _PASSWORD_VALUE.subn(lambda m: f"{m.group('lead')}<SECRET>", text)
        add("SECRET", n)
    if may_have_token(text):
        text, n = _TOKEN_SHAPES.subn("<SECRET>", text)
        add("SECRET", n)
    if may_have(text, "@"):
        text, n = _EMAIL.subn("<EMAIL>", text)
        add("EMAIL", n)
    if enough_digits(digits, _MIN_IBAN_DIGITS):
        spans = iban_spans(text)
        for start, end in reversed(spans):
            text = text[:start] + "<IBAN>" + text[end:]
        add("IBAN", len(spans))
    if enough_digits(digits, _MIN_CARD_DIGITS):
        text, n = _sub_validated(_CARD_CANDIDATE, text, "<CARD>", _valid_card)
        add("CARD", n)
    text = _replace(text, _detect(text), add)
    return Redaction(text=text, counts=counts)
