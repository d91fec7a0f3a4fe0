"""A French char head for the unit sentiment (issue 10, French polarity): the units' languages reach the
sentiment head from ``tag``, the split-space tagger and the adaptation's generic head; a French own char head
and weight apply to French units only; artifacts without them tag exactly as before."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlp.tagging.artifacts import ARTIFACT_VERSION, LinearHead, TextHead, backend_slug
from nlp.tagging.doc_words import WordCharHead, fit_word_char_head
from nlp.tagging.split_space import SplitSpaceTagger
from nlp.tagging.tagger import load_tagger, sentiment_reader
from nlp.tagging.verdict_cues import CUE_SHIFTS, CueShifts, shift_verdict_cues
from tests.conftest import HashingEmbedder
from training.corpus import load_seed
from training.train import fit_text_head, train

MODEL = "test-hashing"
TEXTS = [
    "Le produit est défectueux.",
    "The parcel never arrived and nobody answers.",
    "Très déçu de cet achat.",
    "Great service, thank you.",
]
LANGS = ["fr", "en", "fr", "en"]
EN, FR = [1, 3], [0, 2]
W_FR = 0.3


@pytest.fixture(scope="module")
def shared_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sentiment heads as shipped before: one char head blended at one weight for every language."""
    units = [u for i, u in enumerate(load_seed()) if i % 5 == 0]
    out = tmp_path_factory.mktemp("models") / backend_slug(MODEL)
    train(
        ["stage", "sentiment", "emotion", "effort"], HashingEmbedder(), units, out, "test", {}, search=False
    )
    labelled = [u for u in units if u.sentiment]
    y = np.array([u.sentiment for u in labelled])
    fit_text_head("sentiment", [u.text for u in labelled], y).save(out)
    head = LinearHead.load(out / f"sentiment-{ARTIFACT_VERSION}.npz", MODEL)
    dataclasses.replace(head, text_weight=0.5).save(out)
    return out.parent


def _french(src: Path, dst: Path, own_fr: bool) -> Path:
    directory = dst / backend_slug(MODEL)
    shutil.copytree(src / backend_slug(MODEL), directory)
    head = LinearHead.load(directory / f"sentiment-{ARTIFACT_VERSION}.npz", MODEL)
    dataclasses.replace(head, lang_blend=(("fr", W_FR, 0.0),)).save(directory)
    if own_fr:  # a French char head that disagrees with the shared one: its coefficients reversed
        text = TextHead.load(directory / f"sentiment-text-{ARTIFACT_VERSION}.npz")
        dataclasses.replace(text, coef=-text.coef).save(directory, lang="fr")
    return dst


def _scores(p: np.ndarray) -> list[float]:
    return [round(float(v[2] - v[0]), 4) for v in p]


def test_without_a_french_blend_languages_change_nothing(shared_models: Path) -> None:
    tagger = load_tagger(shared_models, MODEL)
    x = HashingEmbedder().encode(TEXTS)
    heads_only = CueShifts(valence=0.0)  # the English valence cue reads the languages by design (R16)
    without = tagger.sentiment_proba(TEXTS, x, shifts=heads_only)
    assert np.array_equal(without, tagger.sentiment_proba(TEXTS, x, LANGS, heads_only))
    assert "sentiment@fr" not in tagger._text_heads
    read = tagger.sentiment_proba(TEXTS, x, LANGS)
    assert [t.sentiment_score for t in tagger.tag(TEXTS, x, LANGS)] == _scores(read)


def test_a_french_own_char_head_is_read_for_french_units_only(shared_models: Path, tmp_path: Path) -> None:
    before = load_tagger(shared_models, MODEL)
    after = load_tagger(_french(shared_models, tmp_path, own_fr=True), MODEL)
    assert "sentiment@fr" in after._text_heads
    x = HashingEmbedder().encode(TEXTS)
    p0, p1 = before.sentiment_proba(TEXTS, x, LANGS), after.sentiment_proba(TEXTS, x, LANGS)
    assert np.array_equal(p0[EN], p1[EN])  # English: the shared char head at the shared weight, bit-identical
    head, own = after._heads["sentiment"], after._text_heads["sentiment@fr"]
    pe = head.predict_proba(after._features(x, TEXTS, head.uses_lexical, head.uses_polarity))
    pt = own.predict_proba(TEXTS)[:, [own.classes.index(c) for c in head.classes]]
    expected = (1 - W_FR) * pe + W_FR * pt
    order = [head.classes.index(c) for c in ("negative", "neutral", "positive")]
    np.testing.assert_allclose(p1[FR], expected[FR][:, order], atol=1e-12)
    # callers that do not know the languages: the shared blend, as before
    assert np.array_equal(after.sentiment_proba(TEXTS, x), before.sentiment_proba(TEXTS, x))
    # tag() passes the units' languages
    assert [t.sentiment_score for t in after.tag(TEXTS, x, LANGS)] == _scores(p1)


