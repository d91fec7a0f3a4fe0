from __future__ import annotations

import json
from pathlib import Path

from training.model_card import CARD_NAME, record_head


def test_record_head_replaces_one_head_and_keeps_the_rest(tmp_path: Path) -> None:
    card = {"embedding_model": "m", "heads": {"stage": {"C": 1.0}, "emotion": {"C": 2.0}}}
    (tmp_path / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    record_head(tmp_path, "emotion", {"C": 0.5, "file": "emotion-v1.npz"})
    after = json.loads((tmp_path / CARD_NAME).read_text(encoding="utf-8"))
    assert after["embedding_model"] == "m"
    assert after["heads"] == {"stage": {"C": 1.0}, "emotion": {"C": 0.5, "file": "emotion-v1.npz"}}
