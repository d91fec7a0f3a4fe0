"""Step 1 — extract: records → opinion units with language, tags, raw vectors and clustering vectors.

Language → segmentation → embeddings → tagging (or the score rule) → context. The service runs this per
batch of stored items and persists the result, the CLI runs it once over the file; every unit depends only on
its own item, so batching changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.embeddings import Embedder, encode_unique
from nlp.pipeline.records import (
    KNOWN_LANGUAGES,
    Polarity,
    RatingScale,
    Record,
    infer_rating_scale,
    score_polarity,
)
from nlp.tagging.fusion import SENTIMENT_CLASSES
from nlp.tagging.help_request import asks_for_help
from nlp.tagging.types import Tagger, UnitTags
from nlp.text.language import detect_language
from nlp.text.segmentation import split_units_batch

Progress = Callable[[str, int, int], None]  # (stage name, done, total)
# Weight of the item's mean unit vector added to each unit vector before clustering (see ``contextualize``).
CONTEXT_WEIGHT = 1.5
SEGMENT_CHUNK = 500  # records per segmentation call: one progress step (a few hundred ms on one core)
TAG_CHUNK = 2048  # units per tagger call: tags are per unit, so chunking changes nothing but the progress


def contextualize(
    emb: np.ndarray, unit_rows: np.ndarray, n_items: int, weight: float = CONTEXT_WEIGHT
) -> np.ndarray:
    """Unit vectors nudged towards their item's mean unit vector, re-normalised.

    Why: a clause often only makes sense with its neighbours ("it was never refunded" — what was?). Adding the
    item's mean vector gives each unit that context without a second encoder pass; measured on Banking77 test
    (docs/benchmarks.md) it recovers most of what clause splitting costs (V 0.790 → 0.809, mapped macro-F1
    0.688 → 0.739 at weight 1.5 with k=5 smoothing). Clustering, centroids, incremental assignment and split
    all work in this space.
    """
    if weight <= 0 or emb.shape[0] == 0:
        return emb
    doc = np.zeros((n_items, emb.shape[1]), dtype=np.float64)
    np.add.at(doc, unit_rows, emb)
    doc /= np.maximum(np.linalg.norm(doc, axis=1, keepdims=True), 1e-12)
    out = emb + weight * doc[unit_rows].astype(np.float32)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out.astype(np.float32)


@dataclass(frozen=True)
class ExtractedUnits:
    """Every opinion unit of a list of records, as parallel columns (row-aligned with ``texts``).

    ``tags`` is None without a tagger; ``polarity`` is always set (from the tags when there are any, else from
    the item's score) and decides which units are pain-point (-1) or opportunity (+1) candidates.
    """

    rows: np.ndarray  # (n_units,) index of the unit's record
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    texts: tuple[str, ...]
    languages: tuple[str, ...]  # per unit (its item's language)
    item_languages: tuple[str, ...]  # per record
    embeddings: np.ndarray  # (n_units, dim) raw vectors, as the tagger sees them
    vectors: np.ndarray  # (n_units, dim) contextualized: the clustering space
    polarity: np.ndarray  # (n_units,) int8 in {-1, 0, 1}
    tags: tuple[UnitTags, ...] | None
    model_id: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds per sub-step: segment, embed, tag

    def __len__(self) -> int:
        return len(self.texts)


def item_languages(records: Sequence[Record]) -> list[str]:
    """A known language hint wins; otherwise detect (a hint outside fr/en/other is ignored)."""
    return [r.language if r.language in KNOWN_LANGUAGES else detect_language(r.text) for r in records]


PAIN_CANDIDATE_MAX_SCORE: dict[str, float] = {"fr": 0.1, "en": 0.2}
"""Per language: a tagged unit enters the pain-point clustering when its sentiment score (p(positive) −
p(negative), after rating fusion) is below its language's value, or it is tagged negative, or it asks for help
(nlp/tagging/help_request.py). Other languages use the largest value (:func:`candidate_max_score`).

Why a threshold and not "tagged negative": every unit the tagger calls neutral or weakly positive by mistake
is a complaint that silently disappears from the pain points. Why per language: French and English go
through different encoders and heads (``auto``), so one cut-off keeps a different share of each language's
complaints. Calibrated by ``python -m training.calibrate_candidates`` on development data the heads never
fitted on (XED FR/EN dev lines, a stable part of the *train* splits; Banking77 *train* queries) as the
smallest value at which each language keeps ≥ 90 % of its truly negative lines with a one-standard-error
margin (recall − SE ≥ 0.90), in every embedding space that language can be tagged in (French: USE;
English: MiniLM, or USE — mixed workspaces, the service, and the CLI's ``auto`` on English corpora, whose
sentiment is read in the USE space by nlp/tagging/split_space.py). With the heads retrained on every real
train row (issue 10, branch i10-heads): French 0.20 (dev recall 0.923 ± 0.012, precision 0.780; 0.15 kept
0.898), English 0.20 (MiniLM 0.909 ± 0.008, 0.15 kept 0.894; USE 0.911 at 0.15, 0.928 ± 0.007 at 0.20).
After the languages' own word heads (issue 10 R5/R6) and the English mix at 0.5: French 0.10 (recall
0.927 ± 0.012, precision 0.774; the French head reads more complaints negative), English 0.20 (MiniLM 0.921
± 0.008).
Figures: training/reports/candidates.json, docs/benchmarks.md. Without a tagger the item's score decides
instead (``score_polarity``), in the CLI and in the service alike.
"""


def candidate_max_score(language: str | None) -> float:
    """The candidate threshold for a unit's language; the largest (recall first) when it is not calibrated."""
    return PAIN_CANDIDATE_MAX_SCORE.get(language or "", max(PAIN_CANDIDATE_MAX_SCORE.values()))


