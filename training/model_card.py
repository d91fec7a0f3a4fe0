"""The model card beside shipped artifacts: one place that reads it, updates one head's entry and writes it.

Each ``training.compare_*`` command retrains one head and records how (data, settings, dev figures) there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from nlp.tagging.artifacts import ARTIFACT_VERSION, LinearHead, TextHead
from nlp.tagging.doc_words import WordCharHead
from nlp.tagging.text_heads import lang_text_path

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


def save_lang_head(
    directory: Path, text: TextHead | WordCharHead | None, lang: str, name: str = "sentiment"
) -> None:
    """A language's own head file for the head ``name`` (``<name>-text-<lang>`` for a char head,
    ``<name>-words-<lang>`` for a word head); the other kind's file, or both when ``text`` is None (the
    language's units read the shared blend), is removed: the tagger refuses a language with both kinds and
    must never read a stale one."""
    keep = None
    if isinstance(text, WordCharHead):
        keep = text.save(directory, f"{name}-words-{lang}")
    elif isinstance(text, TextHead):
        keep = text.save(directory, lang)
    for kind in ("text", "words"):
        path = lang_text_path(directory, name, lang, kind)
        if path != keep and path.exists():
            path.unlink()


def ship_blended_head(
    directory: Path,
    name: str,
    model: Any,
    text: Any,
    model_id: str,
    best: dict[str, Any],
    card_entry: dict[str, Any],
    prior_weight: float = 0.0,
    lang_blend: tuple[tuple[str, float, float], ...] = (),
    lang_text: dict[str, Any] | None = None,
) -> None:
    """Save a fitted scikit-learn logistic ``model`` as the embedding head ``name`` blended with its char
    n-gram ``text`` head (weight ``best["wt"]``), and record it in the model card with ``card_entry``.

    ``lang_blend`` (language, text weight, prior weight) and ``lang_text`` (language → its own char head) are
    the stage head's per-language blend (issue 10, round 5); a language's char head file left by an earlier
    run and not written now is removed, so that a stale one is never read.

    ``training.compare_emotion`` and ``training.compare_stage`` ship their winners this way."""
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
        lang_blend=lang_blend,
    ).save(directory)
    TextHead(name, text.classes, text.vocabulary, text.idf, text.coef, text.intercept).save(directory)
    own = lang_text or {}
    for lang, h in own.items():
        own_head = TextHead(name, h.classes, h.vocabulary, h.idf, h.coef, h.intercept)
        save_lang_head(directory, own_head, lang, name)
    on_disk = {
        path.name.removeprefix(f"{name}-{kind}-").removesuffix(f"-{ARTIFACT_VERSION}.npz")
        for kind in ("text", "words")
        for path in directory.glob(f"{name}-{kind}-*-{ARTIFACT_VERSION}.npz")
    }
    for lang in on_disk - set(own):  # a language this run gives no own head: its files go, either kind
        save_lang_head(directory, None, lang, name)
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
