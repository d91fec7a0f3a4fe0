"""Choose, on development data, how much a language's shipped word head is trusted by its coverage (R7).

    python -m training.word_coverage --lang fr                       # USE, French word head; report only
    python -m training.word_coverage --lang en --backend "sentence-transformers:all-MiniLM-L6-v2" \\
        --sources xed-en,messages-en --dev-only reviews-en
    python -m training.word_coverage --lang fr --write       # ship the chosen power if the rule passes

Why: a word head drops the words it never saw ("Le fil est très cassant !" reads as "le est très !"), and
what is left carries the fit rows' polarity, at the full blend weight. With ``coverage_power`` p, the head's
weight on a unit is ``w · coverage ** p`` (``nlp.tagging.doc_words.WordCharHead.coverage``), so the embedding
head decides where the word head read little. Candidates: p × the language's text weight w; each candidate is
the shipped artifacts with only that language's word head (and weight) changed, loaded by ``load_tagger`` as
the pipeline loads them; the baseline is the shipped state, scored the same way. The rule is the one of
``training.sentiment_lang.decide`` (the language's dev mean up by ≥ 0.005, the other language's figures
identical, no own figure down by more than 0.01), plus: no real human-labelled set of the language
(``REAL_SETS``) falls. Allociné dev documents are read through the shipped document expert, as the pipeline
reads a multi-unit French review.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from nlp.tagging.artifacts import ARTIFACT_VERSION, LinearHead, backend_slug
from nlp.tagging.doc_words import MAX_COVERAGE_POWER, WordCharHead
from nlp.tagging.document_expert import load_document_expert
from nlp.tagging.tagger import EmbeddingTagger, load_tagger
from nlp.tagging.text_heads import lang_text_path
from training.compare_sentiment import ARTIFACTS, DOCS, REPORTS, DevSet
from training.corpus import load_seed, split
from training.embedding_cache import load_embedder
from training.model_card import record_head
from training.sentiment_lang import LANGS, card_key, decide, figure_langs, parse_weights
from training.sentiment_real import is_source, load_real

POWERS = (0.5, 1.0, 2.0)
REAL_SETS = {"fr": ("xed-fr dev", DOCS), "en": ("xed-en dev",)}
R3_SOURCES = "allocine,xed-fr,xed-en,reviews-fr,reviews-en,products-fr,messages-en"


def variant(shipped: Path, root: Path, lang: str, power: float, weight: float) -> Path:
    """A copy of the shipped artifact directory under ``root`` with ``lang``'s word head at ``power`` and
    its text weight at ``weight`` (every other file byte-identical)."""
    directory = root / shipped.name
    shutil.copytree(shipped, directory)
    words_path = lang_text_path(directory, "sentiment", lang, "words")
    replace(WordCharHead.load(words_path), coverage_power=power).save(directory, f"sentiment-words-{lang}")
    head_path = directory / f"sentiment-{ARTIFACT_VERSION}.npz"
    head = LinearHead.load(head_path, read_model_id(directory))
    blend = tuple((b[0], weight, b[2]) if b[0] == lang else b for b in head.lang_blend)
    replace(head, lang_blend=blend).save(directory)
    return directory


def read_model_id(directory: Path) -> str:
    return str(json.loads((directory / "model_card.json").read_text(encoding="utf-8"))["embedding_model_id"])


def probabilities(tagger: EmbeddingTagger, dev: DevSet) -> dict[str, np.ndarray]:
    """The tagger's unit sentiment probabilities for every dev set, each row read with its own language."""
    out = {name: tagger.sentiment_proba(t, x, dev.langs[name]) for name, (t, _, x) in dev.sentences.items()}
    if dev.docs is not None:
        out[DOCS] = tagger.sentiment_proba(dev.docs[0], dev.docs[3], dev.langs[DOCS])
    return out


