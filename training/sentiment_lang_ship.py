"""``compare_sentiment --french-char … --on-shipped``: the French blend scored on, and written onto, the
shipped sentiment head (issue 10 R3).

Why: refitting the shipped recipe on another machine does not give the shipped head (lbfgs at tol 1e-3 moves
dev figures by up to 0.004 and can change the chosen C), so a French head judged against a refit would be
judged against a head nobody ships. Here the embedding head and the shared char head are read from
``training/artifacts``; only the French text head and its weight are chosen (the French rule of
``training.sentiment_lang``), and ``--write`` changes only the head's French blend, the French head's file and
the card's ``french_blend`` (with ``--blend-lang en``: the English ones; another language's blend is kept).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from nlp.tagging.artifacts import ARTIFACT_VERSION, LinearHead, TextHead, backend_slug, read_model_card
from training.model_card import record_head, save_lang_head
from training.sentiment_lang import FR, card_entry, card_key


def shipped_best(artifacts: Path, model_id: str) -> dict[str, Any]:
    """The shipped sentiment head and its shared char head as ``compare_sentiment``'s ``best``."""
    directory = artifacts / backend_slug(model_id)
    head = LinearHead.load(directory / f"sentiment-{ARTIFACT_VERSION}.npz", model_id)
    text_path = directory / f"sentiment-text-{ARTIFACT_VERSION}.npz"
    if not text_path.exists() or head.text_weight <= 0:
        raise SystemExit(f"--on-shipped: {directory} has no blended sentiment head (no shared char head)")
    return {
        "key": "shipped",
        "family": "D ensemble",
        "head": head,
        "text": TextHead.load(text_path),
        "text_weight": head.text_weight,
        "dev_mean": None,
    }


def write_lang_blend(artifacts: Path, best: dict[str, Any], summary: dict[str, Any]) -> Path:
    """Write the chosen blend of the run's language onto the shipped head (or remove a shipped one the rule
    no longer keeps); another language's blend and everything else on disk is left as it is."""
    directory = artifacts / backend_slug(summary["model_id"])
    head: LinearHead = best["head"]
    french: dict[str, Any] | None = best.get("french")
    lang = (summary.get("french_char") or {}).get("blend_lang", FR)
    kept = tuple(b for b in head.lang_blend if b[0] != lang)
    blend = (*kept, (lang, french["wt"], 0.0)) if french is not None else kept
    replace(head, lang_blend=tuple(sorted(blend))).save(directory)
    save_lang_head(directory, french["text"] if french is not None else None, lang)
    entry = dict(read_model_card(directory)["heads"]["sentiment"])
    entry[card_key(lang)] = card_entry(french, summary.get("french_char"))
    record_head(directory, "sentiment", entry)
    return directory
