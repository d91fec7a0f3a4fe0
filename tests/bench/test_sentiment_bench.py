"""bench.sentiment's label mappings, metrics and docs section, on tiny hand-made data (no models)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.sentiment import (
    SECTION_END,
    SECTION_START,
    Table,
    _f1,
    _recall_precision,
    main,
    render,
    three_class,
    write_section,
)
from bench.sentiment_data import Labelled, mapping, message_form, sample, xed_plutchik_target, xed_polarity


@pytest.mark.parametrize(
    ("label", "polarity"),
    [
        ("anger", "negative"),
        ("anger;disgust", "negative"),
        ("fear;sadness", "negative"),
        ("joy;trust", "positive"),
        ("neutral", "neutral"),
        ("anger;joy", None),
        ("surprise", None),
        ("anticipation;joy", None),
    ],
)
def test_xed_polarity(label: str, polarity: str | None) -> None:
    assert xed_polarity(label) == polarity


@pytest.mark.parametrize(
    ("label", "target"),
    [
        ("anger", "anger"),
        ("anger;disgust", "anger"),
        ("disgust", "anger"),
        ("fear", "fear"),
        ("sadness", "sadness"),
        ("joy", "joy"),
        ("trust", "trust"),
        ("joy;trust", None),
        ("surprise", None),
        ("neutral", None),
    ],
)
def test_xed_emotion_target(label: str, target: str | None) -> None:
    assert xed_plutchik_target(label) == target


def test_emotion_mapping_round_trips() -> None:
    m = mapping("xed_emotions.json")
    for plutchik, product in m["plutchik_to_product"].items():
        back = m["product_to_plutchik"][product]
        assert m["plutchik_to_product"][back] == product, plutchik
    assert set(m["justification"]) == set(m["plutchik_to_product"])


def test_recall_precision_and_f1() -> None:
    assert _recall_precision([True, True, False, False], [True, False, True, False]) == (0.5, 0.5)
    assert _recall_precision([True, True], [True, True]) == (1.0, 1.0)
    # neutral predictions count as misses for the polar macro-F1
    assert _f1(["negative", "positive"], ["neutral", "neutral"], ["negative", "positive"]) == 0.0
    assert _f1(["negative", "positive"], ["negative", "positive"], ["negative", "positive"]) == 1.0


def test_sample_is_fixed_and_ordered() -> None:
    rows = [Labelled(str(i), "en", "x") for i in range(50)]
    a, b = sample(rows, 10), sample(rows, 10)
    assert a == b and len(a) == 10
    assert [int(r.text) for r in a] == sorted(int(r.text) for r in a)
    assert sample(rows, None) == rows


def test_render_and_section(tmp_path: Path) -> None:
    t = Table()
    t.at("sentiment", "set-a", "fr", "model-x").add("polar macro-F1", 10, 0.123456)
    md = render(t.rows, {"args": "", "date": "d", "backend": "auto", "seconds": 1.0, "cpus": 2})
    assert "| sentiment | set-a | fr | polar macro-F1 | 10 | 0.1235 | model-x |" in md
    doc = tmp_path / "b.md"
    doc.write_text("# Bench\n\nintro\n", encoding="utf-8")
    write_section(md, doc)
    write_section(md.replace("0.1235", "0.9000"), doc)
    text = doc.read_text(encoding="utf-8")
    assert text.count(SECTION_START) == 1 and text.count(SECTION_END) == 1
    assert "0.9000" in text and "0.1235" not in text and text.startswith("# Bench\n\nintro")


def test_three_class_proxy_metrics() -> None:
    truth = ["negative", "negative", "positive", "positive", "neutral", "neutral"]
    pred = ["negative", "neutral", "negative", "positive", "neutral", "positive"]
    out = three_class(truth, pred)
    assert out["neg-vs-pos accuracy (neutral verdict = miss)"] == (4, 0.5)
    # among the three polar lines called polar, two have the right sign
    assert out["neg-vs-pos accuracy among lines called polar"] == (3, 0.6667)
    assert out["neutral lines kept neutral"] == (2, 0.5)
    assert out["3-class macro-F1"][0] == 6
    assert out["3-class macro-F1"][1] == _f1(truth, pred, ["negative", "neutral", "positive"])
    perfect = three_class(truth, truth)
    assert all(v == 1.0 for _, v in perfect.values())
    # no polar truth: accuracies fall to 0 instead of dividing by zero
    assert three_class(["neutral"], ["neutral"])["neg-vs-pos accuracy (neutral verdict = miss)"] == (0, 0.0)


def test_unknown_set_is_refused_before_any_work(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--sets", "xed-en,xed-en-message"])
    assert exc.value.code == 2
    assert "unknown set(s) xed-en-message" in capsys.readouterr().err


def test_message_form_keeps_the_line_and_adds_addressing() -> None:
    lines = [f"The flight {i} was late." for i in range(30)]
    forms = [message_form(x) for x in lines]
    assert forms == [message_form(x) for x in lines]  # stable
    assert all(f.startswith("@") and x in f for f, x in zip(forms, lines, strict=True))
    assert 0 < sum("http://t.co/" in f for f in forms) < len(forms)
