"""Pure parts of tagging: rating/NPS fusion, the bilingual effort lexicon, and aggregation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.tagging.aggregate import aggregate_pain_point, effort_by_stage
from nlp.tagging.effort_cues import find_effort_cues, lexicon_effort_type
from nlp.tagging.fusion import fuse_sentiment, item_polarity, nps_polarity, rating_polarity, sentiment_score
from nlp.tagging.types import UNKNOWN_STAGE, UnitTags

NEG, NEU, POS = 0, 1, 2


def test_rating_and_nps_scales() -> None:
    assert rating_polarity(1) == -1.0 and rating_polarity(3) == 0.0 and rating_polarity(5) == 1.0
    assert rating_polarity(None) is None and rating_polarity(float("nan")) is None
    assert rating_polarity(10) == 1.0 and rating_polarity(0.0) == -1.0  # 0–10 scales read sensibly
    assert nps_polarity(0) == -1.0 and nps_polarity(7) == 0.0 and nps_polarity(10) == 1.0
    assert (nps_polarity(6) or 0.0) < 0 < (nps_polarity(9) or 0.0)
    assert item_polarity(None, None) is None
    assert item_polarity(5, 0) == 0.0  # conflicting signals cancel


def test_one_star_turns_a_neutral_sounding_sentence_negative() -> None:
    p = np.array([0.25, 0.6, 0.15])
    fused = fuse_sentiment(p, rating_polarity(1))
    assert int(np.argmax(fused)) == NEG
    assert sentiment_score(fused) < sentiment_score(p)


def test_rating_never_overrides_a_confident_opposite_sentence() -> None:
    praise = np.array([0.05, 0.1, 0.85])
    assert int(np.argmax(fuse_sentiment(praise, rating_polarity(1)))) == POS
    complaint = np.array([0.85, 0.1, 0.05])
    assert int(np.argmax(fuse_sentiment(complaint, nps_polarity(10)))) == NEG


def test_plain_facts_stay_neutral_and_no_rating_changes_nothing() -> None:
    fact = np.array([0.04, 0.92, 0.04])
    assert int(np.argmax(fuse_sentiment(fact, rating_polarity(1)))) == NEU
    p = np.array([0.2, 0.5, 0.3])
    assert np.allclose(fuse_sentiment(p, None), p)
    assert fuse_sentiment(p, 0.7).sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Troisième appel au service client pour le même problème.", "repeat_contact"),
        ("I've called five times and nobody fixes it.", "repeat_contact"),
        ("À chaque conseiller il faut tout réexpliquer depuis le début.", "repeat_information"),
        ("They keep asking for the same documents.", "repeat_information"),
        ("45 minutes d'attente au téléphone avant qu'on décroche.", "waiting"),
        ("Still waiting for my refund after six weeks.", "waiting"),
        ("Le formulaire a tout effacé, j'ai dû tout ressaisir.", "reentering_data"),
        ("The page crashed and I had to re-enter my card details.", "reentering_data"),
        ("Obligé d'aller en agence pour une simple attestation.", "going_to_store"),
        ("I had to go to the store to get the SIM activated.", "going_to_store"),
        ("Pour résilier il faut envoyer une lettre recommandée.", "complex_procedure"),
        ("Cancelling needs a registered letter, in 2024.", "complex_procedure"),
    ],
)
def test_effort_cues_fr_en(text: str, expected: str) -> None:
    assert lexicon_effort_type(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I didn't have to repeat anything, the agent had my history.",
        "Je n'ai rien eu à répéter, le conseiller connaissait mon dossier.",
        "Remboursement arrivé sans que j'aie besoin de relancer.",
        "No need to go to the branch anymore.",
        "Je recommande cette banque à tous mes amis.",
        "Great product, fast delivery.",
    ],
)
def test_negated_or_absent_effort_is_not_effort(text: str) -> None:
    assert lexicon_effort_type(text) is None


def test_negated_cue_is_reported_as_negated() -> None:
    cues = find_effort_cues("Plus besoin d'aller en agence, tout se fait dans l'appli.")
    assert cues and all(c.negated for c in cues)


def _tag(
    stage: str,
    probs: dict[str, float],
    sentiment: str = "negative",
    emotion: str | None = "frustration",
    effort: bool = False,
    effort_type: str | None = None,
    score: float = -0.8,
) -> UnitTags:
    return UnitTags(
        stage=stage,
        stage_confidence=max(probs.values()),
        sentiment=sentiment,  # type: ignore[arg-type]
        sentiment_score=score,
        emotion=emotion,
        emotion_confidence=0.7,
        effort=effort,
        effort_type=effort_type,
        stage_probs=probs,
    )


def test_pain_point_stage_is_a_soft_vote_with_runner_up() -> None:
    tags = [
        _tag("delivery", {"delivery": 0.6, "support": 0.4}, effort=True, effort_type="waiting"),
        _tag("delivery", {"delivery": 0.6, "support": 0.4}),
        _tag(
            "support",
            {"delivery": 0.1, "support": 0.9},
            emotion="anger",
            effort=True,
            effort_type="repeat_contact",
        ),
        _tag(
            UNKNOWN_STAGE,
            {"delivery": 0.3, "support": 0.3, "usage": 0.4},
            sentiment="neutral",
            emotion=None,
            score=0.0,
        ),
    ]
    agg = aggregate_pain_point(tags)
    assert agg.n_units == 4
    assert agg.stage == "support"  # 0.4+0.4+0.9+0.3 = 2.0 > delivery 1.6
    assert agg.runner_up_stage == "delivery"
    assert agg.stage_confidence == pytest.approx(2.0 / 4.0)
    assert agg.runner_up_share == pytest.approx(1.6 / 4.0)
    assert agg.effort_share == 0.5
    assert agg.effort_types == {"waiting": 1, "repeat_contact": 1}
    assert agg.sentiment_mix == {"negative": 0.75, "neutral": 0.25}
    assert agg.emotion_mix == pytest.approx({"frustration": 2 / 3, "anger": 1 / 3}, abs=1e-4)
    assert agg.dominant_emotion == "frustration"
    assert aggregate_pain_point(tags, min_confidence=0.6).stage == UNKNOWN_STAGE


def test_empty_pain_point_and_effort_per_stage() -> None:
    assert aggregate_pain_point([]).stage == UNKNOWN_STAGE
    tags = [
        _tag("support", {"support": 0.9}, effort=True, effort_type="waiting"),
        _tag("support", {"support": 0.9}),
        _tag("delivery", {"delivery": 0.8}, effort=True, effort_type="going_to_store"),
        _tag(UNKNOWN_STAGE, {"delivery": 0.3}),
    ]
    rows = effort_by_stage(tags, ["delivery", "usage", "support"])
    assert [r.stage for r in rows] == ["delivery", "support", UNKNOWN_STAGE]
    by = {r.stage: r for r in rows}
    assert by["support"].effort_share == 0.5 and by["support"].effort_types == {"waiting": 1}
    assert by["delivery"].n_effort == 1 and by[UNKNOWN_STAGE].effort_share == 0.0


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("No need to wait at home, the parcel was in the locker.", "absent_problem"),
        ("Retour accepté sans discuter.", "absent_problem"),
        ("Pas besoin d'attendre à la maison.", "absent_problem"),
        ("Dix ans sans jamais un souci.", "absent_problem"),
        ("I no longer recommend this brand.", "negated_recommend"),
        ("C'était ma marque préférée, je ne la recommande plus.", "negated_recommend"),
        ("J'hésiterais à vous recommander en ce moment.", "negated_recommend"),
        ("1 étoile, et c'est généreux.", "one_star"),
        ("One star, and that's generous.", "one_star"),
    ],
)
def test_polarity_flags_fr_en(text: str, flag: str) -> None:
    from nlp.tagging.features import LEXICAL_NAMES, lexical_matrix

    row = dict(zip(LEXICAL_NAMES, lexical_matrix([text])[0], strict=True))
    assert row[flag] > 0
    assert all(
        v == 0 for k, v in row.items() if k in {"absent_problem", "negated_recommend", "one_star"} - {flag}
    )


@pytest.mark.parametrize(
    "text", ["Je recommande vivement !", "I waited three hours on hold.", "Great product."]
)
def test_polarity_flags_stay_off_on_plain_text(text: str) -> None:
    from nlp.tagging.features import LEXICAL_NAMES, lexical_matrix

    row = dict(zip(LEXICAL_NAMES, lexical_matrix([text])[0], strict=True))
    assert row["absent_problem"] == row["negated_recommend"] == row["one_star"] == 0


def test_label_csv_validation_names_row_and_rule(tmp_path: Path) -> None:
    from training.corpus import load_label_csv

    good = tmp_path / "labels.csv"
    good.write_text(
        "text,stage,sentiment,effort_type,lang\n"
        "Colis en retard,delivery,negative,waiting,fr\n"
        "Super appli,usage,positive,none,fr\n"
        "Only a stage here,support,,,en\n",
        encoding="utf-8",
    )
    units = load_label_csv(good)
    assert [u.effort for u in units] == [True, False, None]
    assert units[0].effort_type == "waiting" and units[1].effort_type is None
    assert units[2].sentiment is None and units[2].stage == "support"

    bad = tmp_path / "bad.csv"
    bad.write_text("text,sentiment\nfine,negative\nhmm,angry\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.csv:3: sentiment must be one of"):
        load_label_csv(bad)
    no_text = tmp_path / "no_text.csv"
    no_text.write_text("comment,sentiment\nx,negative\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'text' column is required"):
        load_label_csv(no_text)
