"""Readable pain-point labels: keyphrases, a short label, 3–5 representative quotes, size and language mix.

Keyphrases come from class-based TF-IDF (BERTopic's c-TF-IDF: each cluster is one "document"; term weight =
in-cluster frequency × log(1 + average cluster size / term frequency across clusters)) over lemmas and
lemma bigrams (noun-phrase-like: "carte bloquer", "refund never"), with French and English stopwords removed
so that a bilingual cluster gets keyphrases from both of its languages. Lemmas are computed on at most
``max_units_per_cluster`` units per cluster (the closest to the centre), which bounds labelling cost on huge
corpora without changing what a reader sees.

Quotes are the units closest to the centroid, skipping near-duplicates of a quote already chosen (cosine above
``quote_max_sim`` or the same normalised text), so the 3–5 quotes show the irritant in different words.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from nlp.text.segmentation import lemmatize
from nlp.themes.clustering import Matrix

# Words that carry no irritant on their own in feedback, on top of the spaCy stopword lists.
_EXTRA_STOPWORDS = {
    "avoir",
    "être",
    "faire",
    "aller",
    "pouvoir",
    "vouloir",
    "devoir",
    "dire",
    "très",
    "trop",
    "plus",
    "bien",
    "tout",
    "rien",
    "jamais",
    "toujours",
    "encore",
    "alors",
    "donc",
    "aussi",
    "mais",
    "cependant",
    "vraiment",
    "fois",
    "chose",
    "get",
    "got",
    "would",
    "could",
    "should",
    "really",
    "also",
    "still",
    "even",
    "one",
    "just",
    "like",
    "know",
    "want",
    "need",
    "please",
    "thank",
    "thanks",
    "hi",
    "hello",
    "xxxx",
    "xx",
    "tell",
    "told",
    "say",
    "said",
    "ask",
    "asked",
    "go",
    "going",
    "make",
    "made",
    "take",
    "took",
    "use",
    "using",
    "im",
    "ive",
    "dont",
    "didnt",
    "can",
    "cant",
    "will",
    "wa",
    "ha",
    "doe",
    "let",
}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    return frozenset({w.lower() for w in EN} | {w.lower() for w in FR} | _EXTRA_STOPWORDS)


@dataclass
class ClusterLabel:
    cluster: int
    label: str
    keyphrases: list[str]
    quotes: list[int]  # unit indices, most central first
    size: int
    languages: dict[str, float] = field(default_factory=dict)  # share of units per language


def _terms(lemmas: list[str], stop: frozenset[str]) -> list[str]:
    # len > 2 also drops contraction stubs from the tokenizer ("wo", "ca" of won't / can't)
    words = [w for w in lemmas if len(w) > 2]
    unigrams = [w for w in words if w not in stop]
    # bigrams of adjacent content words: a cheap, language-neutral stand-in for noun phrases
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(words) if a not in stop and b not in stop]
    return unigrams + bigrams


def _select_keyphrases(scored: list[tuple[str, float]], k: int) -> list[str]:
    """Top terms; a bigram absorbs the unigrams it contains, and a unigram inside a chosen bigram is
    skipped.
    """
    chosen: list[str] = []
    for term, _ in scored:
        words = set(term.split())
        if any(term in c.split() for c in chosen if " " in c):
            continue
        if " " in term:
            # the phrase replaces the unigrams it covers: more readable ("carte bloquée" over "carte")
            chosen = [c for c in chosen if c not in words]
        chosen.append(term)
        if len(chosen) >= k:
            break
    return chosen


def make_label(keyphrases: Sequence[str], max_words: int = 5) -> str:
    """Short label: the top keyphrase, plus the next one when it adds different words and stays short."""
    if not keyphrases:
        return "(unlabelled)"
    parts = [keyphrases[0]]
    used = set(keyphrases[0].split())
    for phrase in keyphrases[1:]:
        words = phrase.split()
        if used.isdisjoint(words) and len(used) + len(words) <= max_words:
            parts.append(phrase)
            used |= set(words)
            break
    return " · ".join(parts)


def _f32(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def pick_quotes(
    members: np.ndarray,
    embeddings: Matrix,
    centroid: np.ndarray,
    texts: Sequence[str],
    n_max: int = 5,
    max_sim: float = 0.9,
) -> list[int]:
    if members.size == 0:
        return []
    # float16 matrices (the service's stored vectors) are widened per use: exact, as a float32 copy would be
    sims = _f32(embeddings[members]) @ centroid
    order = members[np.argsort(-sims, kind="stable")]
    chosen: list[int] = []
    seen: set[str] = set()
    for i in order[: max(50, n_max * 10)]:
        key = " ".join(texts[i].lower().split())
        if key in seen:
            continue
        if chosen and float(np.max(_f32(embeddings[chosen]) @ _f32(embeddings[i]))) > max_sim:
            continue
        chosen.append(int(i))
        seen.add(key)
        if len(chosen) >= n_max:
            break
    if len(chosen) < min(3, members.size):  # too homogeneous: fill with the next distinct units
        for i in order:
            if int(i) not in chosen:
                chosen.append(int(i))
            if len(chosen) >= min(3, members.size):
                break
    return chosen


def label_clusters(
    texts: Sequence[str],
    languages: Sequence[str],
    labels: np.ndarray,
    embeddings: Matrix,
    centroids: np.ndarray,
    n_keyphrases: int = 5,
    max_units_per_cluster: int = 200,
    quote_members: Sequence[np.ndarray] | None = None,
) -> list[ClusterLabel]:
    """Label every cluster id ``0..k-1`` present in ``labels`` (``-1`` ignored). ``quote_members``: per
    cluster id, the members its quotes are picked from (default: all of them; ``nlp.pipeline.themes.voiced``
    leaves out the members of the opposite tone)."""
    k = centroids.shape[0]
    if k == 0:
        return []
    stop = stopwords()
    members_of = [np.flatnonzero(labels == c) for c in range(k)]
    # the most central units of each cluster feed the keyphrases (bounded cost)
    sample_of: list[np.ndarray] = []
    for c, m in enumerate(members_of):
        if m.size > max_units_per_cluster:
            sims = _f32(embeddings[m]) @ centroids[c]
            m = np.sort(m[np.argsort(-sims, kind="stable")[:max_units_per_cluster]])
        sample_of.append(m)
    flat = np.concatenate(sample_of) if sample_of else np.zeros(0, dtype=np.int64)
    flat_list = [int(i) for i in flat]
    lemmas = lemmatize([texts[i] for i in flat_list], [languages[i] for i in flat_list])
    lemma_of = dict(zip(flat.tolist(), lemmas, strict=True))

    counts = [Counter(t for i in m for t in _terms(lemma_of[int(i)], stop)) for m in sample_of]
    total = Counter[str]()
    for cnt in counts:
        total.update(cnt)
    avg = max(1.0, sum(sum(cnt.values()) for cnt in counts) / k)
    out: list[ClusterLabel] = []
    for c, m in enumerate(members_of):
        n_terms = sum(counts[c].values()) or 1
        # terms seen once in a cluster are noise, unless the cluster has nothing else to say
        min_f = 2 if any(f >= 2 for f in counts[c].values()) else 1
        scored = sorted(
            ((t, (f / n_terms) * np.log1p(avg / total[t])) for t, f in counts[c].items() if f >= min_f),
            key=lambda kv: (-kv[1], kv[0]),
        )
        keyphrases = _select_keyphrases(scored, n_keyphrases)
        langs = Counter(languages[int(i)] for i in m)
        out.append(
            ClusterLabel(
                cluster=c,
                label=make_label(keyphrases),
                keyphrases=keyphrases,
                quotes=pick_quotes(
                    m if quote_members is None else quote_members[c], embeddings, centroids[c], texts
                ),
                size=int(m.size),
                languages={lang: round(n / m.size, 3) for lang, n in sorted(langs.items())} if m.size else {},
            )
        )
    return out
