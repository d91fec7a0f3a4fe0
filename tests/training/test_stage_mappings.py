"""Full category → stage mappings: every target is a default-taxonomy stage, every entry justified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.tagging.taxonomy import load_default_taxonomy

MAPPINGS = Path(__file__).resolve().parents[2] / "training" / "mappings"


@pytest.mark.parametrize("name", ["banking77_stages_full.json", "cfpb_stages_full.json"])
def test_full_mapping_targets_and_justifications(name: str) -> None:
    data = json.loads((MAPPINGS / name).read_text(encoding="utf-8"))
    stages = set(load_default_taxonomy().stage_ids)
    assert set(data["mapping"].values()) <= stages
    assert set(data["justification"]) == set(data["mapping"])
    assert all(data["justification"].values())


def test_banking77_full_mapping_covers_all_77_intents_and_extends_the_strict_one() -> None:
    full = json.loads((MAPPINGS / "banking77_stages_full.json").read_text(encoding="utf-8"))["mapping"]
    strict = json.loads((MAPPINGS / "banking77_stages.json").read_text(encoding="utf-8"))["mapping"]
    assert len(full) == 77
    assert all(full[k] == v for k, v in strict.items())  # the full mapping never contradicts the strict one


def test_cfpb_full_mapping_extends_the_strict_one() -> None:
    full = json.loads((MAPPINGS / "cfpb_stages_full.json").read_text(encoding="utf-8"))["mapping"]
    strict = json.loads((MAPPINGS / "cfpb_stages.json").read_text(encoding="utf-8"))["mapping"]
    assert all(full.get(k, v) == v for k, v in strict.items())


def test_cfpb_review_changes_are_recorded_and_applied() -> None:
    """Each category the issue-10 review changed says what it was, what it is and why; the old full mapping
    (what ``bench.stages`` reports as ``full (before review)``) is recoverable from them."""
    from bench.stages import maps_of

    data = json.loads((MAPPINGS / "cfpb_stages_full.json").read_text(encoding="utf-8"))
    stages = set(load_default_taxonomy().stage_ids)
    assert data["changed"]
    for category, change in data["changed"].items():
        assert data["mapping"][category] == change["after"] != change["before"]
        assert {change["before"], change["after"]} <= stages
        assert change["why"] and data["justification"][category] == change["why"]
    maps = maps_of("cfpb")
    before, after = maps["full (before review)"], maps["full"]
    assert set(before) == set(after)
    assert {k for k in after if before[k] != after[k]} == set(data["changed"])
