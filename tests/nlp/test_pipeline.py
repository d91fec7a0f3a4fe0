from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from nlp.pipeline import Record, analyze_records, contextualize, extract_units
from nlp.pipeline.documents import document_emotion, read_documents
from nlp.pipeline.extract import item_languages
from nlp.tagging.types import UnitTags

COMPLAINTS = {
    "late": [
        "My parcel arrived two weeks late.",
        "Delivery was late again, over a week.",
        "The parcel came ten days late.",
        "Late delivery, the parcel took three weeks.",
    ],
    "refund": [
        "My refund was never received.",
        "Still waiting for my refund after a month.",
        "The refund never arrived on my account.",
        "No refund received despite three requests.",
    ],
}


def _records() -> list[Record]:
    texts = [t for group in COMPLAINTS.values() for t in group] * 3
    return [Record(text=t, id=f"r{i}") for i, t in enumerate(texts)]


def test_json_contract_and_documents(hashing_embedder) -> None:
    res = analyze_records(_records(), embedder=hashing_embedder)
    j = res.to_json()
    assert set(j) == {
        "pain_points",
        "opportunities",
        "documents",
        "units",
        "stage_effort",
        "themes",
        "sentiment_adaptation",
    }
    assert j["sentiment_adaptation"] is None  # no tagger, nothing to adapt
    assert len(j["pain_points"]) >= 2 and j["opportunities"] == []
    pp = j["pain_points"][0]
    assert {"id", "label", "keyphrases", "size", "stage", "sentiment", "quotes"} <= set(pp)
    assert pp["stage"] is None and pp["sentiment"] is None
    assert set(j["units"][0]) == {
        "row",
        "start",
        "end",
        "text",
        "language",
        "sentiment",
        "emotion",
        "stage",
        "pain_point",
        "opportunity",
        # tagging details (issue 4), None without a tagger
        "stage_confidence",
        "sentiment_score",
        "emotion_confidence",
        "effort",
        "effort_type",
    }
    assert [d["row"] for d in j["documents"]] == list(range(len(res.documents)))
    assert j["documents"][0]["id"] == "r0"
    # both irritants found, and the two groups do not share a pain point
    late = {d["pain_points"][0] for d in j["documents"][:4]}
    refund = {d["pain_points"][0] for d in j["documents"][4:8]}
    assert late and refund and not late & refund
    assert res.embeddings.shape == (len(res.units), hashing_embedder.dim)
    assert res.model_id == "test-hashing"


def test_deterministic(hashing_embedder) -> None:
    a = analyze_records(_records(), embedder=hashing_embedder).to_json()
    b = analyze_records(_records(), embedder=hashing_embedder).to_json()
    assert a == b


def test_ratings_select_candidates(hashing_embedder) -> None:
    recs = [Record(text=r.text, rating=1) for r in _records()]
    recs += [Record(text="Lovely staff, always friendly and helpful.", rating=5)] * 6
    recs += [Record(text="The parcel arrived, quality is okay overall.", rating=3)]
    res = analyze_records(recs, embedder=hashing_embedder)
    assert res.opportunities and all(u.pain_point is None for u in res.units if u.row >= len(recs) - 7)
    assert res.documents[-1].sentiment == "neutral" and res.documents[0].sentiment == "negative"
    assert res.units[-1].pain_point is None and res.units[-1].opportunity is None


class FakeTagger:
    model_id = "test-hashing"

    def tag(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str], ratings=None, nps=None
    ):
        out = []
        for t in (x.lower() for x in texts):
            neg = "late" in t or "refund" in t
            out.append(
                UnitTags(
                    stage="delivery" if "late" in t else "support",
                    stage_confidence=0.9,
                    sentiment="negative" if neg else "positive",
                    sentiment_score=-0.8 if neg else 0.8,
                    emotion="frustration" if neg else "delight",
                    emotion_confidence=0.7,
                    effort=False,
                    effort_type=None,
                )
            )
        return out


