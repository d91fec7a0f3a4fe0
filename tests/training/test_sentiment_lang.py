"""``training.compare_sentiment --french-char`` (training/sentiment_lang.py): the option's bad values, the
French re-blend that leaves English rows untouched, and the committed selection rule."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.tagging.doc_words import WordCharHead
from training.compare_sentiment import main
from training.sentiment_lang import decide, figure_langs, lang_heads, relang


@pytest.mark.parametrize(
    "argv",
    [
        ["--french-char", "abc"],
        ["--french-char", "0.2,1.5"],
        ["--french-char", "-0.1"],
        ["--french-char", "nan"],
        ["--french-char="],
        ["--french-char", "0.5", "--french-up", "0.5"],
        ["--french-char", "0.5", "--french-up", "x"],
        ["--french-up", "3"],  # needs --french-char
        ["--french-words", "2"],  # needs --french-char
        ["--on-shipped"],  # needs --french-char
        ["--french-char", "0.5", "--french-words", "0"],
        ["--french-char", "0.5", "--french-words", "2,abc"],
        ["--french-char", "0.5", "--french-kinds", "fr-words,bag"],
        ["--french-char", "0.5", "--french-kinds", ","],
    ],
)
def test_bad_french_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "--french" in capsys.readouterr().err


def test_relang_reblends_french_rows_only() -> None:
    rng = np.random.default_rng(0)
    pe = {"s": rng.random((4, 3)), "d": rng.random((2, 3))}
    pt = {"s": rng.random((4, 3)), "d": rng.random((2, 3))}
    base = {k: 0.5 * pe[k] + 0.5 * pt[k] for k in pe}
    langs = {"s": ["fr", "en", "fr", "en"], "d": ["en", "en"]}
    out = relang(base, pe, pt, langs, 0.2)
    assert np.array_equal(out["s"][[1, 3]], base["s"][[1, 3]]) and np.array_equal(out["d"], base["d"])
    np.testing.assert_allclose(out["s"][[0, 2]], (0.8 * pe["s"] + 0.2 * pt["s"])[[0, 2]])


def test_figures_by_language() -> None:
    scores = {"seed": 0.1, "seed [fr]": 0.2, "seed [en]": 0.3, "xed-fr dev": 0.4, "xed-en dev": 0.5}
    langs = {"seed": ["fr", "en"], "xed-fr dev": ["fr"], "xed-en dev": ["en"]}
    assert figure_langs(scores, langs) == (["seed [fr]", "xed-fr dev"], ["seed [en]", "xed-en dev"])


def test_the_committed_rule() -> None:
    fr, en = ["a [fr]", "b"], ["c [en]"]
    base = {"a [fr]": 0.70, "b": 0.60, "c [en]": 0.80}
    assert decide(base, {**base, "a [fr]": 0.71}, fr, en)[0]  # mean +0.005
    assert not decide(base, {**base, "a [fr]": 0.709}, fr, en)[0]  # mean +0.0045
    assert not decide(base, {"a [fr]": 0.75, "b": 0.589, "c [en]": 0.80}, fr, en)[0]  # b falls 0.011
    assert decide(base, {"a [fr]": 0.75, "b": 0.591, "c [en]": 0.80}, fr, en)[0]  # b falls 0.009
    assert not decide(base, {"a [fr]": 0.75, "b": 0.60, "c [en]": 0.8001}, fr, en)[0]  # English moved


def test_french_heads_fit_on_french_rows_or_up_weighted_rows() -> None:
    seen: list[tuple[list[str], np.ndarray]] = []

    def fit(texts, y, w):  # type: ignore[no-untyped-def]
        seen.append((list(texts), np.asarray(w)))
        return object()

    texts, y = ["un", "one", "deux"], np.array(["negative", "positive", "negative"])
    heads = lang_heads(texts, y, np.array([1.0, 1.0, 2.0]), ["fr", "en", "fr"], fit, (3.0,))
    assert list(heads) == ["fr-only", "all fr×3"]
    assert seen[0][0] == ["un", "deux"] and seen[0][1].tolist() == [1.0, 2.0]
    w = seen[1][1]
    assert np.isclose(w.sum(), 4.0) and np.isclose(w[0] / w[1], 3.0) and np.isclose(w[2] / w[1], 6.0)


def test_french_heads_add_a_unit_length_head_without_allocine_reviews() -> None:
    seen: list[list[str]] = []

    def fit(texts, y, w):  # type: ignore[no-untyped-def]
        seen.append(list(texts))
        return object()

    texts = ["un film long", "one", "deux", "trois"]
    y = np.array(["positive", "positive", "negative", "negative"])
    langs, sources = ["fr", "en", "fr", "fr"], ["allocine", "xed-en", "reviews-fr", "xed-fr"]
    heads = lang_heads(texts, y, np.ones(4), langs, fit, (), sources)
    assert list(heads) == ["fr-only", "fr-units"]
    assert seen == [["un film long", "deux", "trois"], ["deux", "trois"]]
    assert list(lang_heads(texts, y, np.ones(4), langs, fit, ())) == ["fr-only"]  # no sources: no Allociné


def test_on_shipped_keeps_the_shipped_document_expert(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--french-char", "0.5", "--on-shipped"])
    assert exc.value.code == 2 and "--on-shipped needs --no-doc-expert" in capsys.readouterr().err


def test_french_heads_add_word_heads_with_negation_scope_on_the_french_rows() -> None:
    texts = ["Très déçu.", "Great.", "Pas déçu du tout.", "Déçu par la batterie.", "Jamais déçue."]
    y = np.array(["negative", "positive", "positive", "negative", "positive"])
    langs = ["fr", "en", "fr", "fr", "fr"]
    heads = lang_heads(texts, y, np.ones(5), langs, lambda t, y, w: object(), (), (), (2.0, 8.0))
    assert list(heads) == ["fr-only", "fr-words C=2", "fr-wordchar C=2", "fr-words C=8", "fr-wordchar C=8"]
    words, chars = heads["fr-words C=8"], heads["fr-wordchar C=8"]
    assert isinstance(words, WordCharHead) and words.features == "scoped_words"
    assert isinstance(chars, WordCharHead) and chars.features == "scoped_word_char"
    assert not any("great" in v for v in words.vocabulary + chars.vocabulary)  # French rows only
    fit = lambda t, y, w: object()  # noqa: E731
    only = lang_heads(texts, y, np.ones(5), langs, fit, (3.0,), (), (2.0,), ["wordchar"])
    assert list(only) == ["fr-wordchar C=2"]


def test_an_english_blend_reads_english_rows_and_keeps_french_ones() -> None:
    """``--blend-lang en``: the same candidates and rule with the languages' roles swapped."""
    texts = ["Not happy at all.", "Très bien, très bien.", "Not good at all.", "Great, thanks.", "Nul."]
    y = np.array(["negative", "positive", "negative", "positive", "negative"])
    langs = ["en", "fr", "en", "en", "fr"]
    fit = lambda t, y, w: object()  # noqa: E731
    heads = lang_heads(texts, y, np.ones(5), langs, fit, (3.0,), (), (2.0,), ("only", "all", "words"), "en")
    assert list(heads) == ["en-only", "all en×3", "en-words C=2"]
    assert not any("bien" in v for v in heads["en-words C=2"].vocabulary)  # type: ignore[attr-defined]
    scores = {"seed [fr]": 0.5, "seed [en]": 0.6, "xed-en dev": 0.7, "xed-fr dev": 0.4}
    sets = {"seed": ["fr", "en"], "xed-en dev": ["en"], "xed-fr dev": ["fr"]}
    assert figure_langs(scores, sets, "en") == (["seed [en]", "xed-en dev"], ["seed [fr]", "xed-fr dev"])
    ok, why = decide(scores, {**scores, "xed-en dev": 0.72}, *figure_langs(scores, sets, "en"), "en")
    assert ok and why.startswith("English mean gain")
    moved = {**scores, "xed-en dev": 0.72, "xed-fr dev": 0.41}
    assert not decide(scores, moved, *figure_langs(scores, sets, "en"), "en")[0]
