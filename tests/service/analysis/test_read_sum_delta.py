"""Read sums brought forward by the journal (``view_delta``) equal a full rebuild, row by row and column by
column, on SQLite and PostgreSQL; writes that are not appends force a rebuild; and the delta path is really
taken (the build counters tell a delta from a rebuild, so a silent fallback fails these tests).

Integer columns must match exactly; float sums to 1e-9 relative (a delta adds the same numbers in another
order than a rebuild, which may move the last bits)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, delete, event, select, text, update
from sqlmodel import Session

from service.analysis import view_tables
from service.analysis.view_tables import BUILDS, data_version, ensure_fresh, rebuild_read_sums
from service.models import (
    FeedbackItem,
    OpinionUnit,
    PainPoint,
    ReadItemSum,
    ReadSumJournal,
    ReadUnitSum,
    Workspace,
)
from tests.helpers.journey_backend import TopicBackend
from tests.service.analysis.test_read_sums import assert_same_views
from tests.service.journey_map.test_journey_api import analyse, ingest, seed_items

DAY0 = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
KEY = ["grain", "kind", "key", "day", "channel", "source", "segment", "language"]


def new_workspace(session: Session, n_pain_points: int = 4) -> tuple[str, list[str]]:
    ws = Workspace(name=f"ws-{random.random()}")
    session.add(ws)
    session.flush()
    pps = [PainPoint(workspace_id=ws.id, label=f"pp{k}") for k in range(n_pain_points)]
    session.add_all(pps)
    session.commit()
    return ws.id, [p.id for p in pps]


def units_for(
    item_id: str, ws: str, pps: list[str | None], rng: random.Random, n: int, first_span: int = 0
) -> list[OpinionUnit]:
    out = []
    for k in range(n):
        start = (first_span + k) * 10
        out.append(
            OpinionUnit(
                workspace_id=ws,
                feedback_id=item_id,
                start=start,
                end=start + 5,
                text="x",
                sentiment=rng.choice([None, "negative", "positive", "neutral"]),
                sentiment_score=rng.choice([None, -1.5, -0.8, -0.25, 0.0, 0.4, 0.9]),
                emotion=rng.choice([None, "anger", "joy", "Frustration", "sadness"]),
                stage=rng.choice([None, "onboarding", "billing", "support"]),
                effort=rng.random() < 0.3,
                pain_point_id=rng.choice(pps),
            )
        )
    return out


def add_items(
    session: Session,
    ws: str,
    pps: list[str | None],
    n: int,
    seed: int,
    days: int = 20,
    first_day: int = 0,
    channels: tuple[str | None, ...] = (None, "web", "app"),
    languages: tuple[str, ...] = ("en", "de"),
    segments: tuple[str | None, ...] = (None, "smb", "retail"),
) -> list[str]:
    """``n`` items with 0–3 units each, every nullable field sometimes NULL; returns their ids."""
    rng = random.Random(seed)
    ids = []
    for k in range(n):
        item = FeedbackItem(
            workspace_id=ws,
            text=f"t{seed}-{k}",
            content_hash=f"h{seed}-{k}",
            source=rng.choice(["api", "trustpilot", "zendesk"]),
            language=rng.choice(languages),
            rating=rng.choice([None, 1.0, 2.5, 5.0]),
            nps=rng.choice([None, 0, 6, 7, 9, 10]),
            csat=rng.choice([None, 1.0, 4.5]),
            channel=rng.choice(channels),
            segment=rng.choice(segments),
            created_at=DAY0 + timedelta(days=first_day + rng.randrange(days), hours=rng.randrange(24)),
        )
        session.add(item)
        session.flush()
        session.add_all(units_for(item.id, ws, pps, rng, rng.randrange(4)))
        ids.append(item.id)
    session.commit()
    return ids


def sums(session: Session, ws: str) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    out = {}
    for model in (ReadItemSum, ReadUnitSum):
        table = model.__table__  # type: ignore[attr-defined]
        rows = session.execute(select(table).where(table.c.workspace_id == ws)).mappings().all()
        by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in rows:
            key = tuple(str(row[k]) for k in KEY)
            assert key not in by_key, key  # the grain key is unique
            by_key[key] = {k: v for k, v in row.items() if k not in KEY and k not in ("id", "workspace_id")}
        out[table.name] = by_key
    return out


def assert_same_sums(a: dict[str, Any], b: dict[str, Any]) -> None:
    for table in a:
        assert a[table].keys() == b[table].keys(), (table, set(a[table]) ^ set(b[table]))
        for key, row in a[table].items():
            other = b[table][key]
            for column, value in row.items():
                if isinstance(value, float):
                    assert math.isclose(value, other[column], rel_tol=1e-9, abs_tol=1e-9), (
                        table,
                        key,
                        column,
                    )
                else:
                    assert value == other[column], (table, key, column, value, other[column])


def bring_forward(engine: Engine, ws: str, expect: str) -> None:
    """``ensure_fresh`` as a read calls it, then the sums against a fresh rebuild; ``expect``: which path."""
    before = dict(BUILDS)
    with Session(engine) as session:
        version, _ = data_version(session, ws)
        assert ensure_fresh(session, ws) == version
        assert data_version(session, ws) == (version, version)
        journal = session.execute(select(ReadSumJournal).where(ReadSumJournal.workspace_id == ws)).all()
        assert journal == []
        got = sums(session, ws)
    deltas = BUILDS["applied_deltas"] - before.get("applied_deltas", 0)
    rebuilds = BUILDS["rebuilds"] - before.get("rebuilds", 0)
    assert (deltas, rebuilds) == ((1, 0) if expect == "delta" else (0, 1)), (deltas, rebuilds)
    with Session(engine) as session:
        rebuild_read_sums(session, ws)
        assert_same_sums(got, sums(session, ws))
        assert_same_sums(sums(session, ws), got)


def built_workspace(engine: Engine, n: int = 120, with_pp: bool = True) -> tuple[str, list[str], list[str]]:
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        items = add_items(session, ws, [*pps, None] if with_pp else [None], n, seed=1)
        rebuild_read_sums(session, ws)
    return ws, pps, items


def test_appends_match_a_rebuild(engine: Engine) -> None:
    ws, pps, items = built_workspace(engine, n=300)
    with Session(engine) as session:
        fresh = PainPoint(workspace_id=ws, label="new")
        session.add(fresh)
        session.commit()
        # new items: existing and new pain points, new days, channels, languages, segments, null fields
        add_items(
            session,
            ws,
            [pps[0], fresh.id, None],
            25,
            seed=2,
            days=5,
            first_day=30,
            channels=("phone", None, "web"),
            languages=("es", "en"),
            segments=("enterprise", None),
        )
        # new units on items already in the sums, some with a pain point / stage the item already has
        rng = random.Random(3)
        for k, item_id in enumerate(items[:40]):
            session.add_all(units_for(item_id, ws, [pps[k % 2], fresh.id], rng, 2, first_span=10))
        session.commit()
    bring_forward(engine, ws, "delta")
    with Session(engine) as session:  # and again: a delta on top of a delta
        add_items(session, ws, [*pps, None], 20, seed=4, days=40)
    bring_forward(engine, ws, "delta")


def test_bulk_appends_and_assignments_match_a_rebuild(engine: Engine) -> None:
    """Ingest's multi-row INSERT and incremental assignment's executemany UPDATE (NULL -> pain point)."""
    ws, pps, _ = built_workspace(engine, n=400, with_pp=False)
    with Session(engine) as session:
        unassigned = session.scalars(select(OpinionUnit.id).where(OpinionUnit.workspace_id == ws)).all()
        rows = [
            {
                "workspace_id": ws,
                "text": f"bulk {k}",
                "content_hash": f"bulk{k}",
                "source": "api",
                "language": "en",
                "rating": float(k % 5) if k % 3 else None,
                "channel": None if k % 2 else "web",
                "created_at": DAY0 + timedelta(days=k % 9),
                "received_at": DAY0,
                "kind": "review",
                "id": f"bulk-{k:04d}",
            }
            for k in range(30)
        ]
        session.execute(FeedbackItem.__table__.insert(), rows)  # type: ignore[attr-defined]
        session.commit()
        rng = random.Random(5)
        new_units = [u for k in range(30) for u in units_for(f"bulk-{k:04d}", ws, [None], rng, 2)]
        session.add_all(new_units)
        session.commit()
        # assign old units (in the sums without a pain point) and new ones (journaled twice), in bulk
        fresh_ids = [u.id for u in new_units]
        changes = [{"id": uid, "pain_point_id": pps[n % len(pps)]} for n, uid in enumerate(unassigned[::6])]
        changes += [{"id": uid, "pain_point_id": pps[n % 2]} for n, uid in enumerate(fresh_ids[::3])]
        session.execute(update(OpinionUnit), changes)
        session.commit()
    bring_forward(engine, ws, "delta")
    with Session(engine) as session:  # the ORM's way, one unit at a time
        for unit in session.scalars(
            select(OpinionUnit).where(OpinionUnit.workspace_id == ws, OpinionUnit.pain_point_id.is_(None))  # type: ignore[union-attr]
        ).all()[:15]:
            unit.pain_point_id = pps[-1]
        session.commit()
    bring_forward(engine, ws, "delta")


def test_unchanged_values_are_an_empty_delta(engine: Engine) -> None:
    ws, _, _ = built_workspace(engine)
    with Session(engine) as session:
        session.execute(
            text("UPDATE opinion_unit SET sentiment = sentiment, text = 'edited' WHERE workspace_id = :w"),
            {"w": ws},
        )
        session.commit()
        version, built = data_version(session, ws)
        assert version > built  # the triggers saw it...
    bring_forward(engine, ws, "delta")  # ...and knew it changes nothing the sums count


def _one_unit(session: Session, ws: str, assigned: bool = True) -> OpinionUnit:
    cond = OpinionUnit.pain_point_id.is_not(None) if assigned else OpinionUnit.pain_point_id.is_(None)  # type: ignore[union-attr]
    unit = session.scalars(select(OpinionUnit).where(OpinionUnit.workspace_id == ws, cond)).first()
    assert unit is not None
    return unit


def _item(session: Session, ws: str) -> FeedbackItem:
    item = session.scalars(select(FeedbackItem).where(FeedbackItem.workspace_id == ws)).first()
    assert item is not None
    return item


def _set(obj: Callable[[Session, str], Any], **values: Any) -> Callable[[Session, str, list[str]], None]:
    def change(session: Session, ws: str, pps: list[str]) -> None:
        row = obj(session, ws)
        for k, v in values.items():
            setattr(row, k, v(pps) if callable(v) else v)
        session.add(row)

    return change


def _move(unit: OpinionUnit, pps: list[str]) -> None:
    unit.pain_point_id = next(p for p in pps if p != unit.pain_point_id)


NON_APPENDS: dict[str, Callable[[Session, str, list[str]], None]] = {
    "erase item": lambda s, ws, pps: s.execute(
        delete(FeedbackItem).where(FeedbackItem.id == _item(s, ws).id)
    ),
    "delete unit": lambda s, ws, pps: s.execute(
        delete(OpinionUnit).where(OpinionUnit.id == _one_unit(s, ws).id)
    ),
    "rating": _set(_item, rating=3.5),
    "date": _set(_item, created_at=DAY0 + timedelta(days=90)),
    "channel": _set(_item, channel="kiosk"),
    "merge (pain point moved)": lambda s, ws, pps: _move(_one_unit(s, ws), pps),
    "unassigned": _set(_one_unit, pain_point_id=None),
    "sentiment (adaptation)": _set(_one_unit, sentiment="mixed"),
    "sentiment score": _set(_one_unit, sentiment_score=-0.99),
    "stage": _set(_one_unit, stage="renewal"),
    "assigned with a new stage": _set(
        lambda s, ws: _one_unit(s, ws, False), pain_point_id=lambda p: p[0], stage="x"
    ),
}


@pytest.mark.parametrize("change", list(NON_APPENDS))
def test_other_writes_force_a_rebuild(engine: Engine, change: str) -> None:
    ws, pps, _ = built_workspace(engine, n=60)
    with Session(engine) as session:
        add_items(session, ws, [*pps, None], 5, seed=7)  # a journal the rebuild must also clear
        NON_APPENDS[change](session, ws, pps)
        session.commit()
    bring_forward(engine, ws, "rebuild")
    with Session(engine) as session:  # and appends after it are deltas again
        add_items(session, ws, [*pps, None], 5, seed=8)
    bring_forward(engine, ws, "delta")


def test_a_large_journal_or_the_setting_off_rebuilds(engine: Engine) -> None:
    ws, pps, _ = built_workspace(engine, n=40)
    with Session(engine) as session:
        add_items(session, ws, [*pps, None], 30, seed=9)  # > 30% of the workspace
    bring_forward(engine, ws, "rebuild")
    with Session(engine) as session:
        add_items(session, ws, [*pps, None], 3, seed=10)
        before = BUILDS["rebuilds"]
        ensure_fresh(session, ws, delta=False)
        assert BUILDS["rebuilds"] == before + 1
        assert session.execute(select(ReadSumJournal)).all() == []


def test_never_built_sums_are_built_in_full(engine: Engine) -> None:
    with Session(engine) as session:
        ws, pps = new_workspace(session)
        add_items(session, ws, [*pps, None], 10, seed=11)
    bring_forward(engine, ws, "rebuild")
    assert view_tables.BUILDS is BUILDS


def test_reads_after_an_ingest_take_the_delta_through_the_api(
    client: TestClient,
    auth_headers: dict[str, str],
    topic_backend: TopicBackend,
    engine: Engine,
    workspace_id: str,
) -> None:
    """The service's own writes (HTTP ingest, its post-ingest extraction and assignment) are journaled: the
    read after them adds them to the sums, no rebuild, and the view equals the full scan's."""
    items = seed_items()
    cut = len(items) * 5 // 6
    ingest(client, auth_headers, items[:cut])
    analyse(client, auth_headers)
    assert client.get("/v1/pain-points", headers=auth_headers).status_code == 200
    before = dict(BUILDS)
    ingest(client, auth_headers, items[cut:])
    assert client.get("/v1/pain-points", headers=auth_headers).status_code == 200
    assert BUILDS["rebuilds"] == before.get("rebuilds", 0), dict(BUILDS)
    assert BUILDS["applied_deltas"] > before.get("applied_deltas", 0)
    assert_same_views(engine, workspace_id)