def search(
    backend: str,
    lang: str,
    sources: tuple[str, ...],
    dev_only: tuple[str, ...],
    powers: Sequence[float],
    weights: Sequence[float] | None,
) -> tuple[dict[str, Any], tuple[float, float] | None]:
    """Score the shipped state and every (power, weight): the report, and the (power, weight) to ship."""
    embedder = load_embedder(backend)
    shipped = ARTIFACTS / backend_slug(embedder.model_id)
    words = lang_text_path(shipped, "sentiment", lang, "words")
    if not words.exists():
        raise SystemExit(f"--lang {lang}: {shipped} ships no word head for it ({words.name})")
    head = LinearHead.load(shipped / f"sentiment-{ARTIFACT_VERSION}.npz", embedder.model_id)
    shipped_weight = dict((b[0], b[1]) for b in head.lang_blend)[lang]
    shipped_power = WordCharHead.load(words).coverage_power
    _, held = split(load_seed())
    real = load_real(sources=tuple(dict.fromkeys(sources + dev_only)), max_fit=1)
    expert = load_document_expert(shipped, embedder.model_id)
    dev = DevSet(embedder, [u for u in held if u.sentiment], real, "allocine" in sources, expert)
    base = dev.scored(probabilities(load_tagger(ARTIFACTS, embedder.model_id), dev), by_lang=True)
    own, other = figure_langs(base, dev.langs, lang)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="word_coverage_") as tmp:
        for power in powers:
            for weight in weights or (shipped_weight,):
                root = Path(tmp) / f"p{power:g}-w{weight:g}"
                variant(shipped, root, lang, power, weight)
                scores = dev.scored(probabilities(load_tagger(root, embedder.model_id), dev), by_lang=True)
                key = f"p={power:g} w={weight:g}"
                mean = round(float(np.mean([scores[k] for k in own])), 4)
                results[key] = {"power": power, "weight": weight, "dev": scores, "mean": mean}
                print(f"  {key}: mean {results[key]['mean']} {scores}", file=sys.stderr, flush=True)
    best = max(results, key=lambda k: results[k]["mean"])
    passes, why = decide(base, results[best]["dev"], own, other, lang)
    fell = [k for k in REAL_SETS[lang] if k in base and results[best]["dev"][k] < base[k]]
    if passes and fell:
        passes, why = False, f"real human-labelled sets fell: {fell}"
    summary = {
        "backend": backend,
        "model_id": embedder.model_id,
        "lang": lang,
        "sources": list(sources),
        "dev_only": list(dev_only),
        "shipped": {"power": shipped_power, "weight": shipped_weight, "dev": base},
        "baseline_mean": round(float(np.mean([base[k] for k in own])), 4),
        "lang_figures": own,
        "other_figures": other,
        "results": results,
        "best": best,
        "ships": passes,
        "why": why,
    }
    print(f"best {best} ({results[best]['mean']} vs {summary['baseline_mean']}): {why}", file=sys.stderr)
    return summary, (results[best]["power"], results[best]["weight"]) if passes else None


def write(summary: dict[str, Any], chosen: tuple[float, float]) -> Path:
    """The chosen power and weight onto the shipped files and the card's ``<language>_blend`` entry."""
    shipped = ARTIFACTS / backend_slug(summary["model_id"])
    lang = summary["lang"]
    with tempfile.TemporaryDirectory(prefix="word_coverage_") as tmp:
        directory = variant(shipped, Path(tmp), lang, *chosen)
        for name in (f"sentiment-{ARTIFACT_VERSION}.npz", f"sentiment-words-{lang}-{ARTIFACT_VERSION}.npz"):
            shutil.copyfile(directory / name, shipped / name)
    card = json.loads((shipped / "model_card.json").read_text(encoding="utf-8"))
    entry = dict(card["heads"]["sentiment"])
    blend = dict(entry[card_key(lang)])
    blend.update(
        text_weight=chosen[1],
        coverage_power=chosen[0],
        dev_coverage=summary["results"][summary["best"]]["dev"],
        dev_before_coverage=summary["shipped"]["dev"],
        coverage_by="python -m training.word_coverage --write",
    )
    entry[card_key(lang)] = blend
    record_head(shipped, "sentiment", entry)
    return shipped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.word_coverage")
    parser.add_argument("--backend", default="use-multilingual")
    parser.add_argument("--lang", default="fr", choices=LANGS, help="the language whose word head is tuned")
    parser.add_argument("--sources", default=R3_SOURCES, help="sets whose development part is scored")
    parser.add_argument("--dev-only", default="vocab-fr", help="more development sets (as compare_sentiment)")
    parser.add_argument("--powers", default=",".join(f"{p:g}" for p in POWERS), help="coverage powers")
    parser.add_argument("--weights", default="", help="the language's text weights (default: the shipped)")
    parser.add_argument("--report-suffix", default="", help="appended to the report's file name")
    parser.add_argument("--write", action="store_true", help="ship the chosen power if the rule passes")
    args = parser.parse_args(argv)
    sources = tuple(s for s in args.sources.split(",") if s)
    dev_only = tuple(s for s in args.dev_only.split(",") if s)
    bad = [s for s in (*sources, *dev_only) if not is_source(s)]
    if bad or not sources:
        parser.error(f"--sources/--dev-only: unknown or none {bad}")
    powers = parse_weights(parser, "--powers", args.powers, 0.0, MAX_COVERAGE_POWER)
    weights = parse_weights(parser, "--weights", args.weights, 0.0, 1.0) if args.weights else None
    summary, chosen = search(args.backend, args.lang, sources, dev_only, powers, weights)
    REPORTS.mkdir(exist_ok=True)
    slug = backend_slug(summary["model_id"])
    out = REPORTS / f"word_coverage_{slug}_{args.lang}{args.report_suffix}.json"
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"report → {out}", file=sys.stderr)
    if args.write and chosen is not None:
        print(f"written to {write(summary, chosen)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
