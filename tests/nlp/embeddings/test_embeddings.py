from __future__ import annotations

import numpy as np
import pytest

from nlp.embeddings import MINILM_SPEC, USE_SPEC, encode_unique, get_embedder, resolve_spec


def test_resolve_auto_by_languages() -> None:
    assert resolve_spec("auto", ["en"] * 100) == MINILM_SPEC
    assert resolve_spec("auto", ["en"] * 90 + ["fr"] * 10) == USE_SPEC
    assert resolve_spec("auto", []) == USE_SPEC
    assert resolve_spec("sentence-transformers:/models/x", ["en"]) == "sentence-transformers:/models/x"


@pytest.mark.parametrize("spec", ["bogus", "sentence-transformers:", "auto"])
def test_bad_specs_name_the_setting(spec: str) -> None:
    with pytest.raises(ValueError, match="embedding_backend"):
        get_embedder(spec)


def test_encode_unique_encodes_each_text_once(hashing_embedder) -> None:
    calls: list[int] = []
    original = hashing_embedder.encode

    def counting(texts):
        calls.append(len(texts))
        return original(texts)

    hashing_embedder.encode = counting
    out = encode_unique(hashing_embedder, ["Great service", "great  service", "Late parcel", "Great service"])
    assert calls == [2]
    assert np.allclose(out[0], out[1]) and np.allclose(out[0], out[3])


@pytest.mark.slow
def test_use_multilingual_aligns_french_and_english(use_embedder) -> None:
    e = use_embedder.encode(
        ["Mon colis est arrivé en retard", "My parcel arrived late", "The app keeps crashing"]
    )
    assert e.dtype == np.float32 and e.shape == (3, 512)
    assert np.allclose(np.linalg.norm(e, axis=1), 1, atol=1e-5)
    assert use_embedder.model_id.startswith("use-multilingual@")
    assert e[0] @ e[1] > e[0] @ e[2] + 0.2


@pytest.mark.slow
def test_bundled_minilm_loads_offline() -> None:
    emb = get_embedder(MINILM_SPEC)
    e = emb.encode(["card declined at checkout", "my card was refused when paying", "lovely staff"])
    assert emb.model_id == MINILM_SPEC and emb.dim == 384
    assert e[0] @ e[1] > e[0] @ e[2]