def test_a_french_weight_without_an_own_head_reads_the_shared_head(
    shared_models: Path, tmp_path: Path
) -> None:
    before = load_tagger(shared_models, MODEL)
    after = load_tagger(_french(shared_models, tmp_path, own_fr=False), MODEL)
    assert "sentiment@fr" not in after._text_heads
    x = HashingEmbedder().encode(TEXTS)
    p0, p1 = before.sentiment_proba(TEXTS, x, LANGS), after.sentiment_proba(TEXTS, x, LANGS)
    assert np.array_equal(p0[EN], p1[EN]) and not np.allclose(p0[FR], p1[FR])


def test_the_adaptations_generic_head_reads_the_units_languages(shared_models: Path, tmp_path: Path) -> None:
    after = load_tagger(_french(shared_models, tmp_path, own_fr=True), MODEL)
    x = HashingEmbedder().encode(TEXTS)
    read = sentiment_reader(after, LANGS)
    assert read is not None
    assert np.array_equal(read(TEXTS, x), after.sentiment_proba(TEXTS, x, LANGS))
    assert sentiment_reader(after, None) == after.sentiment_proba
    assert sentiment_reader(object(), LANGS) is None


def test_the_split_space_tagger_passes_the_languages_to_the_second_space(
    shared_models: Path, tmp_path: Path
) -> None:
    french = load_tagger(_french(shared_models, tmp_path, own_fr=True), MODEL)
    primary = load_tagger(shared_models, MODEL)
    embedder = HashingEmbedder()
    x = embedder.encode(TEXTS)
    split = SplitSpaceTagger(primary, french, embedder, sentiment_weight=0.25)
    own, second = primary.sentiment_proba(TEXTS, x, LANGS), french.sentiment_proba(TEXTS, x, LANGS)
    expected = 0.75 * own + 0.25 * second
    np.testing.assert_allclose(split.sentiment_proba(TEXTS, x, LANGS), expected, rtol=0, atol=1e-12)
    assert [t.sentiment_score for t in split.tag(TEXTS, x, LANGS)] == _scores(expected)


def test_a_french_word_head_is_read_for_french_units_only(shared_models: Path, tmp_path: Path) -> None:
    """Issue 10 R3: the French head may be a word head with negation scope (``sentiment-words-fr``)."""
    directory = _french(shared_models, tmp_path, own_fr=False) / backend_slug(MODEL)
    units = [u for u in load_seed() if u.sentiment and u.lang == "fr"]
    words = fit_word_char_head(
        [u.text for u in units],
        [u.sentiment for u in units],
        np.ones(len(units)),
        8.0,
        features="scoped_words",
    )
    words.save(directory, "sentiment-words-fr")
    before, after = load_tagger(shared_models, MODEL), load_tagger(tmp_path, MODEL)
    own = after._text_heads["sentiment@fr"]
    assert isinstance(own, WordCharHead) and own.features == "scoped_words"
    x = HashingEmbedder().encode(TEXTS)
    p0, p1 = before.sentiment_proba(TEXTS, x, LANGS), after.sentiment_proba(TEXTS, x, LANGS)
    assert np.array_equal(p0[EN], p1[EN])
    head = after._heads["sentiment"]
    pe = head.predict_proba(after._features(x, TEXTS, head.uses_lexical, head.uses_polarity))
    pt = own.predict_proba(TEXTS)[:, [own.classes.index(c) for c in head.classes]]
    order = [head.classes.index(c) for c in ("negative", "neutral", "positive")]
    np.testing.assert_allclose(p1[FR], ((1 - W_FR) * pe + W_FR * pt)[FR][:, order], atol=1e-12)
    # a French char head beside it is ambiguous: refused rather than one silently preferred
    text = TextHead.load(directory / f"sentiment-text-{ARTIFACT_VERSION}.npz")
    text.save(directory, lang="fr")
    with pytest.raises(ValueError, match="keep one"):
        load_tagger(tmp_path, MODEL)


def test_the_idiom_shift_reaches_both_spaces_and_tag(shared_models: Path) -> None:
    """Issue 10 R8: ``sentiment_proba`` shifts units holding a set verdict phrase (an idiom shift of 0: the
    heads' own probabilities); the split-space tagger shifts both spaces before its mix."""
    tagger = load_tagger(shared_models, MODEL)
    embedder = HashingEmbedder()
    texts = [*TEXTS, "Pas mal du tout.", "Could be better."]
    x = embedder.encode(texts)
    off, on = CueShifts(idiom=0.0), CueShifts(idiom=2.0)
    raw = tagger.sentiment_proba(texts, x, shifts=off)
    np.testing.assert_array_equal(
        tagger.sentiment_proba(texts, x, shifts=on), shift_verdict_cues(texts, raw, CueShifts(2.0, 0.0))
    )
    np.testing.assert_array_equal(
        tagger.sentiment_proba(texts, x), shift_verdict_cues(texts, raw, CueShifts(CUE_SHIFTS.idiom, 0.0))
    )
    moved = tagger.sentiment_proba(texts, x, shifts=on)
    assert np.array_equal(moved[:4], raw[:4]) and not np.allclose(moved[4:], raw[4:])
    split = SplitSpaceTagger(tagger, tagger, embedder, sentiment_weight=0.25)
    np.testing.assert_allclose(split.sentiment_proba(texts, x, shifts=on), moved, rtol=0, atol=1e-12)
