"""Which TF-IDF text heads a tagger reads: per aspect, and per language where a head has its own.

Why a module: the files a language may bring are of two kinds — a character n-gram head
(``<name>-text-<lang>-v1.npz``, ``TextHead``) or a word head with negation scope
(``<name>-words-<lang>-v1.npz``, ``WordCharHead``, issue 10 R3) — and the tagger must read at most one per
language, whichever the training run shipped.
"""

from __future__ import annotations

from pathlib import Path

from nlp.tagging.artifacts import ARTIFACT_VERSION, HEAD_NAMES, LinearHead, TextHead
from nlp.tagging.doc_words import WordCharHead

SurfaceHead = TextHead | WordCharHead


def lang_text_path(directory: Path, name: str, lang: str, kind: str) -> Path:
    """``kind``: "text" (char n-grams) or "words"."""
    return directory / f"{name}-{kind}-{lang}-{ARTIFACT_VERSION}.npz"


def load_text_heads(directory: Path, heads: dict[str, LinearHead]) -> dict[str, SurfaceHead]:
    """Each aspect's shared char head under its name, and a language's own head under ``<name>@<lang>``
    (only for a language the aspect's blend names). Both kinds for one language is an error: the training
    run removes the kind it did not write."""
    out: dict[str, SurfaceHead] = {
        name: TextHead.load(path)
        for name in HEAD_NAMES
        if (path := directory / f"{name}-text-{ARTIFACT_VERSION}.npz").exists()
    }
    for name, head in heads.items():
        for lang, _, _ in head.lang_blend:
            chars, words = (lang_text_path(directory, name, lang, k) for k in ("text", "words"))
            if chars.exists() and words.exists():
                raise ValueError(f"{directory}: both {chars.name} and {words.name}; keep one")
            if chars.exists():
                out[f"{name}@{lang}"] = TextHead.load(chars)
            elif words.exists():
                out[f"{name}@{lang}"] = WordCharHead.load(words)
    return out
