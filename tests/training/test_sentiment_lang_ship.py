"""``compare_sentiment --on-shipped`` (training/sentiment_lang_ship.py): the French blend is written onto the
shipped head without touching anything else, and a French head of the other kind never stays behind."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp.tagging.artifacts import ARTIFACT_VERSION, LinearHead, TextHead, backend_slug
from nlp.tagging.doc_words import fit_word_char_head
from training.sentiment_lang_ship import shipped_best, write_lang_blend
from training.train import fit_text_head

MODEL = "test-hashing"
TEXTS = ["Très déçu.", "Parfait, merci.", "Colis reçu mardi.", "Pas déçu du tout.", "Déçu par la batterie."]
Y = np.array(["negative", "positive", "neutral", "positive", "negative"])


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    directory = tmp_path / backend_slug(MODEL)
    directory.mkdir()
    rng = np.random.default_rng(0)
    classes = ("negative", "neutral", "positive")
    LinearHead("sentiment", classes, rng.random((3, 8)), rng.random(3), MODEL, False, 0.5).save(directory)
    fit_text_head("sentiment", TEXTS, Y).save(directory)
    card = {"heads": {"sentiment": {"C": 2.0, "text_weight": 0.5, "french_blend": None}}}
    (directory / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    return tmp_path


def _summary(best: str) -> dict[str, object]:
    dev = {"xed-fr dev": 0.6}
    return {
        "model_id": MODEL,
        "french_char": {"best": best, "results": {best: {"dev": dev}}, "baseline": {"dev": dev}},
    }


def test_the_shipped_head_is_read_as_is(artifacts: Path) -> None:
    best = shipped_best(artifacts, MODEL)
    assert best["text_weight"] == 0.5 and isinstance(best["text"], TextHead)
    assert best["family"] == "D ensemble"
    (artifacts / backend_slug(MODEL) / f"sentiment-text-{ARTIFACT_VERSION}.npz").unlink()
    with pytest.raises(SystemExit, match="no shared char head"):
        shipped_best(artifacts, MODEL)


def test_a_french_word_head_is_written_and_the_rest_is_kept(artifacts: Path) -> None:
    directory = artifacts / backend_slug(MODEL)
    best = shipped_best(artifacts, MODEL)
    stale = best["text"].save(directory, "fr")  # a French char head from an earlier run
    words = fit_word_char_head(TEXTS, list(Y), np.ones(5), 8.0, min_df=1, features="scoped_words")
    best["french"] = {"wt": 0.35, "text": words}
    write_lang_blend(artifacts, best, _summary("fr-words C=8 w_fr=0.35"))
    head = LinearHead.load(directory / f"sentiment-{ARTIFACT_VERSION}.npz", MODEL)
    assert head.lang_blend == (("fr", 0.35, 0.0),) and head.text_weight == 0.5
    np.testing.assert_array_equal(head.coef, best["head"].coef)
    assert not stale.exists() and (directory / f"sentiment-words-fr-{ARTIFACT_VERSION}.npz").exists()
    entry = json.loads((directory / "model_card.json").read_text(encoding="utf-8"))["heads"]["sentiment"]
    assert entry["C"] == 2.0 and entry["french_blend"]["file"] == "sentiment-words-fr-v1.npz"
    assert entry["french_blend"]["char_head"] == "fr-words C=8"
    assert entry["french_blend"]["text_weight"] == 0.35


def test_no_french_variant_removes_the_french_blend_and_files(artifacts: Path) -> None:
    directory = artifacts / backend_slug(MODEL)
    best = shipped_best(artifacts, MODEL)
    fit_word_char_head(TEXTS, list(Y), np.ones(5), 8.0, min_df=1, features="scoped_words").save(
        directory, "sentiment-words-fr"
    )
    best["french"] = None
    write_lang_blend(artifacts, best, _summary("shared w_fr=0.5"))
    assert LinearHead.load(directory / f"sentiment-{ARTIFACT_VERSION}.npz", MODEL).lang_blend == ()
    assert not list(directory.glob("sentiment-*-fr-*.npz"))
    entry = json.loads((directory / "model_card.json").read_text(encoding="utf-8"))["heads"]["sentiment"]
    assert entry["french_blend"] is None


def test_allocine_documents_can_be_read_through_the_shipped_expert(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--docs-with-expert``: the dev documents get the pipeline's verdict (expert blended into the rule)."""
    from sklearn.metrics import f1_score

    from nlp.tagging.document_expert import blended_polarities, document_polarities
    from tests.conftest import HashingEmbedder
    from training import compare_sentiment as cs
    from training.corpus import Unit
    from training.sentiment_real import RealSets

    monkeypatch.setattr(cs, "embed", lambda texts, embedder: embedder.encode(list(texts)))
    texts = ["Film lent. Mais les acteurs sont bons.", "Nul, une perte de temps.", "Superbe. Je recommande."]
    labels = ("positive", "negative", "positive")
    docs = [Unit(t, "fr", None, y, None, None, None) for t, y in zip(texts, labels, strict=True)]
    real = RealSets({}, {"allocine": docs})
    held = [Unit("Colis reçu.", "fr", None, "neutral", None, None, None)]

    class Expert:  # the shipped DocumentExpert's interface: blend, min_units, score(means, texts)
        blend, min_units = 0.75, 2

        def score(self, means: np.ndarray, doc_texts: list[str]) -> np.ndarray:
            assert doc_texts == texts and means.shape[0] == 3
            return np.array([1.0, -1.0, 1.0])

    embedder = HashingEmbedder()
    plain, read = cs.DevSet(embedder, held, real, True), cs.DevSet(embedder, held, real, True, Expert())
    unit_texts, rows = plain.docs[0], plain.docs[1]  # type: ignore[index]
    p = np.tile([0.6, 0.1, 0.3], (len(unit_texts), 1))  # every unit negative
    pol, score = p.argmax(axis=1) - 1, p[:, 2] - p[:, 0]
    assert document_polarities(pol, score, rows, 3).tolist() == [-1, -1, -1]
    expected = blended_polarities(pol, score, rows, 3, np.array([1.0, -1.0, 1.0]), 0.75, 2)
    assert expected.tolist() != [-1, -1, -1]  # the expert turns the two-unit positive reviews
    seed = {"seed held-out": np.array([[0.1, 0.8, 0.1]])}
    got = read.scored({**seed, cs.DOCS: p})[cs.DOCS]
    pred = np.array(["negative", "neutral", "positive"])[expected + 1]
    polar = ["negative", "positive"]
    assert got == round(float(f1_score(labels, pred, labels=polar, average="macro", zero_division=0)), 4)
    assert plain.scored({**seed, cs.DOCS: p})[cs.DOCS] < got


