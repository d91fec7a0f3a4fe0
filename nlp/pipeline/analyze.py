"""``analyze_records``: the steps composed in memory — what ``frictionmap analyze`` runs over a file.

The service's analysis job runs the same steps (``extract_units``, ``cluster_themes``, ``theme_tags``)
with storage between them; see ``service/analysis/nlp_backend.py``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from nlp.embeddings import AUTO_SPEC, Embedder, get_embedder, resolve_spec
from nlp.pipeline.adapt import adapt_extracted
from nlp.pipeline.documents import read_documents
from nlp.pipeline.extract import CONTEXT_WEIGHT, ExtractedUnits, Progress, extract_units, item_languages
from nlp.pipeline.records import Record, coerce_record
from nlp.pipeline.result import AnalysisResult, DocumentResult, Theme, ThemeGroup, UnitResult
from nlp.pipeline.scores import score_themes
from nlp.pipeline.themes import ParentTheme, ThemeCluster, cluster_themes, group_themes
from nlp.scoring.priority import PriorityConfig
from nlp.tagging.aggregate import PainPointTags, aggregate_pain_point, effort_by_stage, sentiment_signs
from nlp.tagging.document_expert import DocumentExpert
from nlp.tagging.document_stage import StageProba, document_stage_weight
from nlp.tagging.types import Tagger, UnitTags
from nlp.themes.clustering import ClusterParams
from nlp.themes.naming import majority_language

# Builds the tagger for the embedder actually used (the ``auto`` spec resolves per corpus, and a tagger is
# bound to one embedding space); returns None when no artifacts exist for that space.
TaggerLoader = Callable[[Embedder], "Tagger | None"]
THEME_PREFIX = {"pain": "pp", "opportunity": "op"}
PARENT_PREFIX = {"pain": "th", "opportunity": "ot"}


def theme_tags(tags: Sequence[UnitTags]) -> PainPointTags:
    """A theme's stage, sentiment mix, emotion and effort from its members' tags (one rule everywhere)."""
    return aggregate_pain_point(tags)


def _majority(values: Sequence[str | None]) -> str | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return sorted(Counter(vals).items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _theme(cluster: ThemeCluster, units: ExtractedUnits) -> Theme:
    stage = sentiment = None
    agg: dict[str, Any] | None = None
    if units.tags is not None:
        member_tags = [units.tags[i] for i in cluster.members]
        pp = theme_tags(member_tags)
        stage = pp.stage  # soft vote of the members' stage probabilities, with confidence and runner-up
        sentiment = _majority([t.sentiment for t in member_tags])
        agg = asdict(pp)
    return Theme(
        id=f"{THEME_PREFIX[cluster.kind]}-{cluster.index + 1}",
        label=cluster.label,
        keyphrases=list(cluster.keyphrases),
        size=cluster.size,
        stage=stage,
        sentiment=sentiment,
        quotes=[units.texts[q] for q in cluster.quotes],
        languages=cluster.languages,
        quote_units=list(cluster.quotes),
        tags=agg,
        name=cluster.name,
        names=dict(cluster.names),
    )


def _unit_results(units: ExtractedUnits, themes: Sequence[tuple[ThemeCluster, Theme]]) -> list[UnitResult]:
    tags = units.tags
    out = [
        UnitResult(
            row=int(units.rows[i]),
            start=units.starts[i],
            end=units.ends[i],
            text=units.texts[i],
            language=units.languages[i],
            sentiment=tags[i].sentiment if tags else None,
            emotion=tags[i].emotion if tags else None,
            stage=tags[i].stage if tags else None,
            stage_confidence=tags[i].stage_confidence if tags else None,
            sentiment_score=tags[i].sentiment_score if tags else None,
            emotion_confidence=tags[i].emotion_confidence if tags else None,
            effort=tags[i].effort if tags else None,
            effort_type=tags[i].effort_type if tags else None,
        )
        for i in range(len(units))
    ]
    for cluster, theme in themes:
        for i, sim in zip(cluster.members, cluster.similarity, strict=True):
            if cluster.kind == "pain":
                out[i].pain_point = theme.id
            else:
                out[i].opportunity = theme.id
            out[i].similarity = sim
    return out


def _documents(
    records: Sequence[Record],
    units: ExtractedUnits,
    results: Sequence[UnitResult],
    expert: DocumentExpert | None = None,
    stage_proba: StageProba | None = None,
    stage_weight: float = 0.0,
) -> list[DocumentResult]:
    """Each document's readings (``read_documents``, the benches' too) with its pain points and
    opportunities, most relevant first."""
    return [
        DocumentResult(
            row=row,
            id=rec.id,
            language=units.item_languages[row],
            sentiment=reading.sentiment,
            stage=reading.stage,
            pain_points=_ranked([(results[i].pain_point, results[i].similarity) for i in reading.members]),
            opportunities=_ranked([(results[i].opportunity, results[i].similarity) for i in reading.members]),
            emotion=reading.emotion,
            effort=reading.effort,
        )
        for row, (rec, reading) in enumerate(
            zip(records, read_documents(records, units, expert, stage_proba, stage_weight), strict=True)
        )
    ]


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


def _ranked_themes(
    records: Sequence[Record],
    units: ExtractedUnits,
    themes: Sequence[tuple[ThemeCluster, Theme]],
    config: PriorityConfig | None,
) -> list[tuple[ThemeCluster, Theme]]:
    """Themes with the service's priority score and components, highest priority first."""
    by_id = {th.id: (c, th) for c, th in themes}
    out = []
    for r in score_themes(records, units, [(c.members, th.id) for c, th in themes], config):
        cluster, theme = by_id[r.pain_point_id]
        theme.priority = r.priority
        theme.score = r.to_dict()
        out.append((cluster, theme))
    return out


