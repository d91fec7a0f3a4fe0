"""A short fingerprint of what a tagger writes, so stored tags can be recognised as another tagger's.

Why: the service stores each unit's tags at extraction and, until this, re-extracted an item only when its
units came from another embedding model or named a stage outside the workspace's journey. Retrained heads
or new verdict-cue shifts (every issue-10 round changed them) then reached only the items analysed after the
upgrade, and a workspace mixed two taggers' sentiment in one pain point. The fingerprint covers what decides
a unit's tags besides its text and vector: the artifact files (heads, text heads, prototypes, model card),
the cue shifts (``nlp.tagging.verdict_cues.CUE_SHIFTS``) and :data:`TAG_RULES_REVISION`, which is raised by
hand when a rule in code changes tags without any artifact changing (thresholds, fusion, cue lists).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from nlp.tagging.artifacts import find_artifact_dir
from nlp.tagging.tagger import shipped_models_dir
from nlp.tagging.verdict_cues import CUE_SHIFTS

TAG_RULES_REVISION = "2026-12-07-r34"  # verdict cues of issue 10 R8–R18, R31 (French thanks), R34 (praise)


def tagger_revision(models_dir: Path | str | None, model_id: str) -> str:
    """16 hex digits over the artifact files for ``model_id`` (as ``load_tagger`` finds them), the cue shifts
    and the rules' revision; ``ModelMismatchError`` / ``FileNotFoundError`` as ``load_tagger`` would raise."""
    root = Path(models_dir) if models_dir is not None else shipped_models_dir()
    directory = find_artifact_dir(root, model_id)
    digest = hashlib.sha256()
    for part in (model_id, repr(CUE_SHIFTS), TAG_RULES_REVISION):
        digest.update(part.encode("utf-8") + b"\0")
    # Heads and cards (.npz, .json); the prose card (.md) does not change a tag.
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in (".npz", ".json")):
        stat = path.stat()
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(_file_digest(str(path), stat.st_mtime_ns, stat.st_size))
    return digest.hexdigest()[:16]


@lru_cache(maxsize=256)
def _file_digest(path: str, mtime_ns: int, size: int) -> bytes:
    """A file's SHA-256, read once per version (path, modification time and size key the cache): the
    service builds a backend per workspace journey, and each used to re-read the same ~7 MB of heads."""
    return hashlib.sha256(Path(path).read_bytes()).digest()
