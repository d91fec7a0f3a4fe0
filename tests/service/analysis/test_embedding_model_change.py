"""Changing the embedding backend re-embeds stored units instead of mixing vector spaces (issue 3 item 3).

Two hashing embedders with different model ids and dimensions stand in for USE and MiniLM; the production
``NlpBackend`` and the real analysis job run on both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from nlp.embeddings import USE_SPEC, resolve_spec
from nlp.pipeline import Record
from nlp.tagging.types import UNKNOWN_STAGE
from service.analysis.backend import ClusterOut, UnitForClustering, vector
from service.analysis.nlp_backend import NlpBackend
from service.models import OpinionUnit, PainPoint
from service.settings import Settings
from tests.conftest import HashingEmbedder
from tests.service.analysis.test_incremental_space import COMPLAINTS, ingest_and_analyse
from tests.service.journey_map.test_journey_api import analyse, ingest


class OtherHashingEmbedder(HashingEmbedder):
    @property
    def model_id(self) -> str:
        return "test-hashing-other"


class LeavesOneOut(NlpBackend):
    """Leaves each cluster's last member unassigned, as the clustering does with outliers, so the job's
    leftover step (nearest surviving pain point) runs."""

    def cluster(self, units: Sequence[UnitForClustering]) -> list[ClusterOut]:
        return [replace(c, members=c.members[:-1]) for c in super().cluster(units) if len(c.members) > 1]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_new_embedding_model_reembeds_every_unit(
    client: TestClient,
    auth_headers: dict[str, str],
    engine: Engine,
    switchable_backend: dict[str, Any],
) -> None:
    ingest_and_analyse(client, auth_headers)
    with Session(engine) as s:
        pps = s.exec(select(PainPoint)).all()
        assert pps and {p.embedding_model for p in pps} == {"test-hashing"}
        touched = pps[0]
        touched.owner = "cx-team"  # a person works on it: it must survive the model change
        s.add(touched)
        s.commit()
        touched_id = touched.id

    switchable_backend["backend"] = LeavesOneOut(OtherHashingEmbedder(128), tagger=None)
    job = analyse(client, auth_headers)
    assert job["result"]["units"] == len(COMPLAINTS)
    with Session(engine) as s:
        units = s.exec(select(OpinionUnit)).all()
        assert len(units) == len(COMPLAINTS)
        assert {u.embedding_model for u in units} == {"test-hashing-other"}
        assert {vector(u.embedding).shape for u in units} == {(128,)}
        live = [p for p in s.exec(select(PainPoint)).all() if p.size > 0]
        assert live and {p.embedding_model for p in live} == {"test-hashing-other"}
        assert s.get(PainPoint, touched_id) is not None

    # Later items go through the incremental path in the new space only.
    ingest(client, auth_headers, [{"external_id": "late-twin", "text": COMPLAINTS[0], "rating": 1}])
    with Session(engine) as s:
        units = s.exec(select(OpinionUnit)).all()
        assert {u.embedding_model for u in units} == {"test-hashing-other"}
        assert {vector(u.embedding).shape for u in units} == {(128,)}


def test_service_resolves_auto_to_the_multilingual_space() -> None:
    """The default ``auto`` must give every workspace one stable space, whatever its first items' language."""
    assert resolve_spec("auto") == USE_SPEC
    assert (
        resolve_spec(" sentence-transformers:all-MiniLM-L6-v2 ") == "sentence-transformers:all-MiniLM-L6-v2"
    )
    assert resolve_spec(USE_SPEC) == USE_SPEC


def test_embedding_model_without_tagging_artifacts_gets_provisional_tags(tmp_path: Path) -> None:
    """A model nobody trained heads for (a customer's sentence-transformers path) still analyses: the units
    get rating-based tags and stage ``unknown`` instead of the job failing."""
    backend = NlpBackend.from_settings(Settings(models_dir=tmp_path, embedding_backend="use-multilingual"))
    assert backend.tagger is None
    units = backend.extract([Record("The parcel arrived two weeks late.", id="a", language="en", rating=1)])
    assert units and {u.tags.stage for u in units} == {UNKNOWN_STAGE}
    assert {u.tags.sentiment for u in units} == {"negative"}
