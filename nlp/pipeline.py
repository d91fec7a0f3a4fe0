"""The whole chain over records: language → opinion units → embeddings → clusters → labels → documents.

``analyze_records`` is what ``frictionmap analyze`` and the service's analysis job both call; it returns plain
dataclasses (and the unit embeddings with their ``model_id``, so the service can store them) and never
touches a
database or the web.

Which units become pain-point candidates:
* with a tagger: units tagged ``negative`` → pain points, ``positive`` → opportunities;
* without a tagger but with ratings: units of low-rated items → pain points, of high-rated items →
  opportunities, of unrated items → pain points (feedback channels without a rating are mostly complaints),
  middling ratings → neither;
* without either: every unit is a pain-point candidate (stage, sentiment and emotion stay ``None``).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nlp.embeddings import AUTO_SPEC, Embedder, encode_unique, get_embedder, resolve_spec
from nlp.tagging.aggregate import aggregate_pain_point, effort_by_stage
from nlp.tagging.types import Tagger, UnitTags
from nlp.text.language import detect_language
from nlp.text.segmentation import split_units_batch
from nlp.themes.clustering import Clustering, ClusterParams, cluster_units
from nlp.themes.labelling import label_clusters

Progress = Callable[[str, int, int], None]  # (stage name, done, total)
# Builds the tagger for the embedder actually used (the ``auto`` spec resolves per corpus, and a tagger is
# bound to one embedding space); returns None when no artifacts exist for that space.
TaggerLoader = Callable[[Embedder], "Tagger | None"]
# Weight of the item's mean unit vector added to each unit vector before clustering (see ``contextualize``).
CONTEXT_WEIGHT = 1.5


def contextualize(
    emb: np.ndarray, unit_rows: np.ndarray, n_items: int, weight: float = CONTEXT_WEIGHT
) -> np.ndarray:
    """Unit vectors nudged towards their item's mean unit vector, re-normalised.

    Why: a clause often only makes sense with its neighbours ("it was never refunded" — what was?). Adding the
    item's mean vector gives each unit that context without a second encoder pass; measured on Banking77 test
    (docs/benchmarks.md) it recovers most of what clause splitting costs (V 0.790 → 0.809, mapped macro-F1
    0.688 → 0.739 at weight 1.5 with k=5 smoothing), and it
    is what the service must also apply before assigning new units incrementally. Centroids live in this
    space.
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
class Record:
    text: str
    id: str | None = None
    rating: float | None = None
    date: str | None = None
    language: str | None = None  # skip detection when the caller already knows it (ingest stored it)


@dataclass
class UnitResult:
    row: int
    start: int
    end: int
    text: str
    language: str
    sentiment: str | None = None
    emotion: str | None = None
    stage: str | None = None
    pain_point: str | None = None
    opportunity: str | None = None
    similarity: float | None = None  # cosine to its pain point / opportunity centroid
    # tagging details (issue 4); None without a tagger
    stage_confidence: float | None = None
    sentiment_score: float | None = None
    emotion_confidence: float | None = None
    effort: bool | None = None
    effort_type: str | None = None


@dataclass
class Theme:
    """A pain point (or an opportunity: same shape)."""

    id: str
    label: str
    keyphrases: list[str]
    size: int
    stage: str | None
    sentiment: str | None
    quotes: list[str]
    languages: dict[str, float] = field(default_factory=dict)
    quote_units: list[int] = field(default_factory=list)  # indices into AnalysisResult.units
    # aggregate of the members' tags (nlp.tagging.aggregate.PainPointTags as a dict); None without a tagger
    tags: dict[str, Any] | None = None


@dataclass
class DocumentResult:
    row: int
    id: str | None
    language: str
    sentiment: str | None
    stage: str | None
    pain_points: list[str]  # most relevant first
    opportunities: list[str] = field(default_factory=list)
    emotion: str | None = None
    effort: bool | None = None  # any unit of the item reports effort


