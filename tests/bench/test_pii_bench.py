"""The PII benchmark: parsing of the labelled set, the scorer, and the targets on both parts."""

from __future__ import annotations

from bench.pii import evaluate, load, parse_line, removed_ranges


def test_parse_line_offsets() -> None:
    s = parse_line("fr\tMme [[NAME|Lambert]] au [[PHONE|06 12 34 56 78]].")
    assert s.text == "Mme Lambert au 06 12 34 56 78."
    assert [(s.text[a:b], k) for a, b, k in s.spans] == [("Lambert", "NAME"), ("06 12 34 56 78", "PHONE")]


def test_removed_ranges_map_placeholders_back() -> None:
    original = "Laura Mitchell, 18 Queen Street, Leeds LS1 2TW, order never arrived."
    redacted = "<NAME>, <ADDRESS>, order never arrived."
    ranges = removed_ranges(original, redacted)
    assert [(original[a:b], k) for a, b, k in ranges] == [
        ("Laura Mitchell", "<NAME>"),
        ("18 Queen Street, Leeds LS1 2TW", "<ADDRESS>"),
    ]


def test_set_size_and_targets() -> None:
    sentences = load("all")
    assert len(sentences) >= 300
    assert sum(1 for s in sentences if not s.spans) >= 100
    for split in ("dev", "heldout"):
        report = evaluate(load(split))
        caught, total = (int(x) for x in str(report["recall_all"]).split(" = ")[0].split("/"))
        changed, clean = (int(x) for x in str(report["false_positive_rate"]).split(" = ")[0].split("/"))
        assert caught / total >= 0.95, report
        assert changed / clean <= 0.01, report
