"""``python -m training.cue_dev`` (issue 10 R12, R18): bad options exit 2; the written sets' fixed split."""

from __future__ import annotations

import pytest

from training.cue_dev import CUES, load_part, main, part_of


@pytest.mark.parametrize(
    "argv",
    [
        ["--cue", "emoji", "--shifts", "x"],
        ["--cue", "emoji", "--shifts", "-1"],
        ["--cue", "sarcasm", "--shifts", "9"],
        ["--cue", "sarcasm", "--shifts", ","],
        ["--cue", "emoji", "--part", "train"],
        ["--cue", "irony"],
        [],
    ],
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize(("cue", "sizes"), [("emoji", {31, 21}), ("sarcasm", None)])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_parts_split_by_group_and_cover_the_file(cue: str, sizes: set[int] | None, lang: str) -> None:
    dev, test = load_part(cue, lang, "dev"), load_part(cue, lang, "test")
    assert dev[0] and test[0] and not set(dev[0]) & set(test[0])
    if sizes is not None:  # R12's parts, as its report read them
        assert {len(dev[0]), len(test[0])} == sizes
    assert set(dev[1] + test[1]) == {"negative", "neutral", "positive"}
    assert part_of(cue, f"{cue}-e01") == part_of(cue, f"{cue}-e01")  # a group stays whole


def test_sarcasm_pairs_fall_in_the_same_part_in_both_languages() -> None:
    """The English file translates the French one line by line (same group): a pair is never split."""
    for part in ("dev", "test"):
        assert len(load_part("sarcasm", "fr", part)[0]) == len(load_part("sarcasm", "en", part)[0])
    assert set(CUES) == {"emoji", "sarcasm"}
