"""The CFPB split the stage head trains on (fixed, by text) and the document vote it is scored by."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from training.stage_sources import DocUnits, cfpb_documents, cfpb_part, strict_texts

INVESTIGATION = "Problem with a credit reporting company's investigation into an existing problem"


def test_cfpb_split_is_a_fixed_hash_of_the_text() -> None:
    # fixed values (sha1 of the text): changing the hash, the salt or the percentages must fail here
    fixed = {"a": "test", "d": "fit", "h": "test", "q": "dev"}
    assert {t: cfpb_part(t) for t in fixed} == fixed
    counts = Counter(cfpb_part(f"complaint {i}") for i in range(2000))
    assert 0.45 < counts["test"] / 2000 < 0.55  # half is never trained or selected on
    assert 0.15 < counts["dev"] / 2000 < 0.25 and counts["fit"] > counts["dev"]


def test_document_stage_is_the_argmax_of_its_units_mean_probabilities() -> None:
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]])
    docs = DocUnits(["u1", "u2", "u3", "u4"], np.zeros((4, 2)), np.array([0, 0, 0, 1]), ["x", "y"])
    # document 0: mean (0.467, 0.533) → "b" although its most confident unit says "a"
    assert docs.document_predictions(p, ["a", "b"]) == ["b", "a"]
    assert docs.unit_labels() == ["x", "x", "x", "y"]
    assert np.mean(p[:3], axis=0)[1] == pytest.approx(1.6 / 3)


def test_strict_texts_keep_only_the_strict_mappings_issues(tmp_path: Path) -> None:
    import csv

    folder = tmp_path / "cfpb_complaints_sample"
    folder.mkdir()
    rows = [
        ("The bureau never finished its investigation.", INVESTIGATION),
        ("A loan I never took is on my report.", "Incorrect information on your report"),
        ("I was charged a fee I did not expect.", "Fees or interest"),
    ]
    with (folder / "complaints_with_narrative.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Issue", "Consumer complaint narrative"])
        w.writerows((issue, text) for text, issue in rows)
    # the credit-report content Issue is full-mapping only (usage); the other two are in the strict mapping
    assert strict_texts(tmp_path) == {rows[0][0], rows[2][0]}
    full = cfpb_documents(tmp_path)
    stages = {t: s for texts, labels in full.values() for t, s in zip(texts, labels, strict=True)}
    assert stages[rows[0][0]] == "support" and stages[rows[1][0]] == "usage"
