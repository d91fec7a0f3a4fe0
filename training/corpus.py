"""The seed corpus and customer label files, with one fixed train/held-out split.

The split is a stable hash of each unit's ``group`` (parallel FR/EN sentences share a group) or of its text:
it never changes when rows are added, never depends on a random state, and never puts a sentence in training
while its translation is held out — otherwise the held-out figures would measure memorised translations.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
HELDOUT_PERCENT = 20
SENTIMENTS = ("negative", "neutral", "positive")
EMOTIONS = (
    "frustration",
    "anger",
    "disappointment",
    "confusion",
    "worry",
    "satisfaction",
    "delight",
    "trust",
)


@dataclass(frozen=True)
class Unit:
    text: str
    lang: str
    stage: str | None
    sentiment: str | None
    emotion: str | None
    effort: bool | None
    effort_type: str | None
    group: str | None = None
    domain: str | None = None
    source: str = "seed"

    @property
    def split_key(self) -> str:
        return self.group or " ".join(self.text.lower().split())

    @property
    def heldout(self) -> bool:
        digest = hashlib.sha1(self.split_key.encode("utf-8")).hexdigest()
        return int(digest[:8], 16) % 100 < HELDOUT_PERCENT


def load_seed(data_dir: Path = DATA_DIR) -> list[Unit]:
    units: list[Unit] = []
    for path in sorted(data_dir.glob("seed_*.jsonl")):
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            try:
                units.append(
                    Unit(
                        text=row["text"],
                        lang=row["lang"],
                        stage=row["stage"],
                        sentiment=row["sentiment"],
                        emotion=row.get("emotion"),
                        effort=bool(row.get("effort")),
                        effort_type=row.get("effort_type"),
                        group=row.get("group"),
                        domain=row.get("domain"),
                    )
                )
            except KeyError as exc:
                raise ValueError(f"{path.name}:{line_no}: missing field {exc}") from exc
    return units


def split(units: Iterable[Unit]) -> tuple[list[Unit], list[Unit]]:
    train: list[Unit] = []
    held: list[Unit] = []
    for u in units:
        (held if u.heldout else train).append(u)
    return train, held


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def load_label_csv(path: Path) -> list[Unit]:
    """A customer's own labels: column ``text`` plus any of ``stage``, ``sentiment``, ``emotion``,
    ``effort_type`` (non-empty: the unit reports effort; ``none``: it does not) and ``lang``.

    Empty cells mean "not labelled for that aspect", so one file can label only stages, or only sentiment.
    """
    units: list[Unit] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise ValueError(f"{path}: a 'text' column is required (found {reader.fieldnames})")
        for row_no, row in enumerate(reader, start=2):
            text = _blank(row.get("text"))
            if text is None:
                continue
            sentiment = _blank(row.get("sentiment"))
            if sentiment is not None and sentiment not in SENTIMENTS:
                raise ValueError(f"{path}:{row_no}: sentiment must be one of {SENTIMENTS}, got {sentiment!r}")
            emotion = _blank(row.get("emotion"))
            if emotion is not None and emotion not in EMOTIONS:
                raise ValueError(f"{path}:{row_no}: emotion must be one of {EMOTIONS}, got {emotion!r}")
            raw_effort = _blank(row.get("effort_type"))
            effort: bool | None = None if raw_effort is None else raw_effort.lower() != "none"
            units.append(
                Unit(
                    text=text,
                    lang=_blank(row.get("lang")) or "unknown",
                    stage=_blank(row.get("stage")),
                    sentiment=sentiment,
                    emotion=emotion,
                    effort=effort,
                    effort_type=raw_effort if effort else None,
                    source=path.name,
                )
            )
    if not units:
        raise ValueError(f"{path}: no labelled rows")
    return units


def load_docfit(langs: Iterable[str] = ("fr", "en"), data_dir: Path = DATA_DIR) -> list[Unit]:
    """Short customer-feedback documents written for the project (``docfit_<lang>.jsonl``: delivery, refunds,
    billing, apps, support, telecom, bank, insurance, travel; irony, negation, hedged verdicts, complaints in
    polite sentences) with a document polarity. **Fit-only**: the document heads may fit on them, no
    development or test set reads them (they are not ``seed_*`` files, so neither ``load_seed`` nor its
    held-out split sees them)."""
    units: list[Unit] = []
    for lang in langs:
        path = data_dir / f"docfit_{lang}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                units.append(
                    Unit(
                        row["text"],
                        row["lang"],
                        None,
                        row["sentiment"],
                        None,
                        None,
                        None,
                        row.get("group"),
                        source="docfit",
                    )
                )
    return units
