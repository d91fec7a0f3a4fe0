"""Inline SVG charts: escaped text, date labels that neither overlap nor leave the chart."""

from __future__ import annotations

import itertools
import re

import pytest

from service.web.charts import bar_chart, line_chart
from service.web.insights import highlight

LABEL = re.compile(r'<text x="([\d.]+)" y="\d+" text-anchor="(\w+)" font-size="10">(\d{4}-\d\d-\d\d)</text>')
DATE_PX = 55  # a 10-character date at 10 px


@pytest.mark.parametrize("n", [1, 2, 3, 7, 17, 40, 104])
def test_date_labels_fit_and_do_not_overlap(n: int) -> None:
    svg = str(line_chart([(f"2026-01-{i % 28 + 1:02d}", float(i)) for i in range(n)], "weeks", width=560))
    spans = []
    for x, anchor, _ in LABEL.findall(svg):
        left = float(x) - {"start": 0, "middle": DATE_PX / 2, "end": DATE_PX}[anchor]
        spans.append((left, left + DATE_PX))
    assert spans, "no date label"
    assert all(a >= 0 and b <= 560 for a, b in spans), spans
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans)), spans
    assert svg.count("<circle") == n


def test_missing_values_break_the_line() -> None:
    svg = str(line_chart([("a", 1.0), ("b", 2.0), ("c", None), ("d", 1.0), ("e", 0.5)], "s"))
    assert svg.count("<polyline") == 2


def test_text_is_escaped() -> None:
    svg = str(bar_chart([("<script>alert(1)</script>", 3.0)], 'a "label"'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'aria-label="a &quot;label&quot;"' in svg
    marked = str(highlight("<b>Refund</b> never came", ["refund"]))
    assert marked == "&lt;b&gt;<mark>Refund</mark>&lt;/b&gt; never came"