def test_tagger_drives_candidates_and_fields(hashing_embedder) -> None:
    recs = _records() + [Record(text="Lovely staff, always friendly and helpful.")] * 6
    res = analyze_records(recs, embedder=hashing_embedder, tagger=FakeTagger())
    assert {p.sentiment for p in res.pain_points} == {"negative"}
    assert "delivery" in {p.stage for p in res.pain_points}
    assert res.opportunities and res.units[0].emotion == "frustration"


def _unit(sentiment: str, emotion: str | None) -> UnitTags:
    return UnitTags(
        stage="delivery",
        stage_confidence=0.9,
        sentiment=sentiment,  # type: ignore[arg-type]
        sentiment_score=0.0,
        emotion=emotion,
        emotion_confidence=0.7,
        effort=False,
        effort_type=None,
    )


def test_a_documents_emotion_fits_its_verdict() -> None:
    """ "Delivery was fast, but the refund never arrived, again": satisfaction once, frustration once, anger
    once; a negative document names a negative emotion even where a positive one comes first or ties."""
    tags = [
        _unit("positive", "satisfaction"),
        _unit("positive", "satisfaction"),
        _unit("negative", "frustration"),
    ]
    assert document_emotion(tags, "negative") == "frustration"
    assert document_emotion(tags, "positive") == "satisfaction"
    assert document_emotion(tags, "neutral") == document_emotion(tags, None) == "satisfaction"  # majority
    assert document_emotion([_unit("positive", "delight")], "negative") is None


def test_tagger_in_another_space_is_refused(hashing_embedder) -> None:
    tagger = FakeTagger()
    tagger.model_id = "use-multilingual@usem3-x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="tagger"):
        analyze_records(_records(), embedder=hashing_embedder, tagger=tagger)


def test_contextualize_pulls_units_of_one_item_together() -> None:
    e = np.eye(3, dtype=np.float32)
    c = contextualize(e, np.array([0, 0, 1]), 2, 1.0)
    assert c[0] @ c[1] > e[0] @ e[1] and np.allclose(c[2], e[2])


# The bilingual fixture (issue 3): French and English complaints about the same irritants, written for this
# test.
BILINGUAL = {
    "delivery late": [
        ("en", "My parcel arrived two weeks late."),
        ("en", "Delivery was late again, more than a week of delay."),
        ("en", "The order came ten days after the promised date."),
        ("en", "Shipping took forever, the package was late."),
        ("fr", "Mon colis est arrivé avec deux semaines de retard."),
        ("fr", "Livraison encore en retard, plus d'une semaine."),
        ("fr", "La commande est arrivée dix jours après la date promise."),
        ("fr", "Le paquet a mis une éternité à arriver."),
    ],
    "refund": [
        ("en", "I never received my refund."),
        ("en", "Still waiting for my refund after a month."),
        ("en", "They promised a refund but the money never came back."),
        ("en", "My refund has not been paid yet."),
        ("fr", "Je n'ai jamais reçu mon remboursement."),
        ("fr", "J'attends toujours mon remboursement depuis un mois."),
        ("fr", "Ils ont promis de me rembourser mais l'argent n'est jamais revenu."),
        ("fr", "Mon remboursement n'a toujours pas été versé."),
    ],
    "customer service": [
        ("en", "Customer service never answers the phone."),
        ("en", "Impossible to reach anyone at support."),
        ("en", "Nobody replies to my emails at customer service."),
        ("en", "I called support five times without an answer."),
        ("fr", "Le service client ne répond jamais au téléphone."),
        ("fr", "Impossible de joindre quelqu'un au support."),
        ("fr", "Personne ne répond à mes mails au service client."),
        ("fr", "J'ai appelé le support cinq fois sans réponse."),
    ],
}


