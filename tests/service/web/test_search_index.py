"""The verbatim search through its index (migration 0011, ``service.feedback.search_index``) returns exactly
what the plain ``ILIKE`` scan returns: French accents (SQLite folds ASCII only, the FTS5 index every letter),
LIKE wildcards and backslashes taken literally, short queries, erased and edited texts; and it is used."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.analysis.view import ViewFilters
from service.db import alembic_config, build_engine
from service.feedback import search_index
from service.models import FeedbackItem, Workspace
from service.web import summary_insights
from service.web.summary_insights import Verbatim, search_in_scope
from service.workspaces.security import get_or_create_workspace

TEXTS = [
    "Été très chaud à Orléans, livraison en retard",
    "ÉTÉ POURRI : colis trempé",
    "été comme hiver, le service client répond",
    "L'ÉTAT du colis était déplorable",
    "Remboursé après trois semaines",
    "REMBOURSÉ ? Jamais reçu",
    "remboursement refusé sans raison",
    "Promo à 100% remboursée, merci",
    "taux_de_change appliqué deux fois",
    r"chemin C:\dossier\facture.pdf introuvable",
    r"code a%b_c\d refusé",
    "ŒUVRE de charité, œuvre d'art",
    "Straße gesperrt, STRASSE offen",
    "l'été dernier, déjà un problème",
    "ok",
    "Ça marche pas du tout, ça bloque",
]
QUERIES = [
    "été", "ÉTÉ", "Été", "éTé", "tat", "ÉTA", "rembours", "REMBOURSÉ", "emboursé", "ursé",
    "100%", "0% r", "%", "_", "\\", "_de_", "taux_de", r"C:\dos", r"\fac", "a%b", r"a%b_c\d", "%b_",
    "ét", "é", "ok", "œuv", "ŒUV", "STRA", "aße", "l'é", "ça b", "ÇA M", "  été  ", "zzz-nothing",
]  # fmt: skip
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _ascii_fold(s: str) -> str:
    return s.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


def _reference(q: str, texts: dict[str, str]) -> set[str]:
    """What SQLite's ``lower(text) LIKE lower(pattern)`` and PostgreSQL's ``ILIKE`` mean for this corpus: a
    case-insensitive substring (ASCII folding on SQLite; PostgreSQL folds every letter)."""
    return {i for i, t in texts.items() if _ascii_fold(q.strip()) in _ascii_fold(t)}


@pytest.fixture
def corpus(session: Session) -> tuple[Workspace, dict[str, str]]:
    ws = get_or_create_workspace(session, "acme")
    other = get_or_create_workspace(session, "globex")
    texts: dict[str, str] = {}
    for k, t in enumerate(TEXTS * 3):  # three copies on distinct days and channels
        item = FeedbackItem(
            workspace_id=ws.id,
            text=t,
            channel=("web", "app", None)[k % 3],
            created_at=T0 + timedelta(hours=k),
            content_hash=f"h{k}",
        )
        session.add(item)
        texts[item.id] = t
    session.add(FeedbackItem(workspace_id=other.id, text=TEXTS[0], content_hash="x"))  # another workspace
    session.commit()
    return ws, texts


def _search(session: Session, ws: Workspace, q: str, plain: bool, **filters: Any) -> list[Verbatim]:
    if plain:
        saved = search_index.candidates
        search_index.candidates = lambda *_: None  # type: ignore[assignment]
        try:
            return search_in_scope(session, ws, q, ViewFilters(**filters))
        finally:
            search_index.candidates = saved  # type: ignore[assignment]
    return search_in_scope(session, ws, q, ViewFilters(**filters))


def _same_everywhere(session: Session, ws: Workspace, texts: dict[str, str]) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    for q in QUERIES:
        for filters in ({}, {"channel": "web"}, {"since": (T0 + timedelta(hours=20)).date()}):
            indexed = _search(session, ws, q, plain=False, **filters)
            assert indexed == _search(session, ws, q, plain=True, **filters), (q, filters)
            if not filters and not postgres:
                assert {v.id for v in indexed} == _reference(q, texts), q
        if postgres:  # ILIKE folds non-ASCII letters too: at least the ASCII-folded matches
            assert _reference(q, texts) <= {v.id for v in _search(session, ws, q, plain=False)}, q


def test_indexed_and_plain_search_agree(session: Session, corpus: tuple[Workspace, dict[str, str]]) -> None:
    ws, texts = corpus
    _same_everywhere(session, ws, texts)


def test_filters_keep_the_in_scope_part_of_the_newest_matches(
    session: Session, corpus: tuple[Workspace, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search is bounded first (the ``SEARCH_LIMIT`` newest matches in the workspace), then kept to the
    view's filters, newest first: the oracle is computed from the rows, not from another search."""
    ws, _ = corpus
    monkeypatch.setattr(summary_insights, "SEARCH_LIMIT", 4)
    rows = session.execute(
        text("SELECT id, text, channel, created_at FROM feedback_item WHERE workspace_id = :w"), {"w": ws.id}
    ).all()
    newest = sorted((r for r in rows if "colis" in r.text), key=lambda r: r.created_at, reverse=True)[:4]
    for filters, keep in (
        ({}, lambda r: True),
        ({"channel": "web"}, lambda r: r.channel == "web"),
        ({"channel": "app"}, lambda r: r.channel == "app"),
    ):
        for plain in (False, True):
            got = [v.id for v in _search(session, ws, "colis", plain=plain, **filters)]
            assert got == [r.id for r in newest if keep(r)], (filters, plain)


