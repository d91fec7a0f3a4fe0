"""The model card beside shipped artifacts: one place that reads it, updates one head's entry and writes it.

Each ``training.compare_*`` command retrains one head and records how (data, settings, dev figures) there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

CARD_NAME = "model_card.json"
RENDERED_KEYS = (
    "artifact_version",
    "embedding_backend",
    "embedding_model_id",
    "trained_at",
    "seed",
    "data",
    "split",
    "stage_unknown_threshold",
)


def record_head(directory: Path, head: str, entry: dict[str, Any]) -> None:
    """Replace ``heads[head]`` in ``directory``'s model card with ``entry`` (other heads kept)."""
    path = directory / CARD_NAME
    card = json.loads(path.read_text(encoding="utf-8"))
    card.setdefault("heads", {})[head] = entry
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if all(k in card for k in RENDERED_KEYS):  # a full card (training.train wrote it): keep its .md in step
        from training.train import render_card

        (directory / "model_card.md").write_text(render_card(card), encoding="utf-8")


def ship_blended_head(
    directory: Path,
    name: str,
    model: Any,
    text: Any,
    model_id: str,
    best: dict[str, Any],
    card_entry: dict[str, Any],
    prior_weight: float = 0.0,
) -> None:
    """Save a fitted scikit-learn logistic ``model`` as the embedding head ``name`` blended with its char
    n-gram ``text`` head (weight ``best["wt"]``), and record it in the model card with ``card_entry``.

    ``training.compare_emotion`` and ``training.compare_stage`` ship their winners this way."""
    from nlp.tagging.artifacts import LinearHead, TextHead

    classes = tuple(str(k) for k in model.classes_)
    LinearHead(
        name,
        classes,
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
        model_id,
        False,
        best["wt"],
        prior_weight,
    ).save(directory)
    TextHead(name, text.classes, text.vocabulary, text.idf, text.coef, text.intercept).save(directory)
    record_head(
        directory,
        name,
        {
            "C": best["C"],
            "text_weight": best["wt"],
            "prototype_weight": prior_weight,
            "classes": list(classes),
            **card_entry,
        },
    )