def candidate_polarity(
    sentiment: str | None, sentiment_score: float | None, text: str, language: str | None = None
) -> int:
    """-1 pain-point candidate, +1 opportunity candidate, 0 neither — one rule for the CLI and the service
    (which re-reads the stored sentiment, score, text and language when it re-clusters)."""
    if sentiment == "negative" or asks_for_help(text):
        return -1
    if sentiment_score is not None and sentiment_score < candidate_max_score(language):
        return -1
    return 1 if sentiment == "positive" else 0


def candidate_polarities(
    sentiments: Sequence[str | None],
    scores: Sequence[float | None],
    texts: Sequence[str],
    languages: Sequence[str | None],
) -> np.ndarray:
    """:func:`candidate_polarity` over columns (int8): the extraction's tags, the service's stored units and
    the benches' probabilities all go through this one loop."""
    return np.array(
        [
            candidate_polarity(s, score, t, lang)
            for s, score, t, lang in zip(sentiments, scores, texts, languages, strict=True)
        ],
        dtype=np.int8,
    )


def pain_candidates(proba: np.ndarray, texts: Sequence[str], languages: Sequence[str | None]) -> np.ndarray:
    """Which units the rule lets into the pain-point clustering, given their text probabilities (n, 3;
    negative, neutral, positive): :func:`candidate_polarity` over each unit's argmax class and p(pos) −
    p(neg) — what the benches and the dev scripts score the gate on when they hold probabilities, not tags."""
    p = np.asarray(proba, dtype=np.float64)
    classes = [SENTIMENT_CLASSES[int(k)] for k in p.argmax(axis=1)] if p.size else []
    scores = [float(d) for d in p[:, 2] - p[:, 0]] if p.size else []
    return np.asarray(candidate_polarities(classes, scores, texts, languages) == -1, dtype=bool)


