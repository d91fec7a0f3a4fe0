"""Per-workspace sentiment adaptation: a workspace's rated items teach the text model its own domain.

Why: the generic sentiment head was trained on other people's text (seed corpus, movie reviews, XED lines);
on one company's reviews it misses that "le fil est très cassant" or "frais de port" are complaints there.
Reviews arrive with stars, which are free in-domain labels (1–2 negative, 4–5 positive, 3 ignored; on a 0–10
scale or an NPS answer ≤ 6 / ≥ 9 — the caller turns them into ``labels`` with the pipeline's score rule). A
small logistic head fitted on the rated items' units, blended with the generic head, then scores the text of
the workspace's unrated tickets and survey answers.

How, and what guards it:
- **Unit level, item labels.** Every unit of a rated item carries the item's polarity, weighted 1 / (units of
  its item) so a long review counts as much as a short one, classes balanced. The head is binary (negative
  vs positive): stars say nothing about whether a clause is factual, so the blend keeps the generic head's
  *neutral* mass and only re-splits the polar mass — a factual sentence stays neutral.
- **Shrinkage toward the generic head.** ``p = (1 − w) · generic + w · adapted`` on the polar split, with
  ``w`` chosen by k-fold cross-validation on the rated items (grid, ties to the smaller weight); ``w = 0``
  means the workspace is not adapted and the generic tags stand.
- **Minimum data.** Below ``min_per_class`` rated items in either class nothing is fitted.
- **An item's own rating never decides its own text sentiment.** Rated items' units are scored by the head
  fitted on the *other* folds (cross-fitting); only unrated items get the head fitted on every rated item.
  The rating is then fused as usual (nlp/tagging/fusion.py), as it is for the generic head.
- **Applied only when the choice holds on items it never saw.** A stratified share of the rated items is set
  aside, the whole procedure (weight by CV + fit) runs on the rest, and document polar macro-F1 of generic vs
  adapted is measured on the held-out items; the workspace is adapted only if that procedure also picks a
  weight > 0 and does not lose on them (``require_stable_choice``, docs/benchmarks.md R20–R21: CV on all the
  rated items of small or in-domain workspaces picked weights that three quarters of them did not, and the
  head — fitted on item labels in the clustering space, where each unit carries its item's tone — then turned
  unrated items' praise clauses negative). Documents are judged by THE pipeline's document rule
  (``nlp.tagging.aggregate.document_polarities``, neutral counts as a miss): the weight is chosen for the
  verdict the product and the benchmarks actually give, not for an older rule.

Pure: arrays in, arrays and frozen dataclasses out; the CLI (nlp/pipeline/analyze.py) and the service
(service/analysis/adaptation.py) call :func:`adapt_unit_tags` with the same inputs. Cost: 2k + 2 logistic
fits over the rated units (a few seconds for tens of thousands of 512-d vectors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from nlp.tagging.aggregate import DOCUMENT_RULE, DocumentRule, document_polarities
from nlp.tagging.retag import fused_sentiments, kept_emotion
from nlp.tagging.types import UnitTags


@dataclass(frozen=True)
class AdaptationConfig:
    """Knobs of the adaptation; the defaults are what the CLI and the service use."""

    min_per_class: int = 20  # rated items per class before anything is fitted
    folds: int = 5  # cross-fitting and weight selection
    weights: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)  # share of the adapted head in the blend
    c: float = 1.0  # inverse L2 strength of the logistic head
    holdout: float = 0.25  # share of rated items set aside to measure the gain
    # adapt only when the procedure fitted without the held-out quarter adapts too, without loss (R21)
    require_stable_choice: bool = True
    document_rule: DocumentRule = DOCUMENT_RULE  # how units make a document's verdict (one rule everywhere)
    seed: int = 13
    max_rated_items: int = 20000  # a fixed sample above this keeps the fits within seconds


@dataclass(frozen=True)
class AdaptationReport:
    """What a user sees: whether the workspace's sentiment is adapted, on what, and what it gained."""

    adapted: bool
    reason: str
    rated_items: int
    negative_items: int
    positive_items: int
    weight: float  # share of the adapted head (0 = generic only)
    cv_f1_generic: float | None
    cv_f1_adapted: float | None
    heldout_items: int
    heldout_f1_generic: float | None
    heldout_f1_adapted: float | None

    @property
    def heldout_gain(self) -> float | None:
        if self.heldout_f1_generic is None or self.heldout_f1_adapted is None:
            return None
        return round(self.heldout_f1_adapted - self.heldout_f1_generic, 4)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "heldout_gain": self.heldout_gain}


