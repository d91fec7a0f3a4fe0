"""``python -m bench.pii``: recall per PII type and false positives of ``nlp.text.redaction`` on the labelled
set in ``tests/data/pii/`` (written for the project: ``dev.tsv`` used while tuning, ``heldout.tsv`` not),
and the per-text cost of redaction on 2,000 texts of the seed corpus (``training/data``) and on the
labelled sentences cycled to 2,000 (names everywhere: the worst case for the French model's prefilter).

Scoring works on the output, as a reader of the stored text would see it: the original sentence and its
redaction are aligned, and a labelled span counts as caught when at least 90% of its letters and
digits were replaced by a placeholder (so "Mme <NAME>" catches the name "Lambert", and an address whose
last town word survives still counts). A false positive is a placeholder that covers no labelled span; the
false-positive rate is the share of PII-free sentences that came out changed.

``--identical``: redacts every text of the labelled sets in ``../shared/datasets`` (both splits; ``--limit``
per file), of the seed corpus and of the PII set twice, with the prefilters of ``nlp.text.pii_prefilter`` on
and off, and counts the texts whose output (text and counts) differs: the proof that the prefilters only skip
scans that could not match. It also reports the time of both passes.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.datasets import DEFAULT_DIR
from nlp.text import pii_prefilter
from nlp.text.pii_names import _french_ner
from nlp.text.redaction import redact_pii

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii"
SEED_GLOB = "training/data/*.jsonl"
_MARK = re.compile(r"\[\[([A-Z]+)\|(.+?)\]\]")


@dataclass(frozen=True)
class Sentence:
    lang: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def parse_line(line: str) -> Sentence:
    lang, marked = line.rstrip("\n").split("\t", 1)
    text, spans, pos = "", [], 0
    for match in _MARK.finditer(marked):
        text += marked[pos : match.start()]
        spans.append((len(text), len(text) + len(match.group(2)), match.group(1)))
        text += match.group(2)
        pos = match.end()
    return Sentence(lang, text + marked[pos:], tuple(spans))


def load(split: str) -> list[Sentence]:
    names = ["dev", "heldout"] if split == "all" else [split]
    return [
        parse_line(line)
        for name in names
        for line in (DATA_DIR / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


_PLACEHOLDER = re.compile(r"<[A-Z_]+>")


def removed_ranges(original: str, redacted: str) -> list[tuple[int, int, str]]:
    """Ranges of ``original`` that placeholders replaced, with the placeholder (the text between them is
    copied verbatim, so the redaction read as a pattern — placeholders as lazy groups — maps back)."""
    pieces = _PLACEHOLDER.split(redacted)
    kinds = _PLACEHOLDER.findall(redacted)
    if not kinds:
        return []
    pattern = "(.+?)".join(re.escape(p) for p in pieces)
    match = re.fullmatch(pattern, original, re.DOTALL)
    if match is None:  # the redactor changed more than placeholders: fall back to a character diff
        matcher = difflib.SequenceMatcher(None, original, redacted, autojunk=False)
        ops = matcher.get_opcodes()
        return [(i1, i2, redacted[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag != "equal"]
    return [(match.start(g + 1), match.end(g + 1), kinds[g]) for g in range(len(kinds))]


def _caught(span: tuple[int, int, str], text: str, removed: list[tuple[int, int, str]]) -> bool:
    start, end, _ = span
    chars = [i for i in range(start, end) if text[i].isalnum()]
    gone = sum(1 for i in chars if any(a <= i < b for a, b, _ in removed))
    return bool(chars) and gone / len(chars) >= 0.9


def evaluate(sentences: list[Sentence]) -> dict[str, object]:
    total: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    clean = changed_clean = spurious = 0
    misses: list[str] = []
    false_positives: list[str] = []
    for s in sentences:
        red = redact_pii(s.text).text
        removed = [r for r in removed_ranges(s.text, red) if "<" in r[2]]
        for span in s.spans:
            total[span[2]] += 1
            if _caught(span, s.text, removed):
                caught[span[2]] += 1
            else:
                misses.append(f"{span[2]}: {s.text[span[0] : span[1]]!r} in {red!r}")
        extra = [r for r in removed if not any(r[0] < e and b < r[1] for b, e, _ in s.spans)]
        spurious += len(extra)
        if not s.spans:
            clean += 1
            changed_clean += red != s.text
        if extra:
            false_positives.append(red)
    all_total, all_caught = sum(total.values()), sum(caught.values())
    return {
        "sentences": len(sentences),
        "pii_free": clean,
        "recall": {k: f"{caught[k]}/{total[k]} = {caught[k] / total[k]:.1%}" for k in sorted(total)},
        "recall_all": f"{all_caught}/{all_total} = {all_caught / max(all_total, 1):.1%}",
        "false_positive_rate": f"{changed_clean}/{clean} = {changed_clean / max(clean, 1):.1%}",
        "spurious_placeholders": spurious,
        "misses": misses,
        "false_positives": false_positives,
    }


def speed(texts: list[str], n: int) -> dict[str, object]:
    """Per-text cost over ``n`` texts (``texts`` cycled), after a warm-up that loads whatever loads lazily."""
    sample = list(itertools.islice(itertools.cycle(texts), n))
    started = time.perf_counter()
    for text in sample[:50]:
        redact_pii(text)
    warm_up = time.perf_counter() - started
    start = time.perf_counter()
    for text in sample:
        redact_pii(text)
    elapsed = time.perf_counter() - start
    return {
        "texts": n,
        "seconds": round(elapsed, 3),
        "ms_per_text": round(elapsed / n * 1000, 3),
        "warm_up_s": round(warm_up, 2),
    }


def seed_texts() -> list[str]:
    files = sorted(Path(__file__).resolve().parent.parent.glob(SEED_GLOB))
    return [json.loads(line)["text"] for f in files for line in f.open(encoding="utf-8")]


def dataset_texts(root: Path, limit: int) -> dict[str, list[str]]:
    from bench.language import SETS
    from bench.language import load as load_set

    out: dict[str, list[str]] = {}
    for name, _, path, column in SETS:
        for split in ("train", "test"):
            key = name if "{split}" not in path else f"{name}/{split}"
            if key not in out:
                out[key] = load_set(root, path, column, split, limit)
    return out


def identical(root: Path, limit: int) -> dict[str, object]:
    """Texts whose redaction differs with the prefilters on vs off, per set, and the time of each pass."""
    sets = dataset_texts(root, limit)
    sets["seed_corpus"] = seed_texts()
    sets["pii_labelled"] = [s.text for s in load("all")]
    report: dict[str, object] = {}
    total = differ = 0
    seconds = {"on": 0.0, "off": 0.0}
    for turn, (name, texts) in enumerate(sets.items()):
        spent = {}
        for mode in ("on", "off") if turn % 2 == 0 else ("off", "on"):  # alternate who goes first
            t0 = time.perf_counter()
            if mode == "on":
                on = [redact_pii(t) for t in texts]
            else:
                with pii_prefilter.disabled():
                    off = [redact_pii(t) for t in texts]
            spent[mode] = time.perf_counter() - t0
            seconds[mode] += spent[mode]
        bad = sum(a.text != b.text or a.counts != b.counts for a, b in zip(on, off, strict=True))
        report[name] = {
            "texts": len(texts),
            "different": bad,
            "redacted": sum(r.total > 0 for r in on),
            "us_per_text_on": round(spent["on"] / len(texts) * 1e6, 1),
            "us_per_text_off": round(spent["off"] / len(texts) * 1e6, 1),
        }
        total += len(texts)
        differ += bad
    report["all"] = {"texts": total, "identical": total - differ, "different": differ}
    report["seconds"] = {k: round(v, 2) for k, v in seconds.items()}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--speed", type=int, default=2000, help="texts for the timing (0: skip)")
    parser.add_argument("--show", action="store_true", help="print misses and false positives")
    parser.add_argument("--identical", action="store_true", help="prefilters on vs off on every text")
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=int, default=0, help="with --identical: first N texts per file")
    args = parser.parse_args()
    if args.identical:
        _french_ner()
        print(json.dumps(identical(args.datasets.resolve(), args.limit), indent=1))
        return
    splits = ["dev", "heldout", "all"] if args.split == "all" else [args.split]
    for split in splits:
        report = evaluate(load(split))
        details = {k: report.pop(k) for k in ("misses", "false_positives")}
        print(json.dumps({"split": split, **report}, ensure_ascii=False))
        if args.show:
            for line in details["misses"] + ["--- false positives"] + details["false_positives"]:  # type: ignore[operator]
                print("  ", line)
    if args.speed:
        started = time.perf_counter()
        _french_ner()  # the one-off load, apart from the per-text cost
        print(json.dumps({"french_model_load_s": round(time.perf_counter() - started, 2)}))
        print(json.dumps({"speed_seed_corpus": speed(seed_texts(), args.speed)}))
        labelled = [s.text for s in load("all")]
        print(json.dumps({"speed_labelled_set": speed(labelled, args.speed)}))


if __name__ == "__main__":
    main()
