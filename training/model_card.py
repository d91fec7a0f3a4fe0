"""The model card beside shipped artifacts: one place that reads it, updates one head's entry and writes it.

Each ``training.compare_*`` command retrains one head and records how (data, settings, dev figures) there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CARD_NAME = "model_card.json"


def record_head(directory: Path, head: str, entry: dict[str, Any]) -> None:
    """Replace ``heads[head]`` in ``directory``'s model card with ``entry`` (other heads kept)."""
    path = directory / CARD_NAME
    card = json.loads(path.read_text(encoding="utf-8"))
    card.setdefault("heads", {})[head] = entry
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