def test_docs_with_expert_needs_the_shipped_head(capsys: pytest.CaptureFixture[str]) -> None:
    from training.compare_sentiment import main

    with pytest.raises(SystemExit) as exc:
        main(["--no-doc-expert", "--docs-with-expert"])
    assert exc.value.code == 2 and "--docs-with-expert needs --on-shipped" in capsys.readouterr().err


def test_an_english_blend_is_written_beside_the_french_one(artifacts: Path) -> None:
    directory = artifacts / backend_slug(MODEL)
    best = shipped_best(artifacts, MODEL)
    words = fit_word_char_head(TEXTS, list(Y), np.ones(5), 8.0, min_df=1, features="scoped_words")
    best["french"] = {"wt": 0.5, "text": words}
    write_lang_blend(artifacts, best, _summary("fr-words C=8 w_fr=0.5"))  # the French blend first
    best = shipped_best(artifacts, MODEL)
    best["french"] = {"wt": 0.35, "text": words}
    summary = _summary("en-words C=8 w_fr=0.35")
    summary["french_char"]["blend_lang"] = "en"  # type: ignore[index]
    write_lang_blend(artifacts, best, summary)
    head = LinearHead.load(directory / f"sentiment-{ARTIFACT_VERSION}.npz", MODEL)
    assert head.lang_blend == (("en", 0.35, 0.0), ("fr", 0.5, 0.0))
    assert all((directory / f"sentiment-words-{lang}-v1.npz").exists() for lang in ("fr", "en"))
    entry = json.loads((directory / "model_card.json").read_text(encoding="utf-8"))["heads"]["sentiment"]
    assert entry["french_blend"]["file"] == "sentiment-words-fr-v1.npz"
    assert entry["english_blend"]["file"] == "sentiment-words-en-v1.npz"