def test_one_statement_finds_and_filters_the_matches(
    session: Session, engine: Engine, corpus: tuple[Workspace, dict[str, str]]
) -> None:
    """The matches' columns and their scope come out of the scan that finds them: looking the found ids up
    again made PostgreSQL scan the whole workspace (a hash join) for a common word."""
    ws, _ = corpus
    spy = _captured(engine)
    seen = next(spy)
    search_in_scope(session, ws, "colis", ViewFilters(channel="web"))
    items = re.compile(r"FROM feedback_item\b(?!_fts)")  # the item table, not SQLite's FTS probe
    reads = [s for s, _ in seen if items.search(s)]
    assert len(reads) == 1, reads
    assert len(items.findall(reads[0])) == 1, reads[0]
    next(spy, None)


def test_erased_and_edited_texts_leave_the_index(
    session: Session, corpus: tuple[Workspace, dict[str, str]]
) -> None:
    ws, texts = corpus
    erased = [i for i, t in texts.items() if "Orléans" in t or "trempé" in t]
    session.execute(FeedbackItem.__table__.delete().where(FeedbackItem.id.in_(erased)))  # type: ignore[attr-defined]
    for i in erased:
        del texts[i]
    edited = next(i for i, t in texts.items() if t.startswith("Remboursé après"))
    session.execute(
        FeedbackItem.__table__.update()  # type: ignore[attr-defined]
        .where(FeedbackItem.id == edited)
        .values(text="Avoir reçu finalement, quelqu'un de [REDACTED]")
    )
    texts[edited] = "Avoir reçu finalement, quelqu'un de [REDACTED]"
    session.commit()
    assert _search(session, ws, "Orléans", plain=False) == []
    assert _search(session, ws, "POURRI", plain=False) == []
    assert edited not in {v.id for v in _search(session, ws, "après trois", plain=False)}
    assert [v.id for v in _search(session, ws, "[REDACTED]", plain=False)] == [edited]
    _same_everywhere(session, ws, texts)
    if session.get_bind().dialect.name == "sqlite" and search_index.available(session):
        # The index itself (MATCH reads the index only; LIKE would recheck the current texts) holds no
        # trigram of an erased or replaced text any more.
        fts = search_index.FTS

        def indexed(phrase: str) -> int:
            q = f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :p"
            return int(session.execute(text(q), {"p": f'"{phrase}"'}).scalar_one())

        assert indexed("Orléans") == 1  # the copy in the other workspace
        assert indexed("POURRI") == 0
        assert indexed("après trois") == 2  # the two copies not edited
        assert indexed("[REDACTED]") == 1