@pytest.mark.slow
def test_bilingual_complaints_share_pain_points(use_embedder) -> None:
    items = [(topic, lang, text) for topic, rows in BILINGUAL.items() for lang, text in rows]
    res = analyze_records([Record(text=t) for _, _, t in items], embedder=use_embedder)
    first = [d.pain_points[0] if d.pain_points else None for d in res.documents]
    assert [d.language for d in res.documents] == [lang for _, lang, _ in items]
    for topic in BILINGUAL:
        en = {p for (tp, lang, _), p in zip(items, first, strict=True) if tp == topic and lang == "en"}
        fr = {p for (tp, lang, _), p in zip(items, first, strict=True) if tp == topic and lang == "fr"}
        majority_en = max(
            en,
            key=lambda p: sum(
                1
                for (tp, lg, _), q in zip(items, first, strict=True)
                if q == p and tp == topic and lg == "en"
            ),
        )
        assert majority_en in fr, (topic, en, fr)
    # and each irritant's pain point is bilingual
    assert sum(1 for p in res.pain_points if {"en", "fr"} <= set(p.languages)) >= 2


def test_empty_and_tiny_inputs(hashing_embedder) -> None:
    assert analyze_records([], embedder=hashing_embedder).to_json()["documents"] == []
    blank = analyze_records([{"text": ""}, {"text": "  "}], embedder=hashing_embedder).to_json()
    assert [d["pain_points"] for d in blank["documents"]] == [[], []] and blank["units"] == []
    # a single complaint is not a *recurring* irritant: no pain point, unit left unassigned
    one = analyze_records([Record(text="Card declined at checkout again")], embedder=hashing_embedder)
    assert one.pain_points == [] and one.units[0].pain_point is None


def test_names_in_the_chosen_language(hashing_embedder) -> None:
    french = [
        Record(text="Remboursement jamais reçu après un mois.", language="fr"),
        Record(text="Mon remboursement jamais reçu malgré trois demandes.", language="fr"),
    ]
    recs = [*_records(), *(french * 3)]
    res = analyze_records(recs, embedder=hashing_embedder)
    for t in res.to_json()["pain_points"]:
        assert t["name"] and "·" not in t["name"] and set(t["names"]) <= {"en", "fr"}
        # English is the data's majority; a French-only theme keeps its French name
        assert t["name"] == t["names"].get("en", t["names"].get("fr"))
    refund = next(p for p in res.pain_points if "fr" in p.names)
    fr = analyze_records(recs, embedder=hashing_embedder, language="fr")
    assert next(p for p in fr.pain_points if p.id == refund.id).name == refund.names["fr"]
    # a theme without French units keeps a name in its own language
    assert all(p.name == p.names["en"] for p in fr.pain_points if "fr" not in p.names)


def test_progress_per_batch_from_the_start(hashing_embedder) -> None:
    calls: list[tuple[str, int, int]] = []
    recs = _records()
    analyze_records(recs, embedder=hashing_embedder, batch_size=4, progress=lambda *a: calls.append(a))
    embed = [c for c in calls if c[0] == "embed"]
    n_units = embed[-1][2]
    assert embed[0] == ("embed", 0, n_units)  # the bar opens before the first batch
    assert [d for _, d, _ in embed] == [*range(0, n_units, 4), n_units]  # then moves per batch
    assert calls[0] == ("segment", 0, len(recs))


def test_parent_themes_in_the_output(hashing_embedder) -> None:
    j = analyze_records(_records(), embedder=hashing_embedder).to_json()
    themes = {t["id"]: t for t in j["themes"]}
    assert themes and all(t["id"].startswith("th-") for t in themes.values())
    for p in j["pain_points"]:
        assert p["id"] in themes[p["theme"]]["pain_points"]
    for t in themes.values():
        children = [p for p in j["pain_points"] if p["theme"] == t["id"]]
        assert t["size"] == sum(p["size"] for p in children)
        assert t["name"] and "·" not in t["name"] and t["score"]["components"]
    assert [t["priority"] for t in j["themes"]] == sorted((t["priority"] for t in j["themes"]), reverse=True)


