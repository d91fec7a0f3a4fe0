"""The document expert search scores candidates on development documents with the unit head's verdicts."""

from __future__ import annotations

import numpy as np

from nlp.tagging.aggregate import document_polarities
from nlp.tagging.document_expert import DocumentExpert, mean_rows
from training.document_expert import Docs, ExpertSearch


def _docs(rng: np.random.Generator, n: int, labels: list[str]) -> Docs:
    rows = np.sort(rng.integers(0, n, 3 * n))
    rows[:n] = np.arange(n)  # every document has a unit
    rows = np.sort(rows)
    vectors = rng.normal(size=(rows.size, 3)).astype(np.float32)
    return Docs(
        [f"d{i}" for i in range(n)],
        np.array(labels),
        [f"u{i}" for i in range(rows.size)],
        rows,
        vectors,
        mean_rows(vectors, rows, n),
    )


def _proba(texts: list[str], x: np.ndarray) -> np.ndarray:
    """A unit head reading dimension 1 of the unit vector (negative / neutral / positive)."""
    z = np.stack([-x[:, 1], np.zeros(len(x)), x[:, 1]], axis=1) * 3
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def test_rule_alone_is_the_document_rule_and_the_expert_can_fix_what_it_misses() -> None:
    rng = np.random.default_rng(2)
    dev = _docs(rng, 40, ["negative", "positive"] * 20)
    # the truth follows dimension 0 of the mean vector, which the unit head does not read
    truth = np.where(dev.means[:, 0] > 0, "positive", "negative")
    dev = Docs(dev.texts, truth, dev.unit_texts, dev.rows, dev.unit_vectors, dev.means)
    bank = _docs(rng, 10, ["neutral"] * 10)
    search = ExpertSearch(_proba, {"dev": dev}, bank, "m")  # type: ignore[arg-type]
    p = _proba(dev.unit_texts, dev.unit_vectors)
    rule = document_polarities(p.argmax(axis=1) - 1, p[:, 2] - p[:, 0], dev.rows, 40)
    alone = search.evaluate(None, 0.0, 1)
    assert (search.verdicts("dev", dev, None, 0.0, 1) == rule).all()
    coef = np.zeros((3, 3), np.float32)
    coef[0, 0], coef[2, 0] = -50.0, 50.0
    expert = DocumentExpert(("negative", "neutral", "positive"), coef, np.zeros(3, np.float32), "m", 1.0, 1)
    full = search.evaluate(expert, 0.9, 1)
    assert full["dev"] > alone["dev"] and full["mean"] == full["dev"]
    assert 0.0 <= full["banking77 called positive"] <= 1.0


def test_by_language_hands_each_unit_its_language() -> None:
    import dataclasses

    rng = np.random.default_rng(3)
    dev = _docs(rng, 6, ["negative", "positive"] * 3)
    dev = dataclasses.replace(dev, unit_langs=tuple("fr" if r % 2 else "en" for r in dev.rows))
    bank = dataclasses.replace(_docs(rng, 4, ["neutral"] * 4), unit_langs=("en",) * 12)
    seen: list[list[str]] = []

    def proba(texts: list[str], x: np.ndarray, languages: list[str]) -> np.ndarray:
        seen.append(languages)
        return _proba(texts, x)

    ExpertSearch(proba, {"dev": dev}, bank, "m", by_language=True)
    assert seen == [list(dev.unit_langs), ["en"] * 12]