def test_common_words_and_short_queries_take_the_plain_scan(
    session: Session, corpus: tuple[Workspace, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL needs no candidates: its GIN index serves the ILIKE itself")
    assert search_index.available(session)
    assert search_index.candidates(session, "ét") is None  # no trigram
    assert search_index.candidates(session, "a%b") is None  # no 3 characters without a wildcard
    assert search_index.candidates(session, "été") is not None
    monkeypatch.setattr(search_index, "CANDIDATE_CAP", 2)
    assert search_index.candidates(session, "colis") is None  # 3 candidates > 2: the newest-first scan
    ws, texts = corpus
    assert {v.id for v in _search(session, ws, "colis", plain=False)} == _reference("colis", texts)


def _captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def spy(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", spy)


def test_the_search_reads_the_index(
    session: Session, engine: Engine, corpus: tuple[Workspace, dict[str, str]]
) -> None:
    ws, _ = corpus
    spy = _captured(engine)
    seen = next(spy)
    search_in_scope(session, ws, "rembours", ViewFilters())
    statement, params = next(
        (s, p) for s, p in seen if "LIKE" in s.upper() and "feedback_item.workspace_id" in s
    )
    if session.get_bind().dialect.name == "sqlite":
        assert any(search_index.FTS in s for s, _ in seen)
        probe = f"EXPLAIN QUERY PLAN SELECT rowid FROM {search_index.FTS} WHERE text LIKE '%rembours%'"
        plan = " | ".join(str(r[-1]) for r in session.execute(text(probe)))
        assert f"SCAN {search_index.FTS} VIRTUAL TABLE INDEX" in plan, plan
        rows = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        plan = " | ".join(str(r[-1]) for r in rows)
        # candidates by rowid, then the found ids by primary key: no walk of the workspace's items
        assert "INTEGER PRIMARY KEY (rowid=?)" in plan and "VIRTUAL TABLE" in plan, plan
        assert "ix_feedback_workspace_created" not in plan, plan
    else:  # the search's own predicate, where only the trigram index can serve it without a scan
        conn = session.connection()
        pattern = next(v for v in params.values() if isinstance(v, str) and "rembours" in v)
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = conn.exec_driver_sql(
            "EXPLAIN SELECT id FROM feedback_item WHERE text ILIKE %(p)s ESCAPE '\\'", {"p": pattern}
        ).all()
        conn.exec_driver_sql("SET LOCAL enable_seqscan = on")
        plan = " | ".join(r[0] for r in rows)
        assert "ix_feedback_item_text_trgm" in plan, plan
        assert "ILIKE" in statement.upper() and "ESCAPE" in statement.upper()
    next(spy, None)


def test_upgrade_backfills_and_downgrade_drops_the_sqlite_index(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0010_theme_reads")
    engine = build_engine(url)
    with Session(engine) as s:
        ws = get_or_create_workspace(s, "acme")
        s.add(FeedbackItem(workspace_id=ws.id, text="Déjà là avant l'index", content_hash="a"))
        s.commit()
    command.upgrade(cfg, "0011_search_index")
    with Session(engine) as s:
        ws = get_or_create_workspace(s, "acme")
        assert [v.id for v in search_in_scope(s, ws, "avant l'index", ViewFilters())]
        assert search_index.candidates(s, "avant l'index") not in (None, "[]")
    command.downgrade(cfg, "0010_theme_reads")
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert not {n for n in names if n.startswith(search_index.FTS) or n.startswith("fm_search")}
    engine.dispose()


def test_an_erasure_through_the_api_leaves_the_index_clean(
    client: Any, auth_headers: dict[str, str], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    merge = search_index.forget_erased

    def spy(session: Session) -> None:
        calls.append(session.get_bind().dialect.name)
        merge(session)

    monkeypatch.setattr(search_index, "forget_erased", spy)
    items = [
        {"text": "Le livreur Zébulon a laissé le colis sous la pluie", "customer_ref": "gone"},
        {"text": "Zébulon, encore lui : colis abîmé", "customer_ref": "kept"},
    ]
    assert client.post("/v1/feedback", json={"items": items}, headers=auth_headers).json()["created"] == 2
    with Session(engine) as s:
        ws = get_or_create_workspace(s, "acme")
        assert len(search_in_scope(s, ws, "zébulon", ViewFilters())) == 2
    assert client.post("/v1/erasures", json={"customer_ref": "gone"}, headers=auth_headers).status_code == 201
    assert len(calls) == 1
    with Session(engine) as s:
        ws = get_or_create_workspace(s, "acme")
        assert len(search_in_scope(s, ws, "zébulon", ViewFilters())) == 1
        assert search_in_scope(s, ws, "sous la pluie", ViewFilters()) == []
        if s.get_bind().dialect.name == "sqlite":
            fts = search_index.FTS
            q = f"SELECT count(*) FROM {fts} WHERE {fts} MATCH '\"pluie\"'"
            assert s.execute(text(q)).scalar() == 0  # the index itself, not rechecked against the texts
