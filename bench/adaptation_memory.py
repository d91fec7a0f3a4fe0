"""``python -m bench.adaptation_memory``: peak memory and time of the service's sentiment adaptation step.

A fresh SQLite database with ``--rated`` rated items (half 1★, half 5★) and ``--unrated`` unrated ones, each
with one or two opinion units whose stored vectors are ``--dim`` wide (float16, as the service stores them;
the item's polarity lives along one direction, so the workspace does adapt and every unit is re-scored).
Units are written directly (no extraction), so the figure is the adaptation step's own: tracemalloc's peak of
Python allocations (numpy included) during ``adapt_workspace_sentiment``, and its wall time.
To compare with another checkout, put it first on ``PYTHONPATH`` (its ``service`` package is measured).
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


class FlatTagger:
    """A generic sentiment head that knows nothing of the domain (the adapted head has to learn it)."""

    def sentiment_proba(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str] | None = None
    ) -> np.ndarray:
        return np.tile([0.35, 0.30, 0.35], (len(texts), 1))


class Backend:
    model_id = "bench-flat"
    tagger = FlatTagger()


def populate(engine: Any, rated: int, unrated: int, dim: int, seed: int = 0) -> str:
    """The workspace; returns its id."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from service.analysis.backend import to_compact_blob
    from service.models import FeedbackItem, OpinionUnit, Workspace
    from service.models.types import new_id, utcnow

    rng = np.random.default_rng(seed)
    with Session(engine) as s:
        ws = Workspace(name="bench")
        s.add(ws)
        s.commit()
        ws_id = ws.id
        n = rated + unrated
        for start in range(0, n, 5000):
            items, units = [], []
            for i in range(start, min(n, start + 5000)):
                polarity = -1 if i % 2 else 1
                rating = (1.0 if polarity < 0 else 5.0) if i < rated else None
                item_id = new_id()
                text = f"Article {i} {'cassant et fragile' if polarity < 0 else 'solide et robuste'}."
                now = utcnow()
                items.append(
                    {
                        "id": item_id,
                        "workspace_id": ws_id,
                        "source": "bench",
                        "text": text,
                        "language": "fr",
                        "kind": "review" if rating is not None else "ticket",
                        "rating": rating,
                        "content_hash": f"{i:064d}",
                        "created_at": now,
                        "received_at": now,
                    }
                )
                for k in range(1 + i % 2):
                    vec = rng.normal(0, 1, dim).astype(np.float32)
                    vec[0] += 2.0 * polarity
                    units.append(
                        {
                            "id": new_id(),
                            "workspace_id": ws_id,
                            "feedback_id": item_id,
                            "start": k * 100,
                            "end": k * 100 + len(text),
                            "text": text,
                            "language": "fr",
                            "effort": False,
                            "created_at": now,
                            "sentiment": "neutral",
                            "sentiment_score": 0.0,
                            "stage": "usage",
                            "embedding": to_compact_blob(vec / np.linalg.norm(vec)),
                            "embedding_model": Backend.model_id,
                        }
                    )
            s.execute(insert(FeedbackItem), items)
            s.execute(insert(OpinionUnit), units)
            s.commit()
    return ws_id


def run(rated: int, unrated: int, dim: int) -> dict[str, Any]:
    from sqlmodel import Session

    import service.analysis.adaptation as adaptation
    from service.analysis.extraction import AnalysisScope
    from service.db import get_engine, upgrade_to_head
    from service.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="fm-adapt-"))
    try:
        settings = Settings(database_url=f"sqlite:///{tmp / 'fm.db'}", data_dir=tmp, queue_immediate=True)
        upgrade_to_head(settings)
        engine = get_engine(settings)
        t0 = time.perf_counter()
        ws_id = populate(engine, rated, unrated, dim)
        populate_s = time.perf_counter() - t0
        bounded = "max_rated_per_class" in inspect.signature(adaptation.adapt_workspace_sentiment).parameters
        with Session(engine) as s:
            tracemalloc.start()
            t0 = time.perf_counter()
            report = adaptation.adapt_workspace_sentiment(s, ws_id, AnalysisScope(), Backend())  # type: ignore[arg-type]
            seconds = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return {
            "rated": rated,
            "unrated": unrated,
            "dim": dim,
            "code": "bounded (keyset + sample)" if bounded else "all in memory",
            "module": adaptation.__file__,
            "adapted": report.adapted if report else None,
            "rated_items_fitted": report.rated_items if report else None,
            "weight": report.weight if report else None,
            "seconds": round(seconds, 1),
            "populate_seconds": round(populate_s, 1),
            "peak_mib": round(peak / 2**20, 1),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.adaptation_memory", description=__doc__.split("\n")[0])
    p.add_argument("--rated", type=int, default=16000, help="rated items (half 1★, half 5★)")
    p.add_argument("--unrated", type=int, default=4000, help="unrated items (tickets)")
    p.add_argument("--dim", type=int, default=512, help="stored vector width")
    args = p.parse_args(argv)
    print(json.dumps(run(args.rated, args.unrated, args.dim)), flush=True)
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    raise SystemExit(main())