def test_a_write_during_a_rebuild_makes_the_next_build_full(engine: Engine) -> None:
    """PostgreSQL (READ COMMITTED): an item committed while a rebuild runs may be half in the sums and its
    journal row is deleted by the rebuild; the rebuild sees the version move and invalidates, so the next
    build is full and exact instead of an empty delta that would leave the item out for good."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: no write can commit inside a rebuild")
    ws, pps, _ = built_workspace(engine, n=60)
    with Session(engine) as session:
        add_items(session, ws, [*pps, None], 3, seed=12)
    other = create_engine(engine.url)
    fired: list[bool] = []

    def write_meanwhile(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO read_unit_sum") and not fired:
            fired.append(True)
            with Session(other) as s:
                add_items(s, ws, [*pps, None], 2, seed=13)

    event.listen(engine, "before_cursor_execute", write_meanwhile)
    try:
        with Session(engine) as session:
            rebuild_read_sums(session, ws)
    finally:
        event.remove(engine, "before_cursor_execute", write_meanwhile)
        other.dispose()
    assert fired
    bring_forward(engine, ws, "rebuild")


def test_a_write_during_a_delta_waits_for_the_next_delta(engine: Engine) -> None:
    """PostgreSQL: rows committed while a delta runs were not claimed; they stay journaled, the next delta
    adds them (also the units of items the running delta counted), and the sums stay exact."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: no write can commit inside a delta")
    ws, pps, items = built_workspace(engine, n=200)
    with Session(engine) as session:
        fresh = add_items(session, ws, [*pps, None], 5, seed=14)
    other = create_engine(engine.url)
    fired: list[bool] = []

    def write_meanwhile(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO tmp_delta_read_item_sum") and not fired:
            fired.append(True)
            with Session(other) as s:  # more units on the items being added, and on old ones
                rng = random.Random(15)
                for k, item_id in enumerate(fresh + items[:5]):
                    s.add_all(units_for(item_id, ws, [pps[k % 2]], rng, 2, first_span=20))
                s.commit()

    before = BUILDS["applied_deltas"]
    event.listen(engine, "before_cursor_execute", write_meanwhile)
    try:
        with Session(engine) as session:
            version, _ = data_version(session, ws)
            assert ensure_fresh(session, ws) == version
    finally:
        event.remove(engine, "before_cursor_execute", write_meanwhile)
        other.dispose()
    assert fired and BUILDS["applied_deltas"] == before + 1
    with Session(engine) as session:
        assert session.execute(select(ReadSumJournal).where(ReadSumJournal.workspace_id == ws)).all() != []
    bring_forward(engine, ws, "delta")