@dataclass(frozen=True)
class PolarHead:
    """Binary logistic regression (negative vs positive) over the features it was fitted on."""

    coef: np.ndarray  # (n_features,)
    intercept: float

    def p_positive(self, features: np.ndarray) -> np.ndarray:
        z = np.asarray(features, dtype=np.float64) @ self.coef.astype(np.float64) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


@dataclass(frozen=True)
class Adaptation:
    """The fitted head, its blend weight, the report, and every unit's text probabilities.

    ``text_proba`` (n_units, 3) in SENTIMENT_CLASSES order: cross-fitted for rated items' units, the head
    fitted on every rated item for the others; equal to ``generic`` when the workspace is not adapted.
    """

    head: PolarHead | None
    weight: float
    report: AdaptationReport
    text_proba: np.ndarray

    def score(self, features: np.ndarray, generic: np.ndarray) -> np.ndarray:
        """Text probabilities of new units (items that arrive unrated after the analysis)."""
        if self.head is None or self.weight <= 0:
            return np.asarray(generic)
        return blend(generic, self.head.p_positive(features), self.weight)


def blend(generic: np.ndarray, p_positive: np.ndarray, weight: float) -> np.ndarray:
    """Keep the generic neutral mass; re-split the polar mass ``(1 − w) · generic + w · adapted``."""
    g = np.asarray(generic, dtype=np.float64)
    neutral = g[:, 1]
    polar = g[:, 0] + g[:, 2]
    r_generic = np.divide(g[:, 2], polar, out=np.full(len(g), 0.5), where=polar > 1e-12)
    r = (1.0 - weight) * r_generic + weight * np.asarray(p_positive, dtype=np.float64)
    rest = 1.0 - neutral
    return np.stack([rest * (1.0 - r), neutral, rest * r], axis=1)


def document_f1(
    text_proba: np.ndarray,
    rows: np.ndarray,
    items: np.ndarray,
    labels: np.ndarray,
    rule: DocumentRule = DOCUMENT_RULE,
) -> float:
    """Polar macro-F1 of ``items`` (labels ±1) by the pipeline's document rule over their units'
    probabilities: a unit's label is its argmax class (as the tagger labels it), its score p(pos) − p(neg)."""
    p = np.asarray(text_proba, dtype=np.float64)
    n_items = int(max(rows.max(initial=-1) + 1, items.max(initial=-1) + 1))
    unit_polarity = np.argmax(p, axis=1) - 1  # SENTIMENT_CLASSES order: negative, neutral, positive
    pred = document_polarities(unit_polarity, p[:, 2] - p[:, 0], rows, n_items, rule)[items]
    truth = labels[items]
    f1 = []
    for c in (-1, 1):
        tp = float(np.sum((pred == c) & (truth == c)))
        denom = float(np.sum(pred == c) + np.sum(truth == c))
        f1.append(2 * tp / denom if denom else 0.0)
    return round(float(np.mean(f1)), 4)


