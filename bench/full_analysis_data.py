"""Items for ``bench.full_analysis``: real FR and EN text resampled from the train splits, written straight
into ``feedback_item`` (generated into the database: ingest — redaction, language detection, the HTTP API —
is measured by ``bench.service`` and ``bench.ingest_profile``, not here).

Mix (fixed seed, with replacement): Banking77 45 %, XED EN 27 %, XED FR 23 %, Allociné 5 % of the items:
~1.3 units an item, like the issue's 1M items → 1.3M units (Allociné reviews are long: ~5 units each).
The language is the set's (a sender's hint, which ingest stores as given); channel, source, segment, kind
and a date within one year vary per item; 40 % of the short texts carry a 1–5 rating, and every Allociné
review a rating from its polarity label. ``content_hash`` is ingest's payload hash.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.datasets import DEFAULT_DIR

DATASETS = DEFAULT_DIR


@dataclass(frozen=True)
class Source:
    path: str
    language: str
    share: float
    kind: str


SOURCES = (
    Source("banking77/train.csv", "en", 0.45, "ticket"),
    Source("xed_en_emotion/train.csv", "en", 0.27, "survey"),
    Source("xed_fr_emotion/train.csv", "fr", 0.23, "survey"),
    Source("allocine_fr_sample/train.csv", "fr", 0.05, "review"),
)
_CHANNELS = ("web", "app", "store", "phone", "email", "chat")
_SOURCES = ("trustpilot", "google", "zendesk", "survey", "app_store")
_SEGMENTS = ("retail", "premium", "business", "student")
CHUNK = 5_000


def _rows(datasets: Path, source: Source) -> list[tuple[str, str]]:
    """(text, label) of a train split; rows without text are left out."""
    with (datasets / source.path).open(encoding="utf-8", newline="") as f:
        out = []
        for row in csv.DictReader(f):
            text = (row.get("text") or "").strip()
            label = row.get("label") or row.get("category") or ""
            if text:
                out.append((text, label))
    return out


def _hash(row: dict[str, Any]) -> str:
    """``service.feedback.ingest.content_hash``'s payload, from the row's own fields."""
    payload = {
        "source": row["source"],
        "text": " ".join(row["text"].split()),
        "kind": row["kind"],
        "rating": row["rating"],
        "nps": None,
        "csat": None,
        "channel": row["channel"],
        "segment": row["segment"],
        "customer": None,
        "created_at": row["created_at"].isoformat(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def generate_items(database_url: str, workspace_name: str, n: int, datasets: Path, seed: int = 0) -> dict:
    """Write ``n`` items of one new workspace; returns counts per set and the workspace id."""
    from sqlalchemy import create_engine, insert

    from service.models import FeedbackItem, Workspace

    rng = random.Random(seed)
    pools = [_rows(datasets, s) for s in SOURCES]
    weights = [s.share for s in SOURCES]
    start = datetime(2025, 12, 1, tzinfo=UTC)
    received = datetime(2026, 12, 1, tzinfo=UTC)
    engine = create_engine(database_url)
    ws_id = str(uuid.uuid4())
    counts = [0] * len(SOURCES)
    with engine.begin() as conn:
        conn.execute(insert(Workspace), [{"id": ws_id, "name": workspace_name, "created_at": received}])
        batch: list[dict[str, Any]] = []
        for i in range(n):
            k = rng.choices(range(len(SOURCES)), weights)[0]
            src = SOURCES[k]
            text, label = rng.choice(pools[k])
            counts[k] += 1
            if src.kind == "review":
                rating: float | None = float(
                    rng.choice((4, 5)) if label == "positive" else rng.choice((1, 2))
                )
            else:
                rating = float(rng.randint(1, 5)) if rng.random() < 0.4 else None
            row: dict[str, Any] = {
                "id": str(uuid.uuid4()),
                "workspace_id": ws_id,
                "source": rng.choice(_SOURCES),
                "external_id": f"bench-{i}",
                "text": text,
                "language": src.language,
                "kind": src.kind,
                "rating": rating,
                "nps": None,
                "csat": None,
                "channel": rng.choice(_CHANNELS),
                "segment": rng.choice(_SEGMENTS),
                "created_at": start + timedelta(minutes=rng.randint(0, 365 * 24 * 60 - 1)),
                "received_at": received,
            }
            row["content_hash"] = _hash(row)
            batch.append(row)
            if len(batch) >= CHUNK:
                conn.execute(insert(FeedbackItem), batch)
                batch = []
        if batch:
            conn.execute(insert(FeedbackItem), batch)
    engine.dispose()
    return {
        "workspace_id": ws_id,
        "items": n,
        "per_set": {s.path.split("/")[0]: c for s, c in zip(SOURCES, counts, strict=True)},
        "note": "items generated into the database (real text resampled from train splits); ingest not timed",
    }
