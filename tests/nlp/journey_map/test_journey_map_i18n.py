"""The journey map's exports in English and French: words, number formats, and what stays a contract."""

from __future__ import annotations

import csv
import io
import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from nlp.journey_map.build import MapPainPoint, StageAggregate, StageSpec, build_journey_map
from nlp.journey_map.catalog import EN, FR, moment_explanation
from nlp.journey_map.document import to_json
from nlp.journey_map.renderers import CSV_COLUMNS, render, to_theydo
from tests.nlp.journey_map.test_journey_map import sample_map

NNBSP = "\u202f"  # narrow no-break space: French digit grouping and the space before %
NBSP = "\u00a0"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_export_word_exists_in_both_languages_with_the_same_placeholders() -> None:
    assert set(EN) == set(FR)
    for key in EN:
        assert EN[key].strip() and FR[key].strip(), key
        assert _fields(EN[key]) == _fields(FR[key]), key
    assert {f"csv.{c}" for c in CSV_COLUMNS} <= set(EN)  # a header for each column of the labels style


def test_nlp_never_imports_the_service() -> None:
    root = Path(__file__).resolve().parents[3] / "nlp"
    offenders = [
        str(p.relative_to(root.parent))
        for p in root.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+service\b", p.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert offenders == []


def test_the_map_is_built_in_the_readers_language() -> None:
    fr = sample_map(lang="fr")
    assert fr.lang == "fr" and fr.stages[-1].label == "Non classé"
    assert [m.explanation for m in fr.moments_of_truth] == [
        "le sentiment moyen baisse de 0,90 entre Découverte et Achat",
        "les irritants de l'étape Achat coûtent le plus en KPI "
        "(somme de la baisse de note × part des retours)",
    ]
    en = sample_map()
    assert en.stages[-1].label == "Unassigned"
    assert en.moments_of_truth[0].explanation == "mean sentiment drops by 0.90 from Discovery to Purchase"
    assert moment_explanation("sentiment_drop", 1234.5, "B", "A", "fr") == (
        f"le sentiment moyen baisse de 1{NNBSP}234,50 entre A et B"
    )
    with pytest.raises(ValueError, match="lang must be one of en, fr"):
        build_journey_map([StageSpec("a", "A")], {}, [], lang="de")


def test_html_in_french_words_numbers_and_lang_attribute() -> None:
    page = render(sample_map(lang="fr", total_items=12345), "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    for text in (
        f"12{NNBSP}345 retours · filtres{NBSP}: Canal=web · généré le 2026-06-01 00:00 UTC",
        "<h3>Irritants</h3>",
        "<h3>Opportunités</h3>",
        f"<b>Points de contact</b>{NBSP}: web (20), app (10)",
        "<span>Émotion +0,40</span><span>Note 4,20</span><span>NPS +30</span>",
        f"<span>Effort 5{NNBSP}%</span><span>20 retours</span>",
        f"priorité 80 · 18 retours (24{NNBSP}%) · note −1,80",
        "▲ émergent",
        f"«{NBSP}It said &quot;declined&quot; &lt;b&gt;twice&lt;/b&gt;{NBSP}»",
        '<div class="badge">moment de vérité</div>',
        "<b>Moments de vérité</b><ul><li>le sentiment moyen baisse de 0,90 entre Découverte et Achat</li>",
        "<h2>Non classé</h2>",
        f'aria-label="Courbe d&#x27;émotion{NBSP}: sentiment moyen par étape"',
        f"<title>Achat{NBSP}: -0,50{NBSP}; moment de vérité{NBSP}: ",
        ">+0,40</text>",
        "La priorité (0 à 100) combine",
    ):
        assert text in page, text
    for english in ("Pain points", "feedback items", "priority 80", "moment of truth", "Emotion", "+0.40"):
        assert english not in page, english
    # Still self-contained in French: nothing loaded from another host.
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "<link" not in page and "src=" not in page and "@import" not in page and "url(" not in page


def test_html_in_english_words_and_numbers() -> None:
    page = render(sample_map(total_items=12345), "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    for text in (
        "12,345 feedback items · filters: Channel=web · generated 2026-06-01 00:00 UTC",
        "<h3>Pain points</h3>",
        "<b>Touchpoints</b>: web (20), app (10)",
        "<span>Emotion +0.40</span><span>Rating 4.20</span><span>NPS +30</span><span>Effort 5%</span>",
        "priority 80 · 18 items (24%) · rating −1.80",
        "▲ emerging",
        "“It said &quot;declined&quot; &lt;b&gt;twice&lt;/b&gt;”",
        '<div class="badge">moment of truth</div>',
        'aria-label="Emotion curve: mean sentiment per stage"',
        "<h2>Unassigned</h2>",
    ):
        assert text in page, text


def _rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_csv_keeps_its_column_ids_and_machine_values_in_french() -> None:
    en, fr = _rows(render(sample_map(), "csv")), _rows(render(sample_map(lang="fr"), "csv"))
    assert fr[0] == en[0] == CSV_COLUMNS
    col = {c: i for i, c in enumerate(CSV_COLUMNS)}
    purchase = next(r for r in fr if r[col["id"]] == "p1")
    assert purchase[col["stage_label"]] == "Achat"  # a label: in the reader's language
    assert purchase[col["share"]] == "0.24" and purchase[col["stage_emotion"]] == "-0.5"  # dot decimals
    assert purchase[col["kind"]] == "pain_point" and purchase[col["status"]] == "open"
    assert purchase[col["emerging"]] == "true" and purchase[col["moment_of_truth"]] == "true"
    # Everything but the stage labels is identical to the English file.
    drop_label = [[c for i, c in enumerate(r) if i != col["stage_label"]] for r in en]
    assert drop_label == [[c for i, c in enumerate(r) if i != col["stage_label"]] for r in fr]


def test_csv_labels_style_speaks_french_for_spreadsheets() -> None:
    text = render(sample_map(lang="fr"), "csv", "labels")
    assert text.startswith("\ufeff")  # so that a spreadsheet opens the accents as UTF-8
    rows = _rows(text[1:], ";")
    assert rows[0][:3] == ["Ordre de l'étape", "Identifiant de l'étape", "Étape"]
    assert "Priorité (0 à 100)" in rows[0] and "Part des retours" in rows[0]
    p1 = next(r for r in rows if "p1" in r)
    head = rows[0]
    assert p1[head.index("Étape")] == "Achat" and p1[head.index("Type")] == "irritant"
    assert p1[head.index("Statut")] == "ouvert" and p1[head.index("Émergent")] == "oui"
    assert p1[head.index("Part des retours")] == "0,24" and p1[head.index("Sentiment moyen")] == "-0,8"
    assert p1[head.index("Priorité (0 à 100)")] == "80,0" and p1[head.index("Retours")] == "18"
    assert p1[head.index("Moment de vérité")] == "oui"
    opp = next(r for r in rows if "o1" in r)
    assert opp[head.index("Type")] == "opportunité" and opp[head.index("Émergent")] == "non"


def test_csv_labels_style_in_english_and_unknown_style() -> None:
    rows = _rows(render(sample_map(), "csv", "labels")[1:])
    head = rows[0]
    assert head[2] == "Stage" and "Priority (0–100)" in head
    p1 = next(r for r in rows if "p1" in r)
    assert p1[head.index("Kind")] == "pain point" and p1[head.index("Emerging")] == "yes"
    assert p1[head.index("Share of feedback")] == "0.24"
    with pytest.raises(ValueError, match="csv style must be one of ids, labels"):
        render(sample_map(), "csv", "pretty")


def test_mermaid_sections_and_default_actor_in_french() -> None:
    fr = render(sample_map(lang="fr"), "mermaid")
    assert (
        "    section Achat\n      Card declined at checkout: 1: web, app\n      Slow page: 2: Clients\n" in fr
    )
    assert "    section Non classé\n" in fr and "Customers" not in fr
    assert "      Slow page: 2: Customers\n" in render(sample_map(), "mermaid")


def test_theydo_keeps_its_schema_and_translates_descriptions() -> None:
    en, fr = to_theydo(sample_map()), to_theydo(sample_map(lang="fr"))
    assert fr.keys() == en.keys() and fr["schema"] == en["schema"] == "theydo-insights-import"
    for a, b in zip(en["insights"], fr["insights"], strict=True):
        assert a.keys() == b.keys()
        assert (a["importKey"], a["type"], a["weight"], a["title"]) == (
            b["importKey"],
            b["type"],
            b["weight"],
            b["title"],
        )
        assert [t.split(":")[0] for t in a["tags"]] == [t.split(":")[0] for t in b["tags"]]
    p1_fr = next(i for i in fr["insights"] if i["importKey"] == "frictionmap-pain_point-p1")
    assert p1_fr["description"].startswith(
        f"Étape{NBSP}: Achat. Mentionné dans 18 retours (24,0{NNBSP}%). Priorité 80/100. "
        f"Baisse du KPI quand il est mentionné{NBSP}: 1,80. Tendance ×2,50 (émergent). "
        f"Expressions clés{NBSP}: card, declined."
    )
    assert p1_fr["tags"][0] == "stage:Achat" and p1_fr["groupTags"] == ["Achat"]
    p1_en = next(i for i in en["insights"] if i["importKey"] == "frictionmap-pain_point-p1")
    assert p1_en["description"].startswith(
        "Stage: Purchase. Mentioned in 18 feedback items (24.0%). Priority 80/100. "
        "KPI drop when mentioned: 1.80. Trend x2.50 (emerging)."
    )


def _shape(value: Any) -> Any:
    """The keys of a JSON document, recursively (lists by their first element)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__ if value is not None else None


def test_json_keys_do_not_depend_on_the_language() -> None:
    en, fr = to_json(sample_map()), to_json(sample_map(lang="fr"))
    assert _shape(en) == _shape(fr)
    assert [s["id"] for s in en["stages"]] == [s["id"] for s in fr["stages"]]
    assert [m["reason"] for m in en["moments_of_truth"]] == [m["reason"] for m in fr["moments_of_truth"]]
    assert fr["stages"][1]["label"] == "Achat" and fr["stages"][1]["kpis"]["nps"] == -40.0
    assert json.loads(render(sample_map(lang="fr"), "json"))["moments_of_truth"][0]["explanation"].startswith(
        "le sentiment moyen baisse de 0,90"
    )


def test_a_large_count_is_grouped_in_the_entries() -> None:
    big = MapPainPoint("big", "Everything", "s", 90.0, 123456, 0.5, -0.5)
    jm = build_journey_map(
        [StageSpec("s", "Étape")], {"s": StageAggregate("s", 200000, 250000)}, [big], lang="fr"
    )
    page = render(jm, "html")
    assert f"123{NNBSP}456 retours (50{NNBSP}%)" in page and f"200{NNBSP}000 retours" in page


class _Balance(HTMLParser):
    """Every element closed in order (void elements aside), and the root's ``lang``."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.lang: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang.append(dict(attrs).get("lang"))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <rect/>, <line/>: opened and closed at once

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_html_is_well_formed_in_both_languages(lang: str) -> None:
    hostile = 'Remboursement "jamais" <script>alert(1)</script> : voir #3 ; =cmd'
    page = render(sample_map(hostile, lang=lang), "html")
    checker = _Balance()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == [] and checker.lang == [lang]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count('<meta charset="utf-8">') == 1
