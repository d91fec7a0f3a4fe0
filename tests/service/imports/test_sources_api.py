"""Sources API end to end through the real app and database (SQLite and PostgreSQL), tasks run inline."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from service.feedback import hooks
from service.models import FeedbackItem
from service.settings import Settings, get_settings
from tests.helpers.imports import FIXTURES, copy_fixture


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An import directory both the API and the (inline) worker accept; private URLs allowed for 127.0.0.1."""
    directory = tmp_path / "exports"
    directory.mkdir()
    monkeypatch.setenv("FRICTIONMAP_IMPORT_DIRS", json.dumps([str(directory)]))
    monkeypatch.setenv("FRICTIONMAP_IMPORT_ALLOW_PRIVATE_URLS", "true")
    get_settings.cache_clear()
    yield directory
    get_settings.cache_clear()


@pytest.fixture
def import_settings(settings: Settings, exports: Path) -> Settings:
    return settings.model_copy(update={"import_dirs": [exports], "import_allow_private_urls": True})


@pytest.fixture
def api(import_settings: Settings) -> Iterator[TestClient]:
    from service.main import create_app

    app: FastAPI = create_app(import_settings)
    with TestClient(app) as client:
        yield client


def feedback_count(import_settings: Settings, source: str | None = None) -> int:
    from service.db import get_engine

    with Session(get_engine(import_settings)) as s:
        stmt = select(func.count()).select_from(FeedbackItem)
        if source is not None:
            stmt = stmt.where(FeedbackItem.source == source)
        return int(s.exec(stmt).one())


