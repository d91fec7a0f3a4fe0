"""The bounded, deterministic sample of rated items (nlp/tagging/rated_sample.py)."""

from __future__ import annotations

import random

import pytest

from nlp.tagging.rated_sample import BottomKSample, item_hash


def _offer(ids: list[str], k: int) -> BottomKSample:
    sample = BottomKSample(k)
    for i in ids:
        sample.offer(i, -1 if int(i) % 2 else 1)
    return sample


def test_the_sample_is_the_bottom_k_hashes_per_class_whatever_the_order() -> None:
    ids = [str(i) for i in range(500)]
    shuffled = ids[:]
    random.Random(3).shuffle(shuffled)
    a, b = _offer(ids, 20), _offer(shuffled, 20)
    assert a.items() == b.items() and len(a.items()) == 40
    assert a.offered == {-1: 250, 1: 250}
    evens = sorted((item_hash(i), i) for i in ids if int(i) % 2 == 0)[:20]
    assert {i for i, label in a.items() if label == 1} == {i for _, i in evens}
    assert [i for i, _ in a.items()] == sorted(i for i, _ in a.items())  # one order: by item id


def test_below_the_cap_every_rated_item_is_kept_and_unrated_ones_are_ignored() -> None:
    sample = BottomKSample(10)
    for i, label in [("a", 1), ("b", -1), ("c", 0), ("d", 1)]:
        sample.offer(i, label)
    assert sample.items() == [("a", 1), ("b", -1), ("d", 1)]
    assert item_hash("a") == item_hash("a") != item_hash("b")  # stable, not Python's salted hash
    with pytest.raises(ValueError):
        BottomKSample(0)
