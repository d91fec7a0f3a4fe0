"""Generated rows for ``python -m bench.service --generate``: items, opinion units and pain points written
straight into the database, the shape an analysis leaves, so the read endpoints can be timed at a million
items without a million HTTP posts and an hour of analysis. Generated data, said so in every result.

Shape (fixed seed): a year of items over 5 channels, 4 sources, 3 segments and 2 languages, ratings 1–5 on
70 %, NPS on 30 %; ~1.3 units per item, 85 % of them assigned to one of ``pain_points`` pain points (Zipf-like
sizes), each with a sentiment score, an emotion on half of them, effort on 15 %, a stage.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, insert, select

from service.models import FeedbackItem, OpinionUnit, PainPoint, Workspace

_CHANNELS = ("web", "app", "store", "phone", "email")
_SOURCES = ("trustpilot", "google", "zendesk", "survey")
_SEGMENTS = ("retail", "premium", "business")
_STAGES = ("discovery", "consideration", "purchase", "delivery", "usage", "support", "retention", "advocacy")
_EMOTIONS = ("anger", "frustration", "disappointment", "worry", "confusion", "joy")
CHUNK = 5_000


def generate_rows(database_url: str, workspace_name: str, n: int, pain_points: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    engine = create_engine(database_url)
    start = datetime(2025, 1, 6, tzinfo=UTC)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        ws = conn.execute(select(Workspace.id).where(Workspace.name == workspace_name)).scalar_one()
        pps = []
        for p in range(pain_points):
            pps.append(
                {
                    "id": str(uuid.uuid4()),
                    "workspace_id": ws,
                    "kind": "pain" if p % 5 else "opportunity",
                    "label": f"Generated pain point {p}",
                    "label_edited": False,
                    "stage": _STAGES[p % len(_STAGES)],
                    "stage_edited": False,
                    "size": 0,
                    "status": "resolved" if p % 11 == 3 else "open",
                    "resolved_at": start + timedelta(days=200) if p % 11 == 3 else None,
                    "emerging": False,
                    "keyphrases": [f"topic {p}"],
                    "quotes": [{"text": f"quote {p}", "feedback_id": None}],
                    "created_at": now,
                    "updated_at": now,
                }
            )
        conn.execute(insert(PainPoint), pps)  # type: ignore[arg-type]
    weights = [1 / (k + 1) for k in range(pain_points)]
    n_units = 0
    with engine.begin() as conn:
        items: list[dict[str, Any]] = []
        units: list[dict[str, Any]] = []
        for i in range(n):
            fid = str(uuid.uuid4())
            created = start + timedelta(minutes=rng.randint(0, 364 * 24 * 60))
            items.append(
                {
                    "id": fid,
                    "workspace_id": ws,
                    "source": rng.choice(_SOURCES),
                    "external_id": f"gen-{i}",
                    "text": f"generated feedback {i}",
                    "language": "en" if rng.random() < 0.6 else "fr",
                    "kind": "review",
                    "rating": float(rng.randint(1, 5)) if rng.random() < 0.7 else None,
                    "nps": rng.randint(0, 10) if rng.random() < 0.3 else None,
                    "csat": None,
                    "channel": rng.choice(_CHANNELS),
                    "segment": rng.choice(_SEGMENTS),
                    "created_at": created,
                    "received_at": created,
                    "content_hash": uuid.uuid4().hex + uuid.uuid4().hex,
                }
            )
            for k in range(1 if rng.random() < 0.7 else 2):
                pp = rng.choices(pps, weights)[0] if rng.random() < 0.85 else None
                emotion = rng.choice(_EMOTIONS) if rng.random() < 0.5 else None
                units.append(
                    {
                        "id": str(uuid.uuid4()),
                        "workspace_id": ws,
                        "feedback_id": fid,
                        "start": 10 * k,
                        "end": 10 * k + 9,
                        "text": "unit",
                        "language": "en",
                        "sentiment": "negative",
                        "sentiment_score": rng.uniform(-1, 0.6),
                        "emotion": emotion,
                        "stage": pp["stage"] if pp else rng.choice(_STAGES),
                        "effort": rng.random() < 0.15,
                        "pain_point_id": pp["id"] if pp else None,
                        "created_at": created,
                    }
                )
            if len(items) >= CHUNK:
                conn.execute(insert(FeedbackItem), items)  # type: ignore[arg-type]
                conn.execute(insert(OpinionUnit), units)  # type: ignore[arg-type]
                n_units += len(units)
                items, units = [], []
        if items:
            conn.execute(insert(FeedbackItem), items)  # type: ignore[arg-type]
            conn.execute(insert(OpinionUnit), units)  # type: ignore[arg-type]
            n_units += len(units)
    engine.dispose()
    return {"items": n, "units": n_units, "pain_points": pain_points, "note": "generated into the database"}
