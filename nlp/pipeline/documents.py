"""What the pipeline says about each document (item) from its units: sentiment, stage, emotion, effort.

Why one function: ``frictionmap analyze`` reports these per document, and the real-set benchmarks
(``bench.sentiment_runner``) score exactly that; when each assembled the readings itself they drifted (the
emoji-only verdict lived in one of them). Clustering is not needed for any of it, so the benches call this
without clustering and ``analyze`` adds the pain points and opportunities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.pipeline.extract import ExtractedUnits
from nlp.pipeline.records import Record, infer_rating_scale, score_polarity
from nlp.tagging.aggregate import aggregate_pain_point
from nlp.tagging.document_expert import DocumentExpert, document_sentiments_flat
from nlp.tagging.document_stage import StageProba, document_stages
from nlp.tagging.emoji_cues import emoji_side
from nlp.tagging.types import UnitTags
from nlp.tagging.unit_tags import NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS

_POLARITY_NAMES = {-1: "negative", 0: "neutral", 1: "positive"}


@dataclass(frozen=True)
class DocumentReading:
    """One document's readings; without a tagger only a rating's sentiment (the rest None)."""

    members: tuple[int, ...]  # its units, as indices into the ExtractedUnits
    sentiment: str | None
    stage: str | None
    emotion: str | None
    effort: bool | None


def document_emotion(tags: Sequence[UnitTags], sentiment: str | None) -> str | None:
    """The most frequent emotion among a polar document's units that fits its verdict (None if none does);
    for a neutral or unknown verdict, the most frequent of all (ties: the first met, as ``theme_tags``).

    Why: units carry emotions of both signs ("Delivery was fast, but the refund never arrived": satisfaction,
    frustration), and a plain majority could name "satisfaction" for a document called negative. The unit
    tagger never lets an emotion contradict its unit's sentiment; the document follows the same gate."""
    allowed = {"negative": NEGATIVE_EMOTIONS, "positive": POSITIVE_EMOTIONS}.get(sentiment or "")
    counts = Counter(t.emotion for t in tags if t.emotion and (allowed is None or t.emotion in allowed))
    return counts.most_common(1)[0][0] if counts else None


def read_documents(
    records: Sequence[Record],
    units: ExtractedUnits,
    expert: DocumentExpert | None = None,
    stage_proba: StageProba | None = None,
    stage_weight: float = 0.0,
) -> list[DocumentReading]:
    """``expert``: the document sentiment expert (nlp/tagging/document_expert.py), mixed in for documents
    without a rating or NPS (the caller passes None when the corpus's sentiment was adapted to its stars);
    ``stage_proba``, ``stage_weight``: the stage head reading a document whole (tagging/document_stage.py)."""
    by_row: dict[int, list[int]] = defaultdict(list)
    for unit_i, row in enumerate(units.rows):
        by_row[int(row)].append(unit_i)
    members_of = [by_row.get(row, []) for row in range(len(records))]
    scale = infer_rating_scale([r.rating for r in records])

    def rated(rec: Record) -> str | None:
        return _POLARITY_NAMES[score_polarity(rec.rating, rec.nps, scale)] if rec.rating is not None else None

    tags = units.tags
    if tags is None:
        pairs = zip(records, members_of, strict=True)
        return [DocumentReading(tuple(m), rated(r), None, None, None) for r, m in pairs]
    sentiments = document_sentiments_flat(
        tags,
        units.rows,
        len(records),
        units.embeddings,
        [r.text for r in records],
        expert,
        [r.rating is None and r.nps is None for r in records],
    )
    tags_of = [[tags[i] for i in m] for m in members_of]
    aggregates = [aggregate_pain_point(t) if t else None for t in tags_of]
    whole = stage_proba is not None and stage_weight > 0  # else no document is read whole: no inputs
    stages = document_stages(
        [a.stage_distribution if a else {} for a in aggregates],
        [len(m) for m in members_of],
        [[units.texts[i] for i in m] for m in members_of] if whole else [],
        [units.embeddings[m] for m in members_of] if whole else [],
        units.item_languages,
        stage_proba,
        stage_weight,
    )
    out = []
    for row, rec in enumerate(records):
        agg = aggregates[row]
        if agg is not None:
            sentiment = sentiments[row]
            emotion = document_emotion(tags_of[row], sentiment)
            out.append(
                DocumentReading(tuple(members_of[row]), sentiment, stages[row], emotion, agg.effort_share > 0)
            )
            continue
        verdict = rated(rec)
        if verdict is None and (side := emoji_side(rec.text)):
            # "👍👍👍" or "😡": no unit to tag (too few letters), yet a verdict (nlp/tagging/emoji_cues.py)
            verdict = _POLARITY_NAMES[side]
        out.append(DocumentReading((), verdict, None, None, None))
    return out
