"""``python -m training.word_coverage`` (issue 10 R7): its bad options exit 2, a candidate changes only its
language's word head and weight, and ``--write`` puts the chosen power on the shipped files and card."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import training.word_coverage as wc
from nlp.tagging.artifacts import ARTIFACT_VERSION, LinearHead, backend_slug
from nlp.tagging.doc_words import WordCharHead, fit_word_char_head

MODEL = "test-hashing"
CLASSES = ("negative", "neutral", "positive")


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "de"],
        ["--powers", "x"],
        ["--powers", "-1"],
        ["--powers", "5"],
        ["--powers", ","],
        ["--weights", "1.5"],
        ["--sources", "nope"],
        ["--sources", ","],
    ],
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        wc.main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def _shipped(root: Path) -> Path:
    """A shipped directory in miniature: a sentiment head blended per language, both languages' word heads."""
    directory = root / backend_slug(MODEL)
    directory.mkdir(parents=True)
    rng = np.random.default_rng(0)
    head = LinearHead(
        "sentiment",
        CLASSES,
        rng.normal(size=(3, 4)),
        np.zeros(3),
        MODEL,
        False,
        0.5,
        0.0,
        False,
        lang_blend=(("en", 0.5, 0.0), ("fr", 0.5, 0.0)),
    )
    head.save(directory)
    texts = ["Très déçu.", "Pas déçu.", "Colis reçu.", "Very bad.", "Not bad.", "Parcel here."]
    labels = ["negative", "positive", "neutral"] * 2
    for lang in ("fr", "en"):
        fit_word_char_head(texts, labels, np.ones(6), 2.0, min_df=1, features="scoped_words").save(
            directory, f"sentiment-words-{lang}"
        )
    card = {"embedding_model_id": MODEL, "heads": {"sentiment": {"french_blend": {"text_weight": 0.5}}}}
    (directory / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    (directory / "stage-v1.npz").write_bytes(b"untouched")
    return directory


def test_a_candidate_changes_only_its_languages_word_head_and_weight(tmp_path: Path) -> None:
    shipped = _shipped(tmp_path / "shipped")
    out = wc.variant(shipped, tmp_path / "candidate", "fr", 2.0, 0.65)
    assert WordCharHead.load(out / "sentiment-words-fr-v1.npz").coverage_power == 2.0
    assert WordCharHead.load(out / "sentiment-words-en-v1.npz").coverage_power == 0.0
    head = LinearHead.load(out / f"sentiment-{ARTIFACT_VERSION}.npz", MODEL)
    assert head.lang_blend == (("en", 0.5, 0.0), ("fr", 0.65, 0.0))
    for name in ("stage-v1.npz", "sentiment-words-en-v1.npz", "model_card.json"):
        assert (out / name).read_bytes() == (shipped / name).read_bytes()
    assert WordCharHead.load(shipped / "sentiment-words-fr-v1.npz").coverage_power == 0.0  # shipped kept


def test_write_puts_the_chosen_power_and_weight_on_the_shipped_files_and_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = _shipped(tmp_path)
    monkeypatch.setattr(wc, "ARTIFACTS", tmp_path)
    dev = {"xed-fr dev": 0.7}
    summary = {
        "model_id": MODEL,
        "lang": "fr",
        "best": "p=1 w=0.65",
        "results": {"p=1 w=0.65": {"dev": dev}},
        "shipped": {"dev": {"xed-fr dev": 0.69}},
    }
    wc.write(summary, (1.0, 0.65))
    assert WordCharHead.load(shipped / "sentiment-words-fr-v1.npz").coverage_power == 1.0
    head = LinearHead.load(shipped / f"sentiment-{ARTIFACT_VERSION}.npz", MODEL)
    assert head.lang_blend == (("en", 0.5, 0.0), ("fr", 0.65, 0.0))
    entry = json.loads((shipped / "model_card.json").read_text())["heads"]["sentiment"]["french_blend"]
    assert entry["coverage_power"] == 1.0 and entry["text_weight"] == 0.65 and entry["dev_coverage"] == dev
    assert (shipped / "stage-v1.npz").read_bytes() == b"untouched"
