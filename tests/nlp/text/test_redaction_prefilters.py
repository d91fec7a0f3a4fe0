"""The PII prefilters skip scans that cannot match and change no output (``nlp.text.pii_prefilter``)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from re import _parser  # type: ignore[attr-defined]

import pytest

from nlp.text import pii_names, pii_prefilter
from nlp.text.pii_prefilter import may_have_cue
from nlp.text.redaction import redact_pii

ROOT = Path(__file__).resolve().parents[3]


def _expand(items: list[tuple[object, object]]) -> list[str]:
    """Every string a finite sre pattern can match (``\\w+`` stands for "x")."""
    out = [""]
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            options = [chr(arg)]  # type: ignore[arg-type]
        elif name == "IN":
            options = [chr(v) for o, v in arg if str(o) == "LITERAL"]  # type: ignore[attr-defined]
            if any(str(o) == "CATEGORY" for o, _ in arg):  # type: ignore[attr-defined]
                options.append("x")
        elif name == "SUBPATTERN":
            options = _expand(list(arg[-1]))  # type: ignore[index]
        elif name == "BRANCH":
            options = [s for branch in arg[1] for s in _expand(list(branch))]  # type: ignore[index]
        elif name == "MAX_REPEAT":
            low, high, sub = arg  # type: ignore[misc]
            one = _expand(list(sub))
            options = ([""] if low == 0 else []) + one
            assert high == 1 or high == _parser.MAXREPEAT, (low, high)
        elif name == "AT":
            options = [""]
        else:
            raise AssertionError(f"unexpected {name}")
        out = [a + b for a, b in itertools.product(out, options)]
    return out


def _cue_phrases() -> list[str]:
    roles_intros = list(_parser.parse(f"(?:{pii_names._ROLES}|{pii_names._INTROS})"))
    strong = pii_names._STRONG.pattern.split(r"))\b[\s,:]*")[0].removeprefix("(?i:\\b(?:")
    return _expand(roles_intros) + _expand(list(_parser.parse(f"(?:{strong})")))


def test_every_cue_alternative_passes_the_prefilter() -> None:
    phrases = _cue_phrases()
    assert len(phrases) > 150
    for phrase in phrases:
        for variant in (phrase, phrase.upper(), phrase.capitalize()):
            assert may_have_cue(f"Bonjour, {variant} Jean Dupont."), variant


@pytest.mark.parametrize(
    "text",
    [
        "My card was declined at checkout again.",
        "Colis livré avec une semaine de retard.",
        "Remboursement jamais reçu malgré mes relances.",
        "I was on hold for an hour and had to call again.",
    ],
)
def test_texts_without_cue_words_skip_the_cue_rules(text: str) -> None:
    assert not may_have_cue(text)


def _sample() -> list[str]:
    texts = [
        line.split("\t", 1)[1]
        for name in ("dev", "heldout")
        for line in (ROOT / "tests" / "data" / "pii" / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    texts = [re.sub(r"\[\[[A-Z]+\|(.+?)\]\]", r"\1", t) for t in texts]
    for path in sorted((ROOT / "training" / "data").glob("*.jsonl"))[:6]:
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines[:60]]
    texts += [
        "Contact: https://bob:hunter2@example.com or bob@example.com, IBAN FR76 3000 6000 0112 3456 7890 189",
        "password: s3cret, token ghp_abcdefghijklmnopqrstuvwxyz0123456789 and Bearer abcdefghijklmnop1234",
        "Card 4111-1111-1111-1111, 12 rue de Rivoli 75001 Paris, SW1A 1AA, 1 600 Pennsylvania Ave NW",
        "J'ai eu au téléphone ſpoke to Marie Curie; advıser Jean-Pierre Martin; İnterlocuteur Paul Durand",
    ]
    return texts


def test_prefilters_change_no_output() -> None:
    texts = _sample()
    assert len(texts) > 600
    with_checks = [redact_pii(t) for t in texts]
    with pii_prefilter.disabled():
        without = [redact_pii(t) for t in texts]
    assert [r.text for r in with_checks] == [r.text for r in without]
    assert [r.counts for r in with_checks] == [r.counts for r in without]
    assert sum(r.total for r in with_checks) > 200  # the sample does exercise the detectors


def test_disabled_restores_the_flag() -> None:
    with pii_prefilter.disabled():
        assert not pii_prefilter.ENABLED
    assert pii_prefilter.ENABLED
