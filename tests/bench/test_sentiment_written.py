"""The written evaluation reviews of ``bench.sentiment --sets written``: labels from stars, and kept apart
from every file the heads are fitted on (no models)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.sentiment_written import DATA, written_reviews


def test_stars_become_polar_labels(tmp_path: Path) -> None:
    rows = [{"text": "Cassé.", "stars": 1}, {"text": "Moyen.", "stars": 2}, {"text": "Top.", "stars": 4}]
    (tmp_path / "eval_reviews_fr.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8"
    )
    docs = written_reviews("fr", tmp_path)
    assert [(d.text, d.lang, d.label) for d in docs] == [
        ("Cassé.", "fr", "negative"),
        ("Moyen.", "fr", "negative"),
        ("Top.", "fr", "positive"),
    ]


def test_shipped_sets_are_balanced_and_never_fitted_on() -> None:
    fitted = {
        json.loads(line)["text"].strip().lower()
        for path in DATA.glob("*.jsonl")
        if not path.name.startswith("eval_reviews_")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    for lang in ("fr", "en"):
        docs = written_reviews(lang)
        assert len(docs) >= 90
        negative = sum(d.label == "negative" for d in docs)
        assert 0.4 <= negative / len(docs) <= 0.6
        assert not {d.text.strip().lower() for d in docs} & fitted