def _fit(
    features: np.ndarray, unit_labels: np.ndarray, unit_weight: np.ndarray, c: float, seed: int
) -> PolarHead:
    from sklearn.linear_model import LogisticRegression

    y = (unit_labels > 0).astype(int)
    w = unit_weight.astype(np.float64).copy()
    for cls in (0, 1):  # class-balanced: each class carries half the total weight
        mask = y == cls
        w[mask] *= 0.5 * w.sum() / max(float(w[mask].sum()), 1e-12)
    model = LogisticRegression(C=c, max_iter=2000, tol=1e-4, random_state=seed)
    model.fit(features, y, sample_weight=w)
    return PolarHead(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


def _stratified_folds(items: np.ndarray, labels: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Items (not units) split into k folds, each class spread evenly, in a seeded order."""
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for c in (-1, 1):
        members = items[labels[items] == c]
        for j, item in enumerate(rng.permutation(members)):
            folds[j % k].append(int(item))
    return [np.array(sorted(f), dtype=np.int64) for f in folds]


class _Units:
    """The unit-level view of a set of rated items: which units, their labels and weights."""

    def __init__(self, rows: np.ndarray, labels: np.ndarray) -> None:
        self.rows = rows
        self.labels = labels
        self.per_item = np.bincount(rows, minlength=len(labels)).astype(np.float64)

    def mask(self, items: np.ndarray) -> np.ndarray:
        chosen = np.zeros(len(self.labels), dtype=bool)
        chosen[items] = True
        return np.asarray(chosen[self.rows])

    def fit(self, features: np.ndarray, items: np.ndarray, config: AdaptationConfig) -> PolarHead:
        m = self.mask(items)
        r = self.rows[m]
        return _fit(features[m], self.labels[r], 1.0 / self.per_item[r], config.c, config.seed)


def _select(
    units: _Units, features: np.ndarray, generic: np.ndarray, items: np.ndarray, config: AdaptationConfig
) -> tuple[float, np.ndarray, dict[float, float]]:
    """(blend weight chosen by k-fold CV over ``items``, out-of-fold p(positive) per unit, F1 per weight)."""
    oof = np.full(len(units.rows), np.nan)
    k = max(2, min(config.folds, int(min(np.sum(units.labels[items] == c) for c in (-1, 1)))))
    for fold in _stratified_folds(items, units.labels, k, config.seed):
        train = np.setdiff1d(items, fold)
        held = units.mask(fold)
        oof[held] = units.fit(features, train, config).p_positive(features[held])
    rated = units.mask(items)
    scores = {}
    for w in config.weights:
        p = generic.copy()
        p[rated] = blend(generic[rated], oof[rated], w)
        scores[w] = document_f1(p, units.rows, items, units.labels, config.document_rule)
    best = max(config.weights, key=lambda w: (scores[w], -w))
    return best, oof, scores


def _rated_items(rows: np.ndarray, labels: np.ndarray, cfg: AdaptationConfig) -> np.ndarray:
    """Items with a label and at least one unit; a fixed sample above ``max_rated_items``."""
    has_units = np.bincount(rows, minlength=len(labels))[: len(labels)] > 0
    rated = np.flatnonzero((labels != 0) & has_units)
    if len(rated) > cfg.max_rated_items:
        rng = np.random.default_rng(cfg.seed)
        rated = np.sort(rng.choice(rated, cfg.max_rated_items, replace=False))
    return rated


def _too_few(n_neg: int, n_pos: int, cfg: AdaptationConfig) -> str:
    return f"needs {cfg.min_per_class} rated items per class (negative {n_neg}, positive {n_pos})"


def adapt_sentiment(
    features: np.ndarray,
    generic: np.ndarray,
    rows: np.ndarray,
    labels: np.ndarray,
    config: AdaptationConfig | None = None,
) -> Adaptation:
    """Fit the workspace's head and score every unit's text.

    ``features`` (n_units, d) and ``generic`` (n_units, 3, SENTIMENT_CLASSES order) per unit; ``rows`` the
    unit's item index; ``labels`` per item: −1 negative, +1 positive, 0 unrated or middling (ignored).
    """
    cfg = config or AdaptationConfig()
    rows = np.asarray(rows, dtype=np.int64)
    labels = np.asarray(labels, dtype=np.int64)
    generic = np.asarray(generic, dtype=np.float64)
    if features.shape[0] != len(rows) or generic.shape != (len(rows), 3):
        raise ValueError("adapt_sentiment: features, generic and rows must have one row per unit")
    rated = _rated_items(rows, labels, cfg)
    n_neg, n_pos = int(np.sum(labels[rated] == -1)), int(np.sum(labels[rated] == 1))

    def report(adapted: bool, reason: str, **kw: Any) -> AdaptationReport:
        base: dict[str, Any] = {
            "weight": 0.0,
            "cv_f1_generic": None,
            "cv_f1_adapted": None,
            "heldout_items": 0,
            "heldout_f1_generic": None,
            "heldout_f1_adapted": None,
        }
        return AdaptationReport(adapted, reason, len(rated), n_neg, n_pos, **{**base, **kw})

    if min(n_neg, n_pos) < cfg.min_per_class:
        return Adaptation(None, 0.0, report(False, _too_few(n_neg, n_pos, cfg)), generic)

    units = _Units(rows, labels)
    # Held-out gain: the whole procedure on the rest, scored on items it never saw.
    rng = np.random.default_rng(cfg.seed + 1)
    held = np.sort(
        np.concatenate(
            [
                rng.permutation(rated[labels[rated] == c])[
                    : round(cfg.holdout * int(np.sum(labels[rated] == c)))
                ]
                for c in (-1, 1)
            ]
        )
    )
    fit_part = np.setdiff1d(rated, held)
    held_generic = held_adapted = None
    w_part = 0.0
    if len(held) and min(np.sum(labels[fit_part] == c) for c in (-1, 1)) >= max(2, cfg.folds):
        w_part, _, _ = _select(units, features, generic, fit_part, cfg)
        head_part = units.fit(features, fit_part, cfg)
        m = units.mask(held)
        p = generic.copy()
        p[m] = blend(generic[m], head_part.p_positive(features[m]), w_part)
        held_generic = document_f1(generic, rows, held, labels, cfg.document_rule)
        held_adapted = document_f1(p, rows, held, labels, cfg.document_rule)

    weight, oof, scores = _select(units, features, generic, rated, cfg)
    common = {
        "cv_f1_generic": scores.get(0.0, document_f1(generic, rows, rated, labels, cfg.document_rule)),
        "cv_f1_adapted": scores[weight],
        "heldout_items": len(held),
        "heldout_f1_generic": held_generic,
        "heldout_f1_adapted": held_adapted,
    }
    if weight <= 0:
        return Adaptation(
            None, 0.0, report(False, "cross-validation kept the generic head", **common), generic
        )
    if cfg.require_stable_choice and not (
        w_part > 0 and held_adapted is not None and held_generic is not None and held_adapted >= held_generic
    ):
        why = "the choice to adapt did not hold on a held-out quarter"
        return Adaptation(None, 0.0, report(False, why, **common), generic)
    head = units.fit(features, rated, cfg)
    p_pos = head.p_positive(features)
    cross = units.mask(rated)
    p_pos[cross] = oof[cross]  # an item's own rating never scores its own text
    text = blend(generic, p_pos, weight)
    return Adaptation(head, weight, report(True, "adapted", weight=weight, **common), text)


def adapt_unit_tags(
    tags: Sequence[UnitTags],
    texts: Sequence[str],
    vectors: np.ndarray,
    rows: np.ndarray,
    labels: np.ndarray,
    ratings: Sequence[float | None],
    nps: Sequence[int | None],
    generic_proba: Callable[[Sequence[str], np.ndarray], np.ndarray],
    feature_fn: Callable[[np.ndarray, Sequence[str]], np.ndarray],
    config: AdaptationConfig | None = None,
) -> tuple[list[UnitTags], AdaptationReport]:
    """The step both the CLI and the service run: adapt on the workspace's units and re-tag their sentiment.

    ``vectors``: the unit vectors both callers hold (the stored clustering space); ``generic_proba`` the
    tagger's text-only sentiment (``EmbeddingTagger.sentiment_proba``); ``feature_fn`` builds the adapted
    head's features (``nlp.tagging.features.build_features`` with the lexicon). ``ratings`` / ``nps`` per
    unit (its item's) are fused after adaptation, as the tagger fuses them. Stage and effort are unchanged;
    an emotion that no longer fits the new polarity is dropped.
    """
    cfg = config or AdaptationConfig()
    rows, labels = np.asarray(rows, dtype=np.int64), np.asarray(labels, dtype=np.int64)
    rated = _rated_items(rows, labels, cfg)
    n_neg, n_pos = int(np.sum(labels[rated] == -1)), int(np.sum(labels[rated] == 1))
    if min(n_neg, n_pos) < cfg.min_per_class:  # skip the head and lexicon passes: nothing will be fitted
        why = _too_few(n_neg, n_pos, cfg)
        return list(tags), AdaptationReport(
            False, why, len(rated), n_neg, n_pos, 0.0, None, None, 0, None, None
        )
    generic = generic_proba(texts, vectors)
    adaptation = adapt_sentiment(feature_fn(vectors, texts), generic, rows, labels, cfg)
    if not adaptation.report.adapted:
        return list(tags), adaptation.report
    return retag_sentiment(tags, adaptation.text_proba, ratings, nps), adaptation.report


def retag_sentiment(
    tags: Sequence[UnitTags],
    text_proba: np.ndarray,
    ratings: Sequence[float | None],
    nps: Sequence[int | None],
) -> list[UnitTags]:
    """``tags`` with the sentiment of ``text_proba`` (per unit, SENTIMENT_CLASSES order) fused with the unit's
    item rating/NPS, as the tagger fuses them (``nlp.tagging.retag``); an emotion that no longer fits the
    polarity is dropped."""
    labels, scores = fused_sentiments(text_proba, ratings, nps)
    out = []
    for t, sentiment, score in zip(tags, labels, scores, strict=True):
        keep = kept_emotion(t.emotion, sentiment)
        out.append(
            replace(
                t,
                sentiment=sentiment,  # type: ignore[arg-type]
                sentiment_score=score,
                emotion=t.emotion if keep else None,
                emotion_confidence=t.emotion_confidence if keep else 0.0,
            )
        )
    return out
