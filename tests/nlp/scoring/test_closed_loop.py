"""Closed loop: verdicts follow an exact test on shares, not raw counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nlp.scoring.closed_loop import closed_loop_report

FIX = date(2026, 5, 1)


def days_around(per_day: int, before: int = 56, after: int = 56) -> list[date]:
    return [FIX + timedelta(days=d) for d in range(-before, after) for _ in range(per_day)]


def test_fix_that_worked_is_improved() -> None:
    corpus = days_around(3)  # 168 items each side
    mentions = [FIX - timedelta(days=d) for d in range(1, 41)] + [
        FIX + timedelta(days=d) for d in range(0, 50, 10)
    ]
    rep = closed_loop_report(mentions, corpus, FIX, as_of=FIX + timedelta(days=60))
    assert rep.verdict == "improved"
    assert rep.before_mentions == 40 and rep.after_mentions == 5
    assert rep.before_total == 168 and rep.after_total == 168
    assert rep.p_value_decrease is not None and rep.p_value_decrease < 0.001
    assert rep.rate_ratio is not None and rep.ci_high is not None and rep.ci_high < 1
    assert rep.to_dict()["resolved_on"] == "2026-05-01"


def test_same_share_is_no_significant_change_even_if_volume_drops() -> None:
    corpus = [FIX - timedelta(days=1 + d % 56) for d in range(200)] + [
        FIX + timedelta(days=d % 56) for d in range(50)
    ]
    # 20 % of feedback before and after, although raw mentions fall from 40 to 10.
    mentions = corpus[:40] + corpus[200:210]
    rep = closed_loop_report(mentions, corpus, FIX, as_of=FIX + timedelta(days=60))
    assert rep.verdict == "no_significant_change"
    assert rep.before_rate == pytest.approx(0.2) and rep.after_rate == pytest.approx(0.2)


def test_worsened() -> None:
    corpus = days_around(2)
    mentions = [FIX - timedelta(days=10)] * 2 + [FIX + timedelta(days=d) for d in range(0, 40)]
    rep = closed_loop_report(mentions, corpus, FIX, as_of=FIX + timedelta(days=60))
    assert rep.verdict == "worsened"


def test_too_little_data_after_the_fix() -> None:
    corpus = days_around(3, after=3)
    mentions = [FIX - timedelta(days=d) for d in range(1, 30)]
    rep = closed_loop_report(mentions, corpus, FIX, as_of=FIX + timedelta(days=2))
    assert rep.verdict == "insufficient_data"
    assert "after the fix" in rep.explanation
    assert rep.after_end == FIX + timedelta(days=2)


def test_nothing_before() -> None:
    corpus = [FIX + timedelta(days=d) for d in range(40)]
    rep = closed_loop_report(corpus[:5], corpus, FIX, as_of=FIX + timedelta(days=60))
    assert rep.verdict == "insufficient_data"


def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError):
        closed_loop_report([], [], FIX, FIX, window_days=0)


def test_count_by_window_keeps_empty_windows_and_skips_days_outside() -> None:
    from nlp.scoring.stats import count_by_window

    start = date(2024, 1, 1)

    def window(d: date) -> str | None:
        offset = (d - start).days
        return "first" if 0 <= offset < 7 else "second" if 7 <= offset < 14 else None

    days = [start, start + timedelta(days=3), start + timedelta(days=20), start - timedelta(days=1)]
    assert count_by_window(days, window, ("first", "second")) == {"first": 2, "second": 0}
