"""bench.adaptation_units: the unrated documents it builds, its metrics, and its bad options."""

from __future__ import annotations

import numpy as np
import pytest

from bench.adaptation_units import Unrated, main, unit_metrics, unrated_documents


def test_unrated_documents_group_units_and_keep_only_multi_unit_ones() -> None:
    un = unrated_documents()
    assert len(un.texts) == len(un.gold) == len(un.rows) > 100
    counts = np.bincount(un.rows)
    assert counts.min() >= 2  # one-unit reviews are left out: no clause can drift from its item
    assert set(un.gold) <= {"negative", "neutral", "positive"}


def test_unit_metrics_read_the_argmax_and_the_pain_point_gate() -> None:
    un = Unrated(
        ["Super produit.", "Livraison en retard.", "Colis reçu mardi."],
        np.array(["positive", "negative", "neutral"]),
        np.array([0, 0, 0]),
    )
    right = np.array([[0.05, 0.05, 0.9], [0.9, 0.05, 0.05], [0.1, 0.8, 0.1]])
    m = unit_metrics(right, un)
    assert m["macro_f1"] == 1.0 and m["positive_called_negative"] == 0.0 and m["negative_kept"] == 1.0
    flipped = right[:, ::-1]  # praise called negative, the complaint positive
    m = unit_metrics(flipped, un)
    assert m["positive_called_negative"] == 1.0 and m["negative_called_positive"] == 1.0
    assert m["positive_let_in"] == 1.0 and m["negative_kept"] == 0.0


@pytest.mark.parametrize("argv", [["--sizes", "abc"], ["--sizes", "10"], ["--repeats", "0"], ["--sizes", ""]])
def test_bad_options_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
