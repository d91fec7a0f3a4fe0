from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from training.model_card import CARD_NAME, record_head


def test_record_head_replaces_one_head_and_keeps_the_rest(tmp_path: Path) -> None:
    card = {"embedding_model": "m", "heads": {"stage": {"C": 1.0}, "emotion": {"C": 2.0}}}
    (tmp_path / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    record_head(tmp_path, "emotion", {"C": 0.5, "file": "emotion-v1.npz"})
    after = json.loads((tmp_path / CARD_NAME).read_text(encoding="utf-8"))
    assert after["embedding_model"] == "m"
    assert after["heads"] == {"stage": {"C": 1.0}, "emotion": {"C": 0.5, "file": "emotion-v1.npz"}}


def test_ship_blended_head_saves_both_heads_and_records_them(tmp_path: Path) -> None:
    from types import SimpleNamespace

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from training.model_card import ship_blended_head

    (tmp_path / CARD_NAME).write_text(json.dumps({"heads": {}}), encoding="utf-8")
    x = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.1]], dtype=np.float32)
    model = LogisticRegression().fit(x, ["anger", "trust", "anger", "trust"])
    text = SimpleNamespace(
        classes=("anger", "trust"),
        vocabulary={"ab": 0},
        idf=np.ones(1, dtype=np.float32),
        coef=np.zeros((1, 1), dtype=np.float32),
        intercept=np.zeros(1, dtype=np.float32),
    )
    best = {"wt": 0.3, "C": 2.0}
    ship_blended_head(tmp_path, "emotion", model, text, "m-1", best, {"file": "emotion-v1.npz"})
    entry = json.loads((tmp_path / CARD_NAME).read_text(encoding="utf-8"))["heads"]["emotion"]
    assert entry == {
        "C": 2.0,
        "text_weight": 0.3,
        "prototype_weight": 0.0,
        "classes": ["anger", "trust"],
        "file": "emotion-v1.npz",
    }
    assert sorted(p.name for p in tmp_path.glob("emotion*.npz")) == ["emotion-text-v1.npz", "emotion-v1.npz"]


def test_record_head_rerenders_the_markdown_of_a_full_card(tmp_path: Path) -> None:
    from training.model_card import RENDERED_KEYS

    card: dict[str, object] = {k: "x" for k in RENDERED_KEYS}
    card["split"] = {"train": 1, "heldout": 1, "rule": "r"}
    card["heads"] = {"stage": {"features": "embedding", "classes": ["a", "b"], "C": 1.0}}
    (tmp_path / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    record_head(tmp_path, "docsentiment", {"features": "mean unit embedding", "blend": 0.5})
    md = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert "| stage | embedding | 2 | 1.0 |" in md and "| docsentiment | mean unit embedding | 0 |  |" in md


def _stage_model_and_text(tmp_path: Path) -> tuple[Any, Any]:
    """An empty card, a fitted two-stage logistic model and a one-n-gram char head (as ``ship_blended_head``
    reads them)."""
    from types import SimpleNamespace

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    (tmp_path / CARD_NAME).write_text(json.dumps({"heads": {}}), encoding="utf-8")
    x = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.1]], dtype=np.float32)
    model = LogisticRegression().fit(x, ["support", "usage", "support", "usage"])
    text = SimpleNamespace(
        classes=("support", "usage"),
        vocabulary=("ab",),
        idf=np.ones(1, dtype=np.float32),
        coef=np.zeros((1, 1), dtype=np.float32),
        intercept=np.zeros(1, dtype=np.float32),
    )
    return model, text


def test_ship_blended_head_writes_a_languages_blend_and_char_head_and_drops_a_stale_one(
    tmp_path: Path,
) -> None:
    from types import SimpleNamespace

    import numpy as np

    from nlp.tagging.artifacts import LinearHead, TextHead
    from training.model_card import ship_blended_head

    model, text = _stage_model_and_text(tmp_path)
    own = SimpleNamespace(**{**vars(text), "coef": np.ones((1, 1), dtype=np.float32)})
    best = {"wt": 0.7, "C": 8.0}
    blend = (("fr", 0.6, 0.1),)
    ship_blended_head(tmp_path, "stage", model, text, "m-1", best, {}, 0.2, blend, {"fr": own})
    head = LinearHead.load(tmp_path / "stage-v1.npz", "m-1")
    assert head.lang_blend == blend and head.text_weight == 0.7 and head.prior_weight == 0.2
    assert TextHead.load(tmp_path / "stage-text-fr-v1.npz").coef[0, 0] == 1.0
    # a later ship without the French char head removes the file (its blend would otherwise read it)
    ship_blended_head(tmp_path, "stage", model, text, "m-1", best, {}, 0.2, blend)
    assert sorted(p.name for p in tmp_path.glob("stage*.npz")) == ["stage-text-v1.npz", "stage-v1.npz"]


def test_ship_blended_head_drops_a_word_head_a_char_head_replaces_or_no_blend_names(tmp_path: Path) -> None:
    """A language keeps at most one own head file (the tagger refuses both kinds): shipping a French char head
    removes a French word head left by an earlier run, and a language the new blend no longer names loses
    its word head too (``save_lang_head``, shared with the sentiment head's --on-shipped writes)."""
    from training.model_card import ship_blended_head

    model, text = _stage_model_and_text(tmp_path)
    for lang in ("fr", "en"):
        (tmp_path / f"stage-words-{lang}-v1.npz").write_bytes(b"stale")
    best = {"wt": 0.7, "C": 8.0}
    ship_blended_head(tmp_path, "stage", model, text, "m-1", best, {}, 0.2, (("fr", 0.6, 0.1),), {"fr": text})
    names = sorted(p.name for p in tmp_path.glob("stage*.npz"))
    assert names == ["stage-text-fr-v1.npz", "stage-text-v1.npz", "stage-v1.npz"]
