"""Choose ``nlp.text.language.UNSURE_BELOW`` (issue 10 R13) on XED development lines.

    python -m training.language_prior_dev [--thresholds 0.3,0.5,0.7,1.01]

The corpora are the XED *train* splits' fixed development part (``sentiment_real.is_dev``), lines whose
Plutchik labels map to a polarity: French alone, English alone (each a file a user could analyse), and both
together (a mixed file, where the English majority must not swallow the French lines). Per threshold (0: off,
every item its own detection) the script reports language accuracy against the set's language and, through
the pipeline as ``frictionmap analyze`` runs it on a file without a language column, French polar macro-F1
and English three-class macro-F1. The rule (docs/benchmarks.md, R13) reads the report; this only measures.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from bench.sentiment import POLAR, _f1, three_class
from bench.sentiment_data import Labelled, xed, xed_polarity
from bench.sentiment_runner import Runner
from nlp.text.language import corpus_languages
from training.report_files import write_report
from training.sentiment_lang import parse_weights
from training.sentiment_real import DATASETS, is_dev

THRESHOLDS = (0.3, 0.5, 0.7, 1.01)


class PriorRunner(Runner):
    """The benchmark's runner with the corpus prior at a given threshold."""

    def __init__(self, unsure_below: float) -> None:
        super().__init__("auto", None)
        self.unsure_below = unsure_below

    def languages(self, docs: Sequence[Labelled]) -> list[str]:
        return list(corpus_languages([d.text for d in docs], self.unsure_below))


def dev_lines(lang: str) -> list[Labelled]:
    return [d for d in xed(DATASETS.resolve(), lang, "train") if is_dev(d.text) and xed_polarity(d.label)]


def accuracy(docs: Sequence[Labelled], langs: Sequence[str]) -> float:
    return round(sum(d.lang == x for d, x in zip(docs, langs, strict=True)) / max(len(docs), 1), 4)


def measure(thresholds: Sequence[float]) -> dict[str, Any]:
    fr, en = dev_lines("fr"), dev_lines("en")
    out: dict[str, Any] = {"lines": {"fr": len(fr), "en": len(en)}, "results": {}}
    runner: Runner | None = None
    for t in (0.0, *thresholds):
        prior = PriorRunner(t)
        if runner is not None:  # one embedding cache and tagger per space for every threshold
            prior.embedders, prior.taggers = runner.embedders, runner.taggers
        runner = prior
        row: dict[str, Any] = {}
        for name, docs in (("fr", fr), ("en", en), ("mixed", fr + en)):
            langs = prior.languages(docs)
            row[f"{name} language accuracy"] = accuracy(docs, langs)
            if name == "mixed":
                row["mixed: French lines read French"] = accuracy(docs[: len(fr)], langs[: len(fr)])
                continue
            truth = [xed_polarity(d.label) or "" for d in docs]
            _, verdicts = prior.documents(docs)
            pred = [v.sentiment for v in verdicts]
            if name == "fr":
                polar = [(y, p) for y, p in zip(truth, pred, strict=True) if y != "neutral"]
                row["fr polar macro-F1"] = _f1([y for y, _ in polar], [p for _, p in polar], POLAR)
            else:
                row["en 3-class macro-F1"] = three_class(truth, pred)["3-class macro-F1"][1]
        out["results"][f"unsure_below={t:g}"] = row
        print(f"  unsure_below={t:g}: {row}", file=sys.stderr, flush=True)
    assert runner is not None
    runner.save()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.language_prior_dev")
    parser.add_argument("--thresholds", default=",".join(f"{t:g}" for t in THRESHOLDS))
    args = parser.parse_args(argv)
    thresholds = parse_weights(parser, "--thresholds", args.thresholds, 0.0, 1.01)
    if not thresholds:
        parser.error("--thresholds: give at least one threshold")
    out = write_report("language_prior_dev_r13.json", measure(thresholds))
    print(f"report → {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
