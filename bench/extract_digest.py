"""``python -m bench.extract_digest OUT.json``: what extraction stores, as one digest, to compare versions.

Extracts ``--n`` rows of Banking77 and of Allociné (as ``bench.extract_ratio`` picks and stores them) with the
production backend into a fresh SQLite database, then writes every stored unit (item, span, text, language,
tags, model, sha256 of the vector blob) sorted to OUT.json and prints the count and a sha256 of it. Run it on
two checkouts (``PYTHONPATH=<checkout>``) and compare the digests: issue 14's speed-ups must store the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fm-digest-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'fm.db'}",
        FRICTIONMAP_DATA_DIR=str(tmp),
        FRICTIONMAP_LOG_LEVEL="WARNING",
    )
    try:
        from sqlmodel import Session, select

        import bench.extract_ratio as br
        from service.db import dispose_engines, get_engine, upgrade_to_head
        from service.models import FeedbackItem, OpinionUnit
        from service.settings import Settings

        settings = Settings()
        upgrade_to_head(settings)
        rows = []
        with Session(get_engine(settings)) as s:
            for name in ("banking77", "allocine"):
                br._extract_all(s, br._store(s, name, br._texts(br.SETS[name], args.n)), settings)
            query = select(FeedbackItem.text, OpinionUnit).join(
                OpinionUnit, OpinionUnit.feedback_id == FeedbackItem.id
            )
            for item_text, u in s.exec(query):
                rows.append(
                    [
                        hashlib.sha256(item_text.encode()).hexdigest(),
                        *(u.start, u.end, u.text, u.language, u.sentiment, u.sentiment_score, u.emotion),
                        *(u.stage, u.stage_confidence, u.effort, u.effort_type, u.embedding_model),
                        hashlib.sha256(u.embedding or b"").hexdigest(),
                    ]
                )
        dispose_engines()
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        args.out.write_text(json.dumps(rows), encoding="utf-8")
        print(len(rows), hashlib.sha256(json.dumps(rows).encode()).hexdigest())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
