"""Journey map assembly and every renderer, including hostile labels."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from nlp.journey_map.build import MapPainPoint, StageAggregate, StageSpec, build_journey_map
from nlp.journey_map.document import JourneyMapDocument, to_json
from nlp.journey_map.html import to_html
from nlp.journey_map.renderers import CSV_COLUMNS, mermaid_score, render, to_csv, to_mermaid, to_theydo

HOSTILE = 'Refund "never" <script>alert(1)</script>, really:\nsee #3; =cmd|calc'
STAGES = [
    StageSpec("discovery", "Discovery"),
    StageSpec("purchase", "Purchase"),
    StageSpec("delivery", "Delivery: last mile"),
]
#: The same stages as a workspace's taxonomy labels them in French (the service passes them translated).
FR_STAGES = [
    StageSpec("discovery", "Découverte"),
    StageSpec("purchase", "Achat"),
    StageSpec("delivery", "Livraison"),
]


def sample_map(label: str = "Card declined at checkout", lang: str = "en", total_items: int | None = None):
    aggs = {
        "discovery": StageAggregate("discovery", 20, 25, {"web": 15, "social": 5}, 0.4, 4.2, 30.0, 0.05),
        "purchase": StageAggregate("purchase", 30, 40, {"web": 20, "app": 10}, -0.5, 2.1, -40.0, 0.3),
        "delivery": StageAggregate("delivery", 25, 30, {"delivery": 25}, -0.1, 3.0, None, 0.2),
    }
    pps = [
        MapPainPoint(
            "p1",
            label,
            "purchase",
            80.0,
            18,
            0.24,
            -0.8,
            2.5,
            True,
            1.8,
            keyphrases=("card", "declined"),
            segments=("web", "app"),
            quote='It said "declined" <b>twice</b>',
        ),
        MapPainPoint("p2", "Slow page", "purchase", 40.0, 8, 0.1, -0.4, 1.0, False, 0.3),
        MapPainPoint(
            "p3", "Late parcel", "delivery", 60.0, 12, 0.16, -0.6, None, False, 0.9, segments=("delivery",)
        ),
        MapPainPoint("p4", "Orphan", "made-up-stage", 10.0, 2, 0.02, -0.2),
    ]
    opps = [MapPainPoint("o1", "Helpful reviews", "discovery", 0.0, 9, 0.12, 0.7, kind="opportunity")]
    return build_journey_map(
        FR_STAGES if lang == "fr" else STAGES,
        aggs,
        pps,
        opps,
        title="Shop journey",
        top_n=5,
        filters={"channel": "web"},
        generated_at=datetime(2026, 6, 1, tzinfo=UTC),
        total_items=total_items,
        lang=lang,
    )


def test_assembly_order_moments_and_unassigned() -> None:
    jm = sample_map()
    assert [s.id for s in jm.stages] == ["discovery", "purchase", "delivery", "unknown"]
    purchase = jm.stages[1]
    assert [p.id for p in purchase.pain_points] == ["p1", "p2"]  # by priority
    assert purchase.touchpoints == [("web", 20), ("app", 10)]
    assert jm.stages[3].pain_points[0].id == "p4"
    reasons = {m.reason: m.stage for m in jm.moments_of_truth}
    assert reasons == {"sentiment_drop": "purchase", "highest_impact": "purchase"}
    drop = next(m for m in jm.moments_of_truth if m.reason == "sentiment_drop")
    assert drop.previous_stage == "discovery"  # named by id, for pages that say it in their language
    assert purchase.moment_of_truth and not jm.stages[0].moment_of_truth
    assert jm.total_items == 75


def test_top_n_limits_pain_points() -> None:
    pps = [MapPainPoint(f"p{i}", f"pp {i}", "purchase", float(i)) for i in range(10)]
    jm = build_journey_map(STAGES, {}, pps, top_n=3)
    assert [p.id for p in jm.stages[1].pain_points] == ["p9", "p8", "p7"]
    assert jm.moments_of_truth == []


def test_json_matches_documented_schema() -> None:
    doc = to_json(sample_map(HOSTILE))
    parsed = JourneyMapDocument.model_validate(doc)
    assert parsed.stages[1].pain_points[0].label == HOSTILE
    assert parsed.stages[1].kpis["nps"] == -40.0
    assert parsed.stages[2].kpis["nps"] is None
    assert json.loads(render(sample_map(HOSTILE), "json"))["stages"][1]["emotion"] == -0.5


def test_csv_one_row_per_stage_and_pain_point_with_hostile_text() -> None:
    text = to_csv(sample_map(HOSTILE))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == CSV_COLUMNS
    # discovery: 1 opportunity; purchase: 2 pain points; delivery: 1; unknown: 1
    assert [(r["stage_id"], r["id"]) for r in rows] == [
        ("discovery", "o1"),
        ("purchase", "p1"),
        ("purchase", "p2"),
        ("delivery", "p3"),
        ("unknown", "p4"),
    ]
    assert rows[1]["label"] == HOSTILE  # quotes, commas and newline round-trip
    assert rows[1]["emerging"] == "true" and rows[1]["stage_label"] == "Purchase"
    assert rows[3]["stage_label"] == "Delivery: last mile"


def test_csv_neutralises_formulas_and_keeps_empty_stages() -> None:
    jm = build_journey_map(STAGES, {}, [MapPainPoint("p", '=HYPERLINK("x")', "purchase", 5.0, impact=-0.5)])
    rows = list(csv.DictReader(io.StringIO(to_csv(jm))))
    assert len(rows) == 3  # discovery and delivery rows without pain point, purchase with one
    assert rows[1]["label"].startswith("'=")
    assert rows[1]["impact"] == "-0.5"  # numbers are not quoted
    assert rows[0]["id"] == ""


def test_mermaid_grammar_survives_hostile_labels() -> None:
    text = to_mermaid(sample_map(HOSTILE))
    lines = text.splitlines()
    assert lines[0] == "journey"
    assert lines[1] == "    title Shop journey"
    task_re = re.compile(r"^      [^:\n]+: [1-5]: [^:\n]+$")
    sections = [line for line in lines if line.startswith("    section ")]
    tasks = [line for line in lines if line.startswith("      ")]
    assert sections == [
        "    section Discovery",
        "    section Purchase",
        "    section Delivery∶ last mile",
        "    section Unassigned",
    ]
    assert len(tasks) == 5
    for t in tasks:
        assert task_re.match(t), t
        assert "#" not in t and ";" not in t
    assert tasks[1].startswith(
        '      Refund "never" <script>alert(1)</script>, really∶ see ♯3, =cmd|calc: 1: web, app'
    )
    assert tasks[0].endswith(": 4: Customers")  # opportunity with sentiment 0.7 and no segments


@pytest.mark.parametrize(
    ("sentiment", "score"), [(-1.0, 1), (-0.8, 1), (-0.3, 2), (0.0, 3), (None, 3), (0.6, 4), (2.0, 5)]
)
def test_mermaid_score(sentiment: float | None, score: int) -> None:
    assert mermaid_score(sentiment) == score


def test_theydo_insights() -> None:
    doc = to_theydo(sample_map(HOSTILE))
    json.dumps(doc)
    insights = doc["insights"]
    assert {i["type"] for i in insights} == {"Pains", "Opportunities"}
    first = next(i for i in insights if i["importKey"] == "frictionmap-pain_point-p1")
    assert first["title"] == " ".join(HOSTILE.split())  # no newline in a title
    assert first["groupTags"] == ["Purchase"]
    assert "stage:Purchase" in first["tags"] and "emerging" in first["tags"]
    assert first["weight"] == 4  # priority 80 -> 4
    assert "24.0%" in first["description"]
    assert len({i["importKey"] for i in insights}) == len(insights)
    assert all(1 <= i["weight"] <= 5 for i in insights)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_escaped_and_draws_the_curve() -> None:
    page = to_html(sample_map(HOSTILE))
    p = _Collector()
    p.feed(page)
    assert "script" not in p.tags  # the hostile label stays text
    assert "b" in p.tags  # (from our own markup) ...
    assert "<b>twice</b>" not in page  # ... but the quote's <b> is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "svg" in p.tags and "polyline" in p.tags
    assert page.count("<circle") == 3  # three stages with sentiment; "unknown" has none
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<link" not in page and "src=" not in page
    assert any("moment of truth" in t for t in p.text)
    assert HOSTILE.replace("\n", " ") not in page  # raw text never appears unescaped


def test_html_curve_has_gap_for_stage_without_data() -> None:
    stages = [*STAGES, StageSpec("usage", "Usage")]
    aggs = {
        "discovery": StageAggregate("discovery", 5, 5, {}, 0.5),
        "delivery": StageAggregate("delivery", 5, 5, {}, -0.5),
        "usage": StageAggregate("usage", 5, 5, {}, -0.2),
        "elsewhere": StageAggregate("elsewhere", 5, 5, {}, 0.9),  # -> Unassigned
    }
    page = to_html(build_journey_map(stages, aggs, []))
    # discovery is alone (purchase has no data); delivery-usage is one line; Unassigned is never joined.
    assert page.count("<polyline") == 1
    assert page.count("<circle") == 4
    (points,) = re.findall(r'<polyline points="([^"]+)"', page)
    assert len(points.split()) == 2


def test_long_stage_labels_wrap_in_the_curve() -> None:
    label = "Support / returns / refunds and a very long tail that keeps going on and on and on"
    stages = [StageSpec("support", label), *STAGES]
    page = to_html(build_journey_map(stages, {}, []))
    assert page.count("<tspan") == 5  # two lines for the long label, one for each short one
    assert "Support / returns" in page and "…" in page


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        render(sample_map(), "pdf")
