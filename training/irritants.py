"""Bilingual known irritants across industries (issue 10): stage labels only, for the stage head alone.

``data/irritants_{fr,en}.jsonl`` are FR/EN pairs written for the project (a pair shares its ``group``), each
labelled with a journey stage by the rules of training/README.md. They are not ``seed_*`` files on purpose:
``load_seed`` does not read them, so the sentiment, emotion and effort heads never train on them.

Two fixed hashes of the pair group (no random state, stable when rows are added, never separating a sentence
from its translation):

- ``sha1(group) % 100 < HELDOUT_PERCENT`` → the held-out "bilingual known irritants" evaluation set, which
  nothing trains on or selects on;
- of the rest, ``sha1("dev:" + group) % 100 < DEV_PERCENT`` → the development part on which the stage recipe
  is chosen; the remainder is fitted on.

``data/irritants_more_{fr,en}.jsonl`` (issue 10, third round: 221 more pairs, adding delivery companies,
energy, public services and more finance) are training data only: they are split by the dev hash alone, so the
held-out set stays exactly the 64 pairs it was (adding them to the first files would have put ~30 % of them
into it and changed the evaluation set between rounds).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nlp.tagging.taxonomy import load_default_taxonomy
from training.corpus import DATA_DIR, Unit

HELDOUT_PERCENT = 30
DEV_PERCENT = 25
LANGS = ("fr", "en")
STAGES = tuple(load_default_taxonomy().stage_ids)  # the labels are the default journey's stages
DOMAINS = (
    "bank",
    "credit_card",
    "credit_report",
    "loan",
    "mortgage",
    "debt_collection",
    "telecom",
    "insurance",
    "mutuelle",
    "retail",
    "ecommerce",
    "travel",
    "airline",
    "utilities",
    "saas",
    "energy",
    "delivery",
    "public_services",
)
MORE_PREFIX = "irritants_more"  # fit/dev-only pairs: never held out


def _bucket(key: str) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 100


def part_of(group: str, can_hold_out: bool = True) -> str:
    """``"heldout"``, ``"dev"`` or ``"fit"`` for a pair group (never held out for the fit/dev-only files)."""
    if can_hold_out and _bucket(group) < HELDOUT_PERCENT:
        return "heldout"
    return "dev" if _bucket(f"dev:{group}") < DEV_PERCENT else "fit"


def load_irritants(data_dir: Path = DATA_DIR, prefix: str = "irritants") -> list[Unit]:
    """Every irritant unit of ``<prefix>_{fr,en}.jsonl``, validated (language, stage, domain, group present).

    ``prefix=MORE_PREFIX`` loads the fit/dev-only pairs (their units' ``source`` is ``irritants_more``)."""
    units: list[Unit] = []
    for lang in LANGS:
        path = data_dir / f"{prefix}_{lang}.jsonl"
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            where = f"{path.name}:{line_no}"
            if row.get("lang") != lang:
                raise ValueError(f"{where}: lang {row.get('lang')!r} in the {lang} file")
            if row.get("stage") not in STAGES:
                raise ValueError(f"{where}: stage must be one of {STAGES}, got {row.get('stage')!r}")
            if row.get("domain") not in DOMAINS:
                raise ValueError(f"{where}: domain must be one of {DOMAINS}, got {row.get('domain')!r}")
            if not row.get("group") or not str(row.get("text", "")).strip():
                raise ValueError(f"{where}: text and group are required")
            units.append(
                Unit(
                    text=row["text"],
                    lang=lang,
                    stage=row["stage"],
                    sentiment=None,
                    emotion=None,
                    effort=None,
                    effort_type=None,
                    group=row["group"],
                    domain=row["domain"],
                    source=prefix,
                )
            )
    return units


def parts(units: list[Unit]) -> dict[str, list[Unit]]:
    """``{"fit": …, "dev": …, "heldout": …}`` by the fixed group hashes (``irritants_more``: fit/dev)."""
    out: dict[str, list[Unit]] = {"fit": [], "dev": [], "heldout": []}
    for u in units:
        out[part_of(u.group or u.text, can_hold_out=u.source != MORE_PREFIX)].append(u)
    return out
