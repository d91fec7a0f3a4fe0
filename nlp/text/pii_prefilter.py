"""Cheap checks that let the PII scans run only where their patterns can match (issue 14).

Each check is a *necessary* condition of its pattern (a literal the pattern must contain, enough digits, a
digit followed by what an address needs), so skipping a scan when its check fails cannot change the output:
``python -m bench.pii --identical`` redacts every text of the labelled sets with the checks on and off and
compares the results byte for byte, and ``tests/nlp/text/test_redaction_prefilters.py`` does the same on a
sample. Most feedback has no "@", no "=", a handful of digits and no role word, so most scans are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

from nlp.text.pii_lexicon import CUE_PAIRS, CUE_STEMS, CUE_WORDS

ENABLED = True  # off only to prove the checks change nothing (``disabled()``)

_TOKEN = re.compile(r"\w+")
# The regexes' case-insensitive matching folds like ``str.lower`` except for "İ" (one character, not "i" plus
# a combining dot) and the extra equivalences ı/i and ſ/s (``re._casefix``): fold the same way here.
_FOLD = str.maketrans({"ı": "i", "ſ": "s", "\u0307": None})
# Every French/English street line has a digit followed by a space, a comma, a letter (bis, ter, A, 12B) or a
# street type after spaces; a UK postcode ends with a digit and two capitals ("SW1A 1AA").
_ADDRESS_LEAD = re.compile(r"\d[\s,A-Za-z]")
# Literals of redaction._TOKEN_SHAPES (case-sensitive): sk_/pk_/rk_ and gh?_ tokens have "_", Slack "xox",
# AWS "AKIA", JWTs "eyJ", bearer tokens "Bearer ".
_TOKEN_LITERALS = ("_", "xox", "AKIA", "eyJ", "Bearer ")


@contextmanager
def disabled() -> Iterator[None]:
    """Run every scan on every text (the reference the checks are compared with)."""
    global ENABLED
    saved, ENABLED = ENABLED, False
    try:
        yield
    finally:
        ENABLED = saved


def may_have_cue(text: str) -> bool:
    """False when no match of ``pii_names._CUED`` or ``_STRONG`` can start in ``text``: none of its words is
    a first word of their alternatives (``pii_lexicon.CUE_WORDS``, ``CUE_PAIRS``, ``CUE_STEMS``)."""
    if not ENABLED:
        return True
    tokens = _TOKEN.findall(text.lower().translate(_FOLD))
    if not CUE_WORDS.isdisjoint(tokens):
        return True
    if any(pair in CUE_PAIRS for pair in pairwise(tokens)):
        return True
    return any(t.startswith(CUE_STEMS) for t in tokens)


def may_have_address(text: str) -> bool:
    return not ENABLED or _ADDRESS_LEAD.search(text) is not None


def may_have_token(text: str) -> bool:
    return not ENABLED or any(literal in text for literal in _TOKEN_LITERALS)


def may_have(text: str, *literals: str) -> bool:
    """True when every one of ``literals`` is in ``text`` (or the checks are off)."""
    return not ENABLED or all(literal in text for literal in literals)


def may_have_any(text: str, *literals: str) -> bool:
    return not ENABLED or any(literal in text for literal in literals)


def enough_digits(digits: int, needed: int) -> bool:
    return not ENABLED or digits >= needed