def _polarity_from_tags(
    tags: Sequence[UnitTags], texts: Sequence[str], languages: Sequence[str | None] | None = None
) -> np.ndarray:
    langs = list(languages) if languages is not None else [None] * len(texts)
    return candidate_polarities([t.sentiment for t in tags], [t.sentiment_score for t in tags], texts, langs)


def extract_units(
    records: Sequence[Record],
    embedder: Embedder,
    tagger: Tagger | None = None,
    *,
    languages: Sequence[str] | None = None,
    rating_scale: RatingScale | None = None,
    context_weight: float = CONTEXT_WEIGHT,
    batch_size: int = 256,
    progress: Progress | None = None,
) -> ExtractedUnits:
    """Run language → segmentation → embeddings → tags → context over ``records``.

    ``languages``: per-record languages already resolved (the CLI resolves them first to pick the embedding
    space). ``rating_scale``: 5 or 10; inferred from the ratings when not given (the service's ratings are
    validated as stars, so it passes 5).
    """
    report = progress or (lambda stage, done, total: None)
    n = len(records)
    langs = list(languages) if languages is not None else item_languages(records)

    timings: dict[str, float] = {}
    t = time.perf_counter()
    spans: list[list[Any]] = []
    report("segment", 0, n)  # every bar shows from its first second, then moves per batch
    for s in range(0, n, SEGMENT_CHUNK):
        chunk = slice(s, s + SEGMENT_CHUNK)
        spans.extend(split_units_batch([r.text for r in records[chunk]], langs[chunk]))
        report("segment", min(n, s + SEGMENT_CHUNK), n)
    rows = np.asarray([row for row, sp in enumerate(spans) for _ in sp], dtype=np.int64)
    flat = [u for sp in spans for u in sp]
    texts = tuple(u.text for u in flat)
    unit_langs = tuple(langs[r] for r in rows)

    timings["segment"] = time.perf_counter() - t

    t = time.perf_counter()
    m = len(texts)
    step = max(1, batch_size)
    parts = []
    report("embed", 0, m)
    for s in range(0, m, step):
        parts.append(encode_unique(embedder, texts[s : s + step]))
        report("embed", min(m, s + step), m)
    emb = np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)

    timings["embed"] = time.perf_counter() - t

    t = time.perf_counter()
    tags: tuple[UnitTags, ...] | None = None
    if tagger is not None:
        if tagger.model_id != embedder.model_id:
            raise ValueError(
                f"tagger: trained on {tagger.model_id!r} but the pipeline embeds with {embedder.model_id!r}"
            )
        ratings = [records[r].rating for r in rows]
        nps = [records[r].nps for r in rows]
        has_ratings, has_nps = any(x is not None for x in ratings), any(x is not None for x in nps)
        tagged: list[UnitTags] = []
        report("tag", 0, m)
        for s in range(0, m, TAG_CHUNK):
            part = slice(s, s + TAG_CHUNK)
            tagged += tagger.tag(
                list(texts[part]),
                emb[part],
                list(unit_langs[part]),
                ratings=ratings[part] if has_ratings else None,
                nps=nps[part] if has_nps else None,
            )
            report("tag", min(m, s + TAG_CHUNK), m)
        tags = tuple(tagged)
        polarity = _polarity_from_tags(tags, texts, list(unit_langs))
    else:
        scale = rating_scale or infer_rating_scale([r.rating for r in records])
        per_item: list[Polarity] = [score_polarity(r.rating, r.nps, scale) for r in records]
        polarity = np.array([per_item[r] for r in rows], dtype=np.int8)

    timings["tag"] = time.perf_counter() - t
    return ExtractedUnits(
        rows=rows,
        starts=tuple(u.start for u in flat),
        ends=tuple(u.end for u in flat),
        texts=texts,
        languages=unit_langs,
        item_languages=tuple(langs),
        embeddings=emb,
        vectors=contextualize(emb, rows, n, context_weight),
        polarity=polarity,
        tags=tags,
        model_id=embedder.model_id,
        timings=timings,
    )
