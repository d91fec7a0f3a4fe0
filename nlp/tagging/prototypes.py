"""Stage recognition by similarity to a taxonomy's own words (for taxonomies the heads were not trained on).

A workspace that replaces the journey (B2B: "trial", "renewal"; insurance: "claim") gets a working stage
tagger without retraining: each stage's labels, descriptions and example phrases (both languages) are
embedded in the same space as the units, and a unit goes to the stage whose examples it is closest to. Using
the *closest example* per stage rather than the centroid keeps stages with varied examples ("bill", "cancel",
"loyalty") from collapsing into a vague average. Retraining on the workspace's labels (`--from-csv`) does
better; the held-out figures of both approaches are in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.tagging.taxonomy import Taxonomy

TEMPERATURE = 0.05

Encoder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class StagePrototypes:
    stage_ids: tuple[str, ...]
    vectors: np.ndarray  # (n_texts, dim), L2-normalised
    owner: np.ndarray  # (n_texts,) index into stage_ids

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """(n_units, n_stages): softmax over each stage's best cosine similarity."""
        sims = np.asarray(embeddings, dtype=np.float32) @ self.vectors.T
        best = np.full((sims.shape[0], len(self.stage_ids)), -1.0, dtype=np.float32)
        for k in range(len(self.stage_ids)):
            cols = self.owner == k
            best[:, k] = sims[:, cols].max(axis=1)
        z = best / TEMPERATURE
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))


def save_prototypes(prototypes: StagePrototypes, model_id: str, fingerprint: str, path: Path) -> None:
    """Ship the default taxonomy's prototype vectors so loading needs no encoder pass."""
    np.savez_compressed(
        path,
        stage_ids=np.array(prototypes.stage_ids),
        vectors=prototypes.vectors.astype(np.float32),
        owner=prototypes.owner,
        model_id=np.array(model_id),
        fingerprint=np.array(fingerprint),
    )


def load_prototypes(path: Path, model_id: str, fingerprint: str) -> StagePrototypes | None:
    """The shipped prototypes if they were embedded in this space for this exact taxonomy, else None."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        if str(data["model_id"]) != model_id or str(data["fingerprint"]) != fingerprint:
            return None
        return StagePrototypes(
            tuple(str(s) for s in data["stage_ids"]), data["vectors"].astype(np.float32), data["owner"]
        )


def build_prototypes(taxonomy: Taxonomy, encode: Encoder) -> StagePrototypes:
    texts: list[str] = []
    owner: list[int] = []
    for k, stage in enumerate(taxonomy.stages):
        for text in stage.prototype_texts():
            texts.append(text)
            owner.append(k)
    vectors = np.asarray(encode(texts), dtype=np.float32)
    return StagePrototypes(tuple(taxonomy.stage_ids), vectors, np.asarray(owner))
