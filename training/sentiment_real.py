"""Real labelled sentiment data for training, with a fixed development split for choosing models.

Only ``train`` splits of ../shared/datasets are read here (the benchmark reports on ``test``). Each train set
is cut once more by a stable hash of the text: 20 % is a *development* part that is never fitted on and is
used to choose the model family, its regularisation and blend weights, and the pain-point candidate
threshold; the rest is fitted on. Sources:

- Allociné train (French reviews; negative/positive from stars; no neutral). Whole reviews are embedded as
  one text for training (``clause_units``: their clauses instead, each with its review's label; issue 10,
  docs/benchmarks.md); development reviews are scored like the pipeline scores a document (clauses, mean).
- XED train, French and English, reduced to a polarity with training/mappings/xed_emotions.json (lines whose
  Plutchik labels are all negative or all positive; English also has human-labelled neutral lines).
- Written sources ``<stem>-<lang>`` (``training/data/<stem>_<lang>.jsonl``, stems in ``WRITTEN_STEMS``):
  review, ticket and message units written for the project with a unit sentiment, because the real sets are
  movie reviews and subtitles and the heads read plain product complaints ("Le produit est défectueux.") as
  positive — ``reviews-fr`` / ``reviews-en`` (products, sellers, restaurants, hotels, travel, telecom, bank,
  insurance), ``products-fr`` (French product and service reviews as shoppers type them), ``messages-en``
  (English public messages to brands, three classes), ``vocab-fr`` (everyday French complaint and praise
  words in plain, negated and intensified use: "déçu", "défectueux", "pas mal"). Not real data: the same
  hash split gives them a development part, reported beside the real ones, never the only one a choice
  rests on.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
from dataclasses import dataclass, replace
from pathlib import Path

from training.corpus import Unit

DATASETS = Path(
    os.environ.get("FRICTIONMAP_DATASETS", Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets")
)
WRITTEN_DIR = Path(__file__).resolve().parent / "data"
DEV_PERCENT = 20
NEGATIVE_PLUTCHIK = frozenset({"anger", "disgust", "fear", "sadness"})
POSITIVE_PLUTCHIK = frozenset({"joy", "trust"})
REAL_SOURCES = ("allocine", "xed-fr", "xed-en")
WRITTEN_STEMS = ("reviews", "products", "messages", "vocab")
LANGS = ("fr", "en")


@dataclass(frozen=True)
class RealSets:
    """Fit and development parts of each real source (Units carry only text, lang and sentiment)."""

    fit: dict[str, list[Unit]]
    dev: dict[str, list[Unit]]


def is_dev(text: str) -> bool:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % 100 < DEV_PERCENT


def read_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def xed_sentiment(label: str) -> str | None:
    if label == "neutral":
        return "neutral"
    parts = set(label.split(";"))
    if parts <= NEGATIVE_PLUTCHIK:
        return "negative"
    if parts <= POSITIVE_PLUTCHIK:
        return "positive"
    return None


def labelled_unit(text: str, lang: str, sentiment: str, source: str = "seed") -> Unit:
    """A unit carrying only a sentiment label (no stage, emotion or effort), as every real source gives."""
    return Unit(text, lang, None, sentiment, None, None, None, source=source)


def is_source(name: str) -> bool:
    """Whether ``load_real`` knows ``name`` (a real train set or ``<written stem>-<lang>``)."""
    stem, _, lang = name.partition("-")
    return name in REAL_SOURCES or (stem in WRITTEN_STEMS and lang in LANGS)


def written_units(source: str, data_dir: Path = WRITTEN_DIR) -> list[Unit]:
    """The units of written source ``<stem>-<lang>``, from ``<stem>_<lang>.jsonl``."""
    stem, _, lang = source.partition("-")
    path = data_dir / f"{stem}_{lang}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [labelled_unit(r["text"], lang, r["sentiment"], source) for r in rows]


def load_real(
    root: Path = DATASETS,
    sources: tuple[str, ...] = REAL_SOURCES,
    max_fit: int | None = None,
) -> RealSets:
    """``max_fit``: cap on each source's fit rows (a fixed sample), to keep training within minutes on two
    shared cores; development rows are never capped."""
    fit: dict[str, list[Unit]] = {}
    dev: dict[str, list[Unit]] = {}
    unknown = [s for s in sources if not is_source(s)]
    if unknown:
        raise ValueError(f"unknown sentiment sources {unknown}: real sets {REAL_SOURCES} or <stem>-<lang>")
    for source in sources:
        if source == "allocine":
            rows = read_rows(root.resolve() / "allocine_fr_sample" / "train.csv")
            units = [labelled_unit(r["text"], "fr", r["label"], source) for r in rows]
        elif source.split("-")[0] in WRITTEN_STEMS:
            units = written_units(source)
        else:
            lang = source.split("-")[1]
            rows = read_rows(root.resolve() / f"xed_{lang}_emotion" / "train.csv")
            units = [
                labelled_unit(r["text"], lang, s, source)
                for r in rows
                if (s := xed_sentiment(r["label"])) is not None
            ]
        fitted = [u for u in units if not is_dev(u.text)]
        if max_fit is not None and len(fitted) > max_fit:
            fitted = [fitted[i] for i in sorted(random.Random(11).sample(range(len(fitted)), max_fit))]
        fit[source] = fitted
        dev[source] = [u for u in units if is_dev(u.text)]
    return RealSets(fit, dev)


def clause_units(units: list[Unit], min_words: int = 0) -> list[Unit]:
    """The clauses of each unit (``split_units_batch`` with the unit's language, as the pipeline cuts a
    document), each carrying its unit's label, language and source; clauses of fewer than ``min_words``
    words are dropped (a unit left without any keeps nothing)."""
    from nlp.text.segmentation import split_units_batch

    spans = split_units_batch([u.text for u in units], [u.lang for u in units])
    return [
        replace(u, text=s.text)
        for u, sp in zip(units, spans, strict=True)
        for s in sp
        if len(s.text.split()) >= min_words
    ]


def parse_shares(parser: argparse.ArgumentParser, text: str) -> dict[str, float]:
    """``--share source=number,…``: each named source's total weight (a multiple of the seed corpus's size,
    in (0, 10]); a bad item exits 2."""
    out: dict[str, float] = {}
    for item in filter(None, text.split(",")):
        name, _, value = item.partition("=")
        try:
            out[name] = float(value)
        except ValueError:
            parser.error(f"--share: {item!r} is not source=number")
        if not is_source(name):
            parser.error(f"--share: unknown source {name!r}")
        if not 0 < out[name] <= 10:
            parser.error(f"--share: {name}'s share must be in (0, 10], got {value}")
    return out
