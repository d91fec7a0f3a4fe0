"""A document's stage: its units' vote, mixed with the stage head reading the document whole (issue 10 R15).

Why: a long complaint's stage belongs to the whole story, and each clause read alone ("I called them again on
the 3rd") says little about it; averaging the heads' *predictions* over clauses lets that background vote as
loudly as the sentence that names the problem. Reading the document whole — the unit stage head on the mean
of its unit vectors (scaled to unit length) and on its units' texts joined — averages the *inputs*, where the
background partly cancels. A one-unit document is its unit, so short items keep their stage exactly.

The weight is per embedding space, because it was chosen per space on development narratives (CFPB dev,
docs/benchmarks.md R14–R15): MiniLM's head gained (+0.034 mean macro-F1 at 0.5), the multilingual USE head's
did not (its char head, weighted 0.7, reads a whole narrative's n-grams differently from a clause's), so USE
keeps the vote alone. A space without an entry keeps the vote alone too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nlp.tagging.artifacts import backend_slug
from nlp.tagging.types import UNKNOWN_STAGE

DOCUMENT_STAGE_WEIGHTS: dict[str, float] = {"sentence-transformers_all-MiniLM-L6-v2": 0.5}

StageProba = Callable[[Sequence[str], np.ndarray, Sequence[str]], tuple[Sequence[str], np.ndarray]]


def document_stage_weight(model_id: str) -> float:
    """The whole-document weight of the stage head of ``model_id``'s space (0: the units' vote alone)."""
    return DOCUMENT_STAGE_WEIGHTS.get(backend_slug(model_id.split("@")[0]), 0.0)


def whole_documents(
    texts: Sequence[Sequence[str]], vectors: Sequence[np.ndarray]
) -> tuple[list[str], np.ndarray]:
    """Per document, its units' texts joined and the mean of their vectors scaled to unit length (the sum
    scaled the same way; a document without units gets a zero vector)."""
    joined = [" ".join(t) for t in texts]
    sums = np.stack([np.asarray(v, dtype=np.float32).sum(axis=0) for v in vectors])  # (n_units, dim) each
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return joined, (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def document_stages(
    votes: Sequence[dict[str, float]],
    n_units: Sequence[int],
    texts: Sequence[Sequence[str]],
    vectors: Sequence[np.ndarray],
    languages: Sequence[str],
    stage_proba: StageProba | None = None,
    weight: float = 0.0,
) -> list[str]:
    """Each document's stage from its units' ``votes`` (``nlp.tagging.aggregate.stage_vote``, which the
    caller already holds in each document's aggregate) and, per document, their ``texts`` and ``vectors``
    (read only when a document is read whole): the argmax of ``(1 − weight)·vote + weight·stage_proba(whole
    document)`` for documents of two units or more (``n_units``) when ``stage_proba`` is given and ``weight``
    > 0, else of the vote (``unknown`` without units). Ties go to the vote's order."""
    out = [next(iter(v), UNKNOWN_STAGE) for v in votes]
    whole = [i for i, n in enumerate(n_units) if n >= 2 and votes[i]]
    if stage_proba is None or weight <= 0 or not whole:
        return out
    joined, means = whole_documents([texts[i] for i in whole], [vectors[i] for i in whole])
    ids, p = stage_proba(joined, means, [languages[i] for i in whole])
    column = {s: k for k, s in enumerate(ids)}
    for row, i in enumerate(whole):
        stages = [*votes[i], *(s for s in ids if s not in votes[i])]  # the vote's order first
        mixed = {
            s: (1.0 - weight) * votes[i].get(s, 0.0)
            + weight * (float(p[row, column[s]]) if s in column else 0.0)
            for s in stages
        }
        out[i] = max(mixed, key=lambda s: mixed[s])  # the first of equal shares: the vote's order
    return out
