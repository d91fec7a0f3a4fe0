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

from sqlalchemy import create_engine, func, insert, select

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


def generate_rows_sqlite_sql(database_url: str, workspace_name: str, n: int, pain_points: int) -> dict:
    """The same shape generated inside SQLite with recursive CTEs (``random()``), for a million rows in a
    minute instead of half an hour of Python: pain points picked uniformly (not Zipf), otherwise as above."""
    engine = create_engine(database_url)
    generate_rows(database_url, workspace_name, 0, pain_points)  # the pain point rows only
    day0 = "2025-01-06 00:00:00"
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        ws = conn.execute(select(Workspace.id).where(Workspace.name == workspace_name)).scalar_one()
        raw.execute(
            "CREATE TEMP TABLE gen_pp AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, stage "
            "FROM pain_point WHERE workspace_id = ?",
            (ws,),
        )
        raw.execute(
            f"""
            INSERT INTO feedback_item (id, workspace_id, source, external_id, text, language, kind, rating,
                nps, csat, channel, segment, created_at, received_at, content_hash)
            WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {n - 1})
            SELECT lower(hex(randomblob(16))), ?,
                CASE abs(random()) % 4 WHEN 0 THEN 'trustpilot'
                WHEN 1 THEN 'google' WHEN 2 THEN 'zendesk' ELSE 'survey' END,
                'gen-' || i, 'generated feedback ' || i,
                CASE WHEN abs(random()) % 10 < 6 THEN 'en' ELSE 'fr' END,
                'review', CASE WHEN abs(random()) % 10 < 7 THEN 1 + abs(random()) % 5 END,
                CASE WHEN abs(random()) % 10 < 3 THEN abs(random()) % 11 END, NULL,
                CASE abs(random()) % 5 WHEN 0 THEN 'web' WHEN 1 THEN 'app' WHEN 2 THEN 'store'
                WHEN 3 THEN 'phone' ELSE 'email' END,
                CASE abs(random()) % 3 WHEN 0 THEN 'retail' WHEN 1 THEN 'premium' ELSE 'business' END,
                datetime('{day0}', '+' || (abs(random()) % (364 * 24 * 60)) || ' minutes'),
                '{day0}', lower(hex(randomblob(32)))
            FROM seq
            """,
            (ws,),
        )
        for k, share in ((0, 1.0), (1, 0.3)):  # every item one unit, 30 % a second one
            # Materialised first: SQLite may re-evaluate random() inside a joined subquery.
            raw.execute("DROP TABLE IF EXISTS gen_f")
            raw.execute(
                "CREATE TEMP TABLE gen_f AS SELECT id, workspace_id, created_at,"
                f" abs(random()) % {pain_points} AS k FROM feedback_item"
                f" WHERE workspace_id = ? AND abs(random()) % 1000 < {int(share * 1000)}",
                (ws,),
            )
            raw.execute(
                f"""
                INSERT INTO opinion_unit (id, workspace_id, feedback_id, start, "end", text, language,
                    sentiment, sentiment_score, emotion, stage, effort, pain_point_id, created_at)
                SELECT lower(hex(randomblob(16))), f.workspace_id, f.id, {10 * k}, {10 * k + 9}, 'unit', 'en',
                    'negative', (abs(random()) % 1600) / 1000.0 - 1.0,
                    CASE abs(random()) % 12 WHEN 0 THEN 'anger' WHEN 1 THEN 'frustration'
                    WHEN 2 THEN 'disappointment' WHEN 3 THEN 'worry' WHEN 4 THEN 'confusion'
                    WHEN 5 THEN 'joy' END,
                    COALESCE(p.stage, 'support'), abs(random()) % 100 < 15,
                    CASE WHEN abs(random()) % 100 < 85 THEN p.id END, f.created_at
                FROM gen_f f JOIN gen_pp p ON p.k = f.k
                """
            )
        n_units = conn.execute(select(func.count()).select_from(OpinionUnit)).scalar_one()
    engine.dispose()
    return {
        "items": n,
        "units": n_units,
        "pain_points": pain_points,
        "note": "generated into the database (SQL)",
    }
