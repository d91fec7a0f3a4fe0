"""``python -m bench.language``: accuracy and time of language detection, lingua alone vs the cue fast path.

Reads the labelled sets in ``../shared/datasets`` in place (``--datasets``): Allociné and XED French (fr),
XED English, Banking77 and the CFPB complaints (en); the *test* splits by default (``--split train`` is what
the fast path's thresholds were tuned on; CFPB has no split and is in both). For each set: the share of texts
detected as the set's language by ``detect_language_lingua`` (lingua on every text) and by
``detect_language`` (function-word cues first, lingua for the rest), how many texts the cues decided, the
texts where the two disagree (and which one was right), and the time per text (the best of ``--repeat``
passes of each, alternated, after one warm-up pass: the machine is shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Callable
from pathlib import Path

from bench.datasets import DEFAULT_DIR
from nlp.text.language import MAX_CHARS, detect_language, detect_language_lingua
from nlp.text.language_cues import cue_language

# (name, language, file relative to the datasets folder with {split}, text column)
SETS = (
    ("allocine_fr", "fr", "allocine_fr_sample/{split}.csv", "text"),
    ("xed_fr", "fr", "xed_fr_emotion/{split}.csv", "text"),
    ("xed_en", "en", "xed_en_emotion/{split}.csv", "text"),
    ("banking77", "en", "banking77/{split}.csv", "text"),
    ("cfpb", "en", "cfpb_complaints_sample/complaints_with_narrative.csv", "Consumer complaint narrative"),
)


def load(root: Path, path: str, column: str, split: str, limit: int) -> list[str]:
    csv.field_size_limit(10_000_000)
    with (root / path.format(split=split)).open(encoding="utf-8", newline="") as fh:
        texts = [row[column] for row in csv.DictReader(fh) if row[column].strip()]
    return texts[:limit] if limit else texts


def best_time(fn: Callable[[str], str], texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - t0)
    return best


def evaluate(name: str, lang: str, texts: list[str], repeat: int) -> dict[str, object]:
    lingua = [detect_language_lingua(t) for t in texts]  # warm-up pass, and the answers
    fast = [detect_language(t) for t in texts]
    decided = sum(cue_language(t[:MAX_CHARS]) is not None for t in texts)
    t_lingua = t_fast = float("inf")
    for _ in range(repeat):  # alternate, so both see the same load
        t_lingua = min(t_lingua, best_time(detect_language_lingua, texts, 1))
        t_fast = min(t_fast, best_time(detect_language, texts, 1))
    n = len(texts)
    return {
        "set": name,
        "language": lang,
        "texts": n,
        "accuracy_lingua": round(sum(p == lang for p in lingua) / n, 4),
        "accuracy_fast": round(sum(p == lang for p in fast) / n, 4),
        "correct_lingua": sum(p == lang for p in lingua),
        "correct_fast": sum(p == lang for p in fast),
        "decided_by_cues": decided,
        "fast_right_lingua_wrong": sum(f == lang != g for f, g in zip(fast, lingua, strict=True)),
        "fast_wrong_lingua_right": sum(g == lang != f for f, g in zip(fast, lingua, strict=True)),
        "us_per_text_lingua": round(t_lingua / n * 1e6, 1),
        "us_per_text_fast": round(t_fast / n * 1e6, 1),
        "speedup": round(t_lingua / t_fast, 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.language", description=__doc__.split("\n")[0])
    p.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    p.add_argument("--split", choices=("test", "train"), default="test")
    p.add_argument("--limit", type=int, default=0, help="first N texts of each set (0: all)")
    p.add_argument("--repeat", type=int, default=3, help="timed passes of each detector, best kept")
    p.add_argument("--show-errors", type=int, default=0, help="print N texts the fast path got wrong")
    args = p.parse_args()
    rows = []
    for name, lang, path, column in SETS:
        texts = load(args.datasets.resolve(), path, column, args.split, args.limit)
        row = evaluate(name, lang, texts, args.repeat)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.show_errors:
            wrong = [t for t in texts if detect_language(t) != lang and cue_language(t[:MAX_CHARS])]
            for text in wrong[: args.show_errors]:
                print(f"  cue-decided wrong: {text[:160]!r}")
    print(
        f"{'set':<13}{'texts':>7}{'acc lingua':>12}{'acc fast':>10}{'by cues':>9}"
        f"{'µs lingua':>11}{'µs fast':>9}{'speed-up':>10}"
    )
    for r in rows:
        print(
            f"{r['set']:<13}{r['texts']:>7}{r['accuracy_lingua']:>12.2%}{r['accuracy_fast']:>10.2%}"
            f"{r['decided_by_cues']:>9}{r['us_per_text_lingua']:>11}{r['us_per_text_fast']:>9}"
            f"{r['speedup']:>9}x"
        )


if __name__ == "__main__":
    main()
