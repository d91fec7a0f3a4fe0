"""``python -m bench.recluster_memory``: peak memory of ``recluster`` per unit, and its time.

A fresh SQLite database with ``--n`` feedback items (the journey test seed's texts, numbered copies), their
units extracted by the deterministic test backend with vectors widened to ``--dim`` dimensions (the
production encoders' width: the topic head plus small noise), then a first analysis and a re-analysis
(stable ids: everything matches). Peak memory is tracemalloc's peak of Python allocations (numpy included)
during each ``recluster`` call, so it is the step's own working set, not the process's.
To compare with another checkout, run this file with that checkout first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.recluster_memory", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=3000, help="feedback items")
    p.add_argument("--dim", type=int, default=512, help="stored vector width")
    p.add_argument("--float32-blobs", action="store_true", help="store units as before compact storage")
    args = p.parse_args()
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))  # tests.helpers, after whatever checkout PYTHONPATH names
    print(json.dumps(run(args.n, args.dim, args.float32_blobs)), flush=True)


def run(n: int, dim: int, float32_blobs: bool = False) -> dict[str, Any]:
    from sqlmodel import Session, select

    import service.analysis.extraction as extraction
    import service.analysis.runner as runner
    from service.analysis.backend import ClusterOut
    from service.analysis.extraction import AnalysisScope, extract_items
    from service.db import get_engine, upgrade_to_head
    from service.models import FeedbackItem, Workspace
    from service.settings import Settings
    from tests.helpers.journey_backend import TOPICS, TopicBackend
    from tests.service.journey_map.test_journey_api import seed_items

    class WideBackend(TopicBackend):
        """The test backend's topics, vectors ``dim`` wide, and a clustering that copies no vector (the
        test backend stacks each group as float64, which would hide the step's own memory)."""

        def _embed(self, text: str) -> np.ndarray:
            head = super()._embed(text)
            rng = np.random.default_rng(len(text))
            vec = np.concatenate([head, rng.normal(0, 0.01, dim - head.shape[0])])
            return (vec / np.linalg.norm(vec)).astype(np.float32)

        def cluster(self, units: Any) -> list[Any]:
            groups: dict[tuple[str, str], list[int]] = {}
            for i, u in enumerate(units):
                kind = {"negative": "pain", "positive": "opportunity"}.get(u.sentiment or "")
                head = u.embedding[: len(TOPICS)]
                if kind is not None and head.max() > 0.3:
                    groups.setdefault((kind, list(TOPICS)[int(np.argmax(head))]), []).append(i)
            out = []
            for (kind, topic), members in sorted(groups.items()):
                centroid = np.zeros(dim)
                for m in members:
                    centroid += units[m].embedding
                centroid /= np.linalg.norm(centroid)
                out.append(
                    ClusterOut(
                        kind, members, TOPICS[topic][0], centroid.astype(np.float32), quotes=members[:3]
                    )
                )
            return out

    if float32_blobs and hasattr(extraction, "to_compact_blob"):
        from service.analysis.backend import to_blob

        extraction.to_compact_blob = to_blob  # type: ignore[attr-defined]
    tmp = Path(tempfile.mkdtemp(prefix="fm-recluster-"))
    try:
        settings = Settings(database_url=f"sqlite:///{tmp / 'fm.db'}", data_dir=tmp, queue_immediate=True)
        upgrade_to_head(settings)
        engine = get_engine(settings)
        seed = seed_items()
        backend = WideBackend()
        with Session(engine) as s:
            ws = Workspace(name="bench")
            s.add(ws)
            s.flush()
            for i in range(n):
                item = seed[i % len(seed)]
                s.add(
                    FeedbackItem(
                        workspace_id=ws.id,
                        text=item["text"],
                        language=item.get("language") or "en",
                        external_id=str(i),
                        content_hash=f"{i:064d}",
                    )
                )
            s.commit()
            ids = list(s.exec(select(FeedbackItem.id).where(FeedbackItem.workspace_id == ws.id)).all())
            for start in range(0, len(ids), 500):
                extract_items(s, ws.id, ids[start : start + 500], backend)
            ws_id = ws.id
        blob = "float32" if float32_blobs or not hasattr(extraction, "to_compact_blob") else "float16"
        out: dict[str, Any] = {"items": n, "dim": dim, "blobs": blob, "runner": runner.__file__}
        for name in ("first", "again"):
            with Session(engine) as s:
                tracemalloc.start()
                t0 = time.perf_counter()
                result = runner.recluster(s, ws_id, AnalysisScope(), backend)
                seconds = time.perf_counter() - t0
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            out[name] = {
                "units": result.units,
                "assigned": result.assigned,
                "pain_points": len(result.created) + len(result.updated),
                "seconds": round(seconds, 2),
                "peak_mib": round(peak / 2**20, 1),
                "peak_bytes_per_unit": round(peak / max(1, result.units)),
            }
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
