from __future__ import annotations

from nlp.text.segmentation import _english_lemma, lemmatize, split_units, split_units_batch


def _check_offsets(text: str, language: str) -> list[str]:
    units = split_units(text, language)
    for u in units:
        assert text[u.start : u.end] == u.text
    return [u.text for u in units]


def test_english_sentences_and_contrast_clauses() -> None:
    text = (
        "The app is great but it crashes every time I open my statement. "
        "Also, support never answered my emails!"
    )
    assert _check_offsets(text, "en") == [
        "The app is great",
        "but it crashes every time I open my statement.",
        "Also, support never answered my emails!",
    ]


def test_french_sentences_and_markers() -> None:
    text = (
        "Livré en retard, et le service client n'a jamais répondu. "
        "Le produit est bien mais la notice est nulle."
    )
    units = _check_offsets(text, "fr")
    assert units == [
        "Livré en retard",
        "et le service client n'a jamais répondu.",
        "Le produit est bien",
        "mais la notice est nulle.",
    ]


def test_par_contre_and_however() -> None:
    assert (
        len(_check_offsets("Le prix est correct, par contre la livraison a pris trois semaines.", "fr")) == 2
    )
    assert len(_check_offsets("Prices are fine; however the delivery took three weeks.", "en")) == 2


def test_short_fragment_is_glued_not_split() -> None:
    # "but ok" carries no opinion of its own: it stays with its clause
    assert _check_offsets("The delivery was really slow, but ok.", "en") == [
        "The delivery was really slow, but ok."
    ]


def test_noise_dropped_and_tiny_review_kept() -> None:
    assert _check_offsets("Nul.", "fr") == ["Nul."]
    assert _check_offsets("   ", "en") == []
    assert _check_offsets("!!! ...", "en") == []


def test_offsets_survive_leading_whitespace_and_newlines() -> None:
    text = "  \n Card declined at checkout.\n\nRefund still not received after a month.  "
    assert _check_offsets(text, "en") == [
        "Card declined at checkout.",
        "Refund still not received after a month.",
    ]


def test_batch_mixes_languages_in_order() -> None:
    out = split_units_batch(["Colis perdu par le transporteur.", "Parcel lost by the courier."], ["fr", "en"])
    assert [u.text for u in out[0]] == ["Colis perdu par le transporteur."]
    assert [u.text for u in out[1]] == ["Parcel lost by the courier."]


def test_lemmas() -> None:
    fr, en = lemmatize(["Les colis sont arrivés abîmés", "My refunds were never processed"], ["fr", "en"])
    assert "colis" in fr and "arriver" in fr
    assert "refund" in en
    assert _english_lemma("delivery") == "delivery" and _english_lemma("deliveries") == "delivery"
    assert _english_lemma("address") == "address"