def make_source(api: TestClient, headers: dict[str, str], **body: object) -> dict:
    response = api.post("/v1/sources", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def run_now(api: TestClient, headers: dict[str, str], source_id: str) -> dict:
    response = api.post(f"/v1/sources/{source_id}/run", headers=headers)
    assert response.status_code == 202, response.text
    return response.json()


def test_source_crud_and_validation(
    api: TestClient, auth_headers: dict, other_auth_headers: dict, exports: Path
) -> None:
    path = copy_fixture("trustpilot_reviews.csv", exports)
    src = make_source(
        api,
        auth_headers,
        name="Trustpilot FR",
        type="trustpilot_csv",
        location=str(path),
        schedule="0 6 * * *",
    )
    assert src["feedback_source"] == "trustpilot" and src["enabled"] is True
    assert src["next_run_at"] is not None and src["next_run_at"].endswith(("06:00:00Z", "06:00:00+00:00"))

    def rejected(body: dict, field: str, rule: str, code: int = 422) -> None:
        response = api.post("/v1/sources", json=body, headers=auth_headers)
        assert response.status_code == code, response.text
        assert {"field": field, "rule": rule} in [
            {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
        ], response.text

    base = {"name": "x", "type": "generic_csv", "location": str(path)}
    rejected({**base, "type": "myspace_csv"}, "type", "one_of")
    rejected({**base, "schedule": "every day"}, "schedule", "cron")
    rejected({**base, "location": "ftp://example.com/x.csv"}, "location", "location")
    rejected({**base, "location": "/etc/passwd"}, "location", "allowed_dir")
    rejected({**base, "mapping": {"txt": "comment"}}, "mapping.txt", "unknown_field")
    rejected({**base, "name": "Trustpilot FR"}, "name", "unique", code=409)

    second = make_source(api, auth_headers, name="Survey", type="survey_csv", location=str(path))
    assert second["feedback_source"] == f"source:{second['id']}"
    listing = api.get("/v1/sources", headers=auth_headers).json()
    assert [s["name"] for s in listing["items"]] == ["Survey", "Trustpilot FR"]

    patched = api.patch(
        f"/v1/sources/{src['id']}", json={"schedule": None, "enabled": False}, headers=auth_headers
    )
    assert patched.status_code == 200 and patched.json()["next_run_at"] is None
    assert (
        api.patch(f"/v1/sources/{src['id']}", json={"schedule": "x"}, headers=auth_headers).status_code == 422
    )

    assert api.get(f"/v1/sources/{src['id']}", headers=other_auth_headers).status_code == 404
    assert api.delete(f"/v1/sources/{src['id']}", headers=other_auth_headers).status_code == 404
    assert api.delete(f"/v1/sources/{src['id']}", headers=auth_headers).status_code == 204
    assert api.get(f"/v1/sources/{src['id']}", headers=auth_headers).status_code == 404


def test_run_imports_through_ingest_and_rerun_creates_nothing(
    api: TestClient, auth_headers: dict, exports: Path, import_settings: Settings
) -> None:
    seen: list[Sequence[str]] = []

    def on_created(session: Session, workspace_id: str, ids: Sequence[str]) -> None:
        # Hooks run after the commit: the items are visible to any other session.
        from service.db import get_engine

        with Session(get_engine(import_settings)) as other:
            assert len(other.exec(select(FeedbackItem).where(FeedbackItem.id.in_(ids))).all()) == len(ids)  # type: ignore[attr-defined]
        seen.append(list(ids))

    hooks.on_feedback_created(on_created)
    try:
        path = copy_fixture("trustpilot_reviews.csv", exports)
        src = make_source(api, auth_headers, name="tp", type="trustpilot_csv", location=str(path))
        first = run_now(api, auth_headers, src["id"])
        assert first["state"] == "done", first
        assert (first["read"], first["created"], first["duplicate"], first["rejected"]) == (4, 3, 0, 1)
        assert first["rejected_rows"] == [
            {
                "row": 4,
                "reason": "rating '9' is outside the scale 1-5; set mapping.rating_scale",
                "external_id": "64a1f0c2e4b0a1d2c3e4f504",
            }
        ]
        assert sum(len(ids) for ids in seen) == 3

        second = run_now(api, auth_headers, src["id"])
        assert (second["read"], second["created"], second["duplicate"], second["rejected"]) == (4, 0, 3, 1)
        assert feedback_count(import_settings, "trustpilot") == 3
        runs = api.get(f"/v1/sources/{src['id']}/runs", headers=auth_headers).json()["items"]
        assert [r["id"] for r in runs] == [second["id"], first["id"]]  # newest first
        one = api.get(f"/v1/sources/{src['id']}/runs/{first['id']}", headers=auth_headers)
        assert one.status_code == 200 and one.json()["created"] == 3
        assert api.get(f"/v1/sources/{src['id']}/runs/nope", headers=auth_headers).status_code == 404
        assert api.get(f"/v1/sources/{src['id']}", headers=auth_headers).json()["last_run_at"] is not None
    finally:
        hooks.remove(on_created)

    items = api.get("/v1/feedback", params={"source": "trustpilot"}, headers=auth_headers).json()["items"]
    by_id = {i["external_id"]: i for i in items}
    first_item = by_id["64a1f0c2e4b0a1d2c3e4f501"]
    assert first_item["kind"] == "review" and first_item["rating"] == 1.0 and first_item["language"] == "fr"
    assert first_item["created_at"].startswith("2024-03-02T09:14:55")


def test_imported_text_is_redacted_like_api_ingest(
    api: TestClient, auth_headers: dict, exports: Path, import_settings: Settings
) -> None:
    path = exports / "pii.csv"
    path.write_text(
        "id,comment,rating\n"
        '1,"Rappelez-moi au 06 12 34 56 78 ou jean.dupont@example.com, colis jamais reçu",1\n',
        encoding="utf-8",
    )
    src = make_source(api, auth_headers, name="pii", type="generic_csv", location=str(path))
    assert run_now(api, auth_headers, src["id"])["created"] == 1
    item = api.get("/v1/feedback", params={"source": src["feedback_source"]}, headers=auth_headers).json()[
        "items"
    ][0]
    assert "<EMAIL>" in item["text"] and "<PHONE>" in item["text"] and "example.com" not in item["text"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 20, "not a readable .xlsx workbook"),
        (b"id,rating,title,body\nx,1,a,b\n", "missing columns: 'text' (expected one of 'Review Content'"),
        (None, "truncated"),
    ],
)
def test_bad_file_fails_the_run_and_keeps_earlier_data(
    api: TestClient,
    auth_headers: dict,
    exports: Path,
    import_settings: Settings,
    content: bytes | None,
    reason: str,
) -> None:
    path = copy_fixture("trustpilot_reviews.csv", exports)
    src = make_source(api, auth_headers, name="tp", type="trustpilot_csv", location=str(path))
    assert run_now(api, auth_headers, src["id"])["created"] == 3
    if content is None:  # the same export cut inside a quoted multi-line review
        original = (FIXTURES / "trustpilot_reviews.csv").read_bytes()
        content = original[: original.index(b"Toujours aucun")]
    path.write_bytes(content)
    failed = run_now(api, auth_headers, src["id"])
    assert failed["state"] == "failed" and reason in failed["error"], failed
    assert failed["created"] == 0
    assert feedback_count(import_settings, "trustpilot") == 3


