"""Loaders for the labeled evaluation sets (read in place from ../shared/datasets; never copied)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = Path(
    os.environ.get("FRICTIONMAP_DATASETS", Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets")
)


@dataclass
class LabeledSet:
    name: str
    texts: list[str]
    labels: dict[str, list[str]]  # label column -> one label per text


def _read(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def banking77(root: Path) -> LabeledSet:
    rows = _read(root / "banking77" / "test.csv")
    return LabeledSet(
        "banking77-test", [r["text"] for r in rows], {"category": [r["category"] for r in rows]}
    )


def cfpb(root: Path) -> LabeledSet:
    rows = _read(root / "cfpb_complaints_sample" / "complaints_with_narrative.csv")
    rows = [r for r in rows if r["Consumer complaint narrative"].strip()]
    return LabeledSet(
        "cfpb",
        [r["Consumer complaint narrative"] for r in rows],
        {"Product": [r["Product"] for r in rows], "Issue": [r["Issue"] for r in rows]},
    )


LOADERS = {"banking77": banking77, "cfpb": cfpb}


def load(name: str, root: Path = DEFAULT_DIR, limit: int | None = None) -> LabeledSet:
    if name not in LOADERS:
        raise SystemExit(f"--datasets: unknown {name!r}; choose from {', '.join(LOADERS)}")
    ds = LOADERS[name](root.resolve())
    if limit:
        ds.texts = ds.texts[:limit]
        ds.labels = {k: v[:limit] for k, v in ds.labels.items()}
    return ds
