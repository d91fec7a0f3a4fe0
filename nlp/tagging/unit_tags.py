"""Per-aspect probabilities → :class:`UnitTags`: the one place the tagging rules turn probabilities into tags.

Kept apart from the heads so that a tagger whose aspects come from two embedding spaces
(nlp/tagging/split_space.py) assembles its tags by exactly the rules the single-space tagger uses: stage
below its threshold is ``unknown``; sentiment fused with the item's rating/NPS (nlp/tagging/fusion.py);
emotion restricted to those compatible with the fused polarity (none for neutral units); effort by its
threshold, its type from the cue lexicon first, else from the effort-type head.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.tagging.effort_cues import lexicon_effort_type
from nlp.tagging.fusion import SENTIMENT_CLASSES, fuse_sentiment, item_polarity, sentiment_score
from nlp.tagging.types import UNKNOWN_STAGE, UnitTags

NEGATIVE_EMOTIONS = ("frustration", "anger", "disappointment", "confusion", "worry")
POSITIVE_EMOTIONS = ("satisfaction", "delight", "trust")
EFFORT_THRESHOLD = 0.5


@dataclass(frozen=True)
class AspectProbabilities:
    """Every aspect's probabilities for a batch of units (rows aligned with the texts)."""

    stage_ids: Sequence[str]
    stage: np.ndarray  # (n, len(stage_ids))
    stage_threshold: float
    sentiment: np.ndarray  # (n, 3) in SENTIMENT_CLASSES order, text only (before rating fusion)
    emotion_classes: Sequence[str]
    emotion: np.ndarray  # (n, len(emotion_classes))
    effort: np.ndarray  # (n,) p(effort)
    effort_type_classes: Sequence[str] | None = None
    effort_type: np.ndarray | None = None  # (n, len(effort_type_classes)), None without a type head


def assemble_tags(
    texts: Sequence[str],
    p: AspectProbabilities,
    ratings: Sequence[float | None] | None = None,
    nps: Sequence[int | None] | None = None,
) -> list[UnitTags]:
    """The tags of each unit from its aspects' probabilities (see the module docstring for the rules)."""
    masks = {
        "negative": np.array([c in NEGATIVE_EMOTIONS for c in p.emotion_classes]),
        "positive": np.array([c in POSITIVE_EMOTIONS for c in p.emotion_classes]),
    }
    allowed_of = {"negative": NEGATIVE_EMOTIONS, "positive": POSITIVE_EMOTIONS}
    out: list[UnitTags] = []
    for i in range(len(texts)):
        top = int(np.argmax(p.stage[i]))
        conf = float(p.stage[i, top])
        stage = p.stage_ids[top] if conf >= p.stage_threshold else UNKNOWN_STAGE

        polarity = item_polarity(ratings[i] if ratings else None, nps[i] if nps else None)
        ps = fuse_sentiment(p.sentiment[i], polarity)
        sentiment = SENTIMENT_CLASSES[int(np.argmax(ps))]

        emotion: str | None = None
        emo_conf = 0.0
        if allowed_of.get(sentiment, ()):
            masked = np.where(masks[sentiment], p.emotion[i], 0.0)
            total = float(masked.sum())
            if total > 0:
                j = int(np.argmax(masked))
                emotion, emo_conf = p.emotion_classes[j], float(masked[j] / total)

        lex_type = lexicon_effort_type(texts[i])
        effort = bool(p.effort[i] >= EFFORT_THRESHOLD)
        model_type = (
            p.effort_type_classes[int(np.argmax(p.effort_type[i]))]
            if p.effort_type_classes is not None and p.effort_type is not None
            else None
        )
        effort_type = (lex_type or model_type) if effort else None

        out.append(
            UnitTags(
                stage=stage,
                stage_confidence=round(conf, 4),
                sentiment=sentiment,  # type: ignore[arg-type]
                sentiment_score=round(sentiment_score(ps), 4),
                emotion=emotion,
                emotion_confidence=round(emo_conf, 4),
                effort=effort,
                effort_type=effort_type,
                stage_probs={s: round(float(x), 4) for s, x in zip(p.stage_ids, p.stage[i], strict=True)},
            )
        )
    return out