@pytest.fixture
def http_server(exports: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(exports))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_source_is_downloaded_and_capped(
    api: TestClient, auth_headers: dict, exports: Path, http_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_fixture("google_business_reviews.json", exports)
    src = make_source(
        api,
        auth_headers,
        name="gbp",
        type="google_business_json",
        location=f"{http_server}/google_business_reviews.json",
    )
    run = run_now(api, auth_headers, src["id"])
    assert (run["state"], run["created"], run["rejected"]) == ("done", 3, 1)

    missing = make_source(
        api, auth_headers, name="404", type="google_business_json", location=f"{http_server}/nope.json"
    )
    assert "HTTP 404" in run_now(api, auth_headers, missing["id"])["error"]

    monkeypatch.setenv("FRICTIONMAP_IMPORT_MAX_BYTES", "100")
    get_settings.cache_clear()
    assert "import limit" in run_now(api, auth_headers, src["id"])["error"]
    monkeypatch.setenv("FRICTIONMAP_IMPORT_ALLOW_PRIVATE_URLS", "false")
    monkeypatch.delenv("FRICTIONMAP_IMPORT_MAX_BYTES")
    get_settings.cache_clear()
    assert "non-public address" in run_now(api, auth_headers, src["id"])["error"]


def test_upload_returns_a_job_and_reuploading_creates_nothing(
    api: TestClient, auth_headers: dict, import_settings: Settings
) -> None:
    data = (FIXTURES / "survey_export.csv").read_bytes()
    form = {"type": "survey_csv", "source": "nps-2024-11"}
    response = api.post(
        "/v1/imports", data=form, files={"file": ("nps.csv", data, "text/csv")}, headers=auth_headers
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["kind"] == "import" and job["state"] == "done"
    assert (job["result"]["read"], job["result"]["created"], job["result"]["rejected"]) == (4, 3, 1)
    again = api.post(
        "/v1/imports", data=form, files={"file": ("nps.csv", data, "text/csv")}, headers=auth_headers
    )
    assert again.json()["result"]["duplicate"] == 3 and again.json()["result"]["created"] == 0
    assert api.get(f"/v1/imports/{job['id']}", headers=auth_headers).json()["run_id"] == job["run_id"]
    assert feedback_count(import_settings, "nps-2024-11") == 3
    assert not any((import_settings.data_dir / "uploads").iterdir())  # stored upload removed after the run

    bad = api.post(
        "/v1/imports",
        data={"type": "survey_csv", "mapping": '{"open_ended": "Why"}'},
        files={"file": ("nps.csv", data, "text/csv")},
        headers=auth_headers,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "mapping.open_ended"
    bad_type = api.post(
        "/v1/imports", data={"type": "excel"}, files={"file": ("x.csv", data)}, headers=auth_headers
    )
    assert bad_type.status_code == 422 and bad_type.json()["errors"][0]["field"] == "type"
    empty = api.post(
        "/v1/imports", data={"type": "generic_csv"}, files={"file": ("x.csv", b"")}, headers=auth_headers
    )
    assert empty.status_code == 422 and empty.json()["errors"][0]["rule"] == "not_empty"


def test_run_now_is_refused_while_a_run_is_pending_and_type_change_follows_namespace(
    api: TestClient, auth_headers: dict, exports: Path, import_settings: Settings
) -> None:
    from service.db import get_engine
    from service.imports.runs import create_source_run
    from service.models import Source

    path = copy_fixture("generic_latin1.csv", exports)
    src = make_source(api, auth_headers, name="g", type="generic_csv", location=str(path))
    with Session(get_engine(import_settings), expire_on_commit=False) as s:
        source = s.get(Source, src["id"])
        assert source is not None
        pending = create_source_run(s, source, "schedule")
        s.commit()
    busy = api.post(f"/v1/sources/{src['id']}/run", headers=auth_headers)
    assert busy.status_code == 409 and pending.id in busy.json()["detail"]

    changed = api.patch(
        f"/v1/sources/{src['id']}", json={"type": "trustpilot_csv"}, headers=auth_headers
    ).json()
    assert changed["feedback_source"] == "trustpilot"


def test_one_platform_review_reached_through_two_sources_is_stored_once(
    api: TestClient, auth_headers: dict, exports: Path, import_settings: Settings
) -> None:
    a = make_source(
        api,
        auth_headers,
        name="tp-a",
        type="trustpilot_csv",
        location=str(copy_fixture("trustpilot_reviews.csv", exports, "a.csv")),
    )
    b = make_source(
        api,
        auth_headers,
        name="tp-b",
        type="trustpilot_csv",
        location=str(copy_fixture("trustpilot_reviews.csv", exports, "b.csv")),
    )
    assert run_now(api, auth_headers, a["id"])["created"] == 3
    second = run_now(api, auth_headers, b["id"])
    assert (second["created"], second["duplicate"]) == (0, 3)
    assert feedback_count(import_settings) == 3


def test_same_id_twice_in_one_file_is_stored_once(
    api: TestClient, auth_headers: dict, exports: Path, import_settings: Settings
) -> None:
    path = exports / "twice.csv"
    path.write_text(
        "id,comment\nA-1,Livraison en retard\nA-2,Appli lente\nA-1,Livraison en retard (edited)\n"
    )
    src = make_source(api, auth_headers, name="twice", type="generic_csv", location=str(path))
    run = run_now(api, auth_headers, src["id"])
    assert (run["read"], run["created"], run["duplicate"]) == (3, 2, 1)
    items = api.get("/v1/feedback", params={"source": src["feedback_source"]}, headers=auth_headers).json()
    assert sorted(i["text"] for i in items["items"]) == ["Appli lente", "Livraison en retard"]  # first kept


def test_overlong_ticket_is_cut_not_rejected(
    api: TestClient, auth_headers: dict, exports: Path, import_settings: Settings
) -> None:
    ticket = {"id": 9, "subject": "Long thread", "description": "Toujours pas de remboursement. " * 1000}
    path = exports / "long.jsonl"
    path.write_text(json.dumps(ticket) + "\n", encoding="utf-8")
    src = make_source(api, auth_headers, name="zd", type="zendesk_json", location=str(path))
    assert run_now(api, auth_headers, src["id"])["created"] == 1
    item = api.get("/v1/feedback", params={"source": "zendesk"}, headers=auth_headers).json()["items"][0]
    assert len(item["text"]) == import_settings.max_text_chars
    assert item["metadata"]["truncated_from_chars"] == len("Long thread\n\n") + 31_000 - 1


def test_xlsx_upload_is_imported_and_a_broken_workbook_is_a_422(
    api: TestClient, auth_headers: dict, import_settings: Settings
) -> None:
    from tests.helpers.workbooks import xlsx_bytes

    book = xlsx_bytes(
        {
            "Avis": [
                ["id", "comment", "rating"],
                ["x1", 'Colis "express" livré en neuf jours', 1],
                ["x2", "Rien à redire, parfait", 5],
            ]
        }
    )
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ok = api.post(
        "/v1/imports",
        data={"type": "generic_xlsx", "source": "excel-upload"},
        files={"file": ("avis.xlsx", book, xlsx)},
        headers=auth_headers,
    )
    assert ok.status_code == 202 and ok.json()["result"]["created"] == 2, ok.text
    assert feedback_count(import_settings, "excel-upload") == 2
    cases = [
        (book, '{"sheet": "Reviews"}', "sheet 'Reviews' not found; the workbook has: Avis"),
        (book[: len(book) // 2], None, "corrupt or incomplete"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), None, "password-protected"),
    ]
    for data, mapping, message in cases:
        form = {"type": "trustpilot_csv"} | ({"mapping": mapping} if mapping else {})
        bad = api.post("/v1/imports", data=form, files={"file": ("t.xlsx", data, xlsx)}, headers=auth_headers)
        assert bad.status_code == 422, bad.text
        error = bad.json()["errors"][0]
        assert (error["field"], error["rule"]) == ("file", "readable_workbook") and message in error[
            "message"
        ]
    assert not any((import_settings.data_dir / "uploads").iterdir())
