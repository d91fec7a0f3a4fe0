"""``python -m bench.naming``: theme names vs the names a person gave, on the bilingual labelled fixture.

Target (issue 11): ≥ 80% of pain points with ≥ 3 units have a name sharing a content word with the human name
of the irritant they hold, in each language present; no name with "·". Two settings: the true groups (naming
alone) and the pipeline's own pain points (``analyze_records`` with the ``auto`` backend, tagging off, so
clustering errors count too). A content word "matches" on the same folded word (``exact``) or the same crude
stem (``stem``: "remboursement" / "remboursé").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embeddings import get_embedder, resolve_spec
from nlp.pipeline import Record, analyze_records
from nlp.themes.name_tokens import TOKEN
from nlp.themes.naming import Method, fold_word, is_content_word, name_themes, word_key

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "naming" / "irritants.json"


def load_fixture(path: Path = FIXTURE) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["irritants"])


def shares_word(name: str, human: str, stem: bool) -> bool:
    norm = word_key if stem else fold_word
    words = {norm(m.group()) for m in TOKEN.finditer(name) if is_content_word(m.group())}
    return any(norm(m.group()) in words for m in TOKEN.finditer(human) if is_content_word(m.group()))


def _flat(irritants: list[dict[str, Any]]) -> tuple[list[str], list[str], list[int]]:
    texts, langs, truth = [], [], []
    for k, irr in enumerate(irritants):
        for lang, units in sorted(irr["units"].items()):
            texts += units
            langs += [lang] * len(units)
            truth += [k] * len(units)
    return texts, langs, truth


def _evaluate(
    groups: list[list[int]], names: list[dict[str, str]], irritants: list[dict[str, Any]], truth: list[int],
    langs: list[str],
) -> dict[str, Any]:  # fmt: skip
    hits: dict[str, Counter[str]] = {}
    dots = 0
    for members, nm in zip(groups, names, strict=True):
        dots += sum("·" in v for v in nm.values())
        for lang, name in nm.items():
            in_lang = [truth[i] for i in members if langs[i] == lang]
            if len(members) < 3 or not in_lang:
                continue
            human = irritants[Counter(in_lang).most_common(1)[0][0]][lang]
            c = hits.setdefault(lang, Counter())
            c["n"] += 1
            c["exact"] += shares_word(name, human, stem=False)
            c["stem"] += shares_word(name, human, stem=True)
    out: dict[str, Any] = {"names_with_dot": dots}
    for lang, c in sorted(hits.items()):
        out[lang] = {
            "n": c["n"],
            "exact": round(c["exact"] / c["n"], 3),
            "stem": round(c["stem"] / c["n"], 3),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.naming", description=__doc__)
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--show", action="store_true", help="print every name")
    args = parser.parse_args(argv)
    irritants = load_fixture(args.fixture)
    texts, langs, truth = _flat(irritants)
    embedder = get_embedder(resolve_spec(args.backend, langs))
    emb = embedder.encode(texts)
    result = analyze_records(
        [Record(text=t, language=g) for t, g in zip(texts, langs, strict=True)], embedder
    )
    # the pipeline's pain points as groups of fixture rows (one unit per row here, nearly always)
    pipe_groups = [sorted({result.units[i].row for i, u in enumerate(result.units) if u.pain_point == pp.id})
                   for pp in result.pain_points]  # fmt: skip
    true_groups = [[i for i, t in enumerate(truth) if t == k] for k in range(len(irritants))]
    report: dict[str, Any] = {"pain_points": len(result.pain_points)}
    method: Method
    for setting, groups in (("true_groups", true_groups), ("pipeline", pipe_groups)):
        for method in ("phrase", "medoid"):
            sims = []
            for g in groups:
                c = emb[g].mean(0)
                c /= max(float(np.linalg.norm(c)), 1e-12)
                sims.append([float(emb[i] @ c) for i in g])
            names = name_themes(
                [[texts[i] for i in g] for g in groups],
                [[langs[i] for i in g] for g in groups],
                sims,
                method=method,
            )
            report[f"{setting}/{method}"] = _evaluate(
                groups, [n.names for n in names], irritants, truth, langs
            )
            if args.show:
                for g, n in zip(groups, names, strict=True):
                    human = irritants[Counter(truth[i] for i in g).most_common(1)[0][0]]
                    print(f"{setting}/{method} [{len(g)}] {n.names}  <- {human['en']} / {human['fr']}")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