def test_document_expert_decides_unrated_documents_only(hashing_embedder) -> None:
    """The tagger's document expert is mixed into the document verdict of documents without a rating; rated
    documents keep the rule over their (rating-fused) units."""
    from nlp.tagging.document_expert import DocumentExpert

    class ExpertTagger(FakeTagger):
        # an expert that reads every document as clearly positive, fully trusted (blend 1)
        document_expert = DocumentExpert(
            ("negative", "neutral", "positive"),
            np.zeros((3, hashing_embedder.dim), dtype=np.float32),
            np.array([-5.0, -5.0, 5.0], dtype=np.float32),
            "test-hashing",
            1.0,
            1,
        )

    recs = [*_records(), Record(text="My parcel arrived two weeks late.", rating=1)]
    plain = analyze_records(recs, embedder=hashing_embedder, tagger=FakeTagger())
    expert = analyze_records(recs, embedder=hashing_embedder, tagger=ExpertTagger())
    assert {d.sentiment for d in plain.documents} == {"negative"}
    assert {d.sentiment for d in expert.documents[:-1]} == {"positive"}
    assert expert.documents[-1].sentiment == "negative"
    # the units themselves (and so the pain points) are the tagger's
    assert [u.sentiment for u in expert.units] == [u.sentiment for u in plain.units]


def test_a_documents_stage_mixes_in_the_stage_head_read_whole(hashing_embedder, monkeypatch) -> None:
    """Issue 10 R15: where the space has a whole-document weight, a document of two units or more is also
    read whole by the tagger's stage head; one-unit documents keep their unit's stage."""
    from nlp.tagging import document_stage

    class WholeTagger(FakeTagger):
        def stage_proba(self, texts, embeddings, languages):
            return ["retention"], np.ones((len(texts), 1))

    recs = [Record(text="My parcel arrived late. The refund was fine though."), Record(text="Parcel late.")]
    plain = analyze_records(recs, embedder=hashing_embedder, tagger=WholeTagger())
    monkeypatch.setitem(document_stage.DOCUMENT_STAGE_WEIGHTS, "test-hashing", 1.0)
    whole = analyze_records(recs, embedder=hashing_embedder, tagger=WholeTagger())
    assert [d.stage for d in plain.documents] == ["delivery", "delivery"]
    assert [d.stage for d in whole.documents] == ["retention", "delivery"]


def test_an_emoji_only_item_is_a_verdict_without_units(hashing_embedder) -> None:
    """Issue 10 R12: "👍👍👍" gives no opinion unit (too few letters) but says what the customer thinks; a
    rating still wins, and without a tagger nothing is read from emoji."""
    recs = [Record(text="👍👍👍"), Record(text="😡"), Record(text="😡", rating=5), Record(text="📦")]
    tagged = analyze_records(recs, embedder=hashing_embedder, tagger=FakeTagger())
    assert [d.sentiment for d in tagged.documents] == ["positive", "negative", "positive", None]
    assert not tagged.units and {d.stage for d in tagged.documents} == {None}
    untagged = analyze_records(recs, embedder=hashing_embedder)
    assert [d.sentiment for d in untagged.documents] == [None, None, "positive", None]


def test_read_documents_is_what_analyze_reports_per_document(hashing_embedder) -> None:
    """The benches score ``read_documents`` without clustering; ``analyze`` must report the same readings
    (sentiment, stage, emotion, effort) for every kind of row: units, emoji only, rated, empty."""

    recs = [
        Record(text="My parcel arrived late and nobody answered. The refund was quick though."),
        Record(text="Great service, thank you."),
        Record(text="👍👍👍"),
        Record(text="😡", rating=5),
        Record(text="📦"),
    ]
    tagger = FakeTagger()
    result = analyze_records(recs, embedder=hashing_embedder, tagger=tagger)
    langs = item_languages(recs)
    units = extract_units(recs, hashing_embedder, tagger, languages=langs)
    readings = read_documents(recs, units)
    assert [(r.sentiment, r.stage, r.emotion, r.effort) for r in readings] == [
        (d.sentiment, d.stage, d.emotion, d.effort) for d in result.documents
    ]
    assert [r.sentiment for r in readings][2:] == ["positive", "positive", None]
    assert readings[0].members and not readings[2].members
