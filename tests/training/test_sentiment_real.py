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


def test_review_units_keep_their_unit_label_and_split_by_text(tmp_path: Path) -> None:
    from training.sentiment_real import written_units

    lines = [
        '{"text": "Le produit est défectueux.", "lang": "fr", "sentiment": "negative"}',
        '{"text": "Pas mal du tout.", "lang": "fr", "sentiment": "positive"}',
        "",
    ]
    (tmp_path / "reviews_fr.jsonl").write_text("\n".join(lines), encoding="utf-8")
    units = written_units("reviews-fr", tmp_path)
    assert [(u.text, u.lang, u.sentiment, u.source) for u in units] == [
        ("Le produit est défectueux.", "fr", "negative", "reviews-fr"),
        ("Pas mal du tout.", "fr", "positive", "reviews-fr"),
    ]


def test_shipped_review_units_are_split_like_the_real_sets() -> None:
    sources = ("reviews-fr", "reviews-en", "products-fr", "messages-en", "vocab-fr")
    real = load_real(sources=sources)
    for source in sources:
        assert real.fit[source] and real.dev[source]
        assert all(is_dev(u.text) for u in real.dev[source])
        assert {u.sentiment for u in real.fit[source]} == {"negative", "neutral", "positive"}


def test_clause_units_carry_their_review_label_language_and_source() -> None:
    from training.sentiment_real import clause_units, labelled_unit

    good = labelled_unit("Le film est magnifique. Mais la fin est beaucoup trop longue.", "fr", "positive")
    bad = labelled_unit("Scénario ennuyeux, acteurs fades.", "fr", "negative", source="allocine")
    units = clause_units([good, bad])
    assert len(units) >= 3
    assert next(u.text for u in units if u.sentiment == "positive").startswith("Le film est magnifique")
    for u in units:
        source = good if u.text in good.text else bad
        assert u.sentiment == source.sentiment and u.lang == "fr" and u.source == source.source
    assert all(len(u.text.split()) >= 3 for u in clause_units([good, bad], min_words=3))
