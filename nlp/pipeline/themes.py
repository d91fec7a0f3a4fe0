"""Step 2 — themes: candidate units → pain points (negative units) and opportunities (positive units).

Each kind is clustered on its own in the contextualized space, then labelled. The result is positional
(members and quotes are indices into the units given), so the CLI and the service can attach ids their own
way: the CLI numbers them, the service matches them to stored pain points to keep ids stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from nlp.phases import phase
from nlp.themes.clustering import Clustering, ClusterParams, Rows, cluster_units
from nlp.themes.hierarchy import (
    HierarchyParams,
    group_centroid,
    merge_near_duplicates,
    similarities,
    theme_groups,
)
from nlp.themes.labelling import label_clusters
from nlp.themes.naming import bilingual_name, majority_language, name_themes

ThemeKind = Literal["pain", "opportunity"]
KIND_POLARITY: dict[ThemeKind, int] = {"pain": -1, "opportunity": 1}


@dataclass(frozen=True)
class ThemeCluster:
    kind: ThemeKind
    index: int  # cluster number within its kind: 0 = biggest (the CLI's ids are ``pp-{index+1}``)
    members: tuple[int, ...]  # indices into the units given to ``cluster_themes``
    similarity: tuple[float, ...]  # cosine of each member to the centroid, aligned with ``members``
    label: str
    keyphrases: tuple[str, ...]
    quotes: tuple[int, ...]  # indices into the units, most representative first
    centroid: np.ndarray
    languages: dict[str, float] = field(default_factory=dict)
    name: str = ""  # natural phrase in the preferred language (nlp.themes.naming)
    names: dict[str, str] = field(default_factory=dict)  # language -> name, for each language it has units in

    @property
    def size(self) -> int:
        return len(self.members)


# A theme is named and quoted without its members of the opposite tone when at least this many remain.
VOICE_MIN_UNITS = 2


def voiced(local: np.ndarray, tone: np.ndarray | None, sign: int) -> np.ndarray:
    """The members (``local``) a theme speaks through: all but those whose ``tone`` (the tagged sentiment,
    −1 / 0 / +1) is the opposite of its kind's ``sign`` — units tagged positive, for a pain point — when at
    least :data:`VOICE_MIN_UNITS` remain; else every member.

    Why: the pain-point candidates are chosen for recall (negative, a request for help, or not clearly
    positive), so a pain point can hold praise near its complaints ("Tout fonctionne." beside "Ne
    fonctionne pas."), and its most central phrase or quote may be the praise: a pain point was named
    "Marche parfaitement" (docs/benchmarks.md, "Pain points named from their complaints"). Neutral members
    (questions, tickets) keep their voice: requiring negative ones, or reading the score's sign instead of the
    tag, named support queries after a minority (polite requests score slightly positive)."""
    if tone is None or local.size == 0:
        return local
    keep = local[np.asarray(tone)[local] != -sign]
    return keep if keep.size >= VOICE_MIN_UNITS else local


def _themes_of_kind(
    kind: ThemeKind,
    idx: np.ndarray,
    clustering: Clustering,
    texts: Sequence[str],
    languages: Sequence[str],
    vectors: np.ndarray,
    language: str | None,
    tone: np.ndarray | None = None,
) -> list[ThemeCluster]:
    locals_ = [np.flatnonzero(clustering.labels == c) for c in range(clustering.n_clusters)]
    kind_tone = None if tone is None else np.asarray(tone, dtype=np.int8)[idx]
    voices = [voiced(local, kind_tone, KIND_POLARITY[kind]) for local in locals_]
    labels = label_clusters(  # quoted from the same voice the name comes from
        [texts[i] for i in idx],
        [languages[i] for i in idx],
        clustering.labels,
        Rows(vectors, idx),
        clustering.centroids,
        quote_members=voices,
    )
    out = []
    names = name_themes(
        [[texts[idx[j]] for j in voice] for voice in voices],
        [[languages[idx[j]] for j in voice] for voice in voices],
        [[float(clustering.similarity[j]) for j in voice] for voice in voices],
        preferred=language,
    )
    for lab, local, name in zip(labels, locals_, names, strict=True):
        out.append(
            ThemeCluster(
                kind=kind,
                index=lab.cluster,
                members=tuple(int(idx[j]) for j in local),
                similarity=tuple(float(clustering.similarity[j]) for j in local),
                label=lab.label,
                keyphrases=tuple(lab.keyphrases),
                quotes=tuple(int(idx[q]) for q in lab.quotes),
                centroid=clustering.centroids[lab.cluster],
                languages=dict(lab.languages),
                name=name.name,
                names=dict(name.names),
            )
        )
    return out


def cluster_themes(
    texts: Sequence[str],
    languages: Sequence[str],
    vectors: np.ndarray,
    polarity: np.ndarray,
    params: ClusterParams | None = None,
    language: str | None = None,
    hierarchy: HierarchyParams | None = None,
    tone: np.ndarray | None = None,
) -> list[ThemeCluster]:
    """Pain points from units with polarity -1, then opportunities from units with polarity +1.

    ``tone``: each unit's tagged sentiment as −1 / 0 / +1 (``nlp.tagging.aggregate.sentiment_signs``; None:
    no tagger); when given, a theme is named and
    quoted without its members of the opposite tone (:func:`voiced`).

    ``language``: the language each theme's ``name`` should be in when it has units in it (the workspace's
    setting, the CLI's ``--language``); default: the majority language of the units given.

    ``vectors`` are the contextualized unit vectors (``ExtractedUnits.vectors``, or what the service stored).
    Units that fit no cluster are left out (the clustering's ``max_unassigned`` bounds how many).
    Near-duplicate clusters are merged (``hierarchy.duplicate_sim``, nlp.themes.hierarchy).
    """
    hierarchy = hierarchy or HierarchyParams()
    out: list[ThemeCluster] = []
    pol = np.asarray(polarity)
    preferred = language or majority_language(languages)
    for kind, sign in KIND_POLARITY.items():
        idx = np.flatnonzero(pol == sign)
        if idx.size == 0:
            continue
        rows = Rows(vectors, idx)  # no copy of this kind's vectors (1M units: ~1 GB even in float16)
        with phase("clustering", kind=kind, units=idx.size):
            clustering = cluster_units(rows, params)
            clustering = merge_near_duplicates(clustering, rows, hierarchy.duplicate_sim)
        with phase("labelling_naming", kind=kind):
            out.extend(_themes_of_kind(kind, idx, clustering, texts, languages, vectors, preferred, tone))
    return out


@dataclass(frozen=True)
class ParentTheme:
    """A parent theme: pain points (or opportunities) about one subject, e.g. every refund irritant."""

    kind: ThemeKind
    index: int  # within its kind: 0 = biggest (the CLI's ids are ``th-{index+1}`` / ``ot-{index+1}``)
    children: tuple[int, ...]  # positions in the cluster list given to ``group_themes``
    members: tuple[int, ...]  # unit indices: the union of the children's members
    centroid: np.ndarray
    name: str = ""
    names: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.members)


def group_themes(
    clusters: Sequence[ThemeCluster],
    texts: Sequence[str],
    languages: Sequence[str],
    vectors: np.ndarray,
    language: str | None = None,
    params: HierarchyParams | None = None,
    tone: np.ndarray | None = None,
) -> list[ParentTheme]:
    """Parent themes over ``clusters`` (each kind on its own), named from their units like pain points
    (without their members of the opposite ``tone``, as :func:`cluster_themes`)."""
    params = params or HierarchyParams()
    preferred = language or majority_language(languages)
    out: list[ParentTheme] = []
    for kind in KIND_POLARITY:
        pos = [i for i, c in enumerate(clusters) if c.kind == kind]
        if not pos:
            continue
        groups = theme_groups(
            np.vstack([clusters[i].centroid for i in pos]), [clusters[i].size for i in pos], params
        )
        parts = []
        for g in range(int(groups.max()) + 1):
            children = tuple(pos[j] for j in np.flatnonzero(groups == g))
            members = tuple(sorted(m for c in children for m in clusters[c].members))
            centroid = group_centroid(Rows(vectors, np.asarray(members, dtype=np.int64)))
            parts.append((children, members, centroid))
        voices = [
            voiced(np.asarray(members, dtype=np.int64), tone, KIND_POLARITY[kind]) for _, members, _ in parts
        ]
        names = name_themes(
            [[texts[m] for m in voice] for voice in voices],
            [[languages[m] for m in voice] for voice in voices],
            [
                similarities(Rows(vectors, voice), centroid).tolist()
                for voice, (_, _, centroid) in zip(voices, parts, strict=True)
            ],
            preferred=preferred,
            min_words=params.theme_name_words,
        )
        for g, ((children, members, centroid), name) in enumerate(zip(parts, names, strict=True)):
            title = bilingual_name(name.names, [languages[m] for m in members], preferred) or name.name
            out.append(ParentTheme(kind, g, children, members, centroid, title, dict(name.names)))
    return out
