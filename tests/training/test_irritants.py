"""The bilingual known-irritant set: files load, labels are valid, pairs are complete, the split is fixed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nlp.tagging.taxonomy import load_default_taxonomy
from training.corpus import load_seed
from training.irritants import DATA_DIR, MORE_PREFIX, load_irritants, part_of, parts


def test_every_unit_has_a_default_taxonomy_stage_and_both_languages_of_its_pair() -> None:
    units = load_irritants()
    assert 300 <= len(units) <= 420
    assert {u.stage for u in units} == set(load_default_taxonomy().stage_ids)
    by_group: dict[str, list[str]] = {}
    for u in units:
        by_group.setdefault(u.group or "", []).append(u.lang)
    assert all(sorted(langs) == ["en", "fr"] for langs in by_group.values())
    stage_of = {}
    for u in units:  # a pair is one situation: both languages carry the same stage
        assert stage_of.setdefault(u.group, u.stage) == u.stage
    assert len({u.text for u in units}) == len(units)
    assert len({u.domain for u in units}) >= 10


def test_split_never_separates_a_pair_and_is_a_fixed_hash() -> None:
    units = load_irritants()
    split = parts(units)
    assert sum(len(v) for v in split.values()) == len(units)
    part_by_group: dict[str, set[str]] = {}
    for name, members in split.items():
        for u in members:
            part_by_group.setdefault(u.group or "", set()).add(name)
    assert all(len(p) == 1 for p in part_by_group.values())
    # fixed values (sha1 of the group): changing the hash or the percentages must fail here
    fixed = {"irr-bank-000": "dev", "irr-credit_card-001": "fit", "irr-saas-007": "heldout"}
    assert {g: part_of(g) for g in fixed} == fixed
    counts = Counter(part_of(g) for g in part_by_group)
    assert 0.2 < counts["heldout"] / len(part_by_group) < 0.4
    assert counts["dev"] > 0 and counts["fit"] > counts["dev"]
    assert {u.stage for u in split["heldout"]} == set(load_default_taxonomy().stage_ids)


def test_split_is_stable_when_rows_are_added(tmp_path: Path) -> None:
    before = {u.text: part_of(u.group or "") for u in load_irritants()}
    for lang in ("fr", "en"):
        rows = (DATA_DIR / f"irritants_{lang}.jsonl").read_text(encoding="utf-8")
        extra = {
            "text": f"new {lang}",
            "group": "irr-new-999",
            "lang": lang,
            "stage": "usage",
            "domain": "saas",
        }
        (tmp_path / f"irritants_{lang}.jsonl").write_text(rows + json.dumps(extra) + "\n", encoding="utf-8")
    after = {u.text: part_of(u.group or "") for u in load_irritants(tmp_path)}
    assert all(after[t] == p for t, p in before.items())


def test_invalid_stage_is_rejected(tmp_path: Path) -> None:
    row = {"text": "x", "group": "g", "lang": "fr", "stage": "billing", "domain": "bank"}
    (tmp_path / "irritants_fr.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (tmp_path / "irritants_en.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="stage must be one of"):
        load_irritants(tmp_path)


def test_other_heads_never_read_the_irritants() -> None:
    """The seed loader (sentiment, emotion, effort heads) must not pick the irritant files up."""
    seed_texts = {u.text for u in load_seed()}
    assert not seed_texts & {u.text for u in load_irritants()}


def test_more_pairs_are_fit_or_dev_only_and_leave_the_held_out_set_unchanged() -> None:
    """The third round's pairs (irritants_more_*) train and select; the evaluation set stays the 64 pairs."""
    first = load_irritants()
    more = load_irritants(prefix=MORE_PREFIX)
    assert len(more) >= 300 and {u.source for u in more} == {MORE_PREFIX}
    held_before = [u.text for u in parts(first)["heldout"]]
    split = parts(first + more)
    assert [u.text for u in split["heldout"]] == held_before and len(held_before) == 128
    assert {u.text for u in more} <= {u.text for u in split["fit"] + split["dev"]}
    assert part_of("irr-saas-007") == "heldout" and part_of("irr-saas-007", can_hold_out=False) != "heldout"
    stage_of: dict[str, str] = {}
    langs: dict[str, list[str]] = {}
    for u in more:
        assert stage_of.setdefault(u.group or "", u.stage or "") == u.stage
        langs.setdefault(u.group or "", []).append(u.lang)
    assert all(sorted(v) == ["en", "fr"] for v in langs.values())
    assert {u.stage for u in more} == set(load_default_taxonomy().stage_ids)
    known = {u.text for u in first} | {u.text for u in load_seed()}
    assert not known & {u.text for u in more}
