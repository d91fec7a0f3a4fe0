"""A small deterministic analysis backend for API tests (a test double, not a model).

It stands in for the nlp/ pipeline so tests of orchestration, ids, scoring and exports run in milliseconds
and do not depend on trained artifacts: units are sentences, embeddings are bilingual topic indicators
(plus a little per-text noise so centroids are not identical), sentiment comes from a tiny lexicon, and
clusters are units sharing their dominant topic and polarity.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from nlp.pipeline import Record
from nlp.tagging.types import UnitTags
from service.analysis.backend import ClusterOut, ExtractedUnit, UnitForClustering

TOPICS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # topic: (label, stage, keywords FR+EN)
    "card": (
        "Card declined at checkout",
        "purchase",
        ("card", "carte", "paiement", "payment", "checkout", "pay"),
    ),
    "late": ("Late delivery", "delivery", ("late", "retard", "delayed", "week late", "promised")),
    "refund": ("Refund never received", "support", ("refund", "rembours")),
    "crash": ("App crashes", "usage", ("crash", "plante", "appli", "app ")),
    "hold": (
        "Long wait and repeat calls",
        "support",
        ("hold", "attente", "rappeler", "again to", "repeat", "appeler"),
    ),
    "fast": ("Fast delivery", "delivery", ("fast", "quick", "rapide", "next day", "lendemain")),
    "staff": ("Friendly store staff", "purchase", ("staff", "vendeuse", "personnel", "friendly", "aimable")),
    "discover": (
        "Clear product pages and reviews",
        "discovery",
        ("review", "avis", "instagram", "compare", "recommend"),
    ),
}
NEG = (
    "never",
    "jamais",
    "not ",
    "pas ",
    "declined",
    "refus",
    "late",
    "retard",
    "crash",
    "plante",
    "waited",
    "attente",
    "failed",
    "échoue",
    "broken",
    "impossible",
    "still",
    "toujours",
    "again",
    "encore",
    "damaged",
    "unusable",
    "give up",
    "where is",
    "annoying",
    "interminable",
    "delayed",
    "rejecting",
    "bloquée",
    "hold",
)
POS = (
    "fast",
    "quick",
    "perfect",
    "parfait",
    "friendly",
    "aimable",
    "happy",
    "rapide",
    "merci",
    "clear",
    "clair",
    "helpful",
    "great",
    "sympathique",
    "convinced",
    "aidé",
    "easy",
)
EFFORT = ("again", "rappeler", "plusieurs fois", "repeat", "waited", "attente", "call", "twice", "deux fois")
_SENT = re.compile(r"(?<=[.!?])\s+")


class TopicBackend:
    model_id = "test-topics-v1"
    tagger_revision: str | None = None  # a test may set one: units of another revision are re-extracted

    def __init__(self, noise: float = 0.05) -> None:
        self.noise = noise
        self.calls: list[int] = []

    def _embed(self, text: str) -> np.ndarray:
        low = text.lower()
        vec = np.array([sum(low.count(k) for k in kws) for _, _, kws in TOPICS.values()], dtype=np.float64)
        seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
        vec = np.concatenate([vec, np.random.default_rng(seed).normal(0, self.noise, 4)])
        return (vec / (np.linalg.norm(vec) or 1.0)).astype(np.float32)

    def _tags(self, text: str, emb: np.ndarray) -> UnitTags:
        low = text.lower()
        neg = sum(low.count(w) for w in NEG)
        pos = sum(low.count(w) for w in POS)
        sentiment = "negative" if neg > pos else "positive" if pos > neg else "neutral"
        score = {"negative": -0.7, "positive": 0.7, "neutral": 0.0}[sentiment]
        topic = list(TOPICS)[int(np.argmax(emb[: len(TOPICS)]))] if emb[: len(TOPICS)].max() > 0.3 else None
        stage = TOPICS[topic][1] if topic else "unknown"
        effort = any(w in low for w in EFFORT) and sentiment == "negative"
        return UnitTags(
            stage=stage,
            stage_confidence=0.9 if topic else 0.2,
            sentiment=sentiment,  # type: ignore[arg-type]
            sentiment_score=score,
            emotion="frustration"
            if sentiment == "negative"
            else "satisfaction"
            if sentiment == "positive"
            else None,
            emotion_confidence=0.8 if sentiment != "neutral" else 0.0,
            effort=effort,
            effort_type="repeat_contact" if effort else None,
        )

    def extract(self, records: Sequence[Record]) -> list[ExtractedUnit]:
        self.calls.append(len(records))
        out = []
        for r in records:
            pos = 0
            for sent in _SENT.split(r.text):
                start = r.text.index(sent, pos)
                pos = start + len(sent)
                if not sent.strip():
                    continue
                emb = self._embed(sent)
                out.append(
                    ExtractedUnit(str(r.id), start, pos, sent, r.language or "en", self._tags(sent, emb), emb)
                )
        return out

    def cluster(self, units: Sequence[UnitForClustering]) -> list[ClusterOut]:
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, u in enumerate(units):
            kind = {"negative": "pain", "positive": "opportunity"}.get(u.sentiment or "")
            head = u.embedding[: len(TOPICS)]
            if kind is None or head.max() <= 0.3:
                continue
            groups[(kind, list(TOPICS)[int(np.argmax(head))])].append(i)
        out = []
        for (kind, topic), members in sorted(groups.items()):
            if len(members) < 3:
                continue
            vecs = np.vstack([units[m].embedding for m in members]).astype(np.float64)
            centroid = vecs.mean(axis=0)
            centroid /= np.linalg.norm(centroid)
            order = np.argsort(-(vecs @ centroid))
            words = Counter(k for m in members for k in TOPICS[topic][2] if k in units[m].text.lower())
            out.append(
                ClusterOut(
                    kind=kind,  # type: ignore[arg-type]
                    members=members,
                    label=TOPICS[topic][0],
                    centroid=centroid.astype(np.float32),
                    keyphrases=[w.strip() for w, _ in words.most_common(4)],
                    quotes=[members[int(j)] for j in order[:3]],
                )
            )
        return out
