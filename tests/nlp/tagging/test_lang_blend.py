"""Per-language stage blend (issue 10, round 5): a language's own text/prototype weights and char head apply
to that language's units only; artifacts written before it load and tag exactly as before."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlp.tagging.artifacts import ARTIFACT_VERSION, LinearHead, TextHead, backend_slug
from nlp.tagging.tagger import load_tagger
from training.corpus import load_seed
from training.train import fit_text_head, train

MODEL = "test-hashing"
TEXTS = [
    "Toujours pas remboursé, j'ai appelé cinq fois le service client.",
    "The parcel never arrived and nobody answers.",
    "Impossible de résilier mon abonnement en ligne.",
    "I was charged twice at checkout.",
]
LANGS = ["fr", "en", "fr", "en"]


@pytest.fixture(scope="module")
def old_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Heads as every release before round 5 wrote them (one blend), with a text head and prototypes."""
    from tests.conftest import HashingEmbedder

    units = [u for i, u in enumerate(load_seed()) if i % 5 == 0]
    out = tmp_path_factory.mktemp("models") / backend_slug(MODEL)
    heads = ["stage", "sentiment", "emotion", "effort"]
    train(heads, HashingEmbedder(), units, out, "test", {}, search=False)
    stage = LinearHead.load(out / f"stage-{ARTIFACT_VERSION}.npz", MODEL)
    # both experts count (``search=False`` ships neither): a char head on the same rows, fixed weights
    labelled = [u for u in units if u.stage]
    fit_text_head("stage", [u.text for u in labelled], np.array([u.stage for u in labelled])).save(out)
    dataclasses.replace(stage, text_weight=0.6, prior_weight=0.2).save(out)
    assert (out / f"stage-prototypes-{ARTIFACT_VERSION}.npz").exists()
    return out.parent


def _with_blend(src: Path, dst: Path, blend: tuple[tuple[str, float, float], ...], own_fr: bool) -> Path:
    directory = dst / backend_slug(MODEL)
    shutil.copytree(src / backend_slug(MODEL), directory)
    stage = LinearHead.load(directory / f"stage-{ARTIFACT_VERSION}.npz", MODEL)
    dataclasses.replace(stage, lang_blend=blend).save(directory)
    if own_fr:  # a French char head that disagrees with the shared one: its coefficients reversed
        text = TextHead.load(directory / f"stage-text-{ARTIFACT_VERSION}.npz")
        dataclasses.replace(text, coef=-text.coef).save(directory, lang="fr")
    return dst


def test_old_artifacts_load_without_a_blend_and_ignore_languages(old_models: Path, hashing_embedder) -> None:
    head = LinearHead.load(old_models / backend_slug(MODEL) / f"stage-{ARTIFACT_VERSION}.npz", MODEL)
    assert head.lang_blend == ()
    with np.load(old_models / backend_slug(MODEL) / f"stage-{ARTIFACT_VERSION}.npz") as data:
        assert "blend_langs" not in data.files  # saving without a blend writes the old layout
    tagger = load_tagger(old_models, MODEL)
    x = hashing_embedder.encode(TEXTS)
    _, without = tagger.stage_proba(TEXTS, x)
    _, with_langs = tagger.stage_proba(TEXTS, x, LANGS)
    assert np.array_equal(without, with_langs)
    assert "stage@fr" not in tagger._text_heads


def test_blend_round_trips_through_the_file(old_models: Path, tmp_path: Path) -> None:
    _with_blend(old_models, tmp_path, (("fr", 0.9, 0.05),), own_fr=False)
    head = LinearHead.load(tmp_path / backend_slug(MODEL) / f"stage-{ARTIFACT_VERSION}.npz", MODEL)
    assert head.lang_blend == (("fr", 0.9, 0.05),)
    assert head.text_weight == pytest.approx(0.6) and head.prior_weight == pytest.approx(0.2)
    text, prior = head.blend_weights(LANGS, 4)
    assert np.allclose(text, [0.9, 0.6, 0.9, 0.6]) and np.allclose(prior, [0.05, 0.2, 0.05, 0.2])
    assert head.blend_weights(None, 4) == (0.6, 0.2)


def test_french_units_get_their_weights_and_english_ones_stay_bit_identical(
    old_models: Path, tmp_path: Path, hashing_embedder
) -> None:
    before = load_tagger(old_models, MODEL)
    after = load_tagger(_with_blend(old_models, tmp_path, (("fr", 0.9, 0.05),), own_fr=False), MODEL)
    x = hashing_embedder.encode(TEXTS)
    _, p0 = before.stage_proba(TEXTS, x, LANGS)
    ids, p1 = after.stage_proba(TEXTS, x, LANGS)
    en, fr = [1, 3], [0, 2]
    assert np.array_equal(p0[en], p1[en])
    assert not np.allclose(p0[fr], p1[fr])
    # the French rows are the documented blend with the French weights
    head, text = after._heads["stage"], after._text_heads["stage"]
    pe = head.predict_proba(x)[:, [head.classes.index(s) for s in ids]]
    pt = text.predict_proba(TEXTS)[:, [text.classes.index(s) for s in ids]]
    assert after._prototypes is not None
    prior = after._prototypes.probabilities(x)[:, [after._prototypes.stage_ids.index(s) for s in ids]]
    expected = 0.95 * (0.1 * pe + 0.9 * pt) + 0.05 * prior
    assert np.allclose(p1[fr], expected[fr])
    # without the units' languages (callers that do not know them) the head blends as before
    assert np.array_equal(after.stage_proba(TEXTS, x)[1], p0)
    # tag() passes the units' languages
    tags = after.tag(TEXTS, x, LANGS)
    assert [t.stage_probs[ids[0]] for t in tags] == [round(float(v), 4) for v in p1[:, 0]]


def test_a_languages_own_char_head_scores_its_units_only(
    old_models: Path, tmp_path: Path, hashing_embedder
) -> None:
    same = load_tagger(_with_blend(old_models, tmp_path / "a", (("fr", 0.6, 0.2),), own_fr=False), MODEL)
    own = load_tagger(_with_blend(old_models, tmp_path / "b", (("fr", 0.6, 0.2),), own_fr=True), MODEL)
    assert "stage@fr" in own._text_heads and "stage@fr" not in same._text_heads
    x = hashing_embedder.encode(TEXTS)
    _, p_same = same.stage_proba(TEXTS, x, LANGS)
    ids, p_own = own.stage_proba(TEXTS, x, LANGS)
    assert np.array_equal(p_same[[1, 3]], p_own[[1, 3]])  # English: the shared char head
    fr_head, head = own._text_heads["stage@fr"], own._heads["stage"]
    pe = head.predict_proba(x)[:, [head.classes.index(s) for s in ids]]
    pt = fr_head.predict_proba(TEXTS)[:, [fr_head.classes.index(s) for s in ids]]
    assert own._prototypes is not None
    prior = own._prototypes.probabilities(x)[:, [own._prototypes.stage_ids.index(s) for s in ids]]
    assert np.allclose(p_own[[0, 2]], (0.8 * (0.4 * pe + 0.6 * pt) + 0.2 * prior)[[0, 2]])
