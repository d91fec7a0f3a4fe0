"""``training.report_files``: the one writer of the training runs' JSON reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import training.report_files as rf


def test_write_report_makes_the_folder_and_keeps_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rf, "REPORTS", tmp_path / "reports")
    path = rf.write_report("x_r1.json", {"set": "Allociné", "f1": 0.8756})
    assert path == tmp_path / "reports" / "x_r1.json"
    text = path.read_text(encoding="utf-8")
    assert "Allociné" in text and text.endswith("}\n") and json.loads(text)["f1"] == 0.8756
