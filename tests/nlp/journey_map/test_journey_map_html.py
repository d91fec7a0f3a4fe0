"""What a reader of the journey map tripped on: the Unassigned stage's KPIs, an `unknown` touchpoint,
words cut mid-word in narrow columns, and a moment of truth that did not say why."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nlp.journey_map.build import MapPainPoint, StageAggregate, StageSpec, build_journey_map
from nlp.journey_map.html import MIN_COLUMN_REM, to_html
from nlp.journey_map.renderers import to_csv

STAGES = [
    StageSpec("discovery", "Découverte"),
    StageSpec("purchase", "Achat"),
    StageSpec("refund", "Remboursement"),
]


def _section(page: str, label: str) -> str:
    """The HTML of one stage column."""
    match = re.search(rf"<section [^>]*><h2>{re.escape(label)}</h2>.*?</section>", page, flags=re.S)
    assert match, label
    return match.group(0)


def test_unassigned_stage_keeps_its_rating_nps_and_effort() -> None:
    aggs = {
        "purchase": StageAggregate("purchase", 10, 12, {"web": 10}, -0.2, 3.5, 10.0, 0.1),
        "unknown": StageAggregate("unknown", 7, 9, {"app": 7}, -0.3, 2.4, -20.0, 0.3),
    }
    jm = build_journey_map(STAGES, aggs, [])
    unassigned = jm.stages[-1]
    assert unassigned.label == "Unassigned"
    assert (unassigned.mean_rating, unassigned.nps, unassigned.effort_share) == (2.4, -20.0, 0.3)
    section = _section(to_html(jm), "Unassigned")
    assert "Rating 2.40" in section and "NPS -20" in section and "Effort 30%" in section


def test_several_unknown_stages_merge_their_kpis_weighted() -> None:
    aggs = {
        "old-stage": StageAggregate("old-stage", 10, 10, {}, -1.0, 2.0, -50.0, 0.5),
        "unknown": StageAggregate("unknown", 30, 30, {}, 0.0, 4.0, 50.0, 0.1),
    }
    unassigned = build_journey_map(STAGES, aggs, []).stages[-1]
    assert unassigned.n_items == 40
    assert unassigned.mean_rating == pytest.approx(3.5)  # (2 x 10 + 4 x 30) / 40
    assert unassigned.nps == pytest.approx(25.0)
    assert unassigned.effort_share == pytest.approx(0.2)
    assert unassigned.emotion == pytest.approx(-0.25)


def test_items_without_a_channel_are_not_a_touchpoint() -> None:
    aggs = {"purchase": StageAggregate("purchase", 10, 10, {"web": 6, "unknown": 3, "app": 1}, -0.2)}
    jm = build_journey_map(STAGES, aggs, [])
    assert jm.stages[1].touchpoints == [("web", 6), ("app", 1)]
    assert jm.stages[1].n_items == 10  # still counted in the stage's volume
    assert "unknown" not in _section(to_html(jm), "Achat")
    rows = list(csv.DictReader(io.StringIO(to_csv(jm))))
    assert [r["stage_touchpoints"] for r in rows if r["stage_id"] == "purchase"] == ["web (6); app (1)"]


def _map_with_moments():
    aggs = {
        "discovery": StageAggregate("discovery", 10, 10, {"web": 10}, 0.6, 4.5),
        "purchase": StageAggregate("purchase", 10, 10, {"web": 10}, -0.6, 2.0),
        "refund": StageAggregate("refund", 10, 10, {"email": 10}, -0.4, 2.5),
    }
    pps = [MapPainPoint("p1", "Carte refusée", "refund", 70.0, 8, 0.4, -0.7, impact=1.5)]
    return build_journey_map(STAGES, aggs, pps)


def test_a_moment_of_truth_says_why() -> None:
    jm = _map_with_moments()
    reasons = {m.reason: m for m in jm.moments_of_truth}
    assert reasons["sentiment_drop"].stage == "purchase" and reasons["highest_impact"].stage == "refund"
    page = to_html(jm)
    purchase, refund = _section(page, "Achat"), _section(page, "Remboursement")
    assert (
        "moment of truth" in purchase and "mean sentiment drops by 1.20 from Découverte to Achat" in purchase
    )
    assert "pain points at Remboursement cost the most KPI" in refund
    assert "drops by" not in refund and "cost the most" not in purchase  # each stage shows its own reason
    assert "why" not in _section(page, "Découverte")
    circle_titles = re.findall(r"<circle[^>]*><title>([^<]*)</title>", page)
    assert any("Achat: -0.60; moment of truth: mean sentiment drops by 1.20" in t for t in circle_titles)


def test_columns_are_wide_enough_and_never_break_anywhere() -> None:
    page = to_html(_map_with_moments())
    assert "overflow-wrap:anywhere" not in page and "break-all" not in page
    assert f"minmax({MIN_COLUMN_REM}rem,1fr)" in page
    assert MIN_COLUMN_REM >= 12


_PROBE = """<script>
// Every word of the stage columns: one client rect if it sits on one line, two when the browser cut it.
const broken = [];
for (const el of document.querySelectorAll('.grid li, .grid h2, .grid h3, .kpis, .tp, .why')) {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/[^\\s·,()“”]+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
}
document.body.setAttribute('data-broken', JSON.stringify(broken));
</script>"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_long_french_words_are_not_cut_in_a_real_browser(tmp_path: Path) -> None:
    stages = [StageSpec(f"s{i}", f"Étape {i}") for i in range(8)]
    aggs = {s.id: StageAggregate(s.id, 10, 10, {"web": 10}, -0.1) for s in stages}
    labels = [
        "remboursement jamais reçu",
        "dysfonctionnement incompréhensible de l'application",
        "réinitialisation impossible",
        "télécommunications interrompues",
    ]
    pps = [
        MapPainPoint(f"p{i}", label, stages[i].id, 50.0, 5, 0.1, -0.5, quote="Toujours aucun remboursement.")
        for i, label in enumerate(labels)
    ]
    page = to_html(build_journey_map(stages, aggs, pps)).replace("</body>", _PROBE + "</body>")
    path = tmp_path / "map.html"
    path.write_text(page, encoding="utf-8")
    out = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=800,600",  # narrower than the map: columns at their minimum width
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    match = re.search(r'data-broken="([^"]*)"', out)
    assert match, out[-500:]
    assert match.group(1).replace("&quot;", '"') == "[]"
