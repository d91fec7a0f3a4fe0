"""The trend's reason as a key and numbers (for pages in other languages) says what its English text says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nlp.scoring.config import PriorityConfig
from nlp.scoring.trend import trend_detail

AS_OF = date(2026, 6, 30)
CONFIG = PriorityConfig()


def _days(recent: int, baseline: int) -> list[date]:
    return [AS_OF - timedelta(days=k % 20) for k in range(recent)] + [
        AS_OF - timedelta(days=40 + k % 60) for k in range(baseline)
    ]


@pytest.mark.parametrize(
    ("mentions", "corpus", "key"),
    [
        (_days(5, 0), _days(50, 0), "no_baseline"),
        (_days(0, 5), _days(0, 50), "no_recent"),
        (_days(1, 1), _days(50, 50), "few_recent"),
        (_days(10, 10), _days(50, 50), "small_growth"),
        (_days(8, 4), _days(200, 200), "not_significant"),
        (_days(40, 4), _days(100, 100), "emerging"),
    ],
)
def test_each_reason_has_its_key_and_numbers(mentions: list[date], corpus: list[date], key: str) -> None:
    detail = trend_detail(mentions, corpus, AS_OF, CONFIG)
    assert detail.reason_key == key, detail.reason
    assert detail.emerging == (key == "emerging")
    args = dict(detail.reason_args)
    if key == "few_recent":
        assert args == {"min": CONFIG.emerging_min_count} and str(CONFIG.emerging_min_count) in detail.reason
    if key == "small_growth":
        assert (
            args == {"ratio": CONFIG.emerging_min_ratio}
            and f"x{CONFIG.emerging_min_ratio:g}" in detail.reason
        )
    if key == "emerging":
        assert detail.ratio is not None and detail.p_value is not None
        assert args == {"ratio": detail.ratio, "p": detail.p_value, "alpha": CONFIG.emerging_alpha}
        assert f"x{detail.ratio:.2f}" in detail.reason
