"""The fan-out's done set as ranges: the same set as a list of indices would hold, in any completion order."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from service.analysis import batch_ranges as br


@pytest.mark.parametrize("seed", range(20))
def test_adding_in_any_order_gives_the_set_of_indices(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    order = [rng.randrange(n) for _ in range(rng.randint(1, 3 * n))]  # repeats: a batch run twice
    ranges: br.Ranges = []
    seen: set[int] = set()
    for i in order:
        assert br.contains(ranges, i) == (i in seen)
        ranges = br.add(ranges, i)
        seen.add(i)
        assert br.count(ranges) == len(seen)
        assert ranges == br.from_indices(seen)  # sorted, merged, nothing else in it
    assert all(a < b for a, b in ranges) and all(b < a2 for (_, b), (a2, _) in pairwise(ranges))


def test_in_order_completion_stays_one_range() -> None:
    ranges: br.Ranges = []
    for i in range(15_625):
        ranges = br.add(ranges, i)
    assert ranges == [[0, 15_625]]


def test_a_gap_filled_joins_both_neighbours_and_add_does_not_mutate() -> None:
    before = [[0, 2], [3, 5]]
    assert br.add(before, 2) == [[0, 5]]
    assert before == [[0, 2], [3, 5]]
    assert br.add(before, 7) == [[0, 2], [3, 5], [7, 8]]
    assert br.add([[3, 5]], 2) == [[2, 5]] and br.add([[3, 5]], 0) == [[0, 1], [3, 5]]


def test_a_state_planned_before_the_ranges_is_read_from_its_list() -> None:
    assert br.done_ranges({"done": [4, 0, 1, 2]}) == [[0, 3], [4, 5]]
    assert br.done_ranges({"done_ranges": [[0, 3]], "done": [9]}) == [[0, 3]]
    assert br.done_ranges({}) == []