@dataclass
class AnalysisResult:
    pain_points: list[Theme]
    opportunities: list[Theme]
    documents: list[DocumentResult]
    units: list[UnitResult]
    model_id: str
    embeddings: np.ndarray  # (n_units, dim) raw unit vectors, rows aligned with ``units`` (store these)
    centroids: dict[str, np.ndarray] = field(
        default_factory=dict
    )  # theme id -> centroid (contextualized space)
    timings: dict[str, float] = field(default_factory=dict)
    stage_effort: list[dict[str, Any]] = field(default_factory=list)  # effort share per journey stage

    def to_json(self) -> dict[str, Any]:
        """The ``frictionmap analyze`` JSON contract (issue 3)."""

        def theme(t: Theme) -> dict[str, Any]:
            d = asdict(t)
            d.pop("quote_units")
            return d

        units = []
        for u in self.units:
            d = asdict(u)
            d.pop("similarity")
            d.pop("opportunity")
            units.append(d)
        docs = []
        for doc in self.documents:
            d = asdict(doc)
            d.pop("opportunities")
            docs.append(d)
        return {
            "pain_points": [theme(t) for t in self.pain_points],
            "opportunities": [theme(t) for t in self.opportunities],
            "documents": docs,
            "units": units,
            "stage_effort": self.stage_effort,
        }


def _coerce(record: Record | Mapping[str, Any]) -> Record:
    if isinstance(record, Record):
        return record
    rating = record.get("rating")
    return Record(
        text=str(record.get("text") or ""),
        id=None if record.get("id") is None else str(record.get("id")),
        rating=None if rating in (None, "") else float(rating),
        date=None if record.get("date") is None else str(record.get("date")),
        language=record.get("language"),
    )


def _rating_polarity(ratings: Sequence[float | None]) -> list[int]:
    """-1 low, 0 middle/unknown, +1 high. Scale inferred from the data: 1–5 stars, or 0–10 (NPS-like)."""
    present = [r for r in ratings if r is not None]
    if not present:
        return [0] * len(ratings)
    ten = max(present) > 5
    low, high = (6, 9) if ten else (2, 4)
    return [0 if r is None else (-1 if r <= low else (1 if r >= high else 0)) for r in ratings]


