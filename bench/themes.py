"""``python -m bench.themes``: pain points and parent themes vs human labels (issue 11).

Per set: units extracted once (``auto`` embedding backend, no tagger: every item is a complaint candidate),
then for each hierarchy setting the number of pain points and themes, V-measure of the documents' pain point
against the fine labels, V-measure of their theme against the coarse labels (and the fine ones), and the share
of documents outside any theme. Sets: Banking77 test (77 intents; no coarse level, themes scored against the
intents), CFPB complaints (Issue fine, Product coarse), the bilingual naming fixture (irritant).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import v_measure_score

from bench.datasets import DEFAULT_DIR, load
from bench.naming import _flat, load_fixture
from nlp.embeddings import get_embedder, resolve_spec
from nlp.pipeline import Record
from nlp.pipeline.extract import extract_units, item_languages
from nlp.pipeline.themes import cluster_themes, group_themes
from nlp.themes.hierarchy import HierarchyParams


def _doc_labels(rows: np.ndarray, n_docs: int, unit_group: dict[int, int]) -> list[int]:
    per: dict[int, Counter[int]] = {}
    for i, row in enumerate(rows):
        g = unit_group.get(i)
        if g is not None:
            per.setdefault(int(row), Counter())[g] += 1
    return [
        sorted(per[r].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if r in per else -1
        for r in range(n_docs)
    ]


def _v(truth: list[str], pred: list[int]) -> float:
    return round(float(v_measure_score(truth, pred)), 3)


def run_set(name: str, texts: list[str], fine: list[str], coarse: list[str], settings: list[HierarchyParams],
            langs: list[str] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    records = [Record(text=t, language=(langs[i] if langs else None)) for i, t in enumerate(texts)]
    item_langs = item_languages(records)
    embedder = get_embedder(resolve_spec("auto", item_langs))
    t = time.perf_counter()
    units = extract_units(records, embedder, languages=item_langs)
    print(
        f"[{name}] {len(units)} units, {embedder.model_id}, {time.perf_counter() - t:.0f}s", file=sys.stderr
    )
    out = []
    for hp in settings:
        clusters = cluster_themes(units.texts, units.languages, units.vectors, units.polarity, hierarchy=hp)
        pains = [c for c in clusters if c.kind == "pain"]
        parents = [p for p in group_themes(pains, units.texts, units.languages, units.vectors, params=hp)]
        pp_of = {m: k for k, c in enumerate(pains) for m in c.members}
        th_of = {m: k for k, p in enumerate(parents) for m in p.members}
        pp_docs = _doc_labels(units.rows, len(texts), pp_of)
        th_docs = _doc_labels(units.rows, len(texts), th_of)
        out.append(
            {
                "set": name,
                "duplicate_sim": hp.duplicate_sim,
                "theme_distance": hp.theme_distance,
                "relative": hp.relative,
                "pain_points": len(pains),
                "themes": len(parents),
                "V_pain_points_fine": _v(fine, pp_docs),
                "V_themes_coarse": _v(coarse, th_docs),
                "V_themes_fine": _v(fine, th_docs),
                "outside_any_theme": round(sum(1 for d in th_docs if d < 0) / len(th_docs), 3),
                "theme_names": [p.name for p in parents[:12]],
            }
        )
        print(json.dumps(out[-1], ensure_ascii=False), flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.themes", description=__doc__)
    parser.add_argument("--sets", default="fixture,cfpb,banking77")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--duplicate-sim", default="1.01,0.9")
    parser.add_argument("--theme-distance", default="0.4,0.5,0.6")
    parser.add_argument(
        "--absolute", action="store_true", help="theme distance as an absolute cosine distance"
    )
    args = parser.parse_args(argv)
    settings = [
        HierarchyParams(duplicate_sim=float(d), theme_distance=float(t), relative=not args.absolute)
        for d in args.duplicate_sim.split(",")
        for t in args.theme_distance.split(",")
    ]
    for name in args.sets.split(","):
        if name == "fixture":
            texts, langs, truth = _flat(load_fixture())
            labels = [str(k) for k in truth]
            run_set(name, texts, labels, labels, settings, langs)
        elif name == "cfpb":
            ds = load("cfpb", args.data_dir, limit=args.limit)
            run_set(name, ds.texts, ds.labels["Issue"], ds.labels["Product"], settings)
        else:
            ds = load(name, args.data_dir, limit=args.limit)
            run_set(name, ds.texts, ds.labels["category"], ds.labels["category"], settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
