"""The backend table and ``auto`` resolution, without loading a model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from nlp.embeddings import AUTO_SPEC, BACKENDS, MINILM_SPEC, ST_PREFIX, USE_SPEC, get_embedder, resolve_spec
from nlp.embeddings.concat import ConcatEmbedder
from nlp.embeddings.registry import AUTO_MAX_NON_ENGLISH


class _FakeEmbedder:
    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self._dim = dim

    @property
    def model_id(self) -> str:
        return f"fake-{self.name}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), self._dim), dtype=np.float32) / np.sqrt(self._dim)


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    calls: list[tuple[str, int]] = []

    def factory(arg: str, batch_size: int) -> _FakeEmbedder:
        calls.append((arg, batch_size))
        return _FakeEmbedder(arg, 3 if arg == "a" else 5)

    monkeypatch.setitem(BACKENDS, "fake-registry-test:", factory)
    return calls


def test_every_shipped_backend_is_in_the_table() -> None:
    assert set(BACKENDS) == {USE_SPEC, ST_PREFIX, "concat:"}


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (["en"] * 100, MINILM_SPEC),
        (["en"] * 99 + ["fr"], MINILM_SPEC),  # 1 % French: still the English model
        (["en"] * 90 + ["fr"] * 10, USE_SPEC),
        (["fr"], USE_SPEC),
        ([], USE_SPEC),
        (None, USE_SPEC),
    ],
)
def test_auto_resolution(languages: list[str] | None, expected: str) -> None:
    assert resolve_spec(AUTO_SPEC, languages) == expected


def test_auto_without_languages_is_the_service_rule() -> None:
    # The service cannot know a workspace's languages up front and keeps one space: always USE.
    assert resolve_spec("auto") == USE_SPEC
    assert resolve_spec("  auto ") == USE_SPEC
    assert resolve_spec(f" {MINILM_SPEC} ") == MINILM_SPEC
    assert resolve_spec(USE_SPEC) == USE_SPEC


def test_threshold_is_inclusive() -> None:
    n = 100
    n_fr = int(AUTO_MAX_NON_ENGLISH * n)
    assert resolve_spec(AUTO_SPEC, ["en"] * (n - n_fr) + ["fr"] * n_fr) == MINILM_SPEC
    assert resolve_spec(AUTO_SPEC, ["en"] * (n - n_fr - 1) + ["fr"] * (n_fr + 1)) == USE_SPEC


@pytest.mark.parametrize("spec", ["bogus", "use-multilingual:x", "Sentence-Transformers:x", ""])
def test_unknown_spec_is_a_clear_value_error(spec: str) -> None:
    with pytest.raises(ValueError, match=r"embedding_backend: unknown spec .*expected 'use-multilingual'"):
        get_embedder(spec)


def test_auto_must_be_resolved_first() -> None:
    with pytest.raises(ValueError, match=r"resolve_spec"):
        get_embedder(" auto ")


def test_empty_model_name_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a model name"):
        get_embedder(ST_PREFIX + "  ")


def test_prefix_dispatches_to_its_factory(fake_backend: list[tuple[str, int]]) -> None:
    # Past the per-process cache, so the factory call is seen every time the test runs.
    emb = get_embedder.__wrapped__(" fake-registry-test:b ", 7)
    assert emb.model_id == "fake-b" and emb.dim == 5
    assert fake_backend == [("b", 7)]


def test_concat_splits_on_plus(fake_backend: list[tuple[str, int]]) -> None:
    emb = get_embedder("concat:fake-registry-test:a+fake-registry-test:b", 16)
    assert isinstance(emb, ConcatEmbedder)
    assert emb.model_id == "concat(fake-a,fake-b)" and emb.dim == 8
    out = emb.encode(["x", "y"])
    assert out.shape == (2, 8) and np.allclose(np.linalg.norm(out, axis=1), 1)
