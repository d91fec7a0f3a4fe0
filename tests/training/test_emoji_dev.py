"""``python -m training.emoji_dev`` (issue 10 R12): bad options exit 2; the written set's fixed split."""

from __future__ import annotations

import pytest

from training.emoji_dev import load_part, main, part_of


@pytest.mark.parametrize(
    "argv", [["--shifts", "x"], ["--shifts", "-1"], ["--shifts", "9"], ["--shifts", ","], ["--part", "train"]]
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_parts_split_by_group_and_cover_the_file(lang: str) -> None:
    dev, test = load_part(lang, "dev"), load_part(lang, "test")
    assert dev[0] and test[0] and not set(dev[0]) & set(test[0])
    assert {len(dev[0]), len(test[0])} == {31, 21}
    assert set(dev[1] + test[1]) == {"negative", "neutral", "positive"}
    assert part_of("emoji-e01") == part_of("emoji-e01")  # a group (a text and its emoji variant) stays whole
