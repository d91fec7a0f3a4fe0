"""The parallel XED pairs (training.xed_parallel) and the paired gap of bench.sentiment --sets xed-parallel,
on tiny hand-made data (no models, no datasets)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.sentiment import _f1
from bench.sentiment_parallel import paired_gap, parallel_docs, predicted_plutchik
from training.xed_parallel import PAIRS_FILE, load_pairs, match_pairs


def test_match_pairs_keeps_close_test_twins_with_the_same_labels_once() -> None:
    sim = np.array(
        [
            [0.90, 0.10, 0.00, 0.20],  # → en 0 (test, same label): kept
            [0.10, 0.95, 0.00, 0.00],  # → en 1 is in English train: dropped
            [0.00, 0.00, 0.55, 0.10],  # → en 2 below the cosine floor: dropped
            [0.10, 0.00, 0.00, 0.80],  # → en 3, label differs: dropped
            [0.92, 0.00, 0.00, 0.00],  # → en 0 again, closer than row 0: takes it
        ]
    )
    fr_labels = ["anger", "joy", "fear", "trust", "anger"]
    en_labels = ["anger", "joy", "fear", "anger;trust"]
    en_is_test = [True, False, True, True]
    assert match_pairs(sim, fr_labels, en_labels, en_is_test, 0.6) == [(4, 0, 0.92)]
    # a lower floor admits row 2; the English line used twice still goes to the closest French line
    assert match_pairs(sim, fr_labels, en_labels, en_is_test, 0.5) == [(2, 2, 0.55), (4, 0, 0.92)]


def _f1_two(y: Sequence[str], p: Sequence[str]) -> float:
    return _f1(y, p, ["negative", "positive"])


def test_paired_gap_is_zero_for_identical_predictions_and_brackets_a_real_difference() -> None:
    truth = ["negative", "positive"] * 30
    same = paired_gap(truth, truth, truth, _f1_two, resamples=200)
    assert same == (0.0, 0.0, 0.0)
    wrong = ["positive" if y == "negative" else "negative" for y in truth[:20]] + truth[20:]
    gap, lo, hi = paired_gap(truth, wrong, truth, _f1_two, resamples=200)
    assert gap > 0.3
    assert lo <= gap <= hi
    assert lo > 0  # 20 of 60 flipped: clearly better on every resample
    assert paired_gap(truth, wrong, truth, _f1_two, resamples=200) == (gap, lo, hi)  # seeded


def test_parallel_docs_reads_both_sides_in_pair_order(tmp_path: Path) -> None:
    for lang, rows in {
        "fr": [("xed-fr-L1", "Je suis furieux.", "anger"), ("xed-fr-L2", "Merci !", "joy")],
        "en": [("xed-en-L7", "Thanks!", "joy"), ("xed-en-L9", "I am furious.", "anger")],
    }.items():
        folder = tmp_path / f"xed_{lang}_emotion"
        folder.mkdir()
        lines = ["id,text,label,lang"] + [f"{i},{t},{y},{lang}" for i, t, y in rows]
        (folder / "test.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pairs = tmp_path / "pairs.json"
    pairs.write_text(
        json.dumps(
            {
                "pairs": [
                    {"fr": "xed-fr-L2", "en": "xed-en-L7", "cosine": 0.9},
                    {"fr": "xed-fr-L1", "en": "xed-en-L9", "cosine": 0.8},
                    {"fr": "xed-fr-L3", "en": "xed-en-L9", "cosine": 0.8},  # id gone: dropped
                ]
            }
        ),
        encoding="utf-8",
    )
    fr, en = parallel_docs(tmp_path, pairs)
    assert [d.text for d in fr] == ["Merci !", "Je suis furieux."]
    assert [d.text for d in en] == ["Thanks!", "I am furious."]
    assert [d.label for d in fr] == [d.label for d in en]


def test_shipped_pairs_file_has_distinct_english_lines() -> None:
    pairs = load_pairs(PAIRS_FILE)
    assert len(pairs) >= 100
    assert len({en for _, en in pairs}) == len(pairs)
    assert all(fr.startswith("xed-fr-") and en.startswith("xed-en-") for fr, en in pairs)


def test_predicted_emotions_map_to_plutchik_and_none() -> None:
    got = predicted_plutchik(["frustration", "satisfaction", None, "worry"])
    assert got == ["anger", "joy", "none", "fear"]
