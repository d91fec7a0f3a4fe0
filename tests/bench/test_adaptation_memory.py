"""``bench.adaptation_memory`` runs the service's adaptation step on a generated workspace and reports it."""

from __future__ import annotations

from bench.adaptation_memory import run


def test_a_small_generated_workspace_adapts_within_the_cap() -> None:
    out = run(rated=120, unrated=20, dim=16)
    assert out["adapted"] is True and out["code"] == "bounded (keyset + sample)"
    assert out["rated_items_fitted"] == 120  # below the cap: every rated item
    assert 0 < out["peak_mib"] < 50
