"""A deterministic, bounded sample of a workspace's rated items, per class (bottom-k by hash of the item id).

Why: adapting a workspace's sentiment from its rated reviews (``nlp.tagging.adaptation``) needs the rated
items' units and vectors in memory, and a workspace can hold hundreds of thousands of reviews. The fit gains
little past a few thousand items per class (docs/benchmarks.md, learning curve), so the service keeps at most
``k`` items per class. Bottom-k on a hash of the item id, rather than a random draw or "the first k":

- deterministic: the same items give the same sample, whatever order they are read in (keyset chunks,
  another database, a re-run), so an analysis is reproducible;
- streaming: items are offered one at a time and the sample holds ``k`` entries per class, never more;
- stable as data grows: an item in the sample stays in it unless an item with a smaller hash arrives, so
  re-analyses mostly refit on the same items;
- unbiased: the hash does not depend on the text, the rating or the arrival time.

Below the cap every rated item is kept, so a small workspace is adapted exactly as without sampling.
"""

from __future__ import annotations

import hashlib
import heapq


def item_hash(item_id: str) -> int:
    """A stable 64-bit hash of an item id (not Python's ``hash``, which is salted per process)."""
    return int.from_bytes(hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest(), "big")


class BottomKSample:
    """Per label (−1 / +1), the ``k`` items with the smallest :func:`item_hash`; ``offered`` counts all."""

    def __init__(self, k: int) -> None:
        if k < 1:
            raise ValueError("BottomKSample: k must be at least 1")
        self.k = k
        self._heaps: dict[int, list[tuple[int, str]]] = {-1: [], 1: []}  # max-heaps on (−hash, id)
        self.offered: dict[int, int] = {-1: 0, 1: 0}

    def offer(self, item_id: str, label: int) -> None:
        """Consider one item; label 0 (unrated or middling) is ignored."""
        if label not in self._heaps:
            return
        self.offered[label] += 1
        heap = self._heaps[label]
        entry = (-item_hash(item_id), item_id)
        if len(heap) < self.k:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:  # a smaller hash than the largest kept (ties on the hash: by id)
            heapq.heapreplace(heap, entry)

    def items(self) -> list[tuple[str, int]]:
        """(item id, label) of the sample, sorted by item id: one order for every reader."""
        return sorted((item_id, label) for label, heap in self._heaps.items() for _, item_id in heap)
