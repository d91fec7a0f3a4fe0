"""The set of done batch indices of a fan-out plan, kept as sorted half-open ranges ``[[start, end], …]``.

Why not a list of indices: the set lives in ``job.result["fanout"]`` and every batch rewrites it under the job
row's lock, so a list grows with each batch and the whole job costs O(batches²): ~15 CPU s and ~730 MB of
SQLite write-ahead log over the 15,625 batches of a 1M-item job at 64 items per batch (docs/benchmarks.md,
"Full analysis at 1M with 128 items per batch"). Workers take batches in queue order, so the done set is a
handful of runs and its JSON stays a few bytes; the worst case (every other batch) is no bigger than the list.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Ranges = list[list[int]]


def done_ranges(state: Mapping[str, Any]) -> Ranges:
    """The done set of a fan-out state: ``done_ranges``, or a job planned before them (``done``, a list of
    indices, still in flight during an upgrade) read as ranges."""
    ranges = state.get("done_ranges")
    if ranges is not None:
        return [[int(a), int(b)] for a, b in ranges]
    return from_indices(state.get("done") or ())


def from_indices(indices: Iterable[int]) -> Ranges:
    out: Ranges = []
    for i in sorted(set(indices)):
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return out


def contains(ranges: Sequence[Sequence[int]], index: int) -> bool:
    k = bisect_right([a for a, _ in ranges], index) - 1
    return k >= 0 and index < ranges[k][1]


def add(ranges: Sequence[Sequence[int]], index: int) -> Ranges:
    """``ranges`` with ``index`` in it, merged with the runs it touches (a new list; the input is kept)."""
    out = [[int(a), int(b)] for a, b in ranges]
    if contains(out, index):
        return out
    k = bisect_right([a for a, _ in out], index)  # out[k - 1] starts before index, out[k] after it
    joins_left = k > 0 and out[k - 1][1] == index
    joins_right = k < len(out) and out[k][0] == index + 1
    if joins_left and joins_right:
        out[k - 1][1] = out[k][1]
        del out[k]
    elif joins_left:
        out[k - 1][1] = index + 1
    elif joins_right:
        out[k][0] = index
    else:
        out.insert(k, [index, index + 1])
    return out


def count(ranges: Sequence[Sequence[int]]) -> int:
    return sum(b - a for a, b in ranges)
