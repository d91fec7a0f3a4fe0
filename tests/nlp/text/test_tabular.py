"""The shared CSV rule on exports shaped like the platforms the importers know (issue 10, item 6)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from nlp.text.tabular import TableError, detect_csv_format, detect_delimiter, read_csv

# (name, delimiter, header, rows): real export headers; texts with "" escapes, delimiters, newlines.
EXPORTS = [
    (
        "trustpilot",
        ",",
        ["Review Id", "Review Created (UTC)", "Review Title", "Review Content", "Review Stars"],
        [
            ["64a1f0c2e4b0a1d2c3e4f501", "2024-03-02 09:14:55", "Remboursement jamais reçu",
             'J\'ai renvoyé le colis.\nLe SAV m\'a dit "patientez", rien depuis.', "1"],
            ["64a1f0c2e4b0a1d2c3e4f502", "2024-03-03 10:00:00", 'Top "service"', "Rapide, efficace", "5"],
        ],
    ),
    (
        "google_play",
        ",",
        ["Package Name", "App Version Code", "Reviewer Language", "Star Rating", "Review Text"],
        [
            ["com.example.shop", "412", "fr", "1", 'Impossible de payer : "erreur 500" à chaque fois'],
            ["com.example.shop", "413", "en", "4", "Good app, but the login, again, is slow"],
        ],
    ),
    (
        "app_store",
        ",",
        ["id", "rating", "title", "body", "reviewerNickname", "createdDate", "territory"],
        [
            ["1", "1", "Crashes", 'Since the "3.2" update it crashes.\r\nReinstalling did not help.', "jdoe",
             "2024-01-15T08:10:34-08:00", "USA"],
            ["2", "5", "Super", "Commande en deux clics", "marie_l", "2024-01-16T10:00:00+01:00", "FRA"],
        ],
    ),
    (
        "avis_verifies",
        ";",
        ["ID avis", "Date de l'avis", "Note", "Avis", "Prénom", "Produit"],
        [
            ["a1b2c3d4-0001", "03/02/2024 14:22", "2", 'Colis livré en retard ; le livreur a dit "demain".',
             "Jérôme", "Bouilloire"],
            ["a1b2c3d4-0002", "04/02/2024 09:05", "5", "Très satisfaite, merci !", "Hélène", "Grille-pain"],
        ],
    ),
    (
        "zendesk",
        ",",
        ["Id", "Subject", "Description", "Status", "Satisfaction Score"],
        [
            ["10452", "Refund", 'Hi,\n\nCharged twice for #123 ("Premium").\n\nThanks', "open", ""],
            ["10453", "Login", "Cannot log in since Monday", "solved", "good"],
        ],
    ),
    (
        "survey",
        "\t",
        ["Respondent ID", "How likely are you to recommend us? (0-10)", "Why did you give this score?"],
        [
            ["114235981", "3", 'Delivery was late, twice; the "express" option is a lie.'],
            ["114235982", "10", "Great prices\tand fast"],
        ],
    ),
]  # fmt: skip


def _write(path: Path, delimiter: str, header: list[str], rows: list[list[str]], **kw: object) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=str(kw.get("newline", "\r\n")))
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if kw.get("bom") else b"") + buf.getvalue().encode("utf-8"))


@pytest.mark.parametrize(("name", "delimiter", "header", "rows"), EXPORTS, ids=[e[0] for e in EXPORTS])
@pytest.mark.parametrize("bom", [False, True])
def test_platform_exports_round_trip(
    tmp_path: Path, name: str, delimiter: str, header: list[str], rows: list[list[str]], bom: bool
) -> None:
    path = tmp_path / f"{name}.csv"
    _write(path, delimiter, header, rows, bom=bom)
    got = list(read_csv(path))
    assert [list(r) for r in got] == [header] * len(rows)
    assert [list(r.values()) for r in got] == rows


def test_sniffer_bug_numeric_first_column_and_late_escaped_quotes(tmp_path: Path) -> None:
    # The file that csv.Sniffer misreads: an ordinary comma export, numeric first column, no quotes in the
    # first 4 KB; escaped "" only later. Every row must come back intact.
    rows = [[str(n), f"Livraison correcte, commande {n} reçue", str(1 + n % 5)] for n in range(120)]
    rows += [[str(n), f'Le livreur a dit ""demain"" puis "rien", commande {n}', "2"] for n in range(120, 200)]
    path = tmp_path / "reviews.csv"
    _write(path, ",", ["id", "text", "rating"], rows, newline="\n")
    sample = path.read_text(encoding="utf-8")[:4096]
    sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t")
    assert not sniffed.doublequote  # the bug this module exists for is still what the stdlib does
    got = list(read_csv(path))
    assert [[r["id"], r["text"], r["rating"]] for r in got] == rows


def test_excel_sep_hint_is_used_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"sep=;\r\nid;texte;note\r\n1;Bon produit, mais cher;4\r\n")
    assert list(read_csv(path)) == [{"id": "1", "texte": "Bon produit, mais cher", "note": "4"}]
    assert detect_csv_format("sep=|\nid|x\n").delimiter == "|"


def test_delimiter_rule() -> None:
    assert detect_delimiter("id;text;note\n1;a,b,c;2\n") == ";"
    assert detect_delimiter('"Review, Title",Stars\n"a;b",5\n') == ","  # counted outside quotes only
    assert detect_delimiter("id\tavis\n1\tok, merci\n") == "\t"
    assert detect_delimiter("text\nhello\n") == ","
    # header tie (one ; and one ,): the delimiter that gives the header width on the records wins
    assert detect_delimiter("a;b,c\n1;2\n3;4\n") == ";"
    assert detect_csv_format("a,b\n1,2\n", delimiter=";").delimiter == ";"


def test_short_rows_blank_lines_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,text,rating\n\n1,only two\n2,full,3\n", encoding="utf-8")
    assert list(read_csv(path)) == [
        {"id": "1", "text": "only two", "rating": None},
        {"id": "2", "text": "full", "rating": "3"},
    ]
    path.write_text('id,text\n1,"ok"\n2,"broken" quote\n', encoding="utf-8")
    with pytest.raises(TableError, match="line 3"):
        list(read_csv(path))
    path.write_bytes("id;texte\n1;très bien\n".encode("cp1252"))
    with pytest.raises(TableError, match="not UTF-8"):
        list(read_csv(path))
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(TableError, match="no header"):
        list(read_csv(path))
