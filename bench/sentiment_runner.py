"""The pipeline as ``frictionmap analyze`` runs it, for the real-set benchmarks: one embedder and tagger per
resolved backend, the items' languages as a user's file gives them, and what the pipeline says per document.

Shared by ``bench.sentiment``, ``bench.stages``, ``bench.doc_sentiment`` and the training scripts that score
through the pipeline; ``bench.sentiment`` re-exports ``Runner`` and ``DocOut``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.recording import CachedEmbedder
from bench.sentiment_data import Labelled
from nlp.embeddings import get_embedder, resolve_spec
from nlp.pipeline import ExtractedUnits, Record, extract_units
from nlp.pipeline.documents import read_documents
from nlp.pipeline.extract import item_languages
from nlp.tagging.document_stage import document_stage_weight
from nlp.tagging.split_space import (
    DEFAULT_SENTIMENT_SPACE,
    SplitSpaceTagger,
    load_split_tagger,
    sentiment_space_for,
)
from nlp.tagging.tagger import EmbeddingTagger, load_tagger


@dataclass(frozen=True)
class DocOut:
    """What the pipeline says about one document."""

    sentiment: str  # negative / neutral / positive (document rule)
    stage: str
    emotion: str | None
    candidate: bool  # at least one unit enters the pain-point clustering
    tagged_negative: bool  # at least one unit tagged negative (the candidate rule before issue 10)
    n_units: int
    n_candidates: int


class Runner:
    """One embedder and tagger per resolved backend, shared by every set.

    The tagger is the CLI's: under the ``auto`` backend, sentiment is read in the space ``sentiment_space``
    names (``split_space.sentiment_space_for``: ``auto``, the default, which mixes in USE for the units
    MiniLM is unsure of when ``auto`` picks MiniLM, or ``same``); a forced backend reads every aspect in its
    own space unless told."""

    def __init__(
        self,
        backend: str,
        models_dir: Path | None,
        sentiment_space: str = DEFAULT_SENTIMENT_SPACE,
        detect: bool = True,
    ) -> None:
        self.backend = backend
        self.detect = detect
        self.models_dir = models_dir
        self.sentiment_space = sentiment_space_for(backend, sentiment_space)
        self.embedders: dict[str, CachedEmbedder] = {}
        self.taggers: dict[str, EmbeddingTagger | SplitSpaceTagger] = {}

    def spec_for(self, langs: Sequence[str]) -> str:
        return resolve_spec(self.backend, list(langs))

    def embedder(self, spec: str) -> CachedEmbedder:
        """The (cached) embedder of ``spec``, shared by the pipeline space and a second sentiment space."""
        if spec not in self.embedders:
            self.embedders[spec] = CachedEmbedder(get_embedder(spec))
        return self.embedders[spec]

    def load_tagger(self, spec: str) -> EmbeddingTagger | SplitSpaceTagger:
        emb = self.embedder(spec)
        primary = load_tagger(self.models_dir, emb.model_id, encode=emb.inner.encode)
        return load_split_tagger(primary, self.sentiment_space, self.models_dir, get=self.embedder)

    def languages(self, docs: Sequence[Labelled]) -> list[str]:
        """Each item's language as ``frictionmap analyze`` reads a file without a language column (detected),
        or, with ``detect`` off, the set's own (a file that has one)."""
        return item_languages([Record(text=d.text) for d in docs]) if self.detect else [d.lang for d in docs]

    def extract(
        self, docs: Sequence[Labelled], langs: Sequence[str] | None = None
    ) -> tuple[ExtractedUnits, list[list[int]]]:
        """The pipeline's units of ``docs`` (tagged) and, per document, the indices of its units."""
        langs = list(langs) if langs is not None else self.languages(docs)
        spec = self.spec_for(langs)
        if spec not in self.taggers:
            self.taggers[spec] = self.load_tagger(spec)
        embedder, tagger = self.embedder(spec), self.taggers[spec]
        units = extract_units(records(docs, langs), embedder, tagger, languages=langs)
        assert units.tags is not None
        members: list[list[int]] = [[] for _ in docs]
        for i, row in enumerate(units.rows):
            members[int(row)].append(i)
        return units, members

    def documents(self, docs: Sequence[Labelled]) -> tuple[str, list[DocOut]]:
        """What ``frictionmap analyze`` says about each document (``read_documents``), and its candidates."""
        langs = self.languages(docs)
        units, _ = self.extract(docs, langs)
        assert units.tags is not None
        tags = units.tags
        tagger = self.taggers[self.spec_for(langs)]
        readings = read_documents(
            records(docs, langs),
            units,
            tagger.document_expert,
            tagger.stage_proba,
            document_stage_weight(tagger.model_id),
        )
        out = []
        for reading in readings:
            idx = reading.members  # its units, as read_documents grouped them
            n_cand = int(sum(units.polarity[i] == -1 for i in idx))
            neg = any(tags[i].sentiment == "negative" for i in idx)
            out.append(
                DocOut(
                    reading.sentiment or "neutral",
                    reading.stage or "unknown",
                    reading.emotion,
                    n_cand > 0,
                    neg,
                    len(idx),
                    n_cand,
                )
            )
        return units.model_id, out

    def save(self) -> None:
        for e in self.embedders.values():
            e.save()


def records(docs: Sequence[Labelled], langs: Sequence[str]) -> list[Record]:
    """The documents as a file's rows with their (detected or given) languages, text only."""
    return [Record(text=d.text, language=lang) for d, lang in zip(docs, langs, strict=True)]


def add_languages_option(parser: argparse.ArgumentParser) -> None:
    """``--given-languages``, the benches' switch between the two ways a file gives languages (``Runner``)."""
    parser.add_argument(
        "--given-languages",
        action="store_true",
        help="give each set's language as a language column would (default: detected, as without one)",
    )