def _theme_groups(
    records: Sequence[Record],
    units: ExtractedUnits,
    parents: Sequence[ParentTheme],
    themes: Sequence[tuple[ThemeCluster, Theme]],
    config: PriorityConfig | None,
) -> list[ThemeGroup]:
    """Parent themes with aggregates and the same priority score as pain points, highest first; sets each
    pain point's ``theme``. ``themes`` are in ``group_themes``' input order (``children`` index them)."""
    groups = []
    for p in parents:
        gid = f"{PARENT_PREFIX[p.kind]}-{p.index + 1}"
        children = [themes[i][1] for i in p.children]
        for th in children:
            th.theme = gid
        children.sort(key=lambda th: (-(th.priority or 0.0), th.id))
        langs = Counter(units.languages[i] for i in p.members)
        tags = units.tags
        stages = Counter(tags[i].stage for i in p.members) if tags else Counter[str]()
        groups.append(
            ThemeGroup(
                id=gid,
                kind=p.kind,
                name=p.name,
                names=dict(p.names),
                pain_points=[th.id for th in children],
                size=p.size,
                items=len({int(units.rows[i]) for i in p.members}),
                languages={k: round(n / p.size, 3) for k, n in sorted(langs.items())},
                sentiment=float(np.mean([tags[i].sentiment_score for i in p.members])) if tags else None,
                stage_mix={k: round(n / p.size, 3) for k, n in sorted(stages.items())},
            )
        )
    by_id = {g.id: g for g in groups}
    out = []
    for r in score_themes(
        records, units, [(p.members, g.id) for p, g in zip(parents, groups, strict=True)], config
    ):
        g = by_id[r.pain_point_id]
        g.priority, g.score = r.priority, {k: v for k, v in r.to_dict().items() if k != "pain_point_id"}
        out.append(g)
    return out


def _stage_order(tagger: Tagger | None) -> list[str] | None:
    taxonomy = getattr(tagger, "taxonomy", None)
    return list(taxonomy.stage_ids) if taxonomy is not None else None


def analyze_records(
    records: Sequence[Record | Mapping[str, Any]],
    embedder: Embedder | str = AUTO_SPEC,
    tagger: Tagger | None = None,
    params: ClusterParams | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
    context_weight: float = CONTEXT_WEIGHT,
    tagger_loader: TaggerLoader | None = None,
    language: str | None = None,
    priority: PriorityConfig | None = None,
) -> AnalysisResult:
    """Run the full mining chain on ``records`` (``Record``, or mappings with its field names).

    Candidates: with a tagger, units tagged negative feed pain points and positive ones opportunities;
    without one, the item's score decides (``nlp.pipeline.records.score_polarity``: low or no score → pain
    candidate, high → opportunity, middling → neither). ``language``: the language of the themes' ``name``
    (default: the majority language of the records). Themes come ranked by the service's priority score
    (``priority``: its weights and windows, default the documented ones), each with its components.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    recs = [coerce_record(r) for r in records]
    report = progress or (lambda stage, done, total: None)

    langs = item_languages(recs)
    if isinstance(embedder, str):
        embedder = get_embedder(resolve_spec(embedder, langs))
    if tagger is None and tagger_loader is not None:
        tagger = tagger_loader(embedder)
    timings["language"] = time.perf_counter() - t0

    units = extract_units(
        recs,
        embedder,
        tagger,
        languages=langs,
        context_weight=context_weight,
        batch_size=batch_size,
        progress=report,
    )
    timings.update(units.timings)
    t = time.perf_counter()
    units, adaptation = adapt_extracted(recs, units, tagger)
    timings["adapt"] = time.perf_counter() - t

    t = time.perf_counter()
    report("cluster", 0, 1)
    name_language = language or majority_language(langs)
    tone = sentiment_signs([t.sentiment for t in units.tags]) if units.tags is not None else None
    clusters = cluster_themes(
        units.texts, units.languages, units.vectors, units.polarity, params, language=name_language, tone=tone
    )
    themes = [(c, _theme(c, units)) for c in clusters]
    report("cluster", 1, 1)
    timings["cluster"] = time.perf_counter() - t

    results = _unit_results(units, themes)
    adapted = adaptation is not None and adaptation.adapted
    expert = None if adapted else getattr(tagger, "document_expert", None)
    weight = document_stage_weight(tagger.model_id) if tagger is not None else 0.0
    documents = _documents(recs, units, results, expert, getattr(tagger, "stage_proba", None), weight)
    ranked = _ranked_themes(recs, units, themes, priority)
    parents = group_themes(
        clusters, units.texts, units.languages, units.vectors, language=name_language, tone=tone
    )
    groups = _theme_groups(recs, units, parents, themes, priority)
    timings["total"] = time.perf_counter() - t0
    return AnalysisResult(
        pain_points=[th for c, th in ranked if c.kind == "pain"],
        opportunities=[th for c, th in ranked if c.kind == "opportunity"],
        documents=documents,
        units=results,
        model_id=embedder.model_id,
        embeddings=units.embeddings,
        centroids={th.id: c.centroid for c, th in themes},
        timings=timings,
        stage_effort=[asdict(se) for se in effort_by_stage(units.tags, _stage_order(tagger))]
        if units.tags
        else [],
        themes=groups,
        sentiment_adaptation=adaptation.to_json() if adaptation is not None else None,
    )
