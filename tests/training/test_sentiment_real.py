"""The real-data loader for sentiment training: label mapping and the fixed development split."""

from __future__ import annotations

from pathlib import Path

from training.sentiment_real import is_dev, load_real, xed_sentiment


def test_xed_sentiment() -> None:
    assert xed_sentiment("anger;disgust") == "negative"
    assert xed_sentiment("joy") == "positive"
    assert xed_sentiment("neutral") == "neutral"
    assert xed_sentiment("joy;sadness") is None
    assert xed_sentiment("surprise") is None


def test_dev_split_is_stable_and_about_a_fifth() -> None:
    texts = [f"line {i}" for i in range(2000)]
    share = sum(is_dev(t) for t in texts) / len(texts)
    assert 0.15 < share < 0.25
    assert [is_dev(t) for t in texts] == [is_dev(t) for t in texts]


def test_load_real_reads_train_splits_only(tmp_path: Path) -> None:
    (tmp_path / "allocine_fr_sample").mkdir()
    (tmp_path / "xed_en_emotion").mkdir()
    rows = "\n".join(f'a{i},"avis {i}",{"negative" if i % 2 else "positive"},fr' for i in range(40))
    (tmp_path / "allocine_fr_sample" / "train.csv").write_text("id,text,label,lang\n" + rows + "\n")
    (tmp_path / "allocine_fr_sample" / "test.csv").write_text(
        "id,text,label,lang\nt,never read,negative,fr\n"
    )
    xed = "\n".join(f"x{i},line {i},{['anger', 'joy', 'neutral', 'surprise'][i % 4]},en" for i in range(40))
    (tmp_path / "xed_en_emotion" / "train.csv").write_text("id,text,label,lang\n" + xed + "\n")
    real = load_real(tmp_path, ("allocine", "xed-en"))
    allocine = real.fit["allocine"] + real.dev["allocine"]
    assert len(allocine) == 40 and all(u.lang == "fr" for u in allocine)
    assert "never read" not in {u.text for u in allocine}
    xed_units = real.fit["xed-en"] + real.dev["xed-en"]
    assert len(xed_units) == 30  # surprise lines dropped
    assert {u.sentiment for u in xed_units} == {"negative", "positive", "neutral"}
    assert all(is_dev(u.text) for u in real.dev["xed-en"])
    assert not any(is_dev(u.text) for u in real.fit["xed-en"])
