from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.naming import shares_word
from nlp.themes.naming import bilingual_name, majority_language, medoid_name, name_themes, pick_name

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "naming" / "irritants.json"


def _groups() -> tuple[list[dict], list[list[str]], list[list[str]], list[list[float]]]:
    irritants = json.loads(FIXTURE.read_text(encoding="utf-8"))["irritants"]
    texts, langs, sims = [], [], []
    for irr in irritants:
        t = [u for lang in ("en", "fr") for u in irr["units"][lang]]
        g = [lang for lang in ("en", "fr") for _ in irr["units"][lang]]
        texts.append(t)
        langs.append(g)
        sims.append([1.0 - 0.01 * i for i in range(len(t))])  # input order as centrality: no model needed
    return irritants, texts, langs, sims


def test_names_share_a_content_word_with_the_human_name_in_each_language() -> None:
    irritants, texts, langs, sims = _groups()
    names = name_themes(texts, langs, sims, preferred="fr")
    for lang in ("en", "fr"):
        hits = [
            shares_word(n.names[lang], irr[lang], stem=True) for n, irr in zip(names, irritants, strict=True)
        ]
        assert sum(hits) / len(hits) >= 0.8, (lang, [n.names[lang] for n in names])
    for n in names:
        assert n.name == n.names["fr"]
        for name in n.names.values():
            assert "·" not in name and 2 <= len(name.split()) <= 8 and name[0].isupper()
    # siblings never share a name
    assert len({n.names["en"].lower() for n in names}) == len(names)


def test_product_noise_and_lemmas_stay_out() -> None:
    texts = [
        "My refund was never received for the hammock.",
        "Refund never received, I sent back the knee brace.",
        "Still waiting, my refund was never received.",
        "The refund was never received and the fly net is torn.",
    ]
    [n] = name_themes([texts], [["en"] * 4], [[0.9, 0.8, 0.7, 0.6]])
    assert "refund" in n.name.lower() and "received" in n.name.lower()
    for noise in ("hammock", "knee", "brace", "fly"):
        assert noise not in n.name.lower()
    fr = [
        "L'application plante à la connexion.",
        "Depuis hier l'application plante à la connexion !",
        "L'application plante à la connexion, encore.",
        "Mon hamac est beau mais l'application plante.",
    ]
    [m] = name_themes([fr], [["fr"] * 4], [[0.9, 0.8, 0.7, 0.6]])
    assert m.name == "L'application plante à la connexion"  # surface form: article, preposition, agreement


def test_no_name_in_a_language_the_theme_lacks() -> None:
    [n] = name_themes([["Card declined at checkout", "My card was declined"]], [["en", "en"]], [[0.9, 0.8]],
                      preferred="fr")  # fmt: skip
    assert set(n.names) == {"en"} and n.name == n.names["en"]


def test_names_are_keyed_only_by_fr_or_en_units() -> None:
    mixed, other_only = name_themes(
        [
            ["Refund never received", "My refund never arrived", "Reembolso nunca recibido", "Rimborso mai"],
            ["Reembolso nunca recibido", "Mi reembolso nunca llegó", "Reembolso nunca llegó"],
        ],
        [["en", "en", "other", "other"], ["other"] * 3],
        [[0.9, 0.8, 0.9, 0.7], [0.9, 0.8, 0.7]],
        preferred="fr",
    )
    assert set(mixed.names) == {"en"} and mixed.name == mixed.names["en"]
    assert other_only.names == {} and "reembolso" in other_only.name.lower()  # a name, keyed by nothing


def test_parent_theme_names_can_be_one_shared_word_and_are_bilingual_titles() -> None:
    refunds = [
        "Refund never received",
        "The refund takes weeks",
        "Still waiting for my refund",
        "Refund promised, nothing",
    ]
    [two, one] = [
        name_themes([refunds], [["en"] * 4], [[0.9, 0.8, 0.7, 0.6]], min_words=m)[0] for m in (2, 1)
    ]
    assert len(two.name.split()) >= 2 and one.name == "Refund"
    assert bilingual_name({"fr": "Remboursements", "en": "Refunds"}, ["fr"] * 5 + ["en"] * 3, "fr") == (
        "Remboursements / Refunds"
    )
    assert bilingual_name({"fr": "Remboursements", "en": "Refunds"}, ["fr"] * 5 + ["en"] * 3, "en") == (
        "Refunds / Remboursements"
    )
    # a stray unit does not make a theme bilingual; names in one language stay single
    assert bilingual_name({"fr": "Remboursements", "en": "Refunds"}, ["fr"] * 20 + ["en"], "en") == (
        "Remboursements"
    )
    assert bilingual_name({"en": "Refunds"}, ["en", "other"], "fr") == "Refunds"


def test_pick_name_and_majority_language() -> None:
    assert pick_name({"fr": "A b", "en": "C d"}, ["en", "fr", "fr"], None) == "A b"
    assert pick_name({"fr": "A b", "en": "C d"}, ["en", "fr", "fr"], "en") == "C d"
    assert majority_language(["fr", "en", "en", "other"]) == "en"
    assert majority_language(["other"]) is None


def test_medoid_trims_fillers() -> None:
    assert medoid_name(["I think the delivery was late, again"], [1.0]) == "Think the delivery was late"
    assert medoid_name(["ok"], [1.0]) is None


@pytest.mark.parametrize("method", ["phrase", "medoid"])
def test_deterministic(method: str) -> None:
    _, texts, langs, sims = _groups()
    a = name_themes(texts, langs, sims, method=method)  # type: ignore[arg-type]
    b = name_themes(texts, langs, sims, method=method)  # type: ignore[arg-type]
    assert a == b
