"""The shipped tagger: linear heads over the pipeline's unit embeddings, plus lexicon and rating fusion.

Cost: a handful of (n × 512) · (512 × k) products and one regex scan per unit, because the pipeline hands over
the embeddings it already computed (see nlp/tagging/types.py).

Stage: for the default taxonomy (the stages the head was trained on) the trained head decides; for a workspace
taxonomy with other stages, similarity to that taxonomy's descriptions and examples decides
(nlp/tagging/prototypes.py). Below the confidence threshold a unit's stage is ``unknown``; its probabilities
are still reported so a pain point can aggregate them.
Sentiment: head probabilities fused with the item's rating/NPS (nlp/tagging/fusion.py).
Emotion: head restricted to the emotions compatible with the fused polarity; none for neutral units.
Effort: head over embedding + bilingual cues; the type comes from the cue lexicon when a cue is present,
otherwise from the effort-type head.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embeddings import Embedder
from nlp.tagging.artifacts import (
    ARTIFACT_VERSION,
    HEAD_NAMES,
    LinearHead,
    ModelMismatchError,
    NgramBatch,
    TextHead,
    find_artifact_dir,
    read_model_card,
)
from nlp.tagging.document_expert import DocumentExpert, load_document_expert
from nlp.tagging.features import build_features
from nlp.tagging.fusion import SENTIMENT_CLASSES
from nlp.tagging.prototypes import Encoder, StagePrototypes, build_prototypes, load_prototypes
from nlp.tagging.taxonomy import Taxonomy, load_default_taxonomy
from nlp.tagging.text_heads import SurfaceHead, load_text_heads
from nlp.tagging.types import Tagger, UnitTags
from nlp.tagging.unit_tags import EFFORT_THRESHOLD as EFFORT_THRESHOLD
from nlp.tagging.unit_tags import NEGATIVE_EMOTIONS as NEGATIVE_EMOTIONS
from nlp.tagging.unit_tags import POSITIVE_EMOTIONS as POSITIVE_EMOTIONS
from nlp.tagging.unit_tags import AspectProbabilities, assemble_tags
from nlp.tagging.verdict_cues import CUE_SHIFTS, CueShifts, shift_verdict_cues
from nlp.text.folding import fold

REQUIRED_HEADS = ("stage", "sentiment", "emotion", "effort")
DEFAULT_STAGE_THRESHOLD = 0.35
PROTOTYPE_STAGE_THRESHOLD = 0.30


def _mix(a: np.ndarray, b: np.ndarray, weight: Any) -> np.ndarray:
    """``(1 − weight)·a + weight·b`` for a scalar weight or one weight per row, each factor in its operand's
    dtype as a Python float scalar would be: rows whose weight equals the scalar come out bit-identical."""
    if not isinstance(weight, np.ndarray):
        return np.asarray((1.0 - weight) * a + weight * b)
    keep, take = (1.0 - weight).astype(a.dtype)[:, None], weight.astype(b.dtype)[:, None]
    return np.asarray(keep * a + take * b)


def shipped_models_dir() -> Path:
    """Artifacts committed with the code (training/artifacts), used when no models_dir is configured."""
    return Path(__file__).resolve().parents[2] / "training" / "artifacts"


class EmbeddingTagger:
    def __init__(
        self,
        heads: dict[str, LinearHead],
        model_id: str,
        taxonomy: Taxonomy | None = None,
        prototypes: StagePrototypes | None = None,
        card: dict[str, Any] | None = None,
        text_heads: dict[str, SurfaceHead] | None = None,
        document_expert: DocumentExpert | None = None,
    ) -> None:
        missing = [n for n in REQUIRED_HEADS if n not in heads]
        if missing:
            raise ValueError(f"tagger heads missing: {', '.join(missing)}")
        self._heads = heads
        self._text_heads = text_heads or {}
        self.document_expert = document_expert  # read by the pipeline's document verdict
        self._ngram_cache: tuple[Any, NgramBatch] | None = None
        self._unions: dict[tuple[int, int], tuple[dict[str, int], dict[str, Any], list[str]]] = {}
        self._analyzers: dict[tuple[int, int], Callable[[str], list[str]]] = {}
        self._model_id = model_id
        self.taxonomy = taxonomy or load_default_taxonomy()
        self.card = card or {}
        trained = set(heads["stage"].classes)
        self.uses_trained_stage_head = set(self.taxonomy.stage_ids) == trained
        if not self.uses_trained_stage_head and prototypes is None:
            raise ValueError(
                "taxonomy stages differ from the trained stage head; pass an encoder to load_tagger so the "
                "stage prototypes can be embedded"
            )
        self._prototypes = prototypes
        self.stage_threshold = (
            float(self.card.get("stage_unknown_threshold", DEFAULT_STAGE_THRESHOLD))
            if self.uses_trained_stage_head
            else PROTOTYPE_STAGE_THRESHOLD
        )

    @property
    def model_id(self) -> str:
        return self._model_id

    def _analyzed(self, texts: Sequence[str], ngram_range: tuple[int, int]) -> NgramBatch:
        """Character n-gram counts of ``texts`` straight over the union vocabulary of the text heads
        (columns = union ids), computed once per batch and shared by every TF-IDF head.

        It replaces a per-batch ``CountVectorizer`` fit (own vocabulary, sorted, then looked up in the
        union): the same analyzer, one dictionary lookup per n-gram, no local vocabulary. Each row keeps its
        entries in the order that fit stored them (first occurrence in the batch), so every sparse product
        and norm after it sums in the same order and the tags are bit-identical."""
        key = (tuple(texts), ngram_range)
        cache = self._ngram_cache  # read once: another thread may replace it (local result stays ours)
        if cache is not None and cache[0] == key:
            return cache[1]
        from scipy.sparse import csr_matrix

        index, _maps, vocabulary = self._union(ngram_range)
        analyzer = self._analyzer(ngram_range)
        get = index.get
        seen: dict[int, int] = {}  # union id -> rank of its first occurrence in the batch
        ranks: list[int] = []
        lengths: list[int] = []
        for text in texts:
            before = len(ranks)
            for uid in map(get, analyzer(fold(text))):
                if uid is not None:
                    ranks.append(seen.setdefault(uid, len(seen)))
            lengths.append(len(ranks) - before)
        n = len(texts)
        width = max(1, len(seen))
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        cells, counts = np.unique(rows * width + np.asarray(ranks, dtype=np.int64), return_counts=True)
        by_rank = np.fromiter(seen, dtype=np.int64, count=len(seen))
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells // width, minlength=n), out=indptr[1:])
        batch = NgramBatch(
            csr_matrix(
                (counts.astype(np.float64), by_rank[cells % width], indptr), shape=(n, len(vocabulary))
            ),
            vocabulary,
        )
        self._ngram_cache = (key, batch)
        return batch

    def _analyzer(self, ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
        """scikit-learn's ``char_wb`` analyzer (lower-casing included), as :func:`char_ngrams` fits it."""
        analyzer = self._analyzers.get(ngram_range)
        if analyzer is None:
            from sklearn.feature_extraction.text import CountVectorizer

            analyzer = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range).build_analyzer()
            self._analyzers[ngram_range] = analyzer
        return analyzer

    def _union(self, ngram_range: tuple[int, int]) -> tuple[dict[str, int], dict[str, Any], list[str]]:
        """One index over the vocabularies of every text head with this n-gram range (the n-grams of a batch
        are looked up once, not once per head), per head the sparse map from that index to its own columns,
        and the union vocabulary."""
        cached = self._unions.get(ngram_range)
        if cached is not None:
            return cached
        from scipy.sparse import csr_matrix

        heads = {
            n: h
            for n, h in self._text_heads.items()
            if isinstance(h, TextHead) and h.ngram_range == ngram_range
        }
        vocabulary = sorted({g for h in heads.values() for g in h.vocabulary})
        index = {g: i for i, g in enumerate(vocabulary)}
        maps = {}
        for n, h in heads.items():
            rows = np.array([index[g] for g in h.vocabulary], dtype=np.int64)
            cols = np.arange(len(h.vocabulary), dtype=np.int64)
            maps[n] = csr_matrix(
                (np.ones(rows.size), (rows, cols)), shape=(len(vocabulary), len(h.vocabulary))
            )
        self._unions[ngram_range] = (index, maps, vocabulary)
        return index, maps, vocabulary

    def _features(
        self, embeddings: np.ndarray, texts: Sequence[str], lexical: bool, polarity: bool
    ) -> np.ndarray:
        """``build_features``: its text-only columns are computed once per batch and shared by every head
        that reads them (``features.text_columns``; they were recomputed per head, a regex scan of each unit
        four times)."""
        return build_features(embeddings, texts, lexical, polarity)

    # -- per-aspect probabilities (also used by training.evaluate) -------------------------------------------
    def _proba(
        self, name: str, embeddings: np.ndarray, texts: Sequence[str], languages: Sequence[str] | None = None
    ) -> np.ndarray:
        """The head's probabilities blended with its char n-gram head's; with the units' ``languages`` and a
        head that has a per-language blend, each unit gets its language's text weight, and the units of a
        language with its own char head (``<name>-text-<lang>``) that head's probabilities."""
        head = self._heads[name]
        p = head.predict_proba(self._features(embeddings, texts, head.uses_lexical, head.uses_polarity))
        text_head = self._text_heads.get(name)
        text_weight = head.blend_weights(languages, len(texts))[0]
        if not isinstance(text_head, TextHead) or not np.any(np.asarray(text_weight) > 0):
            return p
        analyzed = self._analyzed(texts, text_head.ngram_range)
        maps = self._union(text_head.ngram_range)[1]
        # Each unit is read by one char head: its language's own where the head has one, else the shared one
        # (TF-IDF rows are independent, so a row's probabilities do not depend on which rows share its call).
        owners: list[tuple[str, SurfaceHead, np.ndarray]] = []
        if isinstance(text_weight, np.ndarray):
            langs = np.asarray(languages, dtype=object)
            for lang, _, _ in head.lang_blend:
                own = self._text_heads.get(f"{name}@{lang}")
                rows = np.flatnonzero(langs == lang)
                if own is not None and rows.size:
                    owners.append((f"{name}@{lang}", own, rows))
        if not owners:
            pt = text_head.predict_proba(texts, analyzed, mapping=maps[name])
            pt = pt[:, [text_head.classes.index(c) for c in head.classes]]
            return _mix(p, pt, text_weight)
        shared = np.ones(len(texts), dtype=bool)
        for _, _, rows in owners:
            shared[rows] = False
        owners.append((name, text_head, np.flatnonzero(shared)))

        def read(key: str, tail: SurfaceHead, rows: np.ndarray) -> np.ndarray:
            if isinstance(tail, TextHead) and tail.ngram_range == text_head.ngram_range:
                p = tail.predict_proba([], NgramBatch(analyzed.counts[rows], analyzed.vocabulary), maps[key])
            else:  # a word head, or a char head of another range: its own pass over its rows' texts
                p = tail.predict_proba([texts[int(i)] for i in rows])
            return p[:, [tail.classes.index(c) for c in head.classes]]

        parts = [(rows, read(key, tail, rows)) for key, tail, rows in owners if rows.size]
        pt = np.empty((len(texts), len(head.classes)), dtype=parts[0][1].dtype)
        for rows, block in parts:
            pt[rows] = block
        return _mix(p, pt, text_weight)

    def stage_proba(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str] | None = None
    ) -> tuple[list[str], np.ndarray]:
        """(stage ids in taxonomy order, probabilities (n, n_stages)); ``languages`` (the units' own, as the
        pipeline knows them) selects a per-language blend where the head has one."""
        ids = self.taxonomy.stage_ids
        if self.uses_trained_stage_head:
            head = self._heads["stage"]
            p = self._proba("stage", embeddings, texts, languages)[:, [head.classes.index(s) for s in ids]]
            prior_weight = head.blend_weights(languages, len(texts))[1]
            if self._prototypes is not None and np.any(np.asarray(prior_weight) > 0):
                prior = self._prototypes.probabilities(embeddings)[
                    :, [self._prototypes.stage_ids.index(s) for s in ids]
                ]
                p = _mix(p, prior, prior_weight)
            return ids, p
        assert self._prototypes is not None
        return ids, self._prototypes.probabilities(embeddings)

    def sentiment_proba(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        languages: Sequence[str] | None = None,
        shifts: CueShifts = CUE_SHIFTS,
    ) -> np.ndarray:
        """(n, 3) in SENTIMENT_CLASSES order; ``languages`` (the units' own) selects a per-language blend and
        a language's own char head where the head has them (without: the shared blend, bit-identical);
        units holding written-down verdict cues (set phrases, emoji, sarcastic praise; English valence) are
        shifted by ``shifts`` (``nlp.tagging.verdict_cues``)."""
        head = self._heads["sentiment"]
        p = self._proba("sentiment", embeddings, texts, languages)
        # A head retrained on a customer's labels may lack a class (no neutral examples): probability 0.
        out = np.zeros((p.shape[0], len(SENTIMENT_CLASSES)))
        for k, c in enumerate(SENTIMENT_CLASSES):
            if c in head.classes:
                out[:, k] = p[:, head.classes.index(c)]
        return shift_verdict_cues(texts, out, shifts, languages)

    def emotion_proba(
        self, texts: Sequence[str], embeddings: np.ndarray
    ) -> tuple[tuple[str, ...], np.ndarray]:
        return self._heads["emotion"].classes, self._proba("emotion", embeddings, texts)

    def effort_proba(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        head = self._heads["effort"]
        return self._proba("effort", embeddings, texts)[:, head.classes.index("effort")]

    def effort_type_proba(
        self, texts: Sequence[str], embeddings: np.ndarray
    ) -> tuple[tuple[str, ...] | None, np.ndarray | None]:
        """The effort-type head's (classes, probabilities); (None, None) without one (a customer file may
        hold a single effort type: the lexicon names it)."""
        head = self._heads.get("effort_type")
        if head is None:
            return None, None
        return head.classes, self._proba("effort_type", embeddings, texts)

    # -- the contract --------------------------------------------------------------------------------------
    def tag(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        languages: Sequence[str],
        ratings: Sequence[float | None] | None = None,
        nps: Sequence[int | None] | None = None,
    ) -> list[UnitTags]:
        check_batch(texts, embeddings, languages, ratings, nps)
        if not texts:
            return []
        space = (self, embeddings)
        return assemble_tags(texts, gather_probabilities(texts, languages, space, space), ratings, nps)


def sentiment_reader(
    tagger: Any, languages: Sequence[str] | None
) -> Callable[[Sequence[str], np.ndarray], np.ndarray] | None:
    """``tagger.sentiment_proba`` as ``(texts, vectors) -> probabilities`` over the units whose
    ``languages`` are given (aligned with the texts it will be called with), so that a per-language blend
    applies, as in ``tag``. None without a sentiment head."""
    proba = getattr(tagger, "sentiment_proba", None)
    if proba is None or languages is None:
        return proba
    langs = list(languages)
    return lambda texts, vectors: np.asarray(proba(texts, vectors, langs))


TaggerInSpace = tuple[EmbeddingTagger, np.ndarray]
"""A tagger and the batch's vectors in its space."""


def check_batch(
    texts: Sequence[str],
    embeddings: np.ndarray,
    languages: Sequence[str],
    ratings: Sequence[float | None] | None,
    nps: Sequence[int | None] | None,
) -> None:
    """``tag``'s argument checks (every column aligned with the texts), shared by every tagger."""
    n = len(texts)
    if embeddings.shape[0] != n or len(languages) != n:
        raise ValueError(
            f"tag: {n} texts but {embeddings.shape[0]} embeddings and {len(languages)} languages"
        )
    if ratings is not None and len(ratings) != n:
        raise ValueError("tag: ratings must align with texts")
    if nps is not None and len(nps) != n:
        raise ValueError("tag: nps must align with texts")


def gather_probabilities(
    texts: Sequence[str],
    languages: Sequence[str],
    stage: TaggerInSpace,
    polar: TaggerInSpace,
    emotion: TaggerInSpace | None = None,
    effort: TaggerInSpace | None = None,
) -> AspectProbabilities:
    """Every aspect's probabilities, each read by the tagger (and vectors) given for it: ``stage`` the
    stage; ``polar`` the sentiment, and emotion and effort unless ``emotion`` / ``effort`` name another.
    The single-space tagger passes itself for all of them; nlp/tagging/split_space.py passes two spaces."""
    emotion = emotion or polar
    effort = effort or polar
    stage_ids, p_stage = stage[0].stage_proba(texts, stage[1], languages)
    emo_classes, p_emo = emotion[0].emotion_proba(texts, emotion[1])
    type_classes, p_type = effort[0].effort_type_proba(texts, effort[1])
    return AspectProbabilities(
        stage_ids=stage_ids,
        stage=p_stage,
        stage_threshold=stage[0].stage_threshold,
        sentiment=polar[0].sentiment_proba(texts, polar[1], languages),
        emotion_classes=emo_classes,
        emotion=p_emo,
        effort=effort[0].effort_proba(texts, effort[1]),
        effort_type_classes=type_classes,
        effort_type=p_type,
    )


def load_tagger(
    models_dir: Path | str | None,
    embedder_model_id: str,
    taxonomy: Taxonomy | None = None,
    encode: Encoder | None = None,
) -> EmbeddingTagger:
    """Load the heads trained for ``embedder_model_id`` (refusing any other space) and bind a taxonomy.

    ``encode`` (the pipeline embedder's ``encode``) is only needed for a taxonomy whose stages differ from the
    trained ones, to embed its descriptions and examples.
    """
    root = Path(models_dir) if models_dir is not None else shipped_models_dir()
    directory = find_artifact_dir(root, embedder_model_id)
    heads: dict[str, LinearHead] = {}
    for name in HEAD_NAMES:
        path = directory / f"{name}-{ARTIFACT_VERSION}.npz"
        if path.exists():
            heads[name] = LinearHead.load(path, embedder_model_id)
        elif name in REQUIRED_HEADS:
            raise FileNotFoundError(
                f"{path}: required tagging head missing; run `python -m training.train all`"
            )
    text_heads = load_text_heads(directory, heads)
    card = read_model_card(directory)
    taxonomy = taxonomy or load_default_taxonomy()
    prototypes = load_prototypes(
        directory / f"stage-prototypes-{ARTIFACT_VERSION}.npz", embedder_model_id, taxonomy.fingerprint()
    )
    if prototypes is None and encode is not None:
        prototypes = build_prototypes(taxonomy, encode)
    if set(taxonomy.stage_ids) != set(heads["stage"].classes) and prototypes is None:
        raise ValueError(
            "taxonomy stages differ from the trained stage head; pass encode= so the stage prototypes "
            "can be embedded"
        )
    return EmbeddingTagger(
        heads,
        embedder_model_id,
        taxonomy=taxonomy,
        prototypes=prototypes,
        card=card,
        text_heads=text_heads,
        document_expert=load_document_expert(directory, embedder_model_id),
    )


def tagger_loader(
    models_dir: Path | str | None = None,
    taxonomy: Taxonomy | None = None,
    sentiment_space: str = "same",
) -> Callable[[Embedder], Tagger | None]:
    """For ``analyze_records(tagger_loader=...)``: the tagger for whichever embedder the pipeline resolved,
    or None (with a warning) when no artifacts were trained in that space — mining still runs, untagged.

    ``sentiment_space``: where sentiment is read — ``same`` (the pipeline's space; this loader's default, as
    the service), ``auto`` (the USE space mixed in for the units MiniLM is unsure of, when the pipeline embeds
    with MiniLM; the CLI's default under ``auto``, see
    ``nlp.tagging.split_space.sentiment_space_for``), or an embedding spec."""
    # Imported here: split_space builds on this module's tagger.
    from nlp.tagging.split_space import load_split_tagger

    def load(embedder: Embedder) -> Tagger | None:
        try:
            tagger = load_tagger(models_dir, embedder.model_id, taxonomy=taxonomy, encode=embedder.encode)
        except ModelMismatchError as exc:
            warnings.warn(f"tagging disabled: {exc}", stacklevel=2)
            return None
        return load_split_tagger(tagger, sentiment_space, models_dir)

    return load
