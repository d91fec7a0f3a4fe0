"""``python -m bench.adaptation_rescore --dir D``: the sentiment adaptation's re-scoring over a whole analysed
workspace, forced on.

A workspace whose ratings do not teach the text anything is not adapted (cross-validation keeps the generic
head), so the 1M run of ``bench.full_analysis`` never re-scores its units; a workspace that adapts does,
every unit of it. This times that pass on such a finished database (``--dir`` of ``bench.full_analysis``):
the rated sample and its units as the service reads them (``service.analysis.adaptation``), a polar head
fitted on them with ``--weight`` forced, then ``_rescore`` over every embedded unit with the production
backend's tagger, inside one transaction that is rolled back (the database is left as it was).
``--ignore-stored`` recomputes the text inputs the extraction stored (the code before 0013_unit_text_inputs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def run(directory: Path, weight: float, ignore_stored: bool, chunk: int) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sqlmodel import Session

    import service.analysis.adaptation as adaptation
    from nlp.tagging.adaptation import Adaptation, AdaptationReport, PolarHead
    from service.analysis.backend_factory import get_backend
    from service.analysis.extraction import AnalysisScope
    from service.db import get_engine
    from service.settings import Settings

    data = json.loads((directory / "generated.json").read_text())
    settings = Settings(database_url=f"sqlite:///{directory / 'fm.db'}", data_dir=directory)
    backend = get_backend(settings)
    proba = backend.tagger.sentiment_proba  # type: ignore[attr-defined]
    if ignore_stored:
        computed = adaptation._inputs

        def recompute(rows: Any, texts: Any, vectors: np.ndarray, p: Any) -> Any:
            return computed([], texts, vectors, p)  # no rows: the stored copies are never read

        adaptation._inputs = recompute  # type: ignore[assignment]
    ws, scope, model = data["workspace_id"], AnalysisScope(), backend.model_id
    with Session(get_engine(settings)) as session:
        t0, c0 = time.perf_counter(), time.process_time()
        sample = adaptation._rated_sample(session, ws, scope, model, adaptation.MAX_RATED_PER_CLASS, chunk)
        items = [item for item, _ in sample.items()]
        labels = {item: label for item, label in sample.items()}
        ids, texts, vectors, rows, read = adaptation._sample_units(session, ws, model, items, chunk)
        features, _generic = adaptation._inputs(read, texts, vectors, proba)
        y = np.array([labels[items[r]] for r in rows]) > 0
        fit = LogisticRegression(C=1.0, max_iter=500).fit(features, y)
        head = PolarHead(fit.coef_[0].astype(np.float64), float(fit.intercept_[0]))
        report = AdaptationReport(True, "forced", len(items), 0, 0, weight, None, None, 0, None, None)
        forced = Adaptation(head, weight, report, np.zeros((0, 3)))
        sample_s, sample_cpu = time.perf_counter() - t0, time.process_time() - c0
        t1, c1 = time.perf_counter(), time.process_time()
        seen = [0]

        def counted() -> Iterator[Sequence[Any]]:
            for page in adaptation._unit_pages(session, ws, scope, model, chunk):
                seen[0] += len(page)
                yield page

        changed = adaptation._rescore(session, counted(), forced, {}, proba)
        rescore_s, rescore_cpu = time.perf_counter() - t1, time.process_time() - c1
        session.rollback()
    return {
        "dir": str(directory),
        "stored_inputs": not ignore_stored,
        "weight": weight,
        "rated_offered": sample.offered,
        "sample_units": len(ids),
        "sample_s": round(sample_s, 1),
        "sample_cpu_s": round(sample_cpu, 1),
        "rescore_s": round(rescore_s, 1),
        "rescore_cpu_s": round(rescore_cpu, 1),
        "units_changed": changed,
        "units": seen[0],
        "rescore_ms_per_unit": round(1000 * rescore_s / max(1, seen[0]), 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.adaptation_rescore", description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True, help="a finished bench.full_analysis directory")
    p.add_argument("--weight", type=float, default=0.5, help="blend weight of the forced head")
    p.add_argument("--ignore-stored", action="store_true", help="recompute the stored text inputs")
    p.add_argument("--chunk", type=int, default=2000)
    args = p.parse_args()
    print(json.dumps(run(Path(args.dir), args.weight, args.ignore_stored, args.chunk), indent=1))


if __name__ == "__main__":
    main()
