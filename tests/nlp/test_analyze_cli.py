from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from nlp.analyze_cli import InputError, load_records, main, run_analyze
from tests.nlp.test_pipeline import COMPLAINTS


def _write_csv(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", "avis", "note", "date"])
        n = 0
        for _ in range(3):
            for group in COMPLAINTS.values():
                for text in group:
                    w.writerow([f"x{n}", text, "1", "2026-01-01"])
                    n += 1


def test_csv_to_contract_json(tmp_path: Path, hashing_embedder, capsys) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.json"
    _write_csv(src)
    run_analyze(src, "avis", "ID", "note", "date", out, embedding_backend=hashing_embedder, progress=True)
    data = json.loads(out.read_text())
    assert data["documents"][0] == {
        "row": 0, "id": "x0", "language": "en", "sentiment": "negative", "stage": None,
        "pain_points": data["documents"][0]["pain_points"], "opportunities": [], "emotion": None,
        "effort": None,
    }  # fmt: skip
    assert data["documents"][0]["pain_points"] and data["pain_points"]
    assert "segment" in capsys.readouterr().err  # progress bar went to stderr


def test_jsonl_input(tmp_path: Path, hashing_embedder) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"text": t}) for g in COMPLAINTS.values() for t in g) + "\n")
    res = run_analyze(src, out=tmp_path / "o.json", embedding_backend=hashing_embedder)
    assert len(res.documents) == 8


def test_errors_name_the_field(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    _write_csv(src)
    with pytest.raises(InputError, match="--text-column"):
        run_analyze(src, "nope")
    with pytest.raises(InputError, match="--rating-column"):
        src.write_text("text,r\nhello there my friend,abc\n")
        run_analyze(src, "text", rating_column="r")
    assert main([str(tmp_path / "missing.csv")]) == 2
    bad = tmp_path / "x.jsonl"
    bad.write_text("{not json}\n")
    with pytest.raises(InputError, match="line 1"):
        run_analyze(bad)


def test_escaped_quotes_after_the_first_kilobytes_are_read_intact(tmp_path: Path) -> None:
    # Issue 10: csv.Sniffer on the first 4 KB turned doublequote off; row 454 then had "non-numeric rating"
    # and the run exited 2. The shared rule reads every row and every rating.
    src = tmp_path / "reviews.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "text", "rating"])
        for n in range(600):
            text = f'Le livreur a dit "demain", commande {n}' if n > 450 else f"Commande {n} bien reçue"
            w.writerow([n, text, 1 + n % 5])
    records = load_records(src, "text", "id", "rating", None)
    assert len(records) == 600
    assert records[500].text == 'Le livreur a dit "demain", commande 500'
    assert [r.rating for r in records] == [float(1 + n % 5) for n in range(600)]


def test_xlsx_input_same_columns_as_csv(tmp_path: Path) -> None:
    from tests.helpers.workbooks import xlsx_bytes

    rows: list[list[object]] = [
        ["ID", "avis", "note", "date"],
        ["x0", 'Colis "express" livré en 9 jours', 1, "2026-01-01"],
        ["x1", "Rien à redire", 5.0, None],
    ]
    src = tmp_path / "export.xlsx"
    src.write_bytes(xlsx_bytes({"Avis": rows, "Vide": []}))
    records = load_records(src, "avis", "ID", "note", "date")
    assert [(r.id, r.text, r.rating, r.date) for r in records] == [
        ("x0", 'Colis "express" livré en 9 jours', 1.0, "2026-01-01"),
        ("x1", "Rien à redire", 5.0, ""),
    ]
    with pytest.raises(InputError, match="sheet 'Reviews' not found"):
        load_records(src, "avis", None, None, None, sheet="Reviews")
    with pytest.raises(InputError, match="no header"):
        load_records(src, "avis", None, None, None, sheet="Vide")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(src.read_bytes()[:200])
    assert main([str(broken)]) == 2


def test_language_flag_is_checked(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    _write_csv(src)
    with pytest.raises(InputError, match="--language"):
        run_analyze(src, language="de")


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--embedding-backend", "minilm"], "--embedding-backend: unknown spec 'minilm'"),
        (["--embedding-backend", "sentence-transformers:"], "needs a model name"),
        (["--embedding-backend", "concat:use-multilingual+bar"], "unknown spec 'bar'"),
        (["--sentiment-space", "use"], "--sentiment-space: expected 'same', 'auto' or an embedding spec"),
        (["--sentiment-space", " "], "--sentiment-space: expected"),
    ],
)
def test_bad_backend_or_sentiment_space_is_exit_2_before_any_model_loads(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    named: str,
) -> None:
    src = tmp_path / "in.csv"
    _write_csv(src)

    def no_model(*_a: object, **_k: object) -> None:
        raise AssertionError("a model was loaded for a refused command line")

    monkeypatch.setattr("nlp.analyze_cli.analyze_records", no_model)
    assert main([str(src), "--text-column", "avis", *flags]) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def test_priority_and_components_as_the_api(tmp_path: Path, hashing_embedder) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.json"
    _write_csv(src)
    run_analyze(src, "avis", "ID", "note", "date", out, embedding_backend=hashing_embedder)
    pps = json.loads(out.read_text())["pain_points"]
    assert [p["priority"] for p in pps] == sorted((p["priority"] for p in pps), reverse=True)
    for p in pps:
        assert p["score"]["priority"] == p["priority"] and p["score"]["last_seen"] == "2026-01-01"
        assert set(p["score"]["components"]) == {"volume", "severity", "impact", "trend", "effort", "recency"}
        assert {"emerging", "ratio"} <= set(p["score"]["trend"])