def _majority(values: Sequence[str | None]) -> str | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return sorted(Counter(vals).items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _build_themes(
    prefix: str,
    member_idx: np.ndarray,
    clustering: Clustering,
    unit_texts: list[str],
    unit_langs: list[str],
    emb: np.ndarray,
    tags: list[UnitTags] | None,
) -> tuple[list[Theme], dict[int, str], dict[str, np.ndarray]]:
    local_labels = clustering.labels
    labels = label_clusters(
        [unit_texts[i] for i in member_idx],
        [unit_langs[i] for i in member_idx],
        local_labels,
        emb[member_idx],
        clustering.centroids,
    )
    themes: list[Theme] = []
    id_of: dict[int, str] = {}
    centroids: dict[str, np.ndarray] = {}
    for lab in labels:
        tid = f"{prefix}-{lab.cluster + 1}"
        id_of[lab.cluster] = tid
        centroids[tid] = clustering.centroids[lab.cluster]
        members = member_idx[local_labels == lab.cluster]
        stage = sentiment = None
        agg: dict[str, Any] | None = None
        if tags is not None:
            pp = aggregate_pain_point([tags[i] for i in members])
            stage = pp.stage  # soft vote of the members' stage probabilities, with confidence and runner-up
            sentiment = _majority([tags[i].sentiment for i in members])
            agg = asdict(pp)
        quote_units = [int(member_idx[q]) for q in lab.quotes]
        themes.append(
            Theme(
                id=tid,
                label=lab.label,
                keyphrases=lab.keyphrases,
                size=lab.size,
                stage=stage,
                sentiment=sentiment,
                quotes=[unit_texts[q] for q in quote_units],
                languages=lab.languages,
                quote_units=quote_units,
                tags=agg,
            )
        )
    return themes, id_of, centroids


def analyze_records(
    records: Sequence[Record | Mapping[str, Any]],
    embedder: Embedder | str = AUTO_SPEC,
    tagger: Tagger | None = None,
    params: ClusterParams | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
    context_weight: float = CONTEXT_WEIGHT,
    tagger_loader: TaggerLoader | None = None,
) -> AnalysisResult:
    """Run the full mining chain on ``records`` (``Record`` or mappings with text/id/rating/date/language)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    recs = [_coerce(r) for r in records]
    n = len(recs)
    report = progress or (lambda stage, done, total: None)

    # 1. language per item
    langs = [r.language if r.language in ("fr", "en", "other") else detect_language(r.text) for r in recs]
    timings["language"] = time.perf_counter() - t0

    # 2. opinion units (spaCy pipes in chunks, so the progress bar moves on long inputs)
    t = time.perf_counter()
    spans: list[list[Any]] = []
    for s in range(0, n, 2000):
        spans.extend(split_units_batch([r.text for r in recs[s : s + 2000]], langs[s : s + 2000]))
        report("segment", min(n, s + 2000), n)
    unit_row = [row for row, sp in enumerate(spans) for _ in sp]
    unit_span = [u for sp in spans for u in sp]
    unit_texts = [u.text for u in unit_span]
    unit_langs = [langs[r] for r in unit_row]
    timings["segment"] = time.perf_counter() - t

    # 3. embeddings, in chunks for progress; duplicates encoded once
    t = time.perf_counter()
    if isinstance(embedder, str):
        embedder = get_embedder(resolve_spec(embedder, langs))
    m = len(unit_texts)
    chunk = max(batch_size * 8, 2048)
    parts = []
    for s in range(0, m, chunk):
        parts.append(encode_unique(embedder, unit_texts[s : s + chunk]))
        report("embed", min(m, s + chunk), m)
    emb = np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)
    timings["embed"] = time.perf_counter() - t

    # 4. tags (optional) and candidate selection
    t = time.perf_counter()
    tags: list[UnitTags] | None = None
    if tagger is None and tagger_loader is not None:
        tagger = tagger_loader(embedder)
    if tagger is not None:
        if tagger.model_id != embedder.model_id:
            raise ValueError(
                f"tagger: trained on {tagger.model_id!r} but the pipeline embeds with {embedder.model_id!r}"
            )
        ratings = [recs[r].rating for r in unit_row]
        tags = tagger.tag(
            unit_texts, emb, unit_langs, ratings=ratings if any(x is not None for x in ratings) else None
        )
        negative = np.array([tg.sentiment == "negative" for tg in tags], dtype=bool)
        positive = np.array([tg.sentiment == "positive" for tg in tags], dtype=bool)
    else:
        polarity = _rating_polarity([r.rating for r in recs])
        unit_pol = np.array([polarity[r] for r in unit_row], dtype=np.int64)
        if any(p != 0 for p in polarity):
            # low-rated and unrated items are complaint candidates; high-rated ones feed opportunities;
            # middling ratings (3/5, 7–8/10) are mixed and stay out of both until a tagger can tell
            unrated = np.array([recs[r].rating is None for r in unit_row], dtype=bool)
            negative = (unit_pol == -1) | unrated
            positive = unit_pol == 1
        else:
            negative = np.ones(m, dtype=bool)
            positive = np.zeros(m, dtype=bool)
    timings["tag"] = time.perf_counter() - t

    # 5. clustering + labels, separately for pain points and opportunities
    t = time.perf_counter()
    report("cluster", 0, 1)
    neg_idx, pos_idx = np.flatnonzero(negative), np.flatnonzero(positive)
    ctx = contextualize(emb, np.asarray(unit_row, dtype=np.int64), n, context_weight)
    neg_cl = cluster_units(ctx[neg_idx], params)
    pos_cl = cluster_units(ctx[pos_idx], params) if pos_idx.size else None
    timings["cluster"] = time.perf_counter() - t
    t = time.perf_counter()
    pains, pain_id, centroids = _build_themes("pp", neg_idx, neg_cl, unit_texts, unit_langs, ctx, tags)
    opps: list[Theme] = []
    opp_id: dict[int, str] = {}
    if pos_cl is not None:
        opps, opp_id, opp_centroids = _build_themes("op", pos_idx, pos_cl, unit_texts, unit_langs, ctx, tags)
        centroids.update(opp_centroids)
    report("cluster", 1, 1)
    timings["label"] = time.perf_counter() - t

    # 6. units and documents
    units = [
        UnitResult(
            row=unit_row[i],
            start=unit_span[i].start,
            end=unit_span[i].end,
            text=unit_texts[i],
            language=unit_langs[i],
            sentiment=tags[i].sentiment if tags else None,
            emotion=tags[i].emotion if tags else None,
            stage=tags[i].stage if tags else None,
            stage_confidence=tags[i].stage_confidence if tags else None,
            sentiment_score=tags[i].sentiment_score if tags else None,
            emotion_confidence=tags[i].emotion_confidence if tags else None,
            effort=tags[i].effort if tags else None,
            effort_type=tags[i].effort_type if tags else None,
        )
        for i in range(m)
    ]
    for local, i in enumerate(neg_idx):
        lab = int(neg_cl.labels[local])
        if lab >= 0:
            units[i].pain_point = pain_id[lab]
            units[i].similarity = float(neg_cl.similarity[local])
    if pos_cl is not None:
        for local, i in enumerate(pos_idx):
            lab = int(pos_cl.labels[local])
            if lab >= 0:
                units[i].opportunity = opp_id[lab]
                units[i].similarity = float(pos_cl.similarity[local])

    by_row: dict[int, list[int]] = defaultdict(list)
    for unit_i, row in enumerate(unit_row):
        by_row[row].append(unit_i)
    documents = []
    polarity = _rating_polarity([r.rating for r in recs])
    for row, rec in enumerate(recs):
        members = by_row.get(row, [])
        doc_sentiment: str | None = None
        doc_stage = _majority([units[i].stage for i in members])
        doc_emotion: str | None = None
        doc_effort: bool | None = None
        if tags is not None and members:
            doc_tags = aggregate_pain_point([tags[i] for i in members])
            doc_stage, doc_emotion = doc_tags.stage, doc_tags.dominant_emotion
            doc_effort = doc_tags.effort_share > 0
            score = float(np.mean([tags[i].sentiment_score for i in members]))
            doc_sentiment = "negative" if score < -0.2 else ("positive" if score > 0.2 else "neutral")
        elif rec.rating is not None:
            doc_sentiment = {-1: "negative", 0: "neutral", 1: "positive"}[polarity[row]]
        documents.append(
            DocumentResult(
                row=row,
                id=rec.id,
                language=langs[row],
                sentiment=doc_sentiment,
                stage=doc_stage,
                pain_points=_ranked([(units[i].pain_point, units[i].similarity) for i in members]),
                opportunities=_ranked([(units[i].opportunity, units[i].similarity) for i in members]),
                emotion=doc_emotion,
                effort=doc_effort,
            )
        )
    timings["total"] = time.perf_counter() - t0
    return AnalysisResult(
        pain_points=pains,
        opportunities=opps,
        documents=documents,
        units=units,
        model_id=embedder.model_id,
        embeddings=emb,
        centroids=centroids,
        timings=timings,
        stage_effort=[asdict(se) for se in effort_by_stage(tags, _stage_order(tagger))] if tags else [],
    )


def _stage_order(tagger: Tagger | None) -> list[str] | None:
    taxonomy = getattr(tagger, "taxonomy", None)
    return list(taxonomy.stage_ids) if taxonomy is not None else None


def _ranked(pairs: Sequence[tuple[str | None, float | None]]) -> list[str]:
    """Theme ids of one document, most relevant first: more units first, then higher best similarity."""
    count: Counter[str] = Counter()
    best: dict[str, float] = {}
    for tid, sim in pairs:
        if tid is None:
            continue
        count[tid] += 1
        best[tid] = max(best.get(tid, -1.0), sim or 0.0)
    return sorted(count, key=lambda tid: (-count[tid], -best[tid], tid))
